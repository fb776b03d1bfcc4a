//! Local input: reading [`Document`]s from files and folders.
//!
//! [`read_path`] detects the kind of input and yields documents lazily:
//!
//! | input | documents |
//! |---|---|
//! | `.jsonl` / `.ndjson` | one per line: `{"url","title","published","outlet","text"}` or `{"url","html"}` |
//! | `.json` | a JSON Feed, or an array of the same objects as JSON Lines |
//! | `.html` / `.htm` (also `.gz`) | one page; `url` is `file://<absolute path>` |
//! | `.xml` / `.rss` / `.atom`, or content sniffed as a feed | one per feed entry |
//! | `.txt` | first line is the title, the rest the text |
//! | `.warc` / `.warc.gz` | one per HTML `response` record, streamed (see [`crate::warc`]) |
//! | `X.gz` | decompressed, then read as `X` |
//! | a folder | every supported file below it, in sorted path order |
//! | a Timeline17 root or topic folder | see [`crate::t17`] |
//!
//! Problems become error items ([`SourceError`], "path\[:line\]: reason") and
//! reading goes on: a bad JSON line, an empty file, a broken feed. Files of
//! unknown kind inside a folder are skipped silently; an explicit path that is
//! unreadable or of unknown kind is an error item.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use lede_model::Document;
use serde::Deserialize;

use crate::{decode_html, feeds, t17, SourceError};

/// Read every document at `path` (a file or a folder), lazily and in a
/// deterministic order. See the module docs for the supported kinds.
pub fn read_path(path: &Path) -> impl Iterator<Item = Result<Document, SourceError>> {
    let mut jobs = VecDeque::new();
    let mut pending = VecDeque::new();
    match std::fs::metadata(path) {
        Err(e) => pending.push_back(Err(SourceError::new(shown(path), e.to_string()))),
        Ok(m) if m.is_dir() => {
            if let Err(e) = plan_dir(path, &mut jobs) {
                pending.push_back(Err(e));
            }
        }
        Ok(_) => jobs.push_back(Job::File {
            path: path.to_path_buf(),
            explicit: true,
        }),
    }
    Reader {
        jobs,
        pending,
        stream: None,
    }
}

/// Kinds of files by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    JsonLines,
    Json,
    Html,
    Feed,
    Text,
    Warc,
}

fn kind_by_name(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "jsonl" | "ndjson" => Kind::JsonLines,
        "json" => Kind::Json,
        "html" | "htm" | "xhtml" => Kind::Html,
        "xml" | "rss" | "atom" | "rdf" => Kind::Feed,
        "txt" => Kind::Text,
        "warc" => Kind::Warc,
        _ => return None,
    })
}

enum Job {
    File {
        path: PathBuf,
        explicit: bool,
    },
    T17 {
        topic: PathBuf,
        date: NaiveDate,
        file: PathBuf,
    },
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// Plan the files of a folder, recursively and sorted. A folder with an
/// `InputDocs` subfolder is a Timeline17 topic.
fn plan_dir(dir: &Path, jobs: &mut VecDeque<Job>) -> Result<(), SourceError> {
    if t17::is_topic(dir) {
        for (_, date, file) in t17::topic_files(dir)? {
            jobs.push_back(Job::T17 {
                topic: dir.to_path_buf(),
                date,
                file,
            });
        }
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| SourceError::new(shown(dir), e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            if let Err(e) = plan_dir(&p, jobs) {
                tracing::warn!(error = %e, "skipping unreadable folder");
            }
        } else if p.is_file() {
            jobs.push_back(Job::File {
                path: p,
                explicit: false,
            });
        }
    }
    Ok(())
}

struct Reader {
    jobs: VecDeque<Job>,
    /// Items of the current file not yet returned.
    pending: VecDeque<Result<Document, SourceError>>,
    /// The file being streamed (JSON Lines, WARC), if any.
    stream: Option<Box<dyn Iterator<Item = Result<Document, SourceError>>>>,
}

impl Iterator for Reader {
    type Item = Result<Document, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if let Some(stream) = &mut self.stream {
                match stream.next() {
                    Some(item) => return Some(item),
                    None => self.stream = None,
                }
            }
            let job = self.jobs.pop_front()?;
            match job {
                Job::T17 { topic, date, file } => {
                    return Some(t17::read_file(&topic, date, &file));
                }
                Job::File { path, explicit } => match open_file(&path, explicit) {
                    Opened::Items(items) => self.pending.extend(items),
                    Opened::Stream(s) => self.stream = Some(s),
                    Opened::Skip => {}
                },
            }
        }
    }
}

enum Opened {
    Items(Vec<Result<Document, SourceError>>),
    Stream(Box<dyn Iterator<Item = Result<Document, SourceError>>>),
    Skip,
}

