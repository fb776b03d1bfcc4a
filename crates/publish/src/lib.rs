//! The lede web site, API, feeds and static export.
//!
//! `lede-publish` serves what the pipeline wrote, straight from a [`Store`]:
//!
//! | route | what |
//! | --- | --- |
//! | `GET /` (`/page/{n}`) | top stories: two or more independent sources, ranked by sources and freshness; then a section per topic |
//! | `GET /stories` (`/stories/page/{n}`) | every story, newest first, single-source ones included |
//! | `GET /topics/{slug}` (`/topics/{slug}/page/{n}`) | one section's stories (world, politics, business, technology, science, health, environment, sport, culture) |
//! | `GET /topics/{slug}.atom`, `.json` | the section's Atom and JSON feeds |
//! | `GET /stories/{id}` | one story: citation marks, sources panel, coverage chart, timeline, related stories, footnotes |
//! | `GET /stories/{id}/history` | the story's version history |
//! | `GET /stories/{id}/versions/{v}` | an old version, clearly marked |
//! | `GET /articles/{id}` | one stored source article, sentence by sentence (anchors `#s-N`) |
//! | `GET /search?q=&outlet=&lang=&from=&to=&kind=&sort=&page=` | search page (says so when search is off) |
//! | `GET /feed.atom`, `/feed.json` | Atom and JSON Feed 1.1 of the front page's stories |
//! | `GET /search.atom?q=…`, `/search.json?q=…` | the same for the stories a search finds |
//! | `GET /api/v1/…` | the JSON API, described by `GET /api/v1/openapi.json` (OpenAPI 3.1) |
//! | `GET /api/stories`, `/api/stories/{id}` | aliases of `/api/v1/stories…`, kept for old clients |
//! | `POST/DELETE /api/v1/feeds`, `POST /api/v1/stories/{id}/rewrite` | admin actions (bearer token) |
//! | `GET /status`, `GET /metrics` | the desk's state: counts, backlog, articles per hour, every feed's health; the same for Prometheus |
//! | `GET /healthz`, `/static/style.css` | health check, the one stylesheet |
//!
//! Reading needs no token. Admin actions need `Authorization: Bearer <token>`
//! matching [`AppState::admin_token`] (compared in constant time); with no
//! token configured they answer 403 and change nothing.
//!
//! Everything that comes from a source article is untrusted. Pages are rendered
//! with askama templates whose auto-escaping covers text and attributes; only
//! `http`/`https` source URLs ever become links (other URLs link to our own copy
//! under `/articles/{id}`); feeds are written by `atom_syndication` and serde,
//! which escape text, and characters XML forbids are removed first. Handlers
//! never panic on bad input: unknown ids or malformed parameters give a 404
//! page (or a JSON `{"error": ...}` under `/api`), store failures a 500 page
//! that does not leak the error (it is logged with `tracing`).
//!
//! No JavaScript is needed to read anything, and none is served.
//!
//! [`export`] writes the whole site as static files; [`refresh_search`] keeps
//! the search index in step with the store.

mod admin;
mod api;
mod cache;
mod chart;
mod error;
mod export;
mod feed;
mod pages;
mod params;
mod rank;
mod refresh;
mod search;
mod status;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use lede_search::SearchIndex;
use lede_store::Store;

pub use admin::{Admin, RewriteOutcome};
pub use cache::{PageCache, CACHE_HEADER, DEFAULT_MAX_BYTES as PAGE_CACHE_MAX_BYTES};
pub use export::{export, ExportReport};
pub use refresh::{refresh_search, spawn_search_refresher, RefreshReport};
pub use status::RequestCounters;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Shown in the header, page titles and the feed title.
    pub site_title: String,
    /// The site's public address (`https://news.example`), used for absolute
    /// links in feeds and the static export. `None`: taken from each request's
    /// `Host` header (and `http://localhost` in the export).
    pub base_url: Option<String>,
    /// The search index; `None` turns search off (the page says so, the API
    /// answers 503).
    pub search: Option<Arc<SearchIndex>>,
    /// The admin token; `None` or empty turns admin actions off.
    pub admin_token: Option<String>,
    /// What admin actions that need the pipeline call (rewriting a story);
    /// `None`: those answer 501.
    pub admin: Option<Arc<dyn Admin>>,
    /// The micro-cache of rendered pages; `None`: every request is rendered.
    pub page_cache: Option<Arc<PageCache>>,
    /// Requests answered since start, for `/metrics`.
    pub counters: Arc<RequestCounters>,
}

