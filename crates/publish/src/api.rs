//! The JSON API, version 1 (`/api/v1/...`), described by `openapi.json`.
//!
//! Lists are paged with `limit` and `offset`; each page carries `next_offset`
//! and `next` (the path of the next page), both `null` on the last page.

use std::collections::HashSet;

use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use lede_model::{Article, ArticleId, Feed, Story, StoryId, Topic};
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::params::{href, Params};
use crate::views;
use crate::AppState;

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 200;
/// Deepest offset accepted (keeps offsets sane).
const MAX_OFFSET: usize = 1_000_000;

/// One story in a list.
#[derive(Debug, Serialize)]
pub(crate) struct StoryItem {
    pub id: StoryId,
    pub headline: String,
    pub dek: String,
    pub updated: DateTime<Utc>,
    pub first_published: Option<DateTime<Utc>>,
    pub last_published: Option<DateTime<Utc>>,
    /// Independent sources (wire copies counted once).
    pub sources: usize,
    /// Member articles, wire copies included.
    pub article_count: usize,
    /// URLs of every source article.
    pub articles: Vec<String>,
    pub outlets: Vec<String>,
    pub version: u32,
    /// The story's page on this site.
    pub html_url: String,
    /// The story as JSON.
    pub api_url: String,
    /// The section the story is filed under (a topic slug), `null` when none fits.
    pub topic: Option<String>,
}

/// `GET /api/v1/stories`
#[derive(Debug, Serialize)]
pub(crate) struct StoryList {
    pub stories: Vec<StoryItem>,
    /// Offset of the next page, `null` on the last page.
    pub next_offset: Option<usize>,
    /// Path of the next page, `null` on the last page.
    pub next: Option<String>,
}

/// A page of the story list (newest first), shared with the static export.
pub(crate) async fn story_list(
    state: &AppState,
    topic: Option<Topic>,
    min_sources: usize,
    limit: usize,
    offset: usize,
) -> Result<StoryList, ApiError> {
    let mut summaries = match topic {
        Some(t) => {
            state
                .store
                .topic_stories(t.slug(), min_sources, limit.saturating_add(1), offset)
                .await
        }
        None => {
            state
                .store
                .stories(min_sources, limit.saturating_add(1), offset)
                .await
        }
    }
    .map_err(ApiError::internal)?;
    let more = summaries.len() > limit;
    summaries.truncate(limit);
    let mut items = Vec::with_capacity(summaries.len());
    for s in summaries {
        let articles = match state.store.story(s.id).await {
            Ok(Some(story)) => story.sources.into_iter().map(|src| src.url).collect(),
            Ok(None) => Vec::new(),
            Err(e) => return Err(ApiError::internal(e)),
        };
        items.push(StoryItem {
            html_url: format!("/stories/{}", s.id),
            api_url: format!("/api/v1/stories/{}", s.id),
            id: s.id,
            headline: s.headline,
            dek: s.dek,
            updated: s.updated,
            first_published: s.first_published,
            last_published: s.last_published,
            sources: s.sources,
            article_count: s.article_count,
            articles,
            outlets: s.outlets,
            version: s.version,
            topic: s.topic,
        });
    }
    let next_offset = more.then_some(offset + items.len());
    let next = next_offset.map(|o| {
        let (limit, o, min) = (limit.to_string(), o.to_string(), min_sources.to_string());
        let mut pairs = vec![("limit", limit.as_str()), ("offset", o.as_str())];
        if min_sources > 0 {
            pairs.push(("min_sources", min.as_str()));
        }
        if let Some(t) = topic {
            pairs.push(("topic", t.slug()));
        }
        href("/api/v1/stories", &pairs)
    });
    Ok(StoryList {
        stories: items,
        next_offset,
        next,
    })
}

/// `GET /api/v1/stories?limit=&offset=&min_sources=`
pub(crate) async fn stories(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<StoryList>, ApiError> {
    let params = Params::parse(q.as_deref());
    let limit = params
        .number("limit")
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, MAX_LIMIT);
    let offset = params.number("offset").unwrap_or(0).min(MAX_OFFSET);
    let min_sources = params.number("min_sources").unwrap_or(0).min(1_000);
    let topic = match params.get("topic") {
        None => None,
        Some(slug) => Some(Topic::from_slug(slug).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown topic {slug:?}: one of {}",
                Topic::ALL.map(|t| t.slug()).join(", ")
            ))
        })?),
    };
    Ok(Json(
        story_list(&state, topic, min_sources, limit, offset).await?,
    ))
}

