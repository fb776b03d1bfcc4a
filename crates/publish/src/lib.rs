//! The lede web site and API.
//!
//! `lede-publish` serves what the pipeline wrote, straight from a [`Store`]:
//!
//! | route | what |
//! | --- | --- |
//! | `GET /` | front page: stories with two or more independent sources, newest first (`?page=`) |
//! | `GET /stories` | every story, including single-source ones (`?all=1`, `?page=`) |
//! | `GET /stories/{id}` | one story with citation marks, sources, related stories and footnotes |
//! | `GET /stories/{id}/history` | the story's version history |
//! | `GET /stories/{id}/versions/{v}` | an old version, clearly marked |
//! | `GET /articles/{id}` | one stored source article, sentence by sentence (anchors `#s-N`) |
//! | `GET /api/stories` | JSON index (`limit`, `offset`) |
//! | `GET /api/stories/{id}` | the whole story as JSON plus the text of every cited sentence |
//! | `GET /feed.atom` | Atom feed of the latest 50 stories |
//! | `GET /healthz` | `ok` |
//! | `GET /static/style.css` | the one stylesheet |
//!
//! Everything that comes from a source article is untrusted. Pages are rendered
//! with askama templates whose auto-escaping covers text and attributes; only
//! `http`/`https` source URLs ever become links (other URLs link to our own copy
//! under `/articles/{id}`); the Atom feed is written by `atom_syndication`, which
//! escapes text, and characters XML forbids are removed first; JSON is written by
//! serde. Handlers never panic on bad input: unknown ids or malformed parameters
//! give a 404 page (or a JSON `{"error": ...}` under `/api`), store failures a
//! 500 page that does not leak the error (it is logged with `tracing`).
//!
//! No JavaScript is needed to read anything.

mod api;
mod error;
mod feed;
mod pages;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use lede_store::Store;

/// What every handler shares: the store and the site's name.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Shown in the header, page titles and the feed title.
    pub site_title: String,
}

/// The stylesheet served at `/static/style.css`.
pub const STYLE_CSS: &str = include_str!("../static/style.css");

/// All routes of the site and API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::front))
        .route("/stories", get(pages::all_stories))
        .route("/stories/{id}", get(pages::story))
        .route("/stories/{id}/history", get(pages::history))
        .route(
            "/stories/{id}/versions/{version}",
            get(pages::story_version),
        )
        .route("/articles/{id}", get(pages::article))
        .route("/api/stories", get(api::stories))
        .route("/api/stories/{id}", get(api::story))
        .route("/feed.atom", get(feed::atom))
        .route("/healthz", get(healthz))
        .route("/static/style.css", get(style))
        .fallback(pages::not_found)
        .with_state(state)
}

/// Bind `addr`, log the URL, and serve until Ctrl-C (graceful shutdown).
pub async fn serve(state: AppState, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    tracing::info!("serving {} at http://{local}/", state.site_title);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            match tokio::signal::ctrl_c().await {
                Ok(()) => tracing::info!("shutting down"),
                Err(e) => tracing::warn!("cannot listen for Ctrl-C: {e}"),
            }
        })
        .await?;
    Ok(())
}

async fn healthz() -> &'static str {
    "ok"
}

async fn style() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE_CSS,
    )
}

#[cfg(test)]
mod tests;
