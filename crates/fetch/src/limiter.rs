//! Politeness: how many requests may be in flight at once, per host and in
//! all, and how far apart requests to one host start.
//!
//! A [`HostLimiter`] hands out [`HostPermit`]s keyed by host name. A request
//! holds one permit for exactly its own duration (robots.txt, feed, article
//! page, each redirect hop alike), so a poll never holds a permit while it
//! waits for another one and the limits cannot deadlock. The per-host permit
//! is taken before the global one: a request queued behind a busy host does
//! not keep a global slot idle that requests to other hosts could use.
//!
//! **Spacing** ([`HostLimiter::acquire_spaced`], for robots.txt's
//! `Crawl-delay`): a request asking for spacing `d` starts at least `d` after
//! the previous request to its host started, whichever task of this process
//! made it. Starts to one host are ordered by a per-host gate, and the waiting
//! happens while holding only the host's permit, never a global one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
// tokio's clock, so that tests can pause it.
use tokio::time::Instant;

/// Default requests in flight to one host.
pub const DEFAULT_PER_HOST: usize = 2;
/// Default requests in flight in all.
pub const DEFAULT_GLOBAL: usize = 16;

/// Per-host and global concurrency limits. Cheap to clone (shared state).
#[derive(Debug, Clone)]
pub struct HostLimiter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    per_host: usize,
    global_limit: usize,
    global: Arc<Semaphore>,
    /// One slot per host with requests in flight or waiting; removed when
    /// its last permit is returned, so the map stays as small as the work.
    hosts: Mutex<HashMap<String, Arc<HostSlot>>>,
    /// When the last request to each recent host started, for spacing.
    starts: Mutex<Starts>,
}

/// The limits of one host.
#[derive(Debug)]
struct HostSlot {
    sem: Arc<Semaphore>,
    /// Held from the spacing wait to the recorded start, so that starts to
    /// the host are spaced one after the other.
    gate: tokio::sync::Mutex<()>,
}

/// Start times of recent requests by host.
#[derive(Debug, Default)]
struct Starts {
    last: HashMap<String, Instant>,
    /// The longest spacing asked so far: older starts can be forgotten.
    longest: Duration,
}

/// Start times kept before old ones are dropped (only those older than any
/// spacing asked are).
const STARTS_KEPT: usize = 1024;

/// The right to make one request to `host`; returned when dropped.
#[derive(Debug)]
pub struct HostPermit {
    host: String,
    host_permit: Option<OwnedSemaphorePermit>,
    _global: OwnedSemaphorePermit,
    slot: Arc<HostSlot>,
    inner: Arc<Inner>,
}

impl HostPermit {
    /// The host this permit is for (lowercased).
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl Default for HostLimiter {
    fn default() -> Self {
        HostLimiter::new(DEFAULT_PER_HOST, DEFAULT_GLOBAL)
    }
}

impl HostLimiter {
    /// At most `per_host` requests to one host and `global` in all (each at
    /// least 1).
    pub fn new(per_host: usize, global: usize) -> Self {
        let global = global.max(1);
        HostLimiter {
            inner: Arc::new(Inner {
                per_host: per_host.max(1),
                global_limit: global,
                global: Arc::new(Semaphore::new(global)),
                hosts: Mutex::new(HashMap::new()),
                starts: Mutex::new(Starts::default()),
            }),
        }
    }

    /// The per-host limit.
    pub fn per_host(&self) -> usize {
        self.inner.per_host
    }

    /// The global limit.
    pub fn global(&self) -> usize {
        self.inner.global_limit
    }

    /// Wait for a permit to make one request to `host` (compared without case).
    /// Waiting is logged at debug level with the limit that holds it back.
    pub async fn acquire(&self, host: &str) -> HostPermit {
        self.acquire_spaced(host, Duration::ZERO).await
    }

    /// [`HostLimiter::acquire`], and besides wait until at least `spacing`
    /// has passed since the previous request to `host` started (robots.txt's
    /// `Crawl-delay`; callers cap it). Every permit records its start, spaced
    /// or not, so the first spaced request after an unspaced one waits too.
    pub async fn acquire_spaced(&self, host: &str, spacing: Duration) -> HostPermit {
        let host = host.to_ascii_lowercase();
        let slot = {
            let mut hosts = self.lock();
            hosts
                .entry(host.clone())
                .or_insert_with(|| {
                    Arc::new(HostSlot {
                        sem: Arc::new(Semaphore::new(self.inner.per_host)),
                        gate: tokio::sync::Mutex::new(()),
                    })
                })
                .clone()
        };
        if slot.sem.available_permits() == 0 {
            tracing::debug!(
                %host,
                limit = self.inner.per_host,
                "waiting: per-host request limit reached"
            );
        }
        let host_permit = slot
            .sem
            .clone()
            .acquire_owned()
            .await
            .expect("host semaphores are never closed");
        let gate = slot.gate.lock().await;
        let last = {
            let mut starts = self.starts();
            starts.longest = starts.longest.max(spacing);
            starts.last.get(&host).copied()
        };
        if let Some(ready) = last.map(|l| l + spacing).filter(|r| *r > Instant::now()) {
            tracing::debug!(
                %host,
                spacing_ms = spacing.as_millis() as u64,
                "waiting: spacing requests to this host (Crawl-delay)"
            );
            tokio::time::sleep_until(ready).await;
        }
        if self.inner.global.available_permits() == 0 {
            tracing::debug!(
                %host,
                limit = self.inner.global_limit,
                "waiting: global request limit reached"
            );
        }
        let global = self
            .inner
            .global
            .clone()
            .acquire_owned()
            .await
            .expect("the global semaphore is never closed");
        self.record_start(&host, Instant::now());
        drop(gate);
        HostPermit {
            host,
            host_permit: Some(host_permit),
            _global: global,
            slot,
            inner: self.inner.clone(),
        }
    }