fn err_item(path: &Path, reason: impl Into<String>) -> Opened {
    Opened::Items(vec![Err(SourceError::new(shown(path), reason))])
}

fn file_url(path: &Path) -> String {
    let abs = std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    url::Url::from_file_path(&abs)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| format!("file://{}", abs.display()))
}

/// Open one file and turn it into documents (or a stream of them).
fn open_file(path: &Path, explicit: bool) -> Opened {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string();
    let lower = name.to_ascii_lowercase();
    let gz = lower.ends_with(".gz");
    let inner_name = if gz {
        &name[..name.len() - 3]
    } else {
        &name[..]
    };
    let mut kind = kind_by_name(inner_name);

    // JSON Lines that are not compressed are streamed line by line.
    if kind == Some(Kind::JsonLines) && !gz {
        return match std::fs::File::open(path) {
            Ok(f) => match f.metadata() {
                Ok(m) if m.len() == 0 => err_item(path, "empty file"),
                _ => Opened::Stream(Box::new(JsonLines::new(path, Box::new(BufReader::new(f))))),
            },
            Err(e) => err_item(path, e.to_string()),
        };
    }
    // WARC files (gzipped or not: the reader tells by the magic bytes) are
    // streamed record by record; they can be gigabytes.
    if kind == Some(Kind::Warc) {
        return match crate::warc::open_warc(path) {
            Ok(r) => Opened::Stream(Box::new(WarcItems {
                reader: r,
                seen_any: false,
                path: shown(path),
            })),
            Err(e) => Opened::Items(vec![Err(e)]),
        };
    }
    if kind.is_none() && !explicit {
        // Unknown kinds in folders: only a quick sniff for feeds and pages.
        match sniff_file(path, gz) {
            Some(k) => kind = Some(k),
            None => return Opened::Skip,
        }
    }
    let bytes = match read_all(path, gz) {
        Ok(b) => b,
        Err(e) => return err_item(path, e),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return err_item(path, "empty file");
    }
    let kind = match kind.or_else(|| sniff_bytes(&bytes)) {
        Some(k) => k,
        None => {
            return err_item(
                path,
                "unsupported file type (expected .jsonl, .json, .html, .xml/.rss/.atom, .txt or a feed)",
            )
        }
    };
    let shown_path = shown(path);
    match kind {
        Kind::JsonLines => Opened::Stream(Box::new(JsonLines::new(
            path,
            Box::new(BufReader::new(std::io::Cursor::new(bytes))),
        ))),
        Kind::Warc => unreachable!("WARC files are streamed above"),
        Kind::Html => Opened::Items(vec![Ok(Document {
            url: file_url(path),
            html: Some(decode_html(&bytes, None)),
            ..Default::default()
        })]),
        Kind::Feed => Opened::Items(match feeds::parse_feed(&bytes, &shown_path) {
            Ok(f) if f.documents.is_empty() => {
                vec![Err(SourceError::new(shown_path, "feed has no entries"))]
            }
            Ok(f) => f.documents.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        }),
        Kind::Json => Opened::Items(read_json(path, &bytes)),
        Kind::Text => Opened::Items(vec![read_text(path, &bytes)]),
    }
}

/// Read one HTML file (`.gz` decompressed) and decode its charset.
pub fn read_html_file(path: &Path) -> Result<String, SourceError> {
    let gz = path.extension().is_some_and(|e| e == "gz");
    let bytes = read_all(path, gz).map_err(|e| SourceError::new(path.display().to_string(), e))?;
    Ok(crate::decode_html(&bytes, None))
}

fn read_all(path: &Path, gz: bool) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    if gz {
        flate2::read::MultiGzDecoder::new(f)
            .read_to_end(&mut out)
            .map_err(|e| format!("bad gzip data: {e}"))?;
    } else {
        BufReader::new(f)
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Sniff the first KB of a file of unknown kind.
fn sniff_file(path: &Path, gz: bool) -> Option<Kind> {
    let f = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(1024);
    let r: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(f))
    } else {
        Box::new(f)
    };
    r.take(1024).read_to_end(&mut head).ok()?;
    sniff_bytes(&head)
}

fn sniff_bytes(head: &[u8]) -> Option<Kind> {
    if feeds::sniff_feed(head) {
        return Some(Kind::Feed);
    }
    let s = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_ascii_lowercase();
    let t = s.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with("<!doctype html") || t.starts_with("<html")).then_some(Kind::Html)
}

/// One JSON Lines / JSON array record.
/// Unknown fields are ignored.
#[derive(Debug, Deserialize)]
struct Record {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default, alias = "author")]
    byline: Option<String>,
    #[serde(default, alias = "lang")]
    language: Option<String>,
}