/// A citation resolved to its source sentence.
#[derive(Debug, Serialize)]
pub(crate) struct Cited {
    pub article: ArticleId,
    pub sentence: usize,
    pub outlet: String,
    pub url: String,
    /// The cited sentence; `null` when the article is not stored.
    pub text: Option<String>,
}

fn parse_story_id(id: &str) -> Result<StoryId, ApiError> {
    id.parse::<StoryId>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(|| ApiError::not_found(format!("story {id:?} not found")))
}

async fn load_story(state: &AppState, id: &str) -> Result<Story, ApiError> {
    let sid = parse_story_id(id)?;
    state
        .store
        .story(sid)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found(format!("story {id:?} not found")))
}

/// The story as JSON plus `"cited"` (every cited sentence, once) and links.
pub(crate) async fn story_json(state: &AppState, story: &Story) -> Result<Value, ApiError> {
    let ids = views::cited_article_ids(story);
    let articles = if ids.is_empty() {
        Vec::new()
    } else {
        state
            .store
            .articles(&ids)
            .await
            .map_err(ApiError::internal)?
    };
    let mut seen = HashSet::new();
    let mut cited = Vec::new();
    for s in story.all_sentences() {
        for c in &s.citations {
            if !seen.insert(*c) {
                continue;
            }
            let a = articles.iter().find(|a| a.id == c.article);
            let src = story.sources.iter().find(|s| s.article == c.article);
            cited.push(Cited {
                article: c.article,
                sentence: c.sentence,
                outlet: a
                    .map(|a| a.outlet.clone())
                    .or_else(|| src.map(|s| s.outlet.clone()))
                    .unwrap_or_default(),
                url: a
                    .map(|a| a.link().to_string())
                    .or_else(|| src.map(|s| s.url.clone()))
                    .unwrap_or_default(),
                text: a.map(|a| a.sentence(c.sentence).trim().to_string()),
            });
        }
    }
    let mut value = serde_json::to_value(story).map_err(ApiError::internal)?;
    if let Value::Object(map) = &mut value {
        map.insert(
            "cited".to_string(),
            serde_json::to_value(cited).map_err(ApiError::internal)?,
        );
        map.insert(
            "html_url".to_string(),
            Value::String(format!("/stories/{}", story.id)),
        );
    }
    Ok(value)
}

/// `GET /api/v1/stories/{id}`: the current version.
pub(crate) async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let story = load_story(&state, &id).await?;
    Ok(Json(story_json(&state, &story).await?))
}

/// One entry of a story's history.
#[derive(Debug, Serialize)]
pub(crate) struct VersionItem {
    pub version: u32,
    pub updated: DateTime<Utc>,
    pub change_note: String,
    pub current: bool,
    pub html_url: String,
    pub api_url: String,
}

/// `GET /api/v1/stories/{id}/versions`
#[derive(Debug, Serialize)]
pub(crate) struct VersionList {
    pub story: StoryId,
    pub current: u32,
    /// Newest first.
    pub versions: Vec<VersionItem>,
}

pub(crate) async fn version_list(state: &AppState, story: &Story) -> Result<VersionList, ApiError> {
    let versions = state
        .store
        .story_versions(story.id)
        .await
        .map_err(ApiError::internal)?;
    Ok(VersionList {
        story: story.id,
        current: story.version,
        versions: versions
            .into_iter()
            .map(|v| VersionItem {
                current: v.version == story.version,
                html_url: format!("/stories/{}/versions/{}", story.id, v.version),
                api_url: format!("/api/v1/stories/{}/versions/{}", story.id, v.version),
                version: v.version,
                updated: v.updated,
                change_note: v.change_note,
            })
            .collect(),
    })
}

