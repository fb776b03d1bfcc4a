//! The [`Poller`]: polls many feeds at once, politely and without letting a
//! bad feed hold up the others.
//!
//! Every request it makes (robots.txt, feed, article page) goes through the
//! same path, and so does every redirect hop, to whatever host it leads:
//!
//! 1. the scheme and address checks of the [`Fetcher`];
//! 2. no request to a host that asked, with `Retry-After` on a 429 or 503,
//!    to be left alone until a time still to come ([`FetchError::Deferred`]);
//! 3. robots.txt of the URL's origin (cached, see [`crate::robots`]);
//! 4. a permit from the [`HostLimiter`] for the URL's host, spaced by the
//!    origin's `Crawl-delay` capped at [`PollerConfig::max_crawl_delay`]
//!    (30 s); an article page of a host whose Crawl-delay is over the cap is
//!    not fetched at all ([`FetchError::CrawlDelayTooLong`]);
//! 5. the [`Fetcher`] with its size, time, redirect and address limits.
//!
//! After each poll the feed's schedule is updated by [`crate::schedule`],
//! `Retry-After` included.
//!
//! [`Poller::poll_many`] spawns one task per feed and hands back each feed's
//! [`FeedOutcome`] as soon as it is done, so a feed that trickles bytes until
//! its timeout delays nobody but itself.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use lede_model::{Document, Feed};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use tokio::sync::mpsc;

use crate::feeds::{poll_with, Getter, PollResult};
use crate::http::{FetchConfig, FetchError, FetchOutcome, Fetcher, Limit};
use crate::limiter::{HostLimiter, HostPermit, DEFAULT_GLOBAL, DEFAULT_PER_HOST};
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
    /// Longest robots.txt `Crawl-delay` kept (default 30 s): requests to a
    /// host start at least its Crawl-delay apart, but never more than this;
    /// a host asking for more gets its feeds polled (spaced by this) and its
    /// article pages skipped.
    pub max_crawl_delay: Duration,
    /// How long the article pages of one poll may take (default
    /// [`crate::feeds::PAGE_TIME_PER_POLL`], 3 min); pages not done by then
    /// are skipped and their summaries kept.
    pub page_time_per_poll: Duration,
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
            max_crawl_delay: Duration::from_secs(30),
            page_time_per_poll: crate::feeds::PAGE_TIME_PER_POLL,
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
    /// Hosts that asked, with `Retry-After`, not to be asked again before a
    /// time (capped by the schedule's `max_retry_after`).
    holds: Mutex<HashMap<String, DateTime<Utc>>>,
}

/// Holds kept before expired ones are dropped.
const HOLDS_KEPT: usize = 1024;