/// Publication date of a record: RFC 3339 or YYYY-MM-DD (00:00 UTC).
pub(crate) fn parse_published(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(dt) = d.and_hms_opt(0, 0, 0) {
            return Ok(Utc.from_utc_datetime(&dt));
        }
    }
    Err(format!(
        "bad published date {s:?} (expected RFC 3339 or YYYY-MM-DD)"
    ))
}

fn record_to_doc(r: Record, fallback_url: String) -> Result<Document, String> {
    let nonblank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    let text = nonblank(r.text);
    let html = nonblank(r.html);
    if text.is_none() && html.is_none() {
        return Err("record has neither \"text\" nor \"html\"".into());
    }
    let published = match r.published.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => Some(parse_published(p)?),
        _ => None,
    };
    Ok(Document {
        url: nonblank(r.url).unwrap_or(fallback_url),
        html,
        text,
        title: nonblank(r.title),
        published,
        outlet: nonblank(r.outlet),
        byline: nonblank(r.byline),
        language: nonblank(r.language),
    })
}

/// A WARC file's documents; a file without any HTML page is an error item,
/// like an empty file of another kind.
struct WarcItems {
    reader: crate::warc::WarcReader<std::fs::File>,
    seen_any: bool,
    path: String,
}

impl Iterator for WarcItems {
    type Item = Result<Document, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.next() {
            Some(item) => {
                self.seen_any = true;
                Some(item)
            }
            None if !self.seen_any => {
                self.seen_any = true;
                Some(Err(SourceError::new(
                    &self.path,
                    "no HTML response records in this WARC file",
                )))
            }
            None => None,
        }
    }
}

/// Streams a JSON Lines file, one item per non-blank line.
struct JsonLines {
    path: String,
    url: String,
    reader: Box<dyn BufRead>,
    line_no: usize,
    seen_any: bool,
    done: bool,
}

impl JsonLines {
    fn new(path: &Path, reader: Box<dyn BufRead>) -> Self {
        JsonLines {
            path: shown(path),
            url: file_url(path),
            reader,
            line_no: 0,
            seen_any: false,
            done: false,
        }
    }
}

impl Iterator for JsonLines {
    type Item = Result<Document, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match self.reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    self.done = true;
                    return (!self.seen_any)
                        .then(|| Err(SourceError::new(&self.path, "empty file")));
                }
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(SourceError::at_line(
                        &self.path,
                        self.line_no + 1,
                        e.to_string(),
                    )));
                }
            }
            self.line_no += 1;
            let line = String::from_utf8_lossy(&buf);
            let line = line.trim().trim_start_matches('\u{feff}');
            if line.is_empty() {
                continue;
            }
            self.seen_any = true;
            let n = self.line_no;
            let res = serde_json::from_str::<Record>(line)
                .map_err(|e| format!("invalid JSON record: {e}"))
                .and_then(|r| record_to_doc(r, format!("{}#L{n}", self.url)))
                .map_err(|reason| SourceError::at_line(&self.path, n, reason));
            return Some(res);
        }
    }
}

/// A `.json` file: a JSON Feed, or an array of records like JSON Lines.
fn read_json(path: &Path, bytes: &[u8]) -> Vec<Result<Document, SourceError>> {
    let shown_path = shown(path);
    if feeds::sniff_feed(bytes) {
        return match feeds::parse_feed(bytes, &shown_path) {
            Ok(f) => f.documents.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
    }
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            return vec![Err(SourceError::new(
                shown_path,
                format!("invalid JSON: {e}"),
            ))]
        }
    };
    let serde_json::Value::Array(items) = value else {
        return vec![Err(SourceError::new(
            shown_path,
            "JSON file is neither a JSON Feed nor an array of records",
        ))];
    };
    let url = file_url(path);
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value::<Record>(v)
                .map_err(|e| format!("invalid record: {e}"))
                .and_then(|r| record_to_doc(r, format!("{url}#{}", i + 1)))
                .map_err(|reason| {
                    SourceError::new(&shown_path, format!("item {}: {reason}", i + 1))
                })
        })
        .collect()
}

/// A `.txt` file: the first non-blank line is the title, the rest the text.
fn read_text(path: &Path, bytes: &[u8]) -> Result<Document, SourceError> {
    let s = String::from_utf8(bytes.to_vec())
        .unwrap_or_else(|_| encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned());
    let s = s.trim_start_matches('\u{feff}');
    let mut lines = s.lines().skip_while(|l| l.trim().is_empty());
    let title = lines.next().map(|l| l.trim().to_string());
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    let (title, text) = if body.is_empty() {
        (None, title.unwrap_or_default())
    } else {
        (title, body)
    };
    if text.is_empty() {
        return Err(SourceError::new(shown(path), "empty file"));
    }
    Ok(Document {
        url: file_url(path),
        text: Some(text),
        title,
        ..Default::default()
    })
}
