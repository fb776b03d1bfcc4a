//! Feeds: RSS, Atom and JSON Feed parsing into [`Document`]s (shared by the file
//! reader and the poller), polling a subscribed feed with conditional GET, OPML
//! subscription lists, and the default list of public news feeds.

use std::sync::Arc;

use lede_model::{Document, Feed};

use crate::http::{FetchError, FetchOutcome, Fetcher};
use crate::{decode_html, SourceError};

/// A default subscription list: public RSS/Atom feeds of major news outlets in
/// several countries and languages.
pub const DEFAULT_OPML: &str = include_str!("../feeds/default.opml");

/// Entries whose text (content or summary) is shorter than this, in characters,
/// get their article page fetched when polling.
pub const SHORT_SUMMARY_CHARS: usize = 400;
/// At most this many article pages are fetched per poll of one feed.
pub const MAX_PAGES_PER_POLL: usize = 40;
/// Article pages fetched at once while polling one feed.
const PAGE_CONCURRENCY: usize = 4;

/// A parsed feed: its title and one document per entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub documents: Vec<Document>,
}

/// The result of polling one feed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PollResult {
    /// The server answered 304 Not Modified: nothing new, `documents` is empty.
    pub not_modified: bool,
    /// Validators to send next time (unchanged ones are carried over).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The feed's title, when it was fetched.
    pub title: Option<String>,
    pub documents: Vec<Document>,
    /// Article pages that could not be fetched (the entry's summary is kept).
    pub page_errors: Vec<String>,
}

/// Parse an RSS/Atom/JSON feed. One [`Document`] per entry: `url` is the entry
/// link (resolved against `feed_url`), `title`, `published` (or updated),
/// `outlet` the feed title, `byline` the authors. An HTML body is put in `html`
/// (as a small page) for the extract stage, and its text — or the summary's —
/// in `text` as a fallback.
pub fn parse_feed(bytes: &[u8], feed_url: &str) -> Result<ParsedFeed, SourceError> {
    let base =
        (feed_url.starts_with("http://") || feed_url.starts_with("https://")).then_some(feed_url);
    let feed = feed_rs::parser::Builder::new()
        .base_uri(base)
        .build()
        .parse(bytes)
        .map_err(|e| SourceError::new(feed_url, format!("not a valid feed: {e}")))?;
    let title = feed.title.as_ref().and_then(|t| clean(&text_of(t)));
    let language = feed.language.as_deref().and_then(normalize_lang);
    let mut documents = Vec::new();
    for entry in feed.entries {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| entry.links.first())
            .map(|l| l.href.clone())
            .or_else(|| {
                (entry.id.starts_with("http://") || entry.id.starts_with("https://"))
                    .then(|| entry.id.clone())
            });
        let url = match link {
            Some(l) => resolve(feed_url, &l),
            None if !entry.id.is_empty() => format!("{feed_url}#{}", entry.id),
            None => continue,
        };
        let entry_title = entry.title.as_ref().and_then(|t| clean(&text_of(t)));
        let byline = {
            let names: Vec<String> = entry
                .authors
                .iter()
                .filter_map(|p| p.name.as_deref().and_then(clean))
                .filter(|n| !n.contains('@') || n.contains(' '))
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        };
        let summary_text = entry.summary.as_ref().map(text_of).unwrap_or_default();
        let (html, content_text) = match entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_ref().map(|b| (b, c.content_type.to_string())))
        {
            Some((body, ct)) if ct.contains("html") || looks_like_html(body) => {
                let page = format!(
                    "<html><head><title>{}</title></head><body><article>{}</article></body></html>",
                    escape(entry_title.as_deref().unwrap_or("")),
                    body
                );
                (Some(page), html_to_text(body))
            }
            Some((body, _)) => (None, normalize_text(body)),
            None => (None, String::new()),
        };
        let text = if content_text.len() >= summary_text.len() {
            content_text
        } else {
            summary_text
        };
        documents.push(Document {
            url,
            html,
            text: (!text.is_empty()).then_some(text),
            title: entry_title,
            published: entry.published.or(entry.updated),
            outlet: title.clone(),
            byline,
            language: entry
                .language
                .as_deref()
                .and_then(normalize_lang)
                .or_else(|| language.clone()),
        });
    }
    Ok(ParsedFeed { title, documents })
}

