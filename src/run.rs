//! Long-running modes.
//!
//! - `lede run`: one process polls feeds, builds stories and serves the site,
//!   on the embedded store (it holds the data directory's lock) or on
//!   PostgreSQL.
//! - `lede worker`: one of many processes sharing a PostgreSQL database. Work
//!   is claimed through the store's leases (feeds due for polling, the
//!   clusterer's singleton lease, stories to rewrite), so N workers never do the
//!   same work twice and a dead worker's leases expire and are taken over.
//!   `lede serve` runs separately and reads the same database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use async_trait::async_trait;
use chrono::Utc;
use lede_fetch::{Poller, PollerConfig};
use lede_model::{Feed, StoryId};
use lede_publish::{Admin, RewriteOutcome};
use lede_store::{Inserted, Store};

use crate::config::Config;
use crate::pipeline::{self, StoryWriters};

/// Options of `lede run`.
pub struct RunOptions {
    pub addr: SocketAddr,
    pub import: Vec<PathBuf>,
    pub fetch: bool,
    /// How often to look for feeds that are due (each feed has its own adapted interval).
    pub tick: Duration,
    /// Settings of the poller (tests and benchmarks allow their loopback feed server here).
    pub poller: PollerConfig,
}

/// Options of `lede worker`.
pub struct WorkerOptions {
    /// How long to wait when there was no work.
    pub idle: Duration,
    /// Stop after this many rounds without work (tests, batch jobs); `None`: run until Ctrl-C.
    pub exit_when_idle: Option<u32>,
    /// Poll feeds (off: only cluster and write).
    pub fetch: bool,
    /// Settings of the poller (tests allow their loopback feed server here).
    pub poller: PollerConfig,
}

/// Feeds one worker claims at a time: as many as the poller fetches at once
/// (its global limit), so that the feeds due are shared among the workers
/// rather than all claimed by whichever looks first.
const FEEDS_PER_ROUND: usize = 16;
/// How long a feed claim holds: twice the story lease, longer than any poll
/// can take (the fetch timeout bounds each request; robots.txt and article
/// pages add a few).
fn feed_lease() -> Duration {
    pipeline::lease() * 2
}
/// How often the site's search index is brought up to date with the store.
const SEARCH_REFRESH: Duration = Duration::from_secs(30);

/// The search index of the data directory, opened (or rebuilt when its layout
/// changed) by the one process that serves the site.
pub fn open_search(config: &Config) -> Result<Arc<lede_search::SearchIndex>> {
    let dir = config.data_dir.join("search");
    let (index, rebuilt) = lede_search::SearchIndex::open_or_rebuild(&dir)
        .with_context(|| format!("opening the search index in {}", dir.display()))?;
    if rebuilt {
        tracing::info!("search index rebuilt; it fills from the store in the background");
    }
    Ok(Arc::new(index))
}

/// The site over `store`, with search (refreshed in the background) and admin actions.
pub fn site(
    config: &Config,
    store: Arc<dyn Store>,
    writers: Arc<StoryWriters>,
) -> Result<lede_publish::AppState> {
    let search = open_search(config)?;
    lede_publish::spawn_search_refresher(store.clone(), search.clone(), SEARCH_REFRESH);
    Ok(config
        .app_state(store.clone())
        .with_search(search)
        .with_admin(Arc::new(Rewriter { store, writers })))
}

