//! WARC input: a streaming reader of `.warc` and `.warc.gz` files (such as
//! Common Crawl's CC-NEWS), yielding the HTML pages of `response` records as
//! [`Document`]s, record by record in constant memory.
//!
//! - `url` is `WARC-Target-URI`, `published` is `WARC-Date` (the capture time:
//!   the extract stage prefers a date found in the page), `html` is the HTTP
//!   body after the HTTP headers, decoded with the charset of the HTTP
//!   `Content-Type` (else the page's own `<meta charset>`).
//! - Only `response` records of `application/http` with a 2xx status and an
//!   HTML body become documents; `warcinfo`, `request`, `metadata`, redirects,
//!   images... are skipped silently.
//! - A record whose block is over the size limit is skipped with an error
//!   item, its bytes read and dropped, never buffered. Headers and lines are
//!   bounded too, so no input can make the reader hold more than about the
//!   record limit plus 128 KB.
//! - A gzipped file is read member by member (the usual layout gives each
//!   record its own member). A record whose `Content-Length` lies, or a file
//!   cut short, gives an error item; reading resumes at the next gzip member
//!   or the next `WARC/1.x` line.
//!
//! Hand-written rather than the `warc` crate (0.4): that crate reads header
//! lines without a bound, cannot resynchronise after a wrong
//! `Content-Length`, rejects records lacking optional fields, and its
//! `from_path` opens files with `create(true)`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use chrono::{DateTime, Utc};
use flate2::bufread::GzDecoder;
use lede_model::Document;

use crate::{decode_html, SourceError};

/// Default limit on one record's block (HTTP headers and body), in bytes.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 10 * 1024 * 1024;
/// Limit on a WARC header block and on an HTTP response head.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Longest line kept while looking for a record start; longer ones are dropped.
const MAX_LINE_BYTES: usize = 8 * 1024;
const BUF_BYTES: usize = 64 * 1024;

/// Open a `.warc` or `.warc.gz` file (gzip is recognised by its magic bytes).
pub fn open_warc(path: &Path) -> Result<WarcReader<File>, SourceError> {
    let f = File::open(path)
        .map_err(|e| SourceError::new(path.display().to_string(), e.to_string()))?;
    Ok(WarcReader::new(f, path.display().to_string()))
}

/// Streams the HTML pages of a WARC file. See the module docs.
pub struct WarcReader<R: Read> {
    input: BufReader<Source<R>>,
    name: String,
    max_record_bytes: usize,
    /// Records started so far (1-based number of the current one).
    record_no: usize,
    /// Skipping to the next record after a problem already reported.
    resyncing: bool,
    /// A `WARC/` line read while checking the previous record's end.
    pending_version: bool,
    done: bool,
}