/// What a request is for: article pages give way to a long Crawl-delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Feed,
    Page,
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
                holds: Mutex::new(HashMap::new()),
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

    /// GET `url` politely: each request, the first and every redirect hop,
    /// passes the steps of the [module docs](self) for its own URL. A refusal
    /// by robots.txt (of any hop's origin) is [`FetchError::Robots`]; a host
    /// holding lede off is [`FetchError::Deferred`]. A 429 or 503 with
    /// `Retry-After` holds its host off until then.
    pub async fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<FetchOutcome, FetchError> {
        self.get_for(url, etag, last_modified, Purpose::Feed).await
    }

    async fn get_for(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        purpose: Purpose,
    ) -> Result<FetchOutcome, FetchError> {
        let limit = Limit::Fail(self.inner.config.fetch.max_body_bytes);
        let res = self
            .inner
            .fetcher
            .request(
                url,
                etag,
                last_modified,
                limit,
                |hop| self.admit(hop, purpose),
                |e| {
                    if let (FetchError::Status { url, .. }, Some(t)) = (e, e.retry_after()) {
                        self.hold(url, t);
                    }
                },
            )
            .await;
        match &res {
            Err(e @ (FetchError::Refused { .. } | FetchError::Scheme { .. })) => {
                tracing::warn!(%url, error = %e, "request refused");
            }
            Err(e) => tracing::debug!(%url, error = %e, "request failed"),
            Ok(_) => {}
        }
        res
    }

    /// Steps 2 to 4 of the module docs for one request to `hop`: the permit to
    /// hold while it runs.
    async fn admit(&self, hop: url::Url, purpose: Purpose) -> Result<HostPermit, FetchError> {
        let url = hop.to_string();
        let host = hop
            .host_str()
            .ok_or_else(|| FetchError::InvalidUrl {
                url: url.clone(),
                reason: "no host".into(),
            })?
            .to_ascii_lowercase();
        if let Some(until) = self.held_until(&host, Utc::now()) {
            tracing::info!(%url, %until, "not requested: the host asked lede to wait (Retry-After)");
            return Err(FetchError::Deferred { url, until });
        }
        let mut spacing = Duration::ZERO;
        if self.inner.config.obey_robots {
            if let Some(delay) = self.robots_delay(&url, &host).await? {
                let cap = self.inner.config.max_crawl_delay;
                if delay > cap {
                    if purpose == Purpose::Page {
                        tracing::info!(%url, ?delay, ?cap, "article page skipped: Crawl-delay over lede's cap");
                        return Err(FetchError::CrawlDelayTooLong { url, delay, cap });
                    }
                    tracing::info!(%url, ?delay, ?cap, "Crawl-delay over lede's cap: spacing requests by the cap");
                }
                spacing = delay.min(cap);
            }
        }
        let permit = self.inner.limiter.acquire_spaced(&host, spacing).await;
        // Again: a request that was under way while this one waited may have
        // been answered with Retry-After.
        if let Some(until) = self.held_until(&host, Utc::now()) {
            tracing::info!(%url, %until, "not requested: the host asked lede to wait (Retry-After)");
            return Err(FetchError::Deferred { url, until });
        }
        Ok(permit)
    }

    /// robots.txt's verdict on `url` (fetched through the limiter, each of
    /// its redirect hops too, when not cached): its Crawl-delay when allowed.
    async fn robots_delay(&self, url: &str, host: &str) -> Result<Option<Duration>, FetchError> {
        let limiter = self.inner.limiter.clone();
        let fetcher = self.inner.fetcher.clone();
        let max = self.inner.robots.config().max_bytes;
        // A robots.txt fetch refused by the address check (a name that
        // resolves to a private address) is reported as that refusal.
        let refused: Arc<Mutex<Option<String>>> = Arc::default();
        let refused_in = refused.clone();
        let robots_host = host.to_string();
        let verdict = self
            .inner
            .robots
            .check(url, move |robots_url| async move {
                // Hops of robots.txt itself take permits but are not checked
                // against robots.txt (that would wait on this very check).
                let admit = |hop: url::Url| {
                    let limiter = limiter.clone();
                    let host = hop.host_str().unwrap_or(&robots_host).to_string();
                    async move { Ok::<_, FetchError>(limiter.acquire(&host).await) }
                };
                let limit = Limit::Truncate(max);
                let res = fetcher
                    .request(&robots_url, None, None, limit, admit, |_| {})
                    .await;
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
        verdict.map_err(|refusal| {
            tracing::warn!(%url, reason = %refusal, "refused by robots.txt");
            FetchError::Robots {
                url: url.to_string(),
                reason: refusal.to_string(),
            }
        })
    }

    /// Hold the host of `url` off until `until` (capped by the schedule's
    /// `max_retry_after`).
    fn hold(&self, url: &str, until: DateTime<Utc>) {
        let Some(host) = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        else {
            return;
        };
        let now = Utc::now();
        let until = until.min(now + self.inner.config.schedule.max_retry_after);
        if until <= now {
            return;
        }
        tracing::warn!(%host, %until, "host asked lede to wait (Retry-After); holding its requests until then");
        let mut holds = self.holds();
        if holds.len() >= HOLDS_KEPT {
            holds.retain(|_, t| *t > now);
        }
        let t = holds.entry(host).or_insert(until);
        *t = (*t).max(until);
    }

    fn held_until(&self, host: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut holds = self.holds();
        match holds.get(host) {
            Some(t) if *t > now => Some(*t),
            Some(_) => {
                holds.remove(host);
                None
            }
            None => None,
        }
    }

    fn holds(&self) -> std::sync::MutexGuard<'_, HashMap<String, DateTime<Utc>>> {
        self.inner.holds.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Poll one feed and apply the schedule to it.
    pub async fn poll(&self, mut feed: Feed) -> FeedOutcome {
        let result = poll_with(self, &feed, self.inner.config.page_time_per_poll).await;
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
                if let Some(t) = r.retry_after {
                    if schedule::defer_until(&mut feed, t, now, policy) {
                        tracing::info!(feed = %feed.url, next_fetch = ?feed.next_fetch, "next poll put off: an article page answered with Retry-After");
                    }
                }
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
                schedule::record_failure_retry_after(
                    &mut feed,
                    &e.to_string(),
                    e.retry_after(),
                    now,
                    policy,
                    &mut *rng,
                );
                tracing::warn!(
                    feed = %feed.url,
                    error = %e,
                    retry_after = ?e.retry_after(),
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

    fn fetch_page(
        &self,
        url: String,
    ) -> impl Future<Output = Result<FetchOutcome, FetchError>> + Send {
        let p = self.clone();
        async move { p.get_for(&url, None, None, Purpose::Page).await }
    }
}