/// `GET /api/v1/stories/{id}/versions`
pub(crate) async fn versions(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<VersionList>, ApiError> {
    let story = load_story(&state, &id).await?;
    Ok(Json(version_list(&state, &story).await?))
}

/// `GET /api/v1/stories/{id}/versions/{v}`: an old (or the current) version.
pub(crate) async fn version(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let sid = parse_story_id(&id)?;
    let missing = || ApiError::not_found(format!("story {id:?} has no version {version:?}"));
    let v: u32 = version.parse().map_err(|_| missing())?;
    let story = state
        .store
        .story_version(sid, v)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(missing)?;
    Ok(Json(story_json(&state, &story).await?))
}

/// A source article as JSON.
#[derive(Debug, Serialize)]
pub(crate) struct ArticleItem {
    pub id: ArticleId,
    pub url: String,
    pub canonical_url: Option<String>,
    pub outlet: String,
    pub title: String,
    pub byline: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub language: Option<String>,
    pub text: String,
    /// The article's sentences (citations point into this list).
    pub sentences: Vec<String>,
    /// In a story's list: the earlier article this one is a wire copy of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<ArticleId>,
    pub html_url: String,
}

impl ArticleItem {
    fn new(a: Article, copy_of: Option<ArticleId>) -> Self {
        ArticleItem {
            sentences: a.sentence_texts().map(|s| s.trim().to_string()).collect(),
            html_url: format!("/articles/{}", a.id),
            id: a.id,
            url: a.url,
            canonical_url: a.canonical_url,
            outlet: a.outlet,
            title: a.title,
            byline: a.byline,
            published: a.published,
            language: a.language,
            text: a.text,
            copy_of,
        }
    }
}

/// `GET /api/v1/stories/{id}/articles`
#[derive(Debug, Serialize)]
pub(crate) struct ArticleList {
    pub story: StoryId,
    pub articles: Vec<ArticleItem>,
}

pub(crate) async fn article_list(state: &AppState, story: &Story) -> Result<ArticleList, ApiError> {
    let articles = state
        .store
        .articles(&story.articles)
        .await
        .map_err(ApiError::internal)?;
    Ok(ArticleList {
        story: story.id,
        articles: articles
            .into_iter()
            .map(|a| {
                let copy_of = story
                    .sources
                    .iter()
                    .find(|s| s.article == a.id)
                    .and_then(|s| s.copy_of);
                ArticleItem::new(a, copy_of)
            })
            .collect(),
    })
}

/// `GET /api/v1/stories/{id}/articles`: every member article, in full.
pub(crate) async fn story_articles(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ArticleList>, ApiError> {
    let story = load_story(&state, &id).await?;
    Ok(Json(article_list(&state, &story).await?))
}

/// `GET /api/v1/articles/{id}`
pub(crate) async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ArticleItem>, ApiError> {
    let missing = || ApiError::not_found(format!("article {id:?} not found"));
    let aid: ArticleId = id.parse().ok().filter(|i| *i > 0).ok_or_else(missing)?;
    let a = state
        .store
        .article(aid)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(missing)?;
    Ok(Json(ArticleItem::new(a, None)))
}

/// `GET /api/v1/feeds`
#[derive(Debug, Serialize)]
pub(crate) struct FeedList {
    /// The subscribed feeds and their polling state.
    pub feeds: Vec<Feed>,
    /// The feeds this site publishes.
    pub published: Vec<PublishedFeed>,
}

/// A feed this site publishes.
#[derive(Debug, Serialize)]
pub(crate) struct PublishedFeed {
    pub title: &'static str,
    pub url: &'static str,
    pub content_type: &'static str,
}

/// The feeds this site publishes.
pub(crate) const PUBLISHED: [PublishedFeed; 2] = [
    PublishedFeed {
        title: "Top stories (Atom)",
        url: "/feed.atom",
        content_type: "application/atom+xml",
    },
    PublishedFeed {
        title: "Top stories (JSON Feed)",
        url: "/feed.json",
        content_type: "application/feed+json",
    },
];

/// `GET /api/v1/feeds`: subscriptions and the site's own feeds.
pub(crate) async fn feeds(State(state): State<AppState>) -> Result<Json<FeedList>, ApiError> {
    let feeds = state.store.feeds().await.map_err(ApiError::internal)?;
    Ok(Json(FeedList {
        feeds,
        published: PUBLISHED.into_iter().collect(),
    }))
}

/// `GET /api/v1/openapi.json`
pub(crate) async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::OPENAPI_JSON,
    )
}
