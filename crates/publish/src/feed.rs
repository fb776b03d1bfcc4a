//! The Atom feed.

use askama::Template;
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use lede_model::Story;

use crate::views::http_href;
use crate::AppState;

/// Entries in the feed.
const FEED_LEN: usize = 50;

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

/// `http(s)://host` as the client addressed us, for absolute links. A Host
/// header with anything but host-name characters is ignored.
fn base_url(headers: &HeaderMap) -> String {
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

struct FeedSource {
    outlet: String,
    title: String,
    href: String,
}

/// The HTML of one entry's content: dek, lede and sources.
#[derive(Template)]
#[template(path = "feed_entry.html")]
struct EntryContent {
    dek: String,
    lede: String,
    story_url: String,
    sources: Vec<FeedSource>,
}

fn entry(base: &str, story: &Story) -> Result<Entry, askama::Error> {
    let url = format!("{base}/stories/{}", story.id);
    let content = EntryContent {
        dek: story.dek.text.clone(),
        lede: story
            .lede
            .sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        story_url: url.clone(),
        sources: story
            .sources
            .iter()
            .map(|s| FeedSource {
                outlet: s.outlet.clone(),
                title: s.title.clone(),
                href: http_href(&s.url)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{base}/articles/{}", s.article)),
            })
            .collect(),
    }
    .render()?;
    Ok(Entry {
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
            value: Some(xml_safe(&content)),
            content_type: Some("html".to_string()),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// `GET /feed.atom`: the latest 50 stories.
pub(crate) async fn atom(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match build(&state, &headers).await {
        Ok(xml) => (
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            xml,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("atom feed failed: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "feed unavailable").into_response()
        }
    }
}

async fn build(state: &AppState, headers: &HeaderMap) -> anyhow::Result<String> {
    let base = base_url(headers);
    let summaries = state.store.stories(0, FEED_LEN, 0).await?;
    let mut entries = Vec::with_capacity(summaries.len());
    for s in &summaries {
        if let Some(story) = state.store.story(s.id).await? {
            entries.push(entry(&base, &story)?);
        }
    }
    let updated = summaries
        .iter()
        .map(|s| s.updated)
        .max()
        .unwrap_or_else(Utc::now);
    let title = xml_safe(&state.site_title);
    let feed = Feed {
        title: Text::plain(title.clone()),
        id: format!("{base}/"),
        updated: updated.fixed_offset(),
        authors: vec![Person {
            name: title,
            ..Default::default()
        }],
        links: vec![
            Link {
                href: format!("{base}/feed.atom"),
                rel: "self".to_string(),
                mime_type: Some("application/atom+xml".to_string()),
                ..Default::default()
            },
            Link {
                href: format!("{base}/"),
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
