//! Feeds out: Atom and JSON Feed 1.1, for the front page and for any search.
//!
//! Every story is one entry whose content is the whole story (dek, lede, body,
//! sections) followed by its sources, as HTML rendered by an escaping template.
//! Atom is written by `atom_syndication`. JSON Feed is written with serde from
//! the small structs below: the format is a dozen fields, and the crates that
//! implement it are unmaintained.

use askama::Template;
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use lede_model::{Story, Topic};
use lede_search::{Kind, SearchQuery, Sort};
use serde::Serialize;

use crate::params::{href, Params};
use crate::search::query_from;
use crate::views::http_href;
use crate::AppState;

/// Entries in a feed.
pub(crate) const FEED_LEN: usize = 50;
/// The media type of JSON Feed.
pub(crate) const JSON_FEED_TYPE: &str = "application/feed+json; charset=utf-8";
const ATOM_TYPE: &str = "application/atom+xml; charset=utf-8";

/// Remove characters XML 1.0 does not allow (control characters except tab and
/// newlines, and the non-characters U+FFFE/U+FFFF); everything else is escaped
/// by the writer.
pub(crate) fn xml_safe(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || (c >= ' ' && c != '\u{7f}' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

/// `http(s)://host` for absolute links: the configured public address, else
/// the Host the client addressed (a Host header with anything but host-name
/// characters is ignored).
pub(crate) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(base) = state.base_url.as_deref().filter(|b| http_href(b).is_some()) {
        return base.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

struct EntrySource {
    outlet: String,
    title: String,
    href: String,
    copy: bool,
}

struct EntryParagraph {
    date: Option<String>,
    text: String,
}

struct EntrySection {
    heading: String,
    paragraphs: Vec<EntryParagraph>,
}

/// The HTML of one entry's content: the story's text and its sources.
#[derive(Template)]
#[template(path = "feed_entry.html")]
struct EntryContent {
    dek: String,
    paragraphs: Vec<EntryParagraph>,
    sections: Vec<EntrySection>,
    story_url: String,
    sources_label: String,
    sources: Vec<EntrySource>,
}

fn paragraph(p: &lede_model::Paragraph) -> EntryParagraph {
    EntryParagraph {
        date: p.date.map(crate::views::fmt_day),
        text: p
            .sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The story as HTML for a feed entry (absolute links under `base`).
pub(crate) fn entry_html(base: &str, story: &Story) -> Result<String, askama::Error> {
    let mut paragraphs = Vec::new();
    if !story.lede.sentences.is_empty() {
        paragraphs.push(paragraph(&story.lede));
    }
    paragraphs.extend(story.body.iter().map(paragraph));
    let html = EntryContent {
        dek: story.dek.text.clone(),
        paragraphs,
        sections: story
            .sections
            .iter()
            .map(|s| EntrySection {
                heading: s.heading.clone(),
                paragraphs: s.paragraphs.iter().map(paragraph).collect(),
            })
            .collect(),
        story_url: format!("{base}/stories/{}", story.id),
        sources_label: crate::views::sources_label(story.independent_sources),
        sources: story
            .sources
            .iter()
            .map(|s| EntrySource {
                outlet: s.outlet.clone(),
                title: s.title.clone(),
                href: http_href(&s.url)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{base}/articles/{}", s.article)),
                copy: s.copy_of.is_some(),
            })
            .collect(),
    }
    .render()?;
    Ok(xml_safe(&html))
}

/// What a feed is about.
pub(crate) struct FeedMeta {
    pub title: String,
    /// The page the feed mirrors (absolute).
    pub home: String,
    /// The feed's own address (absolute), in the format being written.
    pub self_url: String,
}

/// The Atom document for `stories`.
pub(crate) fn atom_xml(
    base: &str,
    site_title: &str,
    meta: &FeedMeta,
    stories: &[Story],
) -> anyhow::Result<String> {
    let mut entries = Vec::with_capacity(stories.len());
    for story in stories {
        let url = format!("{base}/stories/{}", story.id);
        entries.push(Entry {
            title: Text::plain(xml_safe(&story.headline.text)),
            id: url.clone(),
            updated: story.updated.fixed_offset(),
            published: story.first_published.map(|t| t.fixed_offset()),
            links: vec![Link {
                href: url,
                rel: "alternate".to_string(),
                mime_type: Some("text/html".to_string()),
                ..Default::default()
            }],
            summary: Some(Text::plain(xml_safe(&story.dek.text))),
            content: Some(Content {
                value: Some(entry_html(base, story)?),
                content_type: Some("html".to_string()),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    let updated = stories
        .iter()
        .map(|s| s.updated)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let feed = Feed {
        title: Text::plain(xml_safe(&meta.title)),
        id: meta.self_url.clone(),
        updated: updated.fixed_offset(),
        authors: vec![Person {
            name: xml_safe(site_title),
            ..Default::default()
        }],
        links: vec![
            Link {
                href: meta.self_url.clone(),
                rel: "self".to_string(),
                mime_type: Some("application/atom+xml".to_string()),
                ..Default::default()
            },
            Link {
                href: meta.home.clone(),
                rel: "alternate".to_string(),
                mime_type: Some("text/html".to_string()),
                ..Default::default()
            },
        ],
        subtitle: Some(Text::plain(
            "Stories written by software from the news articles they cite.",
        )),
        entries,
        lang: Some("en".to_string()),
        ..Default::default()
    };
    Ok(feed.to_string())
}

/// A JSON Feed 1.1 document.
#[derive(Debug, Serialize)]
pub(crate) struct JsonFeed {
    pub version: &'static str,
    pub title: String,
    pub home_page_url: String,
    pub feed_url: String,
    pub description: &'static str,
    pub language: &'static str,
    pub authors: Vec<JsonAuthor>,
    pub items: Vec<JsonItem>,
}

#[derive(Debug, Serialize)]
pub(crate) struct JsonAuthor {
    pub name: String,
}

/// One story in a JSON Feed.
#[derive(Debug, Serialize)]
pub(crate) struct JsonItem {
    pub id: String,
    pub url: String,
    pub title: String,
    pub summary: String,
    pub content_html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_published: Option<DateTime<Utc>>,
    pub date_modified: DateTime<Utc>,
    pub external_url: Option<String>,
}

pub(crate) fn json_feed(
    base: &str,
    site_title: &str,
    meta: &FeedMeta,
    stories: &[Story],
) -> anyhow::Result<JsonFeed> {
    let mut items = Vec::with_capacity(stories.len());
    for story in stories {
        let url = format!("{base}/stories/{}", story.id);
        items.push(JsonItem {
            id: url.clone(),
            url,
            title: story.headline.text.clone(),
            summary: story.dek.text.clone(),
            content_html: entry_html(base, story)?,
            date_published: story.first_published,
            date_modified: story.updated,
            external_url: None,
        });
    }
    Ok(JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: meta.title.clone(),
        home_page_url: meta.home.clone(),
        feed_url: meta.self_url.clone(),
        description: "Stories written by software from the news articles they cite.",
        language: "en",
        authors: vec![JsonAuthor {
            name: site_title.to_string(),
        }],
        items,
    })
}

/// The full stories of a list, in its order (stories removed since are skipped).
async fn full_stories(
    state: &AppState,
    summaries: &[lede_model::StorySummary],
) -> anyhow::Result<Vec<Story>> {
    let mut stories = Vec::with_capacity(summaries.len());
    for s in summaries {
        if let Some(story) = state.store.story(s.id).await? {
            stories.push(story);
        }
    }
    Ok(stories)
}

/// The stories a search finds, newest first; `None` when search is off.
async fn search_stories(state: &AppState, params: &Params) -> anyhow::Result<Option<Vec<Story>>> {
    let Some(index) = state.search.clone() else {
        return Ok(None);
    };
    let mut q: SearchQuery = query_from(params);
    q.kind = Some(Kind::Story);
    q.sort = Sort::Newest;
    q.limit = FEED_LEN;
    q.offset = 0;
    let results = tokio::task::spawn_blocking(move || index.search(&q)).await??;
    let mut stories = Vec::with_capacity(results.hits.len());
    for hit in &results.hits {
        if let Some(story) = state.store.story(hit.id).await? {
            stories.push(story);
        }
    }
    Ok(Some(stories))
}

/// A feed's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Atom,
    Json,
}

fn respond(
    state: &AppState,
    format: Format,
    base: &str,
    meta: FeedMeta,
    stories: &[Story],
) -> Response {
    let body = match format {
        Format::Atom => {
            atom_xml(base, &state.site_title, &meta, stories).map(|xml| (ATOM_TYPE, xml))
        }
        Format::Json => json_feed(base, &state.site_title, &meta, stories)
            .and_then(|f| Ok(serde_json::to_string_pretty(&f)?))
            .map(|json| (JSON_FEED_TYPE, json)),
    };
    match body {
        Ok((ctype, body)) => ([(header::CONTENT_TYPE, ctype)], body).into_response(),
        Err(e) => failed(e),
    }
}

fn failed(e: impl std::fmt::Display) -> Response {
    tracing::error!("feed failed: {e}");
    (StatusCode::INTERNAL_SERVER_ERROR, "feed unavailable").into_response()
}

/// A feed of the stories a list holds: `path` is the page the feed stands
/// for (`/`, `/topics/world`), `feed` the feed's own path without extension.
async fn list_feed(
    state: AppState,
    headers: HeaderMap,
    format: Format,
    listed: lede_store::Result<Vec<lede_model::StorySummary>>,
    title: String,
    path: &str,
    feed: &str,
) -> Response {
    let base = base_url(&state, &headers);
    let stories = match listed {
        Ok(summaries) => match full_stories(&state, &summaries).await {
            Ok(s) => s,
            Err(e) => return failed(e),
        },
        Err(e) => return failed(e),
    };
    let ext = match format {
        Format::Atom => "atom",
        Format::Json => "json",
    };
    let meta = FeedMeta {
        title,
        home: format!("{base}{path}"),
        self_url: format!("{base}{feed}.{ext}"),
    };
    respond(&state, format, &base, meta, &stories)
}

/// The latest stories of the front page (two or more independent sources).
async fn front(state: AppState, headers: HeaderMap, format: Format) -> Response {
    let listed = state.store.stories(2, FEED_LEN, 0).await;
    let title = state.site_title.clone();
    list_feed(state, headers, format, listed, title, "/", "/feed").await
}

/// `GET /topics/{slug}.atom` and `.json`: a topic's newest stories (any
/// number of sources).
pub(crate) async fn topic_feed(
    state: AppState,
    headers: HeaderMap,
    topic: Topic,
    format: Format,
) -> Response {
    let listed = state
        .store
        .topic_stories(topic.slug(), 0, FEED_LEN, 0)
        .await;
    let title = format!("{} · {}", state.site_title, topic.label());
    let path = format!("/topics/{}", topic.slug());
    list_feed(state, headers, format, listed, title, &path, &path).await
}

/// `GET /feed.atom`: the latest front-page stories.
pub(crate) async fn atom(State(state): State<AppState>, headers: HeaderMap) -> Response {
    front(state, headers, Format::Atom).await
}

/// `GET /feed.json`: the same as JSON Feed 1.1.
pub(crate) async fn json(State(state): State<AppState>, headers: HeaderMap) -> Response {
    front(state, headers, Format::Json).await
}

/// The query pairs a search feed keeps (everything but paging and kind).
pub(crate) fn search_pairs(params: &Params) -> Vec<(&'static str, String)> {
    ["q", "outlet", "lang", "from", "to"]
        .into_iter()
        .filter_map(|k| params.get(k).map(|v| (k, v.to_string())))
        .collect()
}

async fn search_feed(
    state: AppState,
    headers: HeaderMap,
    raw: Option<String>,
    format: Format,
) -> Response {
    let params = Params::parse(raw.as_deref());
    let base = base_url(&state, &headers);
    let stories = match search_stories(&state, &params).await {
        Ok(Some(s)) => s,
        Ok(None) => return crate::search::off_response(),
        Err(e) => return failed(e),
    };
    let pairs = search_pairs(&params);
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ext = match format {
        Format::Atom => "atom",
        Format::Json => "json",
    };
    let what = params.get("q").unwrap_or("all stories");
    let meta = FeedMeta {
        title: format!("{}: search for “{}”", state.site_title, what),
        home: format!("{base}{}", href("/search", &pairs)),
        self_url: format!("{base}{}", href(&format!("/search.{ext}"), &pairs)),
    };
    respond(&state, format, &base, meta, &stories)
}

/// `GET /search.atom?q=…`: the newest stories a search finds.
pub(crate) async fn search_atom(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    search_feed(state, headers, q, Format::Atom).await
}

/// `GET /search.json?q=…`: the same as JSON Feed 1.1.
pub(crate) async fn search_json(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    search_feed(state, headers, q, Format::Json).await
}