/// `lede run`.
pub async fn run(config: &Config, store: Arc<dyn Store>, options: RunOptions) -> Result<()> {
    let worker = pipeline::worker_id();
    let writers = Arc::new(StoryWriters::from_config(config.llm.as_ref())?);
    pipeline::take_over_leases(config, store.as_ref()).await?;
    if !options.import.is_empty() {
        let report = pipeline::import_paths(&store, &options.import, None).await;
        tracing::info!(
            added = report.added,
            duplicates = report.duplicates,
            failed = report.failed,
            "import done"
        );
    }
    let built = pipeline::build(&store, &writers, &worker).await?;
    if built.stories_written > 0 {
        tracing::info!(stories = built.stories_written, "stories written");
    }
    let poller = if options.fetch {
        subscribe_defaults(store.as_ref()).await?;
        Some(Poller::new(options.poller.clone()).context("starting the HTTP client")?)
    } else {
        None
    };

    let state = site(config, store.clone(), writers.clone())?;
    let mut server = tokio::spawn(lede_publish::serve(state, options.addr));
    loop {
        if let Some(poller) = &poller {
            let added = poll_due_feeds(store.as_ref(), poller, &worker).await?;
            if added > 0 {
                let built = pipeline::build(&store, &writers, &worker).await?;
                tracing::info!(
                    new_articles = added,
                    stories = built.stories_written,
                    "round done"
                );
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(options.tick) => {}
            _ = tokio::signal::ctrl_c() => {
                tracing::info!("stopping");
                return Ok(());
            }
            result = &mut server => {
                return match result {
                    Ok(r) => r,
                    Err(e) => Err(anyhow::anyhow!("web server stopped: {e}")),
                };
            }
        }
    }
}

/// `lede worker`: claim and do work until stopped (or idle, with `exit_when_idle`).
pub async fn worker(config: &Config, store: Arc<dyn Store>, options: WorkerOptions) -> Result<()> {
    let worker = pipeline::worker_id();
    let writers = StoryWriters::from_config(config.llm.as_ref())?;
    let poller = if options.fetch {
        Some(Poller::new(options.poller.clone()).context("starting the HTTP client")?)
    } else {
        None
    };
    tracing::info!(%worker, "worker started");
    let mut idle_rounds = 0;
    loop {
        let started = std::time::Instant::now();
        let polled = match &poller {
            Some(poller) => poll_due_feeds(store.as_ref(), poller, &worker).await?,
            None => 0,
        };
        let poll_time = started.elapsed();
        let clustered = pipeline::cluster_new(&store, &worker).await?;
        let cluster_time = started.elapsed() - poll_time;
        let (written, _) = pipeline::write_dirty(&store, &writers, &worker).await?;
        if written > 0 {
            pipeline::refresh_related_leased(&store, &worker).await?;
        }
        let write_time = started.elapsed() - poll_time - cluster_time;
        if polled + clustered + written > 0 {
            idle_rounds = 0;
            tracing::info!(
                %worker,
                polled,
                clustered,
                written,
                poll_ms = poll_time.as_millis() as u64,
                cluster_ms = cluster_time.as_millis() as u64,
                write_ms = write_time.as_millis() as u64,
                "round done"
            );
            continue;
        }
        idle_rounds += 1;
        if options.exit_when_idle.is_some_and(|n| idle_rounds >= n) {
            tracing::info!(%worker, "no work left: stopping");
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(options.idle) => {}
            _ = tokio::signal::ctrl_c() => {
                tracing::info!(%worker, "stopping");
                return Ok(());
            }
        }
    }
}

/// Subscribe to the shipped default list when there are no subscriptions yet.
async fn subscribe_defaults(store: &dyn Store) -> Result<()> {
    if !store.feeds().await?.is_empty() {
        return Ok(());
    }
    let defaults = lede_fetch::feeds::parse_opml(lede_fetch::feeds::DEFAULT_OPML)
        .context("parsing the shipped default feed list")?;
    tracing::info!(
        feeds = defaults.len(),
        "no subscriptions yet: subscribing to the default list"
    );
    for (url, title) in defaults {
        store.add_feed(&url, title.as_deref()).await?;
    }
    Ok(())
}

/// Claim the feeds that are due, poll them concurrently within the poller's
/// limits, store their new articles and their polling state. Returns how many
/// articles were added. One feed's failure never stops the others.
pub async fn poll_due_feeds(store: &dyn Store, poller: &Poller, worker: &str) -> Result<usize> {
    let mut added = 0;
    loop {
        let due: Vec<Feed> = store
            .claim_due_feeds(worker, Utc::now(), feed_lease(), FEEDS_PER_ROUND)
            .await?;
        if due.is_empty() {
            return Ok(added);
        }
        let mut outcomes = poller.poll_many(due);
        while let Some(outcome) = outcomes.recv().await {
            for doc in outcome.documents() {
                match pipeline::ingest(store, doc).await {
                    Ok(Inserted::New(_)) => added += 1,
                    Ok(Inserted::Duplicate(_)) => {}
                    Err(e) => tracing::warn!(feed = %outcome.feed.url, "skipped an entry: {e:#}"),
                }
            }
            // Stores the schedule and releases the claim, after the articles:
            // a crash in between re-polls the feed, and dedupe drops repeats.
            store.update_feed(&outcome.feed).await?;
        }
    }
}

/// Admin "rewrite this story" from the web: written now, in this process.
struct Rewriter {
    store: Arc<dyn Store>,
    writers: Arc<StoryWriters>,
}

#[async_trait]
impl Admin for Rewriter {
    async fn rewrite_story(&self, id: StoryId) -> Result<RewriteOutcome> {
        let Some(previous) = self.store.story(id).await? else {
            return Ok(RewriteOutcome::NotFound);
        };
        let members = self.store.story_members(id).await?;
        let articles = self.store.articles(&members).await?;
        let mut story = self.writers.write(id, &articles, Some(&previous)).await;
        story.related = previous.related.clone();
        if pipeline::same_content(&previous, &story) {
            return Ok(RewriteOutcome::Unchanged {
                version: previous.version,
            });
        }
        let version = self.store.save_story(&story).await?;
        Ok(RewriteOutcome::Rewritten { version })
    }
}
