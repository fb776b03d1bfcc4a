//! What the desk is doing: `GET /status` for people, `GET /metrics` for
//! Prometheus.
//!
//! Both read the store (counts, the backlog, every feed's state, articles
//! stored per hour) and the site's own request counters. Neither lists
//! anything a reader could not already see, so neither needs a token; both
//! answer `Cache-Control: no-store` and are never kept by the page cache.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use lede_model::{Feed, FeedHealth, FEED_DEAD_AFTER};
use lede_store::StoreStats;

use crate::error::PageError;
use crate::views::fmt_time;
use crate::AppState;

/// Requests the site has answered since it started, by how the page cache
/// took part.
#[derive(Debug, Default)]
pub struct RequestCounters {
    /// Served from the page cache.
    pub cache_hits: AtomicU64,
    /// Rendered and kept in the page cache.
    pub cache_misses: AtomicU64,
    /// Rendered without the cache (it is off, or the answer cannot be kept).
    pub uncached: AtomicU64,
}

impl RequestCounters {
    pub(crate) fn count(&self, counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Hours of articles per hour the status page shows.
const HOURS: i64 = 24;
/// Feeds listed on the status page at most (problem feeds first).
const MAX_FEEDS: usize = 1000;

struct Snapshot {
    stats: StoreStats,
    feeds: Vec<Feed>,
    per_hour: Vec<(DateTime<Utc>, u64)>,
    now: DateTime<Utc>,
}

async fn snapshot(state: &AppState) -> anyhow::Result<Snapshot> {
    let now = Utc::now();
    let stats = state.store.stats().await?;
    let feeds = state.store.feeds().await?;
    // Stores without the count (read-only fakes) show no hours rather than fail.
    let per_hour = state
        .store
        .articles_per_hour(now - Duration::hours(HOURS))
        .await
        .unwrap_or_default();
    Ok(Snapshot {
        stats,
        feeds,
        per_hour,
        now,
    })
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Feeds by health: (ok, failing, dead).
fn health_counts(feeds: &[Feed], now: DateTime<Utc>) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for f in feeds {
        match f.health(now, FEED_DEAD_AFTER) {
            FeedHealth::Ok => counts.0 += 1,
            FeedHealth::Failing { .. } => counts.1 += 1,
            FeedHealth::Dead { .. } => counts.2 += 1,
        }
    }
    counts
}

/// `GET /metrics`: Prometheus text exposition format 0.0.4.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let snap = match snapshot(&state).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("metrics: {e}");
            return no_store(
                (StatusCode::INTERNAL_SERVER_ERROR, "store unavailable\n").into_response(),
            );
        }
    };
    let (ok, failing, dead) = health_counts(&snap.feeds, snap.now);
    let last_hour: u64 = snap
        .per_hour
        .iter()
        .filter(|(h, _)| *h > snap.now - Duration::hours(1))
        .map(|(_, n)| n)
        .sum();
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, samples: &[(&str, u64)]| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    gauge(
        "lede_articles",
        "Articles stored.",
        &[("", snap.stats.articles)],
    );
    gauge(
        "lede_stories",
        "Stories written.",
        &[("", snap.stats.stories)],
    );
    gauge(
        "lede_feeds",
        "Subscribed feeds by health (failing: errors in a row; dead: failing for days).",
        &[
            ("{health=\"ok\"}", ok as u64),
            ("{health=\"failing\"}", failing as u64),
            ("{health=\"dead\"}", dead as u64),
        ],
    );
    gauge(
        "lede_backlog_articles",
        "Articles stored but not yet clustered into a story.",
        &[("", snap.stats.unclustered)],
    );
    gauge(
        "lede_backlog_stories",
        "Stories waiting to be (re)written.",
        &[("", snap.stats.to_write)],
    );
    gauge(
        "lede_articles_stored_recent",
        "Articles stored in the last hour (clock hours overlapping it).",
        &[("", last_hour)],
    );
    let c = &state.counters;
    let _ = writeln!(
        out,
        "# HELP lede_http_requests_total Requests answered, by page cache outcome.\n\
         # TYPE lede_http_requests_total counter\n\
         lede_http_requests_total{{cache=\"hit\"}} {}\n\
         lede_http_requests_total{{cache=\"miss\"}} {}\n\
         lede_http_requests_total{{cache=\"none\"}} {}",
        c.cache_hits.load(Ordering::Relaxed),
        c.cache_misses.load(Ordering::Relaxed),
        c.uncached.load(Ordering::Relaxed),
    );
    no_store(
        (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            out,
        )
            .into_response(),
    )
}

