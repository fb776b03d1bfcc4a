//! Feeds: RSS, Atom and JSON Feed parsing into [`Document`]s (shared by the file
//! reader and the poller), polling a subscribed feed with conditional GET, OPML
//! subscription lists, and the default list of public news feeds.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
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
/// How long the article pages of one poll may take, by default: pages not
/// done by then are skipped (their summaries kept). With a Crawl-delay of up
/// to 30 s, or slow hosts, 40 pages would otherwise hold a poll for many
/// minutes, past the feed's claim in a shared store.
pub const PAGE_TIME_PER_POLL: Duration = Duration::from_secs(180);

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
    /// Article pages that could not be fetched (the entry's summary is kept),
    /// or were skipped because their host asked lede to slow down.
    pub page_errors: Vec<String>,
    /// The latest `Retry-After` met on an article page (429 or 503): the
    /// feed's next poll should not come before it (the [`crate::Poller`]
    /// sees to that, within its cap).
    pub retry_after: Option<DateTime<Utc>>,
}

/// Parse an RSS/Atom/JSON feed. One [`Document`] per entry: `url` is the entry
/// link (resolved against `feed_url`), `title`, `published` (or updated),
/// `outlet` the feed title, `byline` the authors. An HTML body is put in `html`
/// (as a small page) for the extract stage, and its text — or the summary's —
/// in `text` as a fallback.
pub fn parse_feed(bytes: &[u8], feed_url: &str) -> Result<ParsedFeed, SourceError> {
    let base =
        (feed_url.starts_with("http://") || feed_url.starts_with("https://")).then_some(feed_url);
    let bytes = to_utf8(bytes);
    let feed = parse_contained(&bytes, base)
        .or_else(|| {
            // feed-rs 3.0.0 slices a string at a byte that is not a char
            // boundary when an author's e-mail address touches a non-ASCII
            // character ("ed@quay.example—Ed Marsh"); found by fuzzing. Spaces
            // around every address avoid it, so try once more with them.
            tracing::warn!(feed = %feed_url, "feed parser panicked; retrying with e-mail addresses spaced out");
            parse_contained(&space_out_emails(&bytes), base)
        })
        .ok_or_else(|| {
            SourceError::new(
                feed_url,
                "the feed parser (feed-rs) crashed on this feed; skipped",
            )
        })?
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

/// Run feed-rs on `bytes`, containing a panic (None) so that one bad feed
/// cannot bring down an import or a poller thread.
fn parse_contained(
    bytes: &[u8],
    base: Option<&str>,
) -> Option<Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        feed_rs::parser::Builder::new()
            .base_uri(base)
            .build()
            .parse(bytes)
    }))
    .ok()
}

/// `bytes` with a space on each side of every e-mail address (see
/// [`parse_feed`] for why).
fn space_out_emails(bytes: &[u8]) -> Vec<u8> {
    use std::sync::OnceLock;
    static EMAIL: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let re = EMAIL.get_or_init(|| {
        regex::bytes::Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
            .expect("valid regex")
    });
    re.replace_all(bytes, &b" $0 "[..]).into_owned()
}

/// A feed's bytes as UTF-8, which is what the parser reads reliably.
///
/// Valid UTF-8 is kept as it is. UTF-16 (by its BOM) is transcoded. Other
/// bytes are decoded with the encoding the XML declaration names, or — when
/// it names UTF-8 or nothing, which the bytes just proved wrong — as
/// windows-1252, the usual mislabelled encoding; the declaration is then
/// rewritten to say UTF-8.
fn to_utf8(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    use std::sync::OnceLock;
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc == encoding_rs::UTF_8 {
            return Cow::Borrowed(bytes);
        }
        let text = enc.decode_without_bom_handling(&bytes[bom_len..]).0;
        return Cow::Owned(relabel_utf8(&text).into_bytes());
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Cow::Borrowed(bytes);
    }
    static DECL: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let decl = DECL.get_or_init(|| {
        regex::bytes::Regex::new(r#"(?i)^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']"#)
            .expect("valid regex")
    });
    let head = &bytes[..bytes.len().min(512)];
    let declared = decl
        .captures(head)
        .and_then(|c| encoding_rs::Encoding::for_label(&c[1]));
    let enc = match declared {
        Some(e)
            if e != encoding_rs::UTF_8
                && e != encoding_rs::UTF_16LE
                && e != encoding_rs::UTF_16BE =>
        {
            e
        }
        _ => encoding_rs::WINDOWS_1252,
    };
    let text = enc.decode_without_bom_handling(bytes).0;
    Cow::Owned(relabel_utf8(&text).into_bytes())
}