impl<R: Read> WarcReader<R> {
    /// Read WARC records from `input`, gzipped or not; `name` (usually the
    /// path) is used in error items.
    pub fn new(input: R, name: impl Into<String>) -> Self {
        let mut raw = BufReader::with_capacity(BUF_BYTES, input);
        let gzip = matches!(raw.fill_buf(), Ok(b) if b.starts_with(&[0x1f, 0x8b]));
        let source = if gzip {
            Source::Gzip(GzMembers {
                dec: Some(GzDecoder::new(raw)),
            })
        } else {
            Source::Plain(raw)
        };
        WarcReader {
            input: BufReader::with_capacity(BUF_BYTES, source),
            name: name.into(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            record_no: 0,
            resyncing: false,
            pending_version: false,
            done: false,
        }
    }

    /// Records whose block is larger than `bytes` are skipped with an error.
    pub fn with_max_record_bytes(mut self, bytes: usize) -> Self {
        self.max_record_bytes = bytes;
        self
    }

    fn err(&self, reason: impl std::fmt::Display) -> SourceError {
        SourceError::new(&self.name, format!("record {}: {reason}", self.record_no))
    }

    /// Read one line (up to and without `\n`, `\r` trimmed).
    fn read_line(&mut self, max: usize) -> io::Result<Line> {
        let mut line = Vec::new();
        let mut too_long = false;
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(if line.is_empty() && !too_long {
                    Line::SegmentEnd
                } else if too_long {
                    Line::TooLong
                } else {
                    Line::Text(trim_cr(line))
                });
            }
            let (chunk, found) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[..i], Some(i + 1)),
                None => (buf, None),
            };
            if !too_long {
                if line.len() + chunk.len() > max {
                    too_long = true;
                    line.clear();
                } else {
                    line.extend_from_slice(chunk);
                }
            }
            let used = found.unwrap_or(buf.len());
            self.input.consume(used);
            if found.is_some() {
                return Ok(if too_long {
                    Line::TooLong
                } else {
                    Line::Text(trim_cr(line))
                });
            }
        }
    }

    /// Read up to `n` bytes into `out` (when given) or drop them; returns how
    /// many there were before the segment ended.
    fn take(&mut self, n: u64, mut out: Option<&mut Vec<u8>>) -> io::Result<u64> {
        let mut left = n;
        while left > 0 {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let k = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            if let Some(out) = out.as_deref_mut() {
                out.extend_from_slice(&buf[..k]);
            }
            self.input.consume(k);
            left -= k as u64;
        }
        Ok(n - left)
    }

    /// The next item, or None at the end of the input.
    fn next_item(&mut self) -> io::Result<Option<Result<Document, SourceError>>> {
        loop {
            // 1. The version line.
            if !self.pending_version {
                match self.read_line(MAX_LINE_BYTES)? {
                    Line::SegmentEnd => {
                        if self.input.get_mut().next_segment()? {
                            // A new gzip member is a clean record start.
                            self.resyncing = false;
                            continue;
                        }
                        return Ok(None);
                    }
                    Line::Text(l) if l.is_empty() => continue,
                    Line::Text(l) if l.starts_with(b"WARC/") => {}
                    _ => {
                        if !self.resyncing {
                            self.resyncing = true;
                            let e = SourceError::new(
                                &self.name,
                                format!(
                                    "after record {}: not a WARC record header; skipping to the next record",
                                    self.record_no
                                ),
                            );
                            return Ok(Some(Err(e)));
                        }
                        continue;
                    }
                }
            }
            self.pending_version = false;
            self.resyncing = false;
            self.record_no += 1;

            // 2. The WARC header block.
            let mut headers: Vec<(String, String)> = Vec::new();
            let mut head_bytes = 0;
            loop {
                match self.read_line(MAX_HEAD_BYTES)? {
                    Line::Text(l) if l.is_empty() => break,
                    Line::Text(l) => {
                        head_bytes += l.len() + 2;
                        if head_bytes > MAX_HEAD_BYTES {
                            self.resyncing = true;
                            return Ok(Some(Err(self.err(format!(
                                "WARC header over {MAX_HEAD_BYTES} bytes; skipped"
                            )))));
                        }
                        let l = String::from_utf8_lossy(&l).into_owned();
                        if l.starts_with([' ', '\t']) {
                            if let Some(last) = headers.last_mut() {
                                last.1.push(' ');
                                last.1.push_str(l.trim());
                            }
                        } else if let Some((k, v)) = l.split_once(':') {
                            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                        }
                    }
                    Line::TooLong => {
                        self.resyncing = true;
                        return Ok(Some(Err(self.err(format!(
                            "WARC header over {MAX_HEAD_BYTES} bytes; skipped"
                        )))));
                    }
                    Line::SegmentEnd => {
                        self.resyncing = true;
                        return Ok(Some(Err(
                            self.err("truncated: the input ends inside a WARC header")
                        )));
                    }
                }
            }
            let get = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            let uri = get("warc-target-uri")
                .map(|u| u.trim_start_matches('<').trim_end_matches('>').to_string());
            let shown_uri = uri.clone().unwrap_or_default();
            let Some(len) = get("content-length").and_then(|v| v.parse::<u64>().ok()) else {
                self.resyncing = true;
                return Ok(Some(Err(
                    self.err("missing or invalid Content-Length; skipped")
                )));
            };
            let wanted = get("warc-type").is_some_and(|t| t.eq_ignore_ascii_case("response"))
                && get("content-type")
                    .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/http"));
            let date = get("warc-date").and_then(|d| {
                DateTime::parse_from_rfc3339(d)
                    .ok()
                    .map(|d| d.with_timezone(&Utc))
            });

            // 3. The block: kept only when wanted and small enough.
            let over = len > self.max_record_bytes as u64;
            let mut block = Vec::new();
            let got = if wanted && !over {
                block.reserve(len as usize);
                self.take(len, Some(&mut block))?
            } else {
                self.take(len, None)?
            };
            if got < len {
                self.resyncing = true;
                return Ok(Some(Err(self.err(format!(
                    "{shown_uri}: record ends after {got} of its {len} bytes (file cut short, or a wrong Content-Length)"
                )))));
            }

            // 4. The end of the record: two empty lines (or the segment's end).
            if let Err(found) = self.record_end()? {
                self.resyncing = !self.pending_version;
                return Ok(Some(Err(self.err(format!(
                    "{shown_uri}: Content-Length {len} does not match the record ({found} after it); skipped"
                )))));
            }
            if over && wanted {
                return Ok(Some(Err(self.err(format!(
                    "{shown_uri}: record of {len} bytes is over the limit of {} bytes; skipped",
                    self.max_record_bytes
                )))));
            }
            if !wanted {
                continue;
            }
            let Some(url) = uri.filter(|u| !u.is_empty()) else {
                return Ok(Some(Err(
                    self.err("response record without WARC-Target-URI; skipped")
                )));
            };
            match http_html(&block, self.max_record_bytes) {
                Ok(Some((content_type, body))) => {
                    return Ok(Some(Ok(Document {
                        url,
                        html: Some(decode_html(&body, content_type.as_deref())),
                        published: date,
                        ..Default::default()
                    })));
                }
                Ok(None) => continue,
                Err(reason) => return Ok(Some(Err(self.err(format!("{url}: {reason}"))))),
            }
        }
    }

    /// Check the two empty lines ending a record. Err names what was found.
    fn record_end(&mut self) -> io::Result<Result<(), &'static str>> {
        for _ in 0..2 {
            match self.read_line(MAX_LINE_BYTES)? {
                Line::SegmentEnd => return Ok(Ok(())),
                Line::Text(l) if l.is_empty() => {}
                Line::Text(l) if l.starts_with(b"WARC/") => {
                    self.pending_version = true;
                    return Ok(Err("the next record's header"));
                }
                _ => return Ok(Err("more content")),
            }
        }
        Ok(Ok(()))
    }
}

