//! `lede run`: poll feeds, build stories and serve the site in one process.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use lede_fetch::http::{FetchConfig, Fetcher};
use lede_store::{Inserted, Store};

use crate::config::Config;
use crate::pipeline;

pub struct RunOptions {
    pub addr: SocketAddr,
    pub import: Vec<PathBuf>,
    pub fetch: bool,
    pub interval: Duration,
}

/// The longest a failing feed waits before the next try.
const MAX_BACKOFF: Duration = Duration::from_secs(24 * 3600);

pub async fn run(config: &Config, store: Arc<dyn Store>, options: RunOptions) -> Result<()> {
    if !options.import.is_empty() {
        let report = pipeline::import_paths(&store, &options.import, None).await;
        tracing::info!(
            added = report.added,
            duplicates = report.duplicates,
            failed = report.failed,
            "import done"
        );
        pipeline::build(&store).await?;
    }
    let fetcher = if options.fetch {
        if store.feeds().await?.is_empty() {
            let defaults = lede_fetch::feeds::parse_opml(lede_fetch::feeds::DEFAULT_OPML)
                .context("parsing the shipped default feed list")?;
            tracing::info!(
                feeds = defaults.len(),
                "no subscriptions yet: subscribing to the default list"
            );
            for (url, title) in defaults {
                store.add_feed(&url, title.as_deref()).await?;
            }
        }
        Some(Fetcher::new(FetchConfig::default()).context("starting the HTTP client")?)
    } else {
        None
    };

    let mut server = tokio::spawn(lede_publish::serve(
        config.app_state(store.clone()),
        options.addr,
    ));
    loop {
        if let Some(fetcher) = &fetcher {
            let added = poll_due_feeds(store.as_ref(), fetcher, options.interval).await?;
            if added > 0 {
                let built = pipeline::build(&store).await?;
                tracing::info!(
                    new_articles = added,
                    stories = built.stories_written,
                    "round done"
                );
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(options.interval) => {}
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

/// Poll every feed that is due; store new articles. Returns how many were added.
async fn poll_due_feeds(store: &dyn Store, fetcher: &Fetcher, interval: Duration) -> Result<usize> {
    let now = Utc::now();
    let mut added = 0;
    for mut feed in store.feeds().await? {
        if feed.next_fetch.is_some_and(|t| t > now) {
            continue;
        }
        match lede_fetch::feeds::poll_feed(fetcher, &feed).await {
            Ok(poll) => {
                for doc in &poll.documents {
                    match pipeline::ingest(store, doc).await {
                        Ok(Inserted::New(_)) => added += 1,
                        Ok(Inserted::Duplicate(_)) => {}
                        Err(e) => tracing::warn!(feed = %feed.url, "skipped an entry: {e:#}"),
                    }
                }
                if feed.title.is_none() {
                    feed.title = poll.title.clone();
                }
                if poll.etag.is_some() || poll.last_modified.is_some() {
                    feed.etag = poll.etag.clone();
                    feed.last_modified = poll.last_modified.clone();
                }
                feed.last_error = None;
                feed.error_count = 0;
                feed.next_fetch = Some(now + interval);
            }
            Err(e) => {
                feed.error_count += 1;
                feed.last_error = Some(e.to_string());
                feed.next_fetch = Some(now + backoff(interval, feed.error_count));
                tracing::warn!(feed = %feed.url, errors = feed.error_count, "poll failed: {e}");
            }
        }
        feed.last_fetched = Some(now);
        store.update_feed(&feed).await?;
    }
    Ok(added)
}

/// Exponential backoff after `errors` consecutive failures, capped at a day.
fn backoff(interval: Duration, errors: u32) -> chrono::Duration {
    let wait = interval
        .saturating_mul(2u32.saturating_pow(errors.min(16)))
        .min(MAX_BACKOFF);
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let i = Duration::from_secs(600);
        assert_eq!(backoff(i, 1).num_seconds(), 1200);
        assert_eq!(backoff(i, 2).num_seconds(), 2400);
        assert_eq!(backoff(i, 30).num_seconds(), 86400);
    }
}
