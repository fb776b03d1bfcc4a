//! Extraction: turns a raw [`Document`] (a web page or plain text) into an
//! [`Article`] with its main text and metadata. No network access.
//!
//! - Pages are first slimmed (module `slim`): scripts, styles, inline SVG and
//!   comments go in one streaming pass, before any tree is built.
//! - Main text of HTML pages comes from `rs-trafilatura` (boilerplate such as
//!   navigation, footers and cookie banners removed); paragraphs are separated
//!   by blank lines.
//! - Metadata (title, byline, publication time, outlet, canonical URL,
//!   language) is read by this crate from JSON-LD, OpenGraph, `<meta>` tags,
//!   `<time>` and `<title>`, in that order of trust; see [`meta`].
//! - Fields the source gave in the [`Document`] (title, outlet, byline,
//!   published) are fallbacks used only when the page lacks them.
//! - Plain-text documents keep their fields; whitespace is normalised and the
//!   language detected when missing.
//!
//! `Article::sentences` is left empty: the text stage fills it.
//! Charset decoding of raw bytes happens before this stage (`lede_fetch::decode_html`).

mod clean;
mod dates;
mod depth;
pub mod meta;
mod slim;

use std::panic::{catch_unwind, AssertUnwindSafe};

use lede_model::{Article, Document};
use rs_trafilatura::page_type::PageType;

pub use dates::parse_date;
pub use meta::PageMeta;

/// At most this many bytes of HTML (after slimming) are handed to the
/// parsers; the rest of a larger page is cut off (at a character boundary).
/// Real article pages are well below it; the cap bounds memory and time on
/// hostile or broken input.
pub const MAX_HTML_BYTES: usize = 5 * 1024 * 1024;

/// Pages whose elements nest deeper than this are flattened first: the HTML
/// parser and rs-trafilatura recurse over the tree and overflow a 2 MiB thread
/// stack at around 20,000 levels (html5ever also gets very slow).
pub const MAX_NESTING: usize = 256;
/// Depth kept when flattening a too-deep page; tags below it are dropped, text kept.
const FLATTEN_KEEP: usize = 128;

/// Why a document could not be turned into an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The page has no recognisable article text (e.g. an index page, an
    /// all-script page, an error page).
    #[error("{url}: no article text found on the page")]
    NoText { url: String },
    /// The document carries neither HTML nor text.
    #[error("{url}: document has neither HTML nor text")]
    Empty { url: String },
    /// The page nests elements too deeply to parse safely even after flattening.
    #[error("{url}: elements nest {depth} levels deep (limit {limit}); refusing to parse")]
    TooDeep {
        url: String,
        depth: usize,
        limit: usize,
    },
    /// The extractor failed unexpectedly (a bug in a dependency, caught).
    #[error("{url}: extraction failed: {reason}")]
    Failed { url: String, reason: String },
}

/// Extract the article in `doc`: HTML when `doc.html` is set and non-blank,
/// else the plain `doc.text`.
pub fn extract(doc: &Document) -> Result<Article, ExtractError> {
    match doc.html.as_deref() {
        Some(h) if !h.trim().is_empty() => extract_html(doc, h),
        _ => match doc.text.as_deref() {
            Some(t) => extract_text(doc, t),
            None => Err(ExtractError::Empty {
                url: doc.url.clone(),
            }),
        },
    }
}

/// The metadata a page declares (see [`meta`] for the order of sources).
pub fn page_meta(html: &str) -> PageMeta {
    let input = parser_input(html);
    let html: &str = &input;
    if depth::max_depth(html) > MAX_NESTING {
        let flat = depth::flatten(html, FLATTEN_KEEP);
        return meta::read_meta(&dom_query::Document::from(flat.as_str()));
    }
    meta::read_meta(&dom_query::Document::from(html))
}

/// Bytes of a page the slimming pass reads: it streams and builds no tree,
/// so it may read more than the parsers get, and a page whose scripts fill
/// its first megabytes still gives its text.
const MAX_SLIM_INPUT_BYTES: usize = 4 * MAX_HTML_BYTES;

