//! The JSON API.

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use chrono::{DateTime, Utc};
use lede_model::{ArticleId, StoryId};
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::pages::param;
use crate::views;
use crate::AppState;

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 200;

/// One story in `GET /api/stories`.
#[derive(Debug, Serialize)]
pub(crate) struct StoryItem {
    pub id: StoryId,
    pub headline: String,
    pub dek: String,
    pub updated: DateTime<Utc>,
    /// Independent sources (wire copies counted once).
    pub sources: usize,
    /// URLs of every source article.
    pub articles: Vec<String>,
    pub outlets: Vec<String>,
    pub version: u32,
}

#[derive(Debug, Serialize)]
pub(crate) struct StoryIndex {
    pub stories: Vec<StoryItem>,
    /// Offset of the next page, `null` on the last page.
    pub next_offset: Option<usize>,
}

/// `GET /api/stories?limit=&offset=`
pub(crate) async fn stories(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<StoryIndex>, ApiError> {
    let limit = param(&q, "limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, MAX_LIMIT);
    let offset = param(&q, "offset")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(usize::MAX / 2);
    let mut summaries = state
        .store
        .stories(0, limit + 1, offset)
        .await
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
            id: s.id,
            headline: s.headline,
            dek: s.dek,
            updated: s.updated,
            sources: s.sources,
            articles,
            outlets: s.outlets,
            version: s.version,
        });
    }
    Ok(Json(StoryIndex {
        next_offset: more.then_some(offset + items.len()),
        stories: items,
    }))
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

/// `GET /api/stories/{id}`: the Story plus `"cited"`.
pub(crate) async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let missing = || ApiError::not_found(format!("story {id:?} not found"));
    let sid: StoryId = id.parse().map_err(|_| missing())?;
    let story = state
        .store
        .story(sid)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(missing)?;
    let ids = views::cited_article_ids(&story);
    let articles = if ids.is_empty() {
        Vec::new()
    } else {
        state
            .store
            .articles(&ids)
            .await
            .map_err(ApiError::internal)?
    };
    let mut seen = std::collections::HashSet::new();
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
    let mut value = serde_json::to_value(&story).map_err(ApiError::internal)?;
    if let Value::Object(map) = &mut value {
        map.insert(
            "cited".to_string(),
            serde_json::to_value(cited).map_err(ApiError::internal)?,
        );
    }
    Ok(Json(value))
}