/// Make the XML declaration of `text` (if any) say `encoding="UTF-8"`.
fn relabel_utf8(text: &str) -> String {
    use std::sync::OnceLock;
    static DECL: OnceLock<regex::Regex> = OnceLock::new();
    let decl = DECL.get_or_init(|| {
        regex::Regex::new(r#"(?i)^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])"#)
            .expect("valid regex")
    });
    decl.replace(text, "${1}UTF-8${2}").into_owned()
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

/// How a poll gets its bytes: plainly ([`Fetcher`]) or politely, with
/// robots.txt and the host limits ([`crate::Poller`]).
pub(crate) trait Getter: Clone + Send + Sync + 'static {
    /// GET the feed `url` with the validators given.
    fn fetch(
        &self,
        url: String,
        etag: Option<String>,
        last_modified: Option<String>,
    ) -> impl Future<Output = Result<FetchOutcome, FetchError>> + Send;

    /// GET an article page: like [`Getter::fetch`], but a getter may refuse
    /// pages it would fetch feeds from (the poller: a host whose Crawl-delay
    /// is over its cap).
    fn fetch_page(
        &self,
        url: String,
    ) -> impl Future<Output = Result<FetchOutcome, FetchError>> + Send;
}

impl Getter for Fetcher {
    fn fetch(
        &self,
        url: String,
        etag: Option<String>,
        last_modified: Option<String>,
    ) -> impl Future<Output = Result<FetchOutcome, FetchError>> + Send {
        let f = self.clone();
        async move { f.get(&url, etag.as_deref(), last_modified.as_deref()).await }
    }

    fn fetch_page(
        &self,
        url: String,
    ) -> impl Future<Output = Result<FetchOutcome, FetchError>> + Send {
        let f = self.clone();
        async move { f.get(&url, None, None).await }
    }
}

/// Why an article page's answer stops the poll from asking its host for more
/// pages: a 429 (with or without `Retry-After`), a 503 with `Retry-After`, a
/// host already asking lede to wait, a Crawl-delay over the cap.
fn stops_host(e: &FetchError) -> bool {
    match e {
        FetchError::Status { status: 429, .. } => true,
        FetchError::Status {
            status: 503,
            retry_after,
            ..
        } => retry_after.is_some(),
        FetchError::Deferred { .. } | FetchError::CrawlDelayTooLong { .. } => true,
        _ => false,
    }
}

/// The host of `url`, lowercased ("" when it has none).
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

/// Poll `feed`: conditional GET with its validators, parse, and for entries that
/// carry only a short summary (< [`SHORT_SUMMARY_CHARS`]) and a web link, fetch
/// the article page into `html` (the summary stays as fallback `text`).
/// A page that fails is recorded in `page_errors`; the poll still succeeds.
/// After a page answers 429 (or 503 with `Retry-After`), the remaining pages
/// of its host are skipped for this poll (and recorded), and the latest
/// `Retry-After` met is in [`PollResult::retry_after`].
///
/// This neither reads robots.txt nor limits requests per host: a program that
/// polls many feeds uses [`crate::Poller`], which does both.
pub async fn poll_feed(fetcher: &Fetcher, feed: &Feed) -> Result<PollResult, FetchError> {
    poll_with(fetcher, feed, PAGE_TIME_PER_POLL).await
}

/// [`poll_feed`] over any [`Getter`], the article pages within `page_time`.
pub(crate) async fn poll_with<G: Getter>(
    getter: &G,
    feed: &Feed,
    page_time: Duration,
) -> Result<PollResult, FetchError> {
    let outcome = getter
        .fetch(
            feed.url.clone(),
            feed.etag.clone(),
            feed.last_modified.clone(),
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
    // Parsing a large feed takes a while: off the async workers, so that other
    // polls go on meanwhile.
    let url = final_url.clone();
    let parsed = tokio::task::spawn_blocking(move || parse_feed(&body, &url))
        .await
        .map_err(|e| {
            FetchError::Feed(SourceError::new(
                &final_url,
                format!("feed parser failed: {e}"),
            ))
        })?
        .map_err(FetchError::Feed)?;
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
    let mut retry_after: Option<DateTime<Utc>> = None;
    let sem = Arc::new(tokio::sync::Semaphore::new(PAGE_CONCURRENCY));
    // Hosts that asked to slow down during this poll: their remaining pages
    // are skipped (the error that stopped each is kept as the reason).
    let stopped: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let mut set = tokio::task::JoinSet::new();
    let deadline = tokio::time::Instant::now() + page_time;
    for i in wanted {
        let g = getter.clone();
        let url = documents[i].url.clone();
        let sem = sem.clone();
        let stopped = stopped.clone();
        set.spawn(async move {
            let page = tokio::time::timeout_at(deadline, async {
                let _permit = sem.acquire_owned().await;
                let host = host_of(&url);
                let lock = || stopped.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(reason) = lock().get(&host) {
                    return Page::Skipped(format!("{url}: skipped for this poll after {reason}"));
                }
                let res = g.fetch_page(url.clone()).await;
                if let Err(e) = &res {
                    if stops_host(e) && !lock().contains_key(&host) {
                        tracing::warn!(%host, reason = %e, "host asks lede to slow down: no more of its article pages this poll");
                        lock().insert(host, e.to_string());
                    }
                }
                Page::Fetched(res)
            })
            .await
            .unwrap_or(Page::Late);
            (i, url, page)
        });
    }
    let mut late = 0;
    while let Some(joined) = set.join_next().await {
        let Ok((i, url, page)) = joined else { continue };
        let res = match page {
            Page::Fetched(res) => res,
            Page::Skipped(reason) => {
                tracing::debug!(%url, %reason, "article page skipped; keeping summary");
                page_errors.push(reason);
                continue;
            }
            Page::Late => {
                late += 1;
                page_errors.push(format!(
                    "{url}: skipped: the poll's {page_time:?} for article pages ran out"
                ));
                continue;
            }
        };
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
                    tracing::warn!(%url, content_type = ?content_type, "article page is not HTML; keeping summary");
                    page_errors.push(format!("{url}: not an HTML page"));
                }
            }
            Ok(FetchOutcome::NotModified) => {}
            Err(e) => {
                tracing::warn!(%url, error = %e, "article page fetch failed; keeping summary");
                if let Some(t) = e.retry_after() {
                    retry_after = retry_after.max(Some(t));
                }
                page_errors.push(e.to_string());
            }
        }
    }
    if late > 0 {
        tracing::warn!(feed = %feed.url, pages = late, limit = ?page_time, "time for article pages ran out (Crawl-delay or slow hosts); their summaries are kept");
    }
    page_errors.sort();
    Ok(PollResult {
        not_modified: false,
        etag: etag.or_else(|| feed.etag.clone()),
        last_modified: last_modified.or_else(|| feed.last_modified.clone()),
        title: parsed.title,
        documents,
        page_errors,
        retry_after,
    })
}