/// The first `limit` bytes of `html`, cut at a character boundary.
fn cap(html: &str, limit: usize) -> &str {
    if html.len() <= limit {
        return html;
    }
    let mut end = limit;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    &html[..end]
}

/// What the parsers get of a page: slimmed (reading at most
/// `MAX_SLIM_INPUT_BYTES`), then capped at `MAX_HTML_BYTES`.
fn parser_input(html: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match slim::slim(cap(html, MAX_SLIM_INPUT_BYTES)) {
        Cow::Borrowed(page) => Cow::Borrowed(cap(page, MAX_HTML_BYTES)),
        Cow::Owned(mut page) => {
            page.truncate(cap(&page, MAX_HTML_BYTES).len());
            Cow::Owned(page)
        }
    }
}

fn extract_html(doc: &Document, html: &str) -> Result<Article, ExtractError> {
    let url = doc.url.clone();
    let slimmed = parser_input(html);
    let html: &str = &slimmed;
    let flattened;
    let html = {
        let d = depth::max_depth(html);
        if d > MAX_NESTING {
            flattened = depth::flatten(html, FLATTEN_KEEP);
            let d2 = depth::max_depth(&flattened);
            if d2 > MAX_NESTING {
                return Err(ExtractError::TooDeep {
                    url,
                    depth: d2,
                    limit: MAX_NESTING,
                });
            }
            flattened.as_str()
        } else {
            html
        }
    };

    let page = catch_unwind(AssertUnwindSafe(|| {
        meta::read_meta(&dom_query::Document::from(html))
    }))
    .map_err(|p| ExtractError::Failed {
        url: url.clone(),
        reason: format!("metadata reader panicked: {}", panic_message(&p)),
    })?;

    let main = main_content(&doc.url, html).map_err(|reason| ExtractError::Failed {
        url: url.clone(),
        reason,
    })?;

    let canonical = page
        .canonical
        .as_deref()
        .and_then(|c| resolve_url(&doc.url, c));

    let outlet_host = canonical
        .as_deref()
        .and_then(outlet_from_url)
        .or_else(|| outlet_from_url(&doc.url));
    // When only the host names the outlet, a `<title>` suffix matching the host
    // ("... - Riverton Gazette" on riverton-gazette.example) gives the readable name.
    let outlet_from_title = || {
        let host = outlet_host.as_deref()?;
        let (_, suffix) = split_outlet_suffix(page.title.as_deref()?, &[host])?;
        meta::clean(suffix)
    };
    let outlet = page
        .outlet
        .clone()
        .or_else(|| doc.outlet.as_deref().and_then(meta::clean))
        .or_else(outlet_from_title)
        .or_else(|| outlet_host.clone())
        .unwrap_or_else(|| "unknown".to_string());

    let outlet_names: Vec<&str> = [
        Some(outlet.as_str()),
        doc.outlet.as_deref(),
        outlet_host.as_deref(),
        page.outlet.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let title = page
        .title
        .as_deref()
        .map(|t| strip_outlet_suffix(t, &outlet_names))
        .filter(|t| !t.is_empty());

    let mut text = main
        .as_ref()
        .map(|m| body_text(m, title.as_deref()))
        .unwrap_or_default();
    // On pages without an article the extractor falls back to whatever text is
    // left (often just the page title or a few links): too little to be one.
    if count_words_beyond_title(&text, page.title.as_deref()) < MIN_WORDS {
        text.clear();
    }
    if text.is_empty() {
        // A feed summary given with the page is the fallback text.
        text = doc.text.as_deref().map(plain_text).unwrap_or_default();
    }
    if text.is_empty() {
        return Err(ExtractError::NoText { url });
    }

    let title = title
        .or_else(|| doc.title.as_deref().and_then(meta::clean))
        .unwrap_or_else(|| title_from_text(&text));
    let language = page
        .language
        .clone()
        .or_else(|| doc.language.as_deref().and_then(meta::normalize_lang))
        .or_else(|| detect_language(&text));

    Ok(Article {
        id: 0,
        url,
        canonical_url: canonical,
        outlet,
        title,
        byline: page
            .byline
            .clone()
            .or_else(|| doc.byline.as_deref().and_then(meta::clean)),
        published: page.published.or(doc.published),
        language,
        text,
        sentences: Vec::new(),
        paywalled: page.paywalled,
    })
}

/// rs-trafilatura's result for `html` (`Ok(None)`: no content found; `Err`: it
/// panicked). Every page is treated as an article: the page-type classifier
/// costs a fifth of the time and its listing/product profiles collect teasers
/// rather than article text. When the article profile still merged several
/// sections into one text (it does so for short results, and on news pages
/// that pulls in neighbouring stories), the page is extracted again without
/// merging, from its single best content node.
fn main_content(url: &str, html: &str) -> Result<Option<rs_trafilatura::ExtractResult>, String> {
    let run = |page_type| {
        let options = rs_trafilatura::Options {
            url: (url.starts_with("http://") || url.starts_with("https://"))
                .then(|| url.to_string()),
            page_type: Some(page_type),
            ..rs_trafilatura::Options::default()
        };
        catch_unwind(AssertUnwindSafe(|| {
            rs_trafilatura::extract_with_options(html, &options).ok()
        }))
        .map_err(|p| format!("text extractor panicked: {}", panic_message(&p)))
    };
    let first = run(PageType::Article)?;
    let merged = first.as_ref().is_some_and(|r| {
        r.warnings
            .iter()
            .any(|w| w.starts_with("Used multi-candidate merge"))
    });
    if !merged {
        return Ok(first);
    }
    Ok(run(PageType::Category)?.or(first))
}

/// The article body from the extractor's result, boilerplate removed (see
/// [`clean`]): read from its content HTML when it kept page elements, from its
/// plain text when that came from JSON-LD `articleBody`.
fn body_text(main: &rs_trafilatura::ExtractResult, title: Option<&str>) -> String {
    let from_json_ld = main.warnings.iter().any(|w| w.starts_with("Using JSON-LD"));
    let mut lines = clean::lines_of(&main.content_text);
    let link_lists = match main.content_html.as_deref() {
        Some(h) if !from_json_ld => clean::link_list_keys(h),
        _ => {
            lines = clean::drop_repeated_sentences(lines);
            Default::default()
        }
    };
    clean::clean_lines(lines, title, &link_lists).join("\n\n")
}

/// An HTML page yields an article only with at least this many words of text
/// (not counting repeats of its `<title>`).
pub const MIN_WORDS: usize = 15;

fn count_words_beyond_title(text: &str, title: Option<&str>) -> usize {
    let mut t = text.to_string();
    if let Some(title) = title.filter(|t| !t.is_empty()) {
        t = t.replace(title, " ");
    }
    t.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

fn extract_text(doc: &Document, text: &str) -> Result<Article, ExtractError> {
    let text = plain_text(text);
    if text.is_empty() {
        return Err(ExtractError::NoText {
            url: doc.url.clone(),
        });
    }
    let outlet = doc
        .outlet
        .as_deref()
        .and_then(meta::clean)
        .or_else(|| outlet_from_url(&doc.url))
        .unwrap_or_else(|| "unknown".to_string());
    Ok(Article {
        id: 0,
        url: doc.url.clone(),
        canonical_url: None,
        title: doc
            .title
            .as_deref()
            .and_then(meta::clean)
            .unwrap_or_else(|| title_from_text(&text)),
        outlet,
        byline: doc.byline.as_deref().and_then(meta::clean),
        published: doc.published,
        language: doc
            .language
            .as_deref()
            .and_then(meta::normalize_lang)
            .or_else(|| detect_language(&text)),
        text,
        sentences: Vec::new(),
        paywalled: None,
    })
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Plain text: spaces collapsed within lines, line breaks inside a paragraph kept
/// (corpora put one sentence per line), runs of blank lines reduced to one.
fn plain_text(raw: &str) -> String {
    paragraphs(raw)
        .map(|p| {
            p.lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Split on blank lines (lines holding only whitespace count as blank).
fn paragraphs(raw: &str) -> impl Iterator<Item = String> + '_ {
    let raw = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in raw.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            if !cur.is_empty() {
                cur.push('\n');
            }
            cur.push_str(line);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter()
}

/// A title for a text without one: its first sentence, at most 14 words.
fn title_from_text(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    let sentence = first
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && first[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map(|(i, c)| &first[..i + c.len_utf8()])
        .unwrap_or(first);
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() > 14 {
        format!("{}…", words[..14].join(" "))
    } else {
        words.join(" ")
    }
}

/// Separators between a headline and the outlet name in `<title>`.
const TITLE_SEPARATORS: [&str; 8] = [" | ", " - ", " – ", " — ", " · ", " :: ", " « ", " » "];

/// Comparison key of an outlet name: lower-case letters and digits only, without
/// a leading "the" or "www."/a trailing top-level domain for host names.
fn outlet_key(s: &str) -> String {
    let s = s.trim().to_lowercase();
    let s = s.strip_prefix("www.").unwrap_or(&s);
    let s = s.strip_prefix("the ").unwrap_or(s);
    // "eastbrook-herald.example" -> "eastbrook-herald"
    let s = match s.rsplit_once('.') {
        Some((head, tld)) if !s.contains(' ') && tld.chars().all(|c| c.is_ascii_alphabetic()) => {
            head
        }
        _ => s,
    };
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Split a trailing " | Outlet" / " - Outlet" (also – — · ::) off `title` when it
/// names one of `outlets`: returns (headline, suffix as written).
fn split_outlet_suffix<'a>(title: &'a str, outlets: &[&str]) -> Option<(&'a str, &'a str)> {
    let keys: Vec<String> = outlets
        .iter()
        .map(|o| outlet_key(o))
        .filter(|k| !k.is_empty())
        .collect();
    TITLE_SEPARATORS.iter().find_map(|sep| {
        let (head, tail) = title.rsplit_once(sep)?;
        let tail_key = outlet_key(tail);
        (!head.trim().is_empty() && keys.contains(&tail_key)).then(|| (head.trim(), tail.trim()))
    })
}

/// Remove a trailing " | Outlet" / " - Outlet" when it names the outlet.
fn strip_outlet_suffix(title: &str, outlets: &[&str]) -> String {
    split_outlet_suffix(title, outlets)
        .map(|(h, _)| h)
        .unwrap_or(title.trim())
        .to_string()
}

/// Resolve a declared canonical URL against the page URL; only http(s) results.
fn resolve_url(base: &str, href: &str) -> Option<String> {
    let joined = match url::Url::parse(href) {
        Ok(u) => u,
        Err(_) => url::Url::parse(base).ok()?.join(href).ok()?,
    };
    matches!(joined.scheme(), "http" | "https").then(|| joined.to_string())
}

/// "https://www.eastbrook-herald.example/x" -> "eastbrook-herald.example".
fn outlet_from_url(u: &str) -> Option<String> {
    let parsed = url::Url::parse(u).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let host = parsed.host_str()?.to_lowercase();
    let host = ["www.", "www2.", "m.", "amp.", "mobile."]
        .iter()
        .find_map(|p| host.strip_prefix(p).map(str::to_string))
        .unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// Detect the language of `text` (ISO 639-1), when the detector is confident.
/// Prose paragraphs (10+ words) are sampled first: tables and lists of names
/// confuse the detector.
fn detect_language(text: &str) -> Option<String> {
    let mut sample = String::new();
    for p in text
        .split('\n')
        .filter(|p| p.split_whitespace().count() >= 10)
    {
        if sample.len() > 3000 {
            break;
        }
        sample.push_str(p);
        sample.push('\n');
    }
    if sample.is_empty() {
        sample = text.chars().take(3000).collect();
    }
    let info = whatlang::detect(&sample)?;
    if !(info.is_reliable() || info.confidence() >= 0.4) {
        return None;
    }
    iso639_1(info.lang().code()).map(str::to_string)
}

/// ISO 639-3 (as whatlang names languages) to ISO 639-1.
fn iso639_1(code3: &str) -> Option<&'static str> {
    const MAP: &[(&str, &str)] = &[
        ("epo", "eo"),
        ("eng", "en"),
        ("rus", "ru"),
        ("cmn", "zh"),
        ("spa", "es"),
        ("por", "pt"),
        ("ita", "it"),
        ("ben", "bn"),
        ("fra", "fr"),
        ("deu", "de"),
        ("ukr", "uk"),
        ("kat", "ka"),
        ("ara", "ar"),
        ("hin", "hi"),
        ("jpn", "ja"),
        ("heb", "he"),
        ("yid", "yi"),
        ("pol", "pl"),
        ("amh", "am"),
        ("jav", "jv"),
        ("kor", "ko"),
        ("nob", "nb"),
        ("dan", "da"),
        ("swe", "sv"),
        ("fin", "fi"),
        ("tur", "tr"),
        ("nld", "nl"),
        ("hun", "hu"),
        ("ces", "cs"),
        ("ell", "el"),
        ("bul", "bg"),
        ("bel", "be"),
        ("mar", "mr"),
        ("kan", "kn"),
        ("ron", "ro"),
        ("slv", "sl"),
        ("hrv", "hr"),
        ("srp", "sr"),
        ("mkd", "mk"),
        ("lit", "lt"),
        ("lav", "lv"),
        ("est", "et"),
        ("tam", "ta"),
        ("vie", "vi"),
        ("urd", "ur"),
        ("tha", "th"),
        ("guj", "gu"),
        ("uzb", "uz"),
        ("pan", "pa"),
        ("aze", "az"),
        ("ind", "id"),
        ("tel", "te"),
        ("pes", "fa"),
        ("mal", "ml"),
        ("ori", "or"),
        ("mya", "my"),
        ("nep", "ne"),
        ("sin", "si"),
        ("khm", "km"),
        ("tuk", "tk"),
        ("aka", "ak"),
        ("zul", "zu"),
        ("sna", "sn"),
        ("afr", "af"),
        ("lat", "la"),
        ("slk", "sk"),
        ("cat", "ca"),
        ("tgl", "tl"),
        ("hye", "hy"),
        ("cym", "cy"),
    ];
    MAP.iter().find(|(c3, _)| *c3 == code3).map(|(_, c1)| *c1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlet_suffix_is_stripped() {
        let o = ["The Eastbrook Herald", "eastbrook-herald.example"];
        assert_eq!(
            strip_outlet_suffix("Dam plan approved | The Eastbrook Herald", &o),
            "Dam plan approved"
        );
        assert_eq!(
            strip_outlet_suffix("Dam plan approved - Eastbrook Herald", &o),
            "Dam plan approved"
        );
        assert_eq!(
            strip_outlet_suffix("Left - right debate continues", &o),
            "Left - right debate continues"
        );
    }

    #[test]
    fn host_outlet() {
        assert_eq!(
            outlet_from_url("https://www.eastbrook-herald.example/a/b").as_deref(),
            Some("eastbrook-herald.example")
        );
        assert_eq!(outlet_from_url("file:///tmp/x.html"), None);
    }

    #[test]
    fn canonical_resolution() {
        assert_eq!(
            resolve_url("https://a.example/x/y", "/z").as_deref(),
            Some("https://a.example/z")
        );
        assert_eq!(resolve_url("file:///tmp/a.html", "b.html"), None);
    }

    #[test]
    fn text_title() {
        assert_eq!(
            title_from_text("Rain closed the pass. More later."),
            "Rain closed the pass."
        );
        assert_eq!(
            title_from_text("No stop at 3.5 metres here"),
            "No stop at 3.5 metres here"
        );
    }

    #[test]
    fn whitespace() {
        assert_eq!(plain_text("  a  b \n c\n\n\n\n d "), "a b\nc\n\nd");
    }
}
