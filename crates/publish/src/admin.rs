//! Admin actions: subscribing to feeds and rewriting a story.
//!
//! Each needs `Authorization: Bearer <token>` matching the configured token.
//! The comparison hashes both sides with SHA-256 and compares the digests in
//! constant time (`subtle`), so neither the token's content nor its length
//! leaks through timing. With no token configured, admin actions are off
//! (403) and nothing can change through the web.

use std::sync::Arc;

use async_trait::async_trait;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lede_model::StoryId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::params::Params;
use crate::AppState;

/// What happened when a story was rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RewriteOutcome {
    /// A new version was written and saved.
    Rewritten { version: u32 },
    /// The story was rewritten but nothing changed; it stays at this version.
    Unchanged { version: u32 },
    /// The rewrite will happen later (e.g. at the next build).
    Queued,
    /// There is no such story.
    NotFound,
}

/// Admin actions that need the pipeline, implemented by the `lede` binary.
#[async_trait]
pub trait Admin: Send + Sync {
    /// Rewrite story `id` from its current member articles.
    async fn rewrite_story(&self, id: StoryId) -> anyhow::Result<RewriteOutcome>;
}

fn digest(s: &[u8]) -> [u8; 32] {
    Sha256::digest(s).into()
}

/// Check the request's bearer token against the configured one.
pub(crate) fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = state.admin_token.as_deref().filter(|t| !t.is_empty()) else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "admin actions are off: no admin token is configured",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty());
    let Some(given) = given else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "this action needs an admin token (Authorization: Bearer <token>)",
        ));
    };
    let ok: bool = digest(given.as_bytes())
        .ct_eq(&digest(expected.as_bytes()))
        .into();
    if ok {
        Ok(())
    } else {
        tracing::warn!("admin request with a wrong token refused");
        Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong admin token"))
    }
}

/// `POST /api/v1/feeds` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewFeed {
    url: String,
    #[serde(default)]
    title: Option<String>,
}

/// An `http`/`https` URL with a host, or a 400 saying why not.
fn feed_url(raw: &str) -> Result<String, ApiError> {
    let parsed = url::Url::parse(raw.trim())
        .map_err(|e| ApiError::bad_request(format!("not a URL ({e}): {raw:?}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(ApiError::bad_request(format!(
            "a feed URL must be http or https with a host: {raw:?}"
        )));
    }
    Ok(parsed.to_string())
}

/// `POST /api/v1/feeds` with `{"url": "...", "title": "..."}`: subscribe.
pub(crate) async fn add_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let new: NewFeed = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!(
            "expected a JSON object {{\"url\": ..., \"title\": ...}}: {e}"
        ))
    })?;
    let url = feed_url(&new.url)?;
    let title = new
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let feed = state
        .store
        .add_feed(&url, title)
        .await
        .map_err(ApiError::internal)?;
    tracing::info!(url, "feed added through the API");
    Ok((StatusCode::CREATED, Json(feed)).into_response())
}

/// `DELETE /api/v1/feeds?url=...`: unsubscribe.
pub(crate) async fn remove_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let params = Params::parse(raw.as_deref());
    let raw_url = params
        .get("url")
        .ok_or_else(|| ApiError::bad_request("give the feed as ?url=..."))?;
    // Remove what was stored: the normalised form, or the text as given.
    let url = feed_url(raw_url).unwrap_or_else(|_| raw_url.to_string());
    let mut removed = state
        .store
        .remove_feed(&url)
        .await
        .map_err(ApiError::internal)?;
    if !removed && url != raw_url {
        removed = state
            .store
            .remove_feed(raw_url)
            .await
            .map_err(ApiError::internal)?;
    }
    if removed {
        tracing::info!(url, "feed removed through the API");
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found(format!(
            "no subscription to {raw_url:?}"
        )))
    }
}

/// `POST /api/v1/stories/{id}/rewrite`: rewrite a story now.
pub(crate) async fn rewrite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let Some(admin) = state.admin.clone() else {
        return Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "rewriting is not available in this process",
        ));
    };
    let missing = || ApiError::not_found(format!("story {id:?} not found"));
    let sid: StoryId = id.parse().ok().filter(|i| *i > 0).ok_or_else(missing)?;
    let outcome = admin.rewrite_story(sid).await.map_err(ApiError::internal)?;
    let status = match outcome {
        RewriteOutcome::NotFound => return Err(missing()),
        RewriteOutcome::Queued => StatusCode::ACCEPTED,
        RewriteOutcome::Rewritten { .. } => {
            reindex(&state, sid).await;
            StatusCode::OK
        }
        RewriteOutcome::Unchanged { .. } => StatusCode::OK,
    };
    Ok((status, Json(outcome)).into_response())
}

/// Put a freshly rewritten story into the search index at once (the periodic
/// refresh would catch it too; failures are only logged).
async fn reindex(state: &AppState, id: StoryId) {
    let Some(index) = state.search.clone() else {
        return;
    };
    let store = Arc::clone(&state.store);
    if let Err(e) = crate::refresh::index_stories(store.as_ref(), &index, &[id]).await {
        tracing::warn!("story {id}: rewritten, but not re-indexed: {e}");
    }
}
