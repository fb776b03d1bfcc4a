//! The [`Poller`]: polls many feeds at once, politely and without letting a
//! bad feed hold up the others.
//!
//! Every request it makes (robots.txt, feed, article page) goes through the
//! same path: robots.txt check for the URL's origin (cached, see
//! [`crate::robots`]), a permit from the [`HostLimiter`] for the URL's host,
//! then the [`Fetcher`] with its size, time, redirect and address limits. After
//! each poll the feed's schedule is updated by [`crate::schedule`].
//!
//! [`Poller::poll_many`] spawns one task per feed and hands back each feed's
//! [`FeedOutcome`] as soon as it is done, so a feed that trickles bytes until
//! its timeout delays nobody but itself.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use lede_model::{Document, Feed};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use tokio::sync::mpsc;

use crate::feeds::{poll_with, Getter, PollResult};
use crate::http::{FetchConfig, FetchError, FetchOutcome, Fetcher};
use crate::limiter::{HostLimiter, DEFAULT_GLOBAL, DEFAULT_PER_HOST};
use crate::robots::{RobotsCache, RobotsConfig};
use crate::schedule::{self, SchedulePolicy};

/// Settings of a [`Poller`].
#[derive(Debug, Clone, PartialEq)]
pub struct PollerConfig {
    pub fetch: FetchConfig,
    /// Requests in flight to one host (default 2).
    pub per_host: usize,
    /// Requests in flight in all (default 16).
    pub global: usize,
    pub robots: RobotsConfig,
    /// Obey robots.txt (default true). Off only for one's own servers.
    pub obey_robots: bool,
    pub schedule: SchedulePolicy,
    /// Seed of the scheduler's jitter (None: from the clock).
    pub seed: Option<u64>,
}

impl Default for PollerConfig {
    fn default() -> Self {
        PollerConfig {
            fetch: FetchConfig::default(),
            per_host: DEFAULT_PER_HOST,
            global: DEFAULT_GLOBAL,
            robots: RobotsConfig::default(),
            obey_robots: true,
            schedule: SchedulePolicy::default(),
            seed: None,
        }
    }
}

/// What polling one feed gave.
#[derive(Debug)]
pub struct FeedOutcome {
    /// The feed with its validators, title, error state and next poll time
    /// updated: store it back as it is.
    pub feed: Feed,
    /// The poll's documents, or why it failed.
    pub result: Result<PollResult, FetchError>,
    /// Entries not seen in this feed's previous poll (0 for 304 Not Modified).
    /// After a restart, entries published since the feed's last poll.
    pub new_items: usize,
    /// The feed has been failing for longer than the policy's `dead_after`.
    pub dead: bool,
}

impl FeedOutcome {
    /// The documents of a successful poll (none for a failure or a 304).
    pub fn documents(&self) -> &[Document] {
        self.result.as_ref().map_or(&[], |r| r.documents.as_slice())
    }
}

/// Polls feeds within robots.txt and the host limits. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Poller {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    fetcher: Fetcher,
    robots: RobotsCache,
    limiter: HostLimiter,
    config: PollerConfig,
    rng: Mutex<SmallRng>,
    /// Hashes of the entry URLs of each feed's last poll, to count new items.
    seen: Mutex<HashMap<String, HashSet<u64>>>,
}

impl Poller {
    pub fn new(config: PollerConfig) -> Result<Self, FetchError> {
        let fetcher = Fetcher::new(config.fetch.clone())?;
        let seed = config.seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
        Ok(Poller {
            inner: Arc::new(Inner {
                fetcher,
                robots: RobotsCache::new(config.robots.clone()),
                limiter: HostLimiter::new(config.per_host, config.global),
                rng: Mutex::new(SmallRng::seed_from_u64(seed)),
                seen: Mutex::new(HashMap::new()),
                config,
            }),
        })
    }

    pub fn config(&self) -> &PollerConfig {
        &self.inner.config
    }

    pub fn fetcher(&self) -> &Fetcher {
        &self.inner.fetcher
    }

    pub fn robots(&self) -> &RobotsCache {
        &self.inner.robots
    }

    pub fn limiter(&self) -> &HostLimiter {
        &self.inner.limiter
    }