impl AppState {
    /// A site over `store` with search and admin off.
    pub fn new(store: Arc<dyn Store>, site_title: impl Into<String>) -> Self {
        AppState {
            store,
            site_title: site_title.into(),
            base_url: None,
            search: None,
            admin_token: None,
            admin: None,
            page_cache: None,
            counters: Arc::default(),
        }
    }

    /// Keep each rendered page for `ttl` (see [`PageCache`]); a zero `ttl` keeps none.
    pub fn with_page_cache(mut self, ttl: std::time::Duration) -> Self {
        self.page_cache = (!ttl.is_zero()).then(|| Arc::new(PageCache::new(ttl, 4096)));
        self
    }

    /// Turn search on with this index.
    pub fn with_search(mut self, index: Arc<SearchIndex>) -> Self {
        self.search = Some(index);
        self
    }

    /// Turn admin actions on with this token (an empty token keeps them off).
    pub fn with_admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(token.into());
        self
    }

    /// Let admin actions reach the pipeline.
    pub fn with_admin(mut self, admin: Arc<dyn Admin>) -> Self {
        self.admin = Some(admin);
        self
    }

    /// Set the public address used in feeds and the export (a trailing `/` is dropped).
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_string());
        self
    }
}

/// The stylesheet served at `/static/style.css`.
pub const STYLE_CSS: &str = include_str!("../static/style.css");

/// The OpenAPI 3.1 document served at `/api/v1/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// All routes of the site and API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::front))
        .route("/page/{n}", get(pages::front_page_n))
        .route("/stories", get(pages::all_stories))
        .route("/stories/page/{n}", get(pages::all_stories_page_n))
        .route("/stories/{id}", get(pages::story))
        .route("/stories/{id}/history", get(pages::history))
        .route(
            "/stories/{id}/versions/{version}",
            get(pages::story_version),
        )
        .route("/topics/{name}", get(pages::topic))
        .route("/topics/{slug}/page/{n}", get(pages::topic_page_n))
        .route("/articles/{id}", get(pages::article))
        .route("/search", get(search::page))
        .route("/search.atom", get(feed::search_atom))
        .route("/search.json", get(feed::search_json))
        .route("/feed.atom", get(feed::atom))
        .route("/feed.json", get(feed::json))
        // the JSON API
        .route("/api/v1/stories", get(api::stories))
        .route("/api/v1/stories/{id}", get(api::story))
        .route("/api/v1/stories/{id}/versions", get(api::versions))
        .route("/api/v1/stories/{id}/versions/{version}", get(api::version))
        .route("/api/v1/stories/{id}/articles", get(api::story_articles))
        .route("/api/v1/stories/{id}/rewrite", post(admin::rewrite))
        .route("/api/v1/articles/{id}", get(api::article))
        .route("/api/v1/search", get(search::api))
        .route(
            "/api/v1/feeds",
            get(api::feeds)
                .post(admin::add_feed)
                .delete(admin::remove_feed),
        )
        .route("/api/v1/openapi.json", get(api::openapi))
        // old, unversioned paths
        .route("/api/stories", get(api::stories))
        .route("/api/stories/{id}", get(api::story))
        .route("/healthz", get(healthz))
        .route("/status", get(status::page))
        .route("/metrics", get(status::metrics))
        .route("/static/style.css", get(style))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cache::serve_cached,
        ))
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
mod testdata;
#[cfg(test)]
mod tests;