struct FeedRow {
    url: String,
    title: String,
    /// "dead", "failing" or "ok", shown and used as the row's CSS class.
    state: &'static str,
    last_fetched: String,
    detail: String,
}

struct HourBar {
    label: String,
    count: u64,
    /// Bar width in percent of the busiest hour.
    width: u64,
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage<'a> {
    site_title: &'a str,
    stats: StoreStats,
    ok: usize,
    failing: usize,
    dead: usize,
    hours: Vec<HourBar>,
    day_total: u64,
    feeds: Vec<FeedRow>,
    more_feeds: usize,
    generated: String,
}

/// `GET /status`: the desk's state for people.
pub(crate) async fn page(State(state): State<AppState>) -> Result<Response, PageError> {
    let snap = snapshot(&state)
        .await
        .map_err(|e| PageError::internal(&state.site_title, e))?;
    let busiest = snap.per_hour.iter().map(|h| h.1).max().unwrap_or(0).max(1);
    let hours = snap
        .per_hour
        .iter()
        .map(|(h, n)| HourBar {
            label: h.format("%b %-d, %H:00").to_string(),
            count: *n,
            width: n * 100 / busiest,
        })
        .collect();
    let mut feeds: Vec<(u8, FeedRow)> = snap
        .feeds
        .iter()
        .map(|f| {
            let (rank, state, detail) = match f.health(snap.now, FEED_DEAD_AFTER) {
                FeedHealth::Dead { since, errors } => (
                    0,
                    "dead",
                    format!(
                        "failing since {} ({errors} errors; polled daily): {}",
                        fmt_time(since),
                        f.last_error.as_deref().unwrap_or("")
                    ),
                ),
                FeedHealth::Failing { since, errors } => (
                    1,
                    "failing",
                    format!(
                        "since {} ({errors} in a row): {}",
                        fmt_time(since),
                        f.last_error.as_deref().unwrap_or("")
                    ),
                ),
                FeedHealth::Ok => (
                    2,
                    "ok",
                    f.last_changed
                        .map(|t| format!("last new item {}", fmt_time(t)))
                        .unwrap_or_default(),
                ),
            };
            (
                rank,
                FeedRow {
                    url: f.url.clone(),
                    title: f.title.clone().unwrap_or_default(),
                    state,
                    last_fetched: f
                        .last_fetched
                        .map(fmt_time)
                        .unwrap_or_else(|| "never".into()),
                    detail,
                },
            )
        })
        .collect();
    // Counted from the rows' ranks (0 dead, 1 failing, 2 ok), before the cut.
    let count = |rank: u8| feeds.iter().filter(|f| f.0 == rank).count();
    let (dead, failing, ok) = (count(0), count(1), count(2));
    feeds.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.url.cmp(&b.1.url)));
    let more_feeds = feeds.len().saturating_sub(MAX_FEEDS);
    feeds.truncate(MAX_FEEDS);
    let page = StatusPage {
        site_title: &state.site_title,
        stats: snap.stats,
        ok,
        failing,
        dead,
        hours,
        day_total: snap.per_hour.iter().map(|h| h.1).sum(),
        feeds: feeds.into_iter().map(|f| f.1).collect(),
        more_feeds,
        generated: fmt_time(snap.now),
    };
    let html = page
        .render()
        .map_err(|e| PageError::internal(&state.site_title, format!("template: {e}")))?;
    Ok(no_store(Html(html).into_response()))
}