/// Whether the start of a file looks like an RSS, Atom, RDF or JSON feed.
pub fn sniff_feed(head: &[u8]) -> bool {
    let s = String::from_utf8_lossy(&head[..head.len().min(2048)]).to_ascii_lowercase();
    let t = s.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('{') {
        return t.contains("jsonfeed.org/version");
    }
    t.starts_with('<') && (t.contains("<rss") || t.contains("<feed") || t.contains("<rdf:rdf"))
}

/// Poll `feed`: conditional GET with its validators, parse, and for entries that
/// carry only a short summary (< [`SHORT_SUMMARY_CHARS`]) and a web link, fetch
/// the article page into `html` (the summary stays as fallback `text`).
/// A page that fails is recorded in `page_errors`; the poll still succeeds.
pub async fn poll_feed(fetcher: &Fetcher, feed: &Feed) -> Result<PollResult, FetchError> {
    let outcome = fetcher
        .get(
            &feed.url,
            feed.etag.as_deref(),
            feed.last_modified.as_deref(),
        )
        .await?;
    let (final_url, etag, last_modified, body) = match outcome {
        FetchOutcome::NotModified => {
            return Ok(PollResult {
                not_modified: true,
                etag: feed.etag.clone(),
                last_modified: feed.last_modified.clone(),
                title: feed.title.clone(),
                ..Default::default()
            })
        }
        FetchOutcome::Fetched {
            final_url,
            etag,
            last_modified,
            body,
            ..
        } => (final_url, etag, last_modified, body),
    };
    let parsed = parse_feed(&body, &final_url).map_err(FetchError::Feed)?;
    let mut documents = parsed.documents;

    let wanted: Vec<usize> = documents
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            d.html.is_none()
                && d.text.as_deref().map_or(0, |t| t.chars().count()) < SHORT_SUMMARY_CHARS
                && (d.url.starts_with("http://") || d.url.starts_with("https://"))
        })
        .map(|(i, _)| i)
        .take(MAX_PAGES_PER_POLL)
        .collect();
    let mut page_errors = Vec::new();
    let sem = Arc::new(tokio::sync::Semaphore::new(PAGE_CONCURRENCY));
    let mut set = tokio::task::JoinSet::new();
    for i in wanted {
        let f = fetcher.clone();
        let url = documents[i].url.clone();
        let sem = sem.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            (i, url.clone(), f.get(&url, None, None).await)
        });
    }
    while let Some(joined) = set.join_next().await {
        let Ok((i, url, res)) = joined else { continue };
        match res {
            Ok(FetchOutcome::Fetched {
                content_type, body, ..
            }) => {
                let is_html = content_type
                    .as_deref()
                    .is_none_or(|c| c.contains("html") || c.contains("xml"));
                if is_html && !body.is_empty() {
                    documents[i].html = Some(decode_html(&body, content_type.as_deref()));
                } else {
                    page_errors.push(format!("{url}: not an HTML page"));
                }
            }
            Ok(FetchOutcome::NotModified) => {}
            Err(e) => {
                tracing::warn!(%url, error = %e, "article page fetch failed; keeping summary");
                page_errors.push(e.to_string());
            }
        }
    }
    page_errors.sort();
    Ok(PollResult {
        not_modified: false,
        etag: etag.or_else(|| feed.etag.clone()),
        last_modified: last_modified.or_else(|| feed.last_modified.clone()),
        title: parsed.title,
        documents,
        page_errors,
    })
}

