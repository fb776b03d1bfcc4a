//! Fetching: getting raw [`Document`]s from disk and from the network, for the
//! extract stage to turn into articles.
//!
//! - [`files`]: local input — JSON Lines, HTML (also gzipped), feed files, plain
//!   text, folders of those, and the Timeline17 corpus layout.
//! - [`clusters`]: pre-clustered stories (JSON Lines of document lists) for
//!   `lede write` and the summary evaluation.
//! - [`feeds`]: RSS/Atom/JSON Feed parsing (shared by files and polling), feed
//!   polling with conditional GET, OPML subscription lists, [`DEFAULT_OPML`].
//! - [`http`]: a small, careful HTTP client (size limit, timeouts, redirects
//!   followed hop by hop, refusal of private addresses, `Retry-After`).
//! - [`robots`]: robots.txt fetched once per origin, cached, obeyed (with its
//!   `Crawl-delay`), on every redirect hop too.
//! - [`limiter`]: requests in flight per host and in all, and Crawl-delay
//!   spacing of requests to one host.
//! - [`schedule`]: when to poll each feed next (adaptive interval, backoff,
//!   `Retry-After`, dead feeds); pure.
//! - [`poller`]: [`Poller`], polling many feeds concurrently within all of the
//!   above, each feed's outcome handed back as soon as it is done.
//! - [`warc`]: streaming reader of `.warc` / `.warc.gz` web archives.
//! - [`t17`]: the Timeline17 corpus layout and a Penn Treebank detokenizer.
//! - [`decode_html`]: bytes of a web page to a `String`, honouring its charset.
//!
//! Data flows fetch -> extract, so this crate does not depend on `lede-extract`.

pub mod clusters;
pub mod feeds;
pub mod files;
pub mod http;
pub mod limiter;
pub mod poller;
pub mod robots;
pub mod schedule;
pub mod t17;
pub mod warc;

use std::fmt;

pub use feeds::{
    parse_feed, parse_opml, poll_feed, write_opml, ParsedFeed, PollResult, DEFAULT_OPML,
};
pub use files::read_path;
pub use http::{FetchConfig, FetchError, FetchOutcome, Fetcher};
pub use lede_model::Document;
pub use limiter::{HostLimiter, HostPermit};
pub use poller::{FeedOutcome, Poller, PollerConfig};
pub use robots::{RobotsCache, RobotsConfig, RobotsRefusal};
pub use schedule::{Health, SchedulePolicy};
pub use t17::detokenize_ptb;
pub use warc::{open_warc, WarcReader};

/// A problem with one input: a file, or one line of it. Reading goes on after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// The file (or URL) the problem is in.
    pub path: String,
    /// 1-based line number, when the problem is one line of the file.
    pub line: Option<usize>,
    pub reason: String,
}

impl SourceError {
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        SourceError {
            path: path.into(),
            line: None,
            reason: reason.into(),
        }
    }

    pub fn at_line(path: impl Into<String>, line: usize, reason: impl Into<String>) -> Self {
        SourceError {
            path: path.into(),
            line: Some(line),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path, l, self.reason),
            None => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

impl std::error::Error for SourceError {}

/// How many bytes at the start of a page are searched for a `<meta charset>`.
const CHARSET_SNIFF_BYTES: usize = 4096;

/// Decode the bytes of an HTML page to a `String`.
///
/// The encoding is, in order: a byte order mark; the `charset` of the
/// `Content-Type` header; a `<meta charset>` or `<meta http-equiv=Content-Type>`
/// in the first 4 KB; else UTF-8 when the bytes are valid UTF-8, else
/// windows-1252 (the web's usual legacy default). Invalid sequences become U+FFFD;
/// this never fails.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
        .or_else(|| sniff_meta_charset(&bytes[..bytes.len().min(CHARSET_SNIFF_BYTES)]));
    let enc = match declared {
        // A page cannot declare UTF-16 from inside itself (HTML spec): it is ASCII-compatible.
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => encoding_rs::UTF_8,
        Some(e) if e == encoding_rs::X_USER_DEFINED => encoding_rs::WINDOWS_1252,
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::WINDOWS_1252,
    };
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// The `charset` parameter of a Content-Type value.
fn charset_param(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).trim().to_string())
            .filter(|v| !v.is_empty())
    })
}

/// A charset declared by a `<meta>` tag in `head` (ASCII-compatible scan).
fn sniff_meta_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(p) = find(&lower[from..], b"<meta") {
        let start = from + p;
        let end = lower[start..]
            .iter()
            .position(|&c| c == b'>')
            .map(|e| start + e)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label: Vec<u8> = rest
                    .iter()
                    .take_while(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.')
                    })
                    .copied()
                    .collect();
                if let Some(e) = encoding_rs::Encoding::for_label(&label) {
                    return Some(e);
                }
            }
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_error_display() {
        assert_eq!(
            SourceError::new("a.jsonl", "empty file").to_string(),
            "a.jsonl: empty file"
        );
        assert_eq!(
            SourceError::at_line("a.jsonl", 3, "bad json").to_string(),
            "a.jsonl:3: bad json"
        );
    }

    #[test]
    fn charset_from_header_meta_and_fallbacks() {
        // "Café" in windows-1252 / ISO-8859-1.
        let latin = b"<html><head><meta charset=\"ISO-8859-1\"></head><body>Caf\xe9</body></html>";
        assert!(decode_html(latin, None).contains("Café"));
        let no_decl = b"<html><body>Caf\xe9 cr\xe8me \x93quoted\x94</body></html>";
        let s = decode_html(no_decl, None);
        assert!(s.contains("Café crème “quoted”"), "{s}");
        let header = b"<p>\xe9t\xe9</p>";
        assert!(decode_html(header, Some("text/html; charset=\"windows-1252\"")).contains("été"));
        let http_equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\"><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>";
        assert!(decode_html(http_equiv, None).contains("Привет"));
        let utf8 = "<p>Zoë’s café</p>".as_bytes();
        assert!(decode_html(utf8, None).contains("Zoë’s café"));
        let bom = b"\xef\xbb\xbf<p>\xc3\xa9</p>";
        assert_eq!(
            decode_html(bom, Some("text/html; charset=iso-8859-1")),
            "<p>é</p>"
        );
        // Header wins over meta.
        let both = b"<meta charset=iso-8859-1><p>\xc3\xa9</p>";
        assert!(decode_html(both, Some("text/html; charset=utf-8")).contains("<p>é</p>"));
        // Declared UTF-8 but broken: lossy.
        assert!(decode_html(b"<meta charset=utf-8>\xff", None).contains('\u{fffd}'));
    }
}