/// What became of one article page.
enum Page {
    Fetched(Result<FetchOutcome, FetchError>),
    /// Not fetched (why, with the URL): its host asked to slow down earlier
    /// in this poll.
    Skipped(String),
    /// Not done when the poll's time for pages ran out.
    Late,
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

/// Write an OPML 2.0 subscription list of `feeds` (one `outline` per feed, in
/// order, `text`/`title` its title or else its URL), readable by
/// [`parse_opml`] and by feed readers.
pub fn write_opml(feeds: &[Feed]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>lede subscriptions</title>\n  </head>\n  <body>\n",
    );
    for feed in feeds {
        let title = feed
            .title
            .as_deref()
            .and_then(clean)
            .unwrap_or_else(|| feed.url.clone());
        let title = xml_attr(&title);
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{title}\" title=\"{title}\" xmlUrl=\"{}\"/>\n",
            xml_attr(&feed.url)
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

/// Escape an attribute value. Characters XML 1.0 cannot carry at all (most C0
/// controls) are dropped; whitespace controls become character references so
/// that attribute normalisation keeps them.
fn xml_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
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
        assert!(feeds.len() >= 40, "{}", feeds.len());
        let mut urls = std::collections::HashSet::new();
        let mut hosts = std::collections::HashSet::new();
        for (u, t) in &feeds {
            assert!(u.starts_with("https://") || u.starts_with("http://"), "{u}");
            assert!(t.is_some());
            assert!(urls.insert(u.clone()), "listed twice: {u}");
            hosts.insert(url::Url::parse(u).unwrap().host_str().unwrap().to_string());
        }
        assert!(hosts.len() >= 30, "{}", hosts.len());
        // Grouped by language: many languages, each with at least one feed.
        let doc = roxmltree::Document::parse(DEFAULT_OPML).unwrap();
        let body = doc
            .root_element()
            .children()
            .find(|n| n.has_tag_name("body"))
            .unwrap();
        let groups: Vec<_> = body.children().filter(|n| n.is_element()).collect();
        assert!(groups.len() >= 10, "{} language groups", groups.len());
        for g in groups {
            assert!(g.attribute("xmlUrl").is_none());
            assert!(g.children().any(|n| n.attribute("xmlUrl").is_some()));
        }
    }