    /// GET `url` politely: robots.txt for its origin (when obeyed), a permit
    /// for its host, then the fetcher. A refusal by robots.txt is
    /// [`FetchError::Robots`]. Redirects are followed by the fetcher within
    /// this one permit; their targets' robots.txt is not consulted.
    pub async fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<FetchOutcome, FetchError> {
        // Refuse bad schemes and non-public IP literals before anything else,
        // robots.txt included, so the error names the real cause.
        if let Err(e) = self.inner.fetcher.check_url(url) {
            tracing::warn!(%url, error = %e, "request refused");
            return Err(e);
        }
        let parsed = url::Url::parse(url).map_err(|e| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        let host = parsed
            .host_str()
            .ok_or_else(|| FetchError::InvalidUrl {
                url: url.to_string(),
                reason: "no host".into(),
            })?
            .to_string();
        if self.inner.config.obey_robots && matches!(parsed.scheme(), "http" | "https") {
            let limiter = self.inner.limiter.clone();
            let fetcher = self.inner.fetcher.clone();
            let max = self.inner.robots.config().max_bytes;
            let robots_host = host.clone();
            // A robots.txt fetch refused by the address check (a name that
            // resolves to a private address) is reported as that refusal.
            let refused: Arc<Mutex<Option<String>>> = Arc::default();
            let refused_in = refused.clone();
            let verdict = self
                .inner
                .robots
                .check(url, move |robots_url| async move {
                    let _permit = limiter.acquire(&robots_host).await;
                    let res = fetcher.get_truncated(&robots_url, max).await;
                    if let Err(FetchError::Refused { addr, .. }) = &res {
                        *refused_in.lock().unwrap_or_else(|p| p.into_inner()) = Some(addr.clone());
                    }
                    res
                })
                .await;
            let refused = refused.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(addr) = refused {
                tracing::warn!(%url, %addr, "request refused: non-public address");
                return Err(FetchError::Refused {
                    url: url.to_string(),
                    addr,
                });
            }
            if let Err(refusal) = verdict {
                tracing::warn!(%url, reason = %refusal, "refused by robots.txt");
                return Err(FetchError::Robots {
                    url: url.to_string(),
                    reason: refusal.to_string(),
                });
            }
        }
        let _permit = self.inner.limiter.acquire(&host).await;
        let res = self.inner.fetcher.get(url, etag, last_modified).await;
        if let Err(e) = &res {
            tracing::debug!(%url, error = %e, "request failed");
        }
        res
    }

    /// Poll one feed and apply the schedule to it.
    pub async fn poll(&self, mut feed: Feed) -> FeedOutcome {
        let result = poll_with(self, &feed).await;
        let now = Utc::now();
        let policy = &self.inner.config.schedule;
        let mut new_items = 0;
        match &result {
            Ok(r) => {
                if !r.not_modified {
                    new_items = self.count_new(&feed, &r.documents);
                }
                if feed.title.is_none() {
                    feed.title = r.title.clone();
                }
                feed.etag = r.etag.clone();
                feed.last_modified = r.last_modified.clone();
                let mut rng = self.rng();
                schedule::record_success(&mut feed, new_items, now, policy, &mut *rng);
                tracing::info!(
                    feed = %feed.url,
                    not_modified = r.not_modified,
                    entries = r.documents.len(),
                    new_items,
                    page_errors = r.page_errors.len(),
                    interval_secs = feed.interval_secs,
                    "feed polled"
                );
            }
            Err(e) => {
                let mut rng = self.rng();
                schedule::record_failure(&mut feed, &e.to_string(), now, policy, &mut *rng);
                tracing::warn!(
                    feed = %feed.url,
                    error = %e,
                    errors = feed.error_count,
                    next_fetch = ?feed.next_fetch,
                    "feed poll failed"
                );
            }
        }
        let dead = schedule::is_dead(&feed, now, policy);
        if dead {
            tracing::warn!(
                feed = %feed.url,
                failing_since = ?feed.failing_since,
                "feed is dead: failing for days, polled at most daily"
            );
        }
        FeedOutcome {
            feed,
            result,
            new_items,
            dead,
        }
    }

    /// Poll `feeds` concurrently within the limits; each feed's outcome is sent
    /// as soon as it is done (in completion order). The channel closes when all
    /// are done. Must be called inside a tokio runtime. Dropping the receiver
    /// lets the polls in flight finish and discards their outcomes.
    pub fn poll_many(&self, feeds: impl IntoIterator<Item = Feed>) -> mpsc::Receiver<FeedOutcome> {
        let feeds: Vec<Feed> = feeds.into_iter().collect();
        let (tx, rx) = mpsc::channel(feeds.len().clamp(1, 256));
        for feed in feeds {
            let poller = self.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                let backup = feed.clone();
                // A nested task so that even a panic in one poll ends in an
                // outcome for that feed instead of silence.
                let outcome = match tokio::spawn({
                    let poller = poller.clone();
                    async move { poller.poll(feed).await }
                })
                .await
                {
                    Ok(o) => o,
                    Err(e) => poller.failed(backup, format!("poll task failed: {e}")),
                };
                let _ = tx.send(outcome).await;
            });
        }
        rx
    }

    /// An outcome for a feed whose poll could not finish.
    fn failed(&self, mut feed: Feed, reason: String) -> FeedOutcome {
        let now = Utc::now();
        let policy = &self.inner.config.schedule;
        tracing::error!(feed = %feed.url, %reason, "feed poll failed");
        {
            let mut rng = self.rng();
            schedule::record_failure(&mut feed, &reason, now, policy, &mut *rng);
        }
        let dead = schedule::is_dead(&feed, now, policy);
        let url = feed.url.clone();
        FeedOutcome {
            feed,
            result: Err(FetchError::Network { url, reason }),
            new_items: 0,
            dead,
        }
    }

    fn rng(&self) -> std::sync::MutexGuard<'_, SmallRng> {
        self.inner.rng.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Entries of this poll not in the previous one. With no previous poll in
    /// this process, entries published after the feed's last poll (all of them
    /// for a feed never polled).
    fn count_new(&self, feed: &Feed, docs: &[Document]) -> usize {
        let hashes: HashSet<u64> = docs
            .iter()
            .map(|d| {
                let mut h = std::hash::DefaultHasher::new();
                d.url.hash(&mut h);
                h.finish()
            })
            .collect();
        let mut seen = self.inner.seen.lock().unwrap_or_else(|p| p.into_inner());
        let new = match seen.get(&feed.url) {
            Some(prev) => hashes.difference(prev).count(),
            None => match feed.last_fetched {
                None => docs.len(),
                Some(last) => docs
                    .iter()
                    .filter(|d| d.published.is_some_and(|p| p > last))
                    .count(),
            },
        };
        seen.insert(feed.url.clone(), hashes);
        new
    }
}

impl Getter for Poller {
    fn fetch(
        &self,
        url: String,
        etag: Option<String>,
        last_modified: Option<String>,
    ) -> impl Future<Output = Result<FetchOutcome, FetchError>> + Send {
        let p = self.clone();
        async move { p.get(&url, etag.as_deref(), last_modified.as_deref()).await }
    }
}