impl<R: Read> Iterator for WarcReader<R> {
    type Item = Result<Document, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_item() {
            Ok(Some(item)) => Some(item),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                let reason = match e.kind() {
                    io::ErrorKind::UnexpectedEof => {
                        "truncated: the gzip data ends early".to_string()
                    }
                    _ => format!("unreadable: {e}"),
                };
                Some(Err(SourceError::new(
                    &self.name,
                    format!("after record {}: {reason}", self.record_no),
                )))
            }
        }
    }
}

enum Line {
    Text(Vec<u8>),
    TooLong,
    /// The input (or the current gzip member) has ended.
    SegmentEnd,
}

fn trim_cr(mut l: Vec<u8>) -> Vec<u8> {
    if l.last() == Some(&b'\r') {
        l.pop();
    }
    l
}

/// The input: plain bytes, or gzip members read one at a time so that a
/// member's end is visible to the parser.
enum Source<R: Read> {
    Plain(BufReader<R>),
    Gzip(GzMembers<BufReader<R>>),
}

struct GzMembers<B: BufRead> {
    dec: Option<GzDecoder<B>>,
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(buf),
            Source::Gzip(g) => match &mut g.dec {
                Some(d) => d.read(buf),
                None => Ok(0),
            },
        }
    }
}

impl<R: Read> Source<R> {
    /// Move to the next gzip member; false at the end of the input.
    fn next_segment(&mut self) -> io::Result<bool> {
        let Source::Gzip(g) = self else {
            return Ok(false);
        };
        let Some(dec) = g.dec.take() else {
            return Ok(false);
        };
        let mut raw = dec.into_inner();
        if raw.fill_buf()?.is_empty() {
            return Ok(false);
        }
        g.dec = Some(GzDecoder::new(raw));
        Ok(true)
    }
}

/// An HTML page from a response: its Content-Type header and decoded body.
type HtmlBody = (Option<String>, Vec<u8>);