    #[test]
    fn opml_round_trip() {
        let feeds = vec![
            Feed {
                url: "https://news.example/rss?a=1&b=2".into(),
                title: Some("Tom & Jerry's \"Daily\" <News>".into()),
                ..Default::default()
            },
            Feed {
                url: "https://other.example/feed.xml".into(),
                title: None,
                ..Default::default()
            },
            Feed {
                url: "https://third.example/atom".into(),
                title: Some("Ça va\tbien\u{1}  — 日本".into()),
                ..Default::default()
            },
        ];
        let xml = write_opml(&feeds);
        let back = parse_opml(&xml).unwrap();
        assert_eq!(
            back,
            vec![
                (
                    "https://news.example/rss?a=1&b=2".to_string(),
                    Some("Tom & Jerry's \"Daily\" <News>".to_string())
                ),
                (
                    "https://other.example/feed.xml".to_string(),
                    Some("https://other.example/feed.xml".to_string())
                ),
                (
                    "https://third.example/atom".to_string(),
                    Some("Ça va bien — 日本".to_string())
                ),
            ]
        );
        assert_eq!(parse_opml(&write_opml(&[])).unwrap(), vec![]);
        // The default list survives a round trip too.
        let defaults: Vec<Feed> = parse_opml(DEFAULT_OPML)
            .unwrap()
            .into_iter()
            .map(|(url, title)| Feed {
                url,
                title,
                ..Default::default()
            })
            .collect();
        let again = parse_opml(&write_opml(&defaults)).unwrap();
        assert_eq!(again, parse_opml(DEFAULT_OPML).unwrap());
    }

    #[test]
    fn mislabelled_and_legacy_encodings_are_read() {
        let rss = |decl: &str, title: &str| {
            format!("<?xml version=\"1.0\"{decl}?><rss version=\"2.0\"><channel><title>{title}</title><item><title>x</title><link>https://a.example/1</link></item></channel></rss>")
        };
        // Declared UTF-8, written in windows-1252.
        let lie = encoding_rs::WINDOWS_1252
            .encode(&rss(" encoding=\"utf-8\"", "Café “Nord”"))
            .0
            .to_vec();
        assert_eq!(
            parse_feed(&lie, "f").unwrap().title.as_deref(),
            Some("Café “Nord”")
        );
        // No declaration, not UTF-8.
        let none = encoding_rs::WINDOWS_1252
            .encode(&rss("", "Crème"))
            .0
            .to_vec();
        assert_eq!(
            parse_feed(&none, "f").unwrap().title.as_deref(),
            Some("Crème")
        );
        // An honest legacy declaration.
        let koi = encoding_rs::KOI8_R
            .encode(&rss(" encoding='KOI8-R'", "Привет"))
            .0
            .to_vec();
        assert_eq!(
            parse_feed(&koi, "f").unwrap().title.as_deref(),
            Some("Привет")
        );
        // UTF-16 with a BOM.
        let mut utf16 = vec![0xff, 0xfe];
        for u in rss(" encoding=\"UTF-16\"", "Zoë").encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(
            parse_feed(&utf16, "f").unwrap().title.as_deref(),
            Some("Zoë")
        );
        // Valid UTF-8 is untouched.
        let ok = rss(" encoding=\"UTF-8\"", "Ünïcödé");
        assert!(matches!(
            to_utf8(ok.as_bytes()),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            parse_feed(ok.as_bytes(), "f").unwrap().title.as_deref(),
            Some("Ünïcödé")
        );
    }

    #[test]
    fn author_email_next_to_non_ascii_does_not_crash() {
        // Regression (fuzzing): feed-rs panicked on these bylines.
        let rss = |author: &str| {
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Quay Weekly</title><item><title>Tide</title><link>https://quay.example/1</link><author>{author}</author></item></channel></rss>")
        };
        for author in ["ed@quay.example—Ed Marsh", "Ed Marsh—ed@quay.example"] {
            let f = parse_feed(rss(author).as_bytes(), "https://quay.example/rss").unwrap();
            assert_eq!(f.documents.len(), 1, "{author}");
            assert_eq!(f.documents[0].url, "https://quay.example/1");
            let byline = f.documents[0].byline.as_deref().unwrap_or("");
            assert!(byline.contains("Ed Marsh"), "{author}: {byline:?}");
        }
        // The fuzzer's own input: a windows-1252 byte inside the address.
        let latin = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Quay</title><item><title>x</title><link>/news/1</link><author>ed@quay.exa\x9dple (Ed Marsh)</author></item></channel></rss>";
        let f = parse_feed(latin, "https://quay.example/rss").unwrap();
        assert_eq!(f.documents.len(), 1);
        assert_eq!(f.documents[0].url, "https://quay.example/news/1");
        // JSON Feed authors go through the same code.
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Pier Post","items":[{"id":"1","url":"https://pier.example/1","title":"Pier","content_text":"Open.","authors":[{"name":"ann@pier.example—Ann Reed"}]}]}"#;
        let f = parse_feed(json.as_bytes(), "https://pier.example/feed.json").unwrap();
        assert_eq!(f.documents.len(), 1);
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