    fn record_start(&self, host: &str, now: Instant) {
        let mut starts = self.starts();
        if starts.last.len() >= STARTS_KEPT && !starts.last.contains_key(host) {
            let longest = starts.longest;
            starts
                .last
                .retain(|_, t| now.saturating_duration_since(*t) < longest);
        }
        starts.last.insert(host.to_string(), now);
    }

    fn starts(&self) -> std::sync::MutexGuard<'_, Starts> {
        self.inner.starts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Requests in flight to `host` now.
    pub fn in_flight(&self, host: &str) -> usize {
        let host = host.to_ascii_lowercase();
        self.lock()
            .get(&host)
            .map_or(0, |s| self.inner.per_host - s.sem.available_permits())
    }

    /// Requests in flight in all now.
    pub fn in_flight_total(&self) -> usize {
        self.inner.global_limit - self.inner.global.available_permits()
    }

    /// Hosts with requests in flight or waiting.
    pub fn hosts_tracked(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<HostSlot>>> {
        // A panic while holding this lock leaves the map consistent.
        self.inner.hosts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for HostPermit {
    fn drop(&mut self) {
        let mut hosts = self.inner.hosts.lock().unwrap_or_else(|p| p.into_inner());
        drop(self.host_permit.take());
        // References left: the map's and ours. Waiters and holders clone the Arc
        // under this lock, so a count of 2 means nobody else needs the entry.
        if Arc::strong_count(&self.slot) == 2 {
            hosts.remove(&self.host);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn per_host_limit_holds_and_other_hosts_proceed() {
        let l = HostLimiter::new(2, 16);
        let a1 = l.acquire("A.example").await;
        let _a2 = l.acquire("a.example").await;
        assert_eq!(l.in_flight("a.example"), 2);
        // A third request to the same host waits...
        let l2 = l.clone();
        let waiting = tokio::spawn(async move { l2.acquire("a.example").await });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        // ...while another host is served at once.
        let b = tokio::time::timeout(Duration::from_secs(5), l.acquire("b.example"))
            .await
            .expect("another host is not held back");
        assert_eq!(b.host(), "b.example");
        drop(a1);
        let a3 = waiting.await.unwrap();
        assert_eq!(a3.host(), "a.example");
        assert_eq!(l.in_flight("a.example"), 2);
        assert_eq!(l.in_flight_total(), 3);
    }

    #[tokio::test]
    async fn global_limit_holds_across_hosts() {
        let l = HostLimiter::new(2, 3);
        let p: Vec<HostPermit> = vec![
            l.acquire("a.example").await,
            l.acquire("b.example").await,
            l.acquire("c.example").await,
        ];
        let l2 = l.clone();
        let waiting = tokio::spawn(async move { l2.acquire("d.example").await });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        assert_eq!(l.in_flight_total(), 3);
        drop(p);
        waiting.await.unwrap();
    }

    #[tokio::test]
    async fn host_entries_are_removed_when_idle() {
        let l = HostLimiter::new(1, 4);
        let a = l.acquire("a.example").await;
        let l2 = l.clone();
        let waiting = tokio::spawn(async move { l2.acquire("a.example").await });
        tokio::task::yield_now().await;
        drop(a);
        // The waiter still needs the entry.
        let again = waiting.await.unwrap();
        assert_eq!(l.hosts_tracked(), 1);
        drop(again);
        assert_eq!(l.hosts_tracked(), 0);
        assert_eq!(l.in_flight_total(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn spaced_requests_to_one_host_start_apart_across_tasks() {
        let l = HostLimiter::new(2, 16);
        let t0 = tokio::time::Instant::now();
        // An unspaced request (robots.txt) first, then four spaced ones from
        // four tasks at once, each holding its permit only briefly.
        drop(l.acquire("quay.example").await);
        let spacing = Duration::from_secs(1);
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let l = l.clone();
            tasks.push(tokio::spawn(async move {
                let p = l.acquire_spaced("QUAY.example", spacing).await;
                let at = tokio::time::Instant::now();
                drop(p);
                at
            }));
        }
        // Another host is not held back meanwhile.
        let other = l.acquire_spaced("pier.example", spacing).await;
        assert_eq!(tokio::time::Instant::now(), t0);
        drop(other);
        let mut starts = Vec::new();
        for t in tasks {
            starts.push(t.await.unwrap());
        }
        starts.sort();
        assert!(starts[0] >= t0 + spacing, "{:?}", starts[0] - t0);
        for w in starts.windows(2) {
            assert!(w[1] - w[0] >= spacing, "{:?}", w[1] - w[0]);
        }
        assert_eq!(l.in_flight_total(), 0);
        assert_eq!(l.hosts_tracked(), 0);
    }

    #[test]
    fn zero_limits_become_one() {
        let l = HostLimiter::new(0, 0);
        assert_eq!((l.per_host(), l.global()), (1, 1));
    }
}