/// The HTML body of an HTTP response block: `Ok(None)` when it is not a 2xx
/// HTML response (skipped silently), `Err` when it is malformed.
fn http_html(block: &[u8], limit: usize) -> Result<Option<HtmlBody>, String> {
    let head_end = find(&block[..block.len().min(MAX_HEAD_BYTES)], b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| find(&block[..block.len().min(MAX_HEAD_BYTES)], b"\n\n").map(|i| (i, i + 2)))
        .ok_or("HTTP response head missing or over 64 KB")?;
    let head = String::from_utf8_lossy(&block[..head_end.0]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.split_whitespace();
    if !parts.next().is_some_and(|p| p.starts_with("HTTP/")) {
        return Err(format!(
            "not an HTTP response: {:?}",
            truncate(status_line, 60)
        ));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad HTTP status line: {:?}", truncate(status_line, 60)))?;
    if !(200..300).contains(&status) {
        return Ok(None);
    }
    let mut content_type = None;
    let mut chunked = false;
    let mut encoding = None;
    for l in lines {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        if k.eq_ignore_ascii_case("content-type") {
            content_type = Some(v.to_string());
        } else if k.eq_ignore_ascii_case("transfer-encoding") {
            chunked = v.to_ascii_lowercase().contains("chunked");
        } else if k.eq_ignore_ascii_case("content-encoding") {
            encoding = Some(v.to_ascii_lowercase());
        }
    }
    let body = &block[head_end.1..];
    let html_type = |ct: &str| {
        let ct = ct.to_ascii_lowercase();
        ct.starts_with("text/html") || ct.starts_with("application/xhtml")
    };
    match content_type.as_deref() {
        Some(ct) if !html_type(ct) => return Ok(None),
        None if !looks_like_html(body) => return Ok(None),
        _ => {}
    }
    let body = if chunked {
        dechunk(body).ok_or("bad chunked transfer encoding")?
    } else {
        body.to_vec()
    };
    let body = match encoding.as_deref() {
        None | Some("identity") | Some("") => body,
        Some("gzip") | Some("x-gzip") => {
            inflate(flate2::read::MultiGzDecoder::new(&body[..]), limit)?
        }
        Some("deflate") => inflate(flate2::read::ZlibDecoder::new(&body[..]), limit)?,
        Some(other) => return Err(format!("unsupported Content-Encoding {other:?}")),
    };
    Ok(Some((content_type, body)))
}

fn looks_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    let t = head.trim_start_matches('\u{feff}').trim_start();
    t.starts_with("<!doctype html") || t.starts_with("<html")
}

fn inflate(r: impl Read, limit: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    r.take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("bad compressed body: {e}"))?;
    if out.len() > limit {
        return Err(format!("decompressed body over the limit of {limit} bytes"));
    }
    Ok(out)
}

/// Undo HTTP/1.1 chunked transfer coding (extensions and trailers ignored).
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let nl = data.iter().position(|&b| b == b'\n')?;
        let size_line = std::str::from_utf8(&data[..nl]).ok()?;
        let size_hex = size_line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        data = &data[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        if size > data.len() {
            // A cut-off last chunk: keep what is there.
            out.extend_from_slice(data);
            return Some(out);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .unwrap_or(data);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunking() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n").unwrap(),
            b"Wikipedia"
        );
        assert_eq!(dechunk(b"4\r\nWi").unwrap(), b"Wi");
        assert!(dechunk(b"zz\r\nx").is_none());
    }

    #[test]
    fn http_blocks() {
        let ok =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<p>caf\xe9</p>";
        let (ct, body) = http_html(ok, 1000).unwrap().unwrap();
        assert_eq!(ct.as_deref(), Some("text/html; charset=iso-8859-1"));
        assert_eq!(decode_html(&body, ct.as_deref()), "<p>café</p>");
        let redirect = b"HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n";
        assert_eq!(http_html(redirect, 1000).unwrap(), None);
        let image = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG";
        assert_eq!(http_html(image, 1000).unwrap(), None);
        assert!(http_html(b"garbage with no head", 1000).is_err());
        assert!(http_html(b"GET / HTTP/1.1\r\n\r\n", 1000).is_err());
        let br = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\nxx";
        assert!(http_html(br, 1000).unwrap_err().contains("br"));
    }

    #[test]
    fn compressed_http_body_is_bounded() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&vec![b'a'; 100_000]).unwrap();
        let gz = gz.finish().unwrap();
        let mut block =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
        block.extend_from_slice(&gz);
        let (_, body) = http_html(&block, 200_000).unwrap().unwrap();
        assert_eq!(body.len(), 100_000);
        let err = http_html(&block, 1000).unwrap_err();
        assert!(err.contains("over the limit"), "{err}");
    }
}