/// Parse an OPML subscription list: `(feed url, title)` for each outline with
/// an `xmlUrl`, in document order (nested outlines included).
pub fn parse_opml(xml: &str) -> Result<Vec<(String, Option<String>)>, SourceError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml, opts)
        .map_err(|e| SourceError::new("opml", format!("invalid OPML: {e}")))?;
    if !doc
        .root_element()
        .tag_name()
        .name()
        .eq_ignore_ascii_case("opml")
    {
        return Err(SourceError::new(
            "opml",
            "not an OPML document (no <opml> element)",
        ));
    }
    let attr = |n: &roxmltree::Node, names: &[&str]| {
        n.attributes()
            .find(|a| names.contains(&a.name()))
            .and_then(|a| clean(a.value()))
    };
    Ok(doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name().eq_ignore_ascii_case("outline"))
        .filter_map(|n| {
            let url = attr(&n, &["xmlUrl", "xmlurl", "xmlURL"])?;
            Some((url, attr(&n, &["title"]).or_else(|| attr(&n, &["text"]))))
        })
        .collect())
}

// ------------------------------------------------------------------ helpers

fn text_of(t: &feed_rs::model::Text) -> String {
    let ct = t.content_type.to_string();
    if ct.contains("html") || looks_like_html(&t.content) {
        html_to_text(&t.content)
    } else {
        normalize_text(&t.content)
    }
}

fn looks_like_html(s: &str) -> bool {
    let s = s.trim_start();
    s.starts_with('<')
        || [
            "<p>", "<p ", "<br", "<div", "<a ", "</", "&lt;", "&amp;", "&quot;", "&#",
        ]
        .iter()
        .any(|t| s.contains(t))
}

/// Text of an HTML fragment: block elements become paragraph breaks,
/// entities are decoded, whitespace normalised.
pub fn html_to_text(html: &str) -> String {
    use std::sync::OnceLock;
    static BLOCK: OnceLock<regex::Regex> = OnceLock::new();
    let block = BLOCK.get_or_init(|| {
        regex::Regex::new(r"(?i)<(?:/?(?:p|div|li|ul|ol|h[1-6]|blockquote|tr|table|section|article)\b[^>]*|br\s*/?)>")
            .expect("valid regex")
    });
    // Entity-escaped markup ("&lt;p&gt;...") decodes to tags: strip twice then.
    let mut s = html.to_string();
    for _ in 0..2 {
        let marked = block.replace_all(&s, "\n\n");
        let frag = dom_query::Document::fragment(marked.as_ref());
        frag.select("script, style, noscript").remove();
        let text = frag.root().text().to_string();
        let again = text.contains('<') && text.contains('>') && block.is_match(&text);
        s = text;
        if !again {
            break;
        }
    }
    normalize_text(&s)
}

/// Collapse whitespace inside paragraphs; paragraphs separated by one blank line.
pub fn normalize_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    let mut paras = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                paras.push(cur.join(" "));
                cur.clear();
            }
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        paras.push(cur.join(" "));
    }
    paras
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn clean(s: &str) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn normalize_lang(s: &str) -> Option<String> {
    let p = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic())).then_some(p)
}

fn resolve(base: &str, href: &str) -> String {
    if let Ok(u) = url::Url::parse(href) {
        return u.to_string();
    }
    url::Url::parse(base)
        .and_then(|b| b.join(href))
        .map(|u| u.to_string())
        .unwrap_or_else(|_| href.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_opml_parses() {
        let feeds = parse_opml(DEFAULT_OPML).unwrap();
        assert!(feeds.len() >= 15, "{}", feeds.len());
        for (u, t) in &feeds {
            assert!(u.starts_with("https://") || u.starts_with("http://"), "{u}");
            assert!(t.is_some());
        }
    }

    #[test]
    fn html_fragments_to_text() {
        assert_eq!(
            html_to_text("<p>One &amp; two</p><p>Three<br>four</p><script>x()</script>"),
            "One & two\n\nThree\n\nfour"
        );
        assert_eq!(
            html_to_text("&lt;p&gt;Escaped &lt;b&gt;bold&lt;/b&gt;&lt;/p&gt;"),
            "Escaped bold"
        );
    }

    #[test]
    fn sniffing() {
        assert!(sniff_feed(
            b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"
        ));
        assert!(sniff_feed(b"<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
        assert!(sniff_feed(
            b"{\"version\": \"https://jsonfeed.org/version/1.1\"}"
        ));
        assert!(!sniff_feed(b"<html><body>"));
        assert!(!sniff_feed(b"{\"url\": \"x\"}"));
    }
}
