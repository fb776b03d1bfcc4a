//! robots.txt: fetched once per origin, cached, and obeyed for feeds and
//! article pages under lede's product token ([`ROBOTS_TOKEN`]).
//!
//! The rules of RFC 9309 and Google's documented behaviour:
//!
//! | robots.txt answer | meaning | cached for |
//! |---|---|---|
//! | 2xx | its rules (first [`RobotsConfig::max_bytes`] only) | [`RobotsConfig::ttl`] (1 day) |
//! | 4xx except 429, too many redirects | "unavailable": everything allowed | `ttl` |
//! | 5xx, 429, timeout, network error | "unreachable": everything disallowed, or the last good copy while it is younger than [`RobotsConfig::stale_max`] | [`RobotsConfig::unreachable_ttl`] |
//!
//! Parsing is done by `texting_robots` (Google's matching rules: longest
//! match wins, `allow` wins ties, `*` and `$` wildcards, the `*` group when no
//! group names lede). Concurrent checks for one origin share one fetch.
//!
//! A check that allows a URL also gives the origin's `Crawl-delay` for lede
//! (a non-standard line most crawlers honour; RFC 9309 leaves it out): the
//! [`crate::Poller`] spaces requests to the host by it, within a cap.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http::{FetchError, FetchOutcome};

/// The product token lede looks for in `User-agent:` lines.
pub const ROBOTS_TOKEN: &str = "lede";

/// Settings of a [`RobotsCache`].
#[derive(Debug, Clone, PartialEq)]
pub struct RobotsConfig {
    /// Product token matched against `User-agent:` lines (case-insensitive).
    pub token: String,
    /// How long fetched rules (or "unavailable") are used before fetching again.
    pub ttl: Duration,
    /// How long an unreachable robots.txt keeps an origin disallowed before the
    /// next try.
    pub unreachable_ttl: Duration,
    /// While robots.txt is unreachable, the last good copy is used if it is
    /// younger than this; else everything is disallowed.
    pub stale_max: Duration,
    /// Bytes of robots.txt parsed; the rest is ignored (RFC 9309 asks for at
    /// least 500 KiB).
    pub max_bytes: usize,
    /// Origins kept in the cache; expired entries go first when it is full.
    pub max_origins: usize,
}

impl Default for RobotsConfig {
    fn default() -> Self {
        RobotsConfig {
            token: ROBOTS_TOKEN.to_string(),
            ttl: Duration::from_secs(24 * 3600),
            unreachable_ttl: Duration::from_secs(3600),
            stale_max: Duration::from_secs(30 * 24 * 3600),
            max_bytes: 512 * 1024,
            max_origins: 10_000,
        }
    }
}

/// Why robots.txt stops a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RobotsRefusal {
    /// The rules for lede disallow the URL.
    #[error("disallowed by {robots_url} for user agent {token:?}")]
    Disallowed { robots_url: String, token: String },
    /// robots.txt could not be fetched (5xx, 429, timeout...) and no recent
    /// copy is known: the whole origin is disallowed for a while.
    #[error("{robots_url} unreachable ({reason}); the site counts as disallowed, next try within {retry_in:?}")]
    Unreachable {
        robots_url: String,
        reason: String,
        retry_in: Duration,
    },
}

/// The rules known for one origin.
#[derive(Debug)]
enum Rules {
    /// No usable robots.txt (4xx, too many redirects, unparseable): all allowed.
    AllowAll,
    Parsed(Box<texting_robots::Robot>),
    /// Unreachable with no recent good copy.
    DisallowAll {
        reason: String,
    },
}

#[derive(Debug)]
struct Entry {
    rules: Rules,
    /// When the rules were last fetched successfully (None: never).
    good_since: Option<Instant>,
    expires: Instant,
}

type Slot = Arc<tokio::sync::Mutex<Option<Entry>>>;

/// A cache of robots.txt rules by origin (`scheme://host:port`). Cheap to clone.
#[derive(Debug, Clone)]
pub struct RobotsCache {
    config: Arc<RobotsConfig>,
    slots: Arc<Mutex<HashMap<String, Slot>>>,
}

/// The robots.txt URL for `url`'s origin, and the origin itself.
pub fn robots_url(url: &url::Url) -> Option<(String, String)> {
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return None;
    }
    let origin = url.origin().ascii_serialization();
    Some((format!("{origin}/robots.txt"), origin))
}

impl RobotsCache {
    pub fn new(config: RobotsConfig) -> Self {
        RobotsCache {
            config: Arc::new(config),
            slots: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    pub fn config(&self) -> &RobotsConfig {
        &self.config
    }

    /// Whether lede may fetch `url`, and if so the `Crawl-delay` its origin's
    /// robots.txt sets for lede (as given, uncapped; None when there is none
    /// or it is 0). `fetch` is called with the robots.txt URL
    /// when the origin's rules are not cached or have expired; it should GET
    /// it with a body limit of [`RobotsConfig::max_bytes`] that truncates (the
    /// poller passes [`crate::Fetcher::get_truncated`] behind its limiter).
    /// The robots.txt URL itself is always allowed; so are non-http(s) URLs,
    /// which the HTTP client refuses anyway.
    pub async fn check<F, Fut>(
        &self,
        url: &str,
        fetch: F,
    ) -> Result<Option<Duration>, RobotsRefusal>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<FetchOutcome, FetchError>>,
    {
        self.check_at(url, Instant::now(), fetch).await
    }

    /// [`RobotsCache::check`] at a given time (tests move the clock).
    pub async fn check_at<F, Fut>(
        &self,
        url: &str,
        now: Instant,
        fetch: F,
    ) -> Result<Option<Duration>, RobotsRefusal>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<FetchOutcome, FetchError>>,
    {
        let Ok(parsed) = url::Url::parse(url) else {
            return Ok(None);
        };
        let Some((robots_url, origin)) = robots_url(&parsed) else {
            return Ok(None);
        };
        if parsed.path() == "/robots.txt" {
            return Ok(None);
        }
        let slot = self.slot(&origin, now);
        // Held across the fetch: concurrent checks of one origin wait for it.
        let mut entry = slot.lock().await;
        if entry.as_ref().is_none_or(|e| e.expires <= now) {
            let previous = entry.take();
            let fresh = self.refresh(&robots_url, now, previous, fetch).await;
            *entry = Some(fresh);
        }
        let entry = entry.as_ref().expect("just filled");
        match &entry.rules {
            Rules::AllowAll => Ok(None),
            Rules::Parsed(robot) => {
                if robot.allowed(url) {
                    Ok(robot.delay.and_then(crawl_delay))
                } else {
                    Err(RobotsRefusal::Disallowed {
                        robots_url,
                        token: self.config.token.clone(),
                    })
                }
            }
            Rules::DisallowAll { reason } => Err(RobotsRefusal::Unreachable {
                robots_url,
                reason: reason.clone(),
                retry_in: self.config.unreachable_ttl,
            }),
        }
    }

    /// Origins in the cache.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The slot of `origin`, making room when the cache is full.
    fn slot(&self, origin: &str, now: Instant) -> Slot {
        let mut slots = self.lock();
        if let Some(s) = slots.get(origin) {
            return s.clone();
        }
        if slots.len() >= self.config.max_origins {
            // Drop expired entries (and ones nobody is using), then any idle
            // ones, until there is room. A slot being filled is locked and kept.
            slots.retain(|_, s| {
                s.try_lock()
                    .map(|e| e.as_ref().is_some_and(|e| e.expires > now))
                    .unwrap_or(true)
            });
            let max = self.config.max_origins.max(1);
            if slots.len() >= max {
                let idle: Vec<String> = slots
                    .iter()
                    .filter(|(_, s)| s.try_lock().is_ok())
                    .map(|(k, _)| k.clone())
                    .take(slots.len() + 1 - max)
                    .collect();
                for k in idle {
                    slots.remove(&k);
                }
            }
        }
        slots
            .entry(origin.to_string())
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(None)))
            .clone()
    }

    async fn refresh<F, Fut>(
        &self,
        robots_url: &str,
        now: Instant,
        previous: Option<Entry>,
        fetch: F,
    ) -> Entry
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<FetchOutcome, FetchError>>,
    {
        let ttl = self.config.ttl;
        let good = |rules| Entry {
            rules,
            good_since: Some(now),
            expires: now + ttl,
        };
        let unreachable = |reason: String, previous: Option<Entry>| {
            let retry = now + self.config.unreachable_ttl;
            match previous {
                // The last good copy stays in use while it is recent enough.
                Some(Entry {
                    rules,
                    good_since: Some(since),
                    ..
                }) if !matches!(rules, Rules::DisallowAll { .. })
                    && now.saturating_duration_since(since) < self.config.stale_max =>
                {
                    tracing::warn!(%robots_url, %reason, "robots.txt unreachable; using the last copy");
                    Entry {
                        rules,
                        good_since: Some(since),
                        expires: retry,
                    }
                }
                _ => {
                    tracing::warn!(%robots_url, %reason, retry_in = ?self.config.unreachable_ttl, "robots.txt unreachable; disallowing the site for now");
                    Entry {
                        rules: Rules::DisallowAll { reason },
                        good_since: None,
                        expires: retry,
                    }
                }
            }
        };
        match fetch(robots_url.to_string()).await {
            Ok(FetchOutcome::Fetched { body, .. }) => {
                let body = &body[..body.len().min(self.config.max_bytes)];
                match texting_robots::Robot::new(&self.config.token, body) {
                    Ok(robot) => good(Rules::Parsed(Box::new(robot))),
                    Err(e) => {
                        tracing::warn!(%robots_url, error = %e, "unparseable robots.txt; allowing all");
                        good(Rules::AllowAll)
                    }
                }
            }
            // No validators are sent, so this is a confused server: no rules.
            Ok(FetchOutcome::NotModified) => good(Rules::AllowAll),
            Err(FetchError::Status { status, .. }) if status == 429 || status >= 500 => {
                unreachable(format!("HTTP status {status}"), previous)
            }
            // 4xx: "unavailable", and 3xx that could not be followed.
            Err(FetchError::Status { status, .. }) => {
                tracing::debug!(%robots_url, status, "no robots.txt; allowing all");
                good(Rules::AllowAll)
            }
            Err(FetchError::TooManyRedirects { .. }) => good(Rules::AllowAll),
            Err(e) => unreachable(e.to_string(), previous),
        }
    }
}

/// Longest Crawl-delay taken as written (a day): "inf" and larger values
/// become this. Callers cap it far lower.
const CRAWL_DELAY_LIMIT: Duration = Duration::from_secs(24 * 3600);

/// A parsed `Crawl-delay` (seconds, never negative: the parser refuses those)
/// as a duration; 0 is no delay.
fn crawl_delay(secs: f32) -> Option<Duration> {
    if secs.is_nan() || secs <= 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f32(secs).map_or(CRAWL_DELAY_LIMIT, |d| d.min(CRAWL_DELAY_LIMIT)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn body(s: &str) -> Result<FetchOutcome, FetchError> {
        Ok(FetchOutcome::Fetched {
            final_url: "https://news.example/robots.txt".into(),
            content_type: Some("text/plain".into()),
            etag: None,
            last_modified: None,
            body: s.as_bytes().to_vec(),
        })
    }

    fn status(code: u16) -> Result<FetchOutcome, FetchError> {
        Err(FetchError::Status {
            url: "https://news.example/robots.txt".into(),
            status: code,
            retry_after: None,
        })
    }

    async fn check(
        cache: &RobotsCache,
        url: &str,
        now: Instant,
        answer: impl FnOnce() -> Result<FetchOutcome, FetchError>,
        calls: &Cell<usize>,
    ) -> Result<Option<Duration>, RobotsRefusal> {
        cache
            .check_at(url, now, |u| {
                assert_eq!(u, "https://news.example/robots.txt");
                calls.set(calls.get() + 1);
                std::future::ready(answer())
            })
            .await
    }

    const RULES: &str =
        "User-agent: *\nDisallow: /\n\nUser-agent: lede\nDisallow: /private/\nAllow: /private/ok\n";

    #[tokio::test]
    async fn rules_for_lede_are_obeyed_and_cached_for_a_day() {
        let cache = RobotsCache::new(RobotsConfig::default());
        let calls = Cell::new(0);
        let t0 = Instant::now();
        let ok = check(
            &cache,
            "https://news.example/world/1",
            t0,
            || body(RULES),
            &calls,
        )
        .await;
        assert_eq!(ok, Ok(None));
        let refused = check(
            &cache,
            "https://news.example/private/x",
            t0,
            || body(RULES),
            &calls,
        )
        .await
        .unwrap_err();
        assert!(matches!(refused, RobotsRefusal::Disallowed { .. }));
        assert!(refused.to_string().contains("\"lede\""), "{refused}");
        assert_eq!(
            check(
                &cache,
                "https://news.example/private/ok",
                t0,
                || body(RULES),
                &calls
            )
            .await,
            Ok(None)
        );
        assert_eq!(calls.get(), 1, "fetched once per origin");
        // Still cached just before a day has passed, fetched again after.
        let later = t0 + Duration::from_secs(24 * 3600 - 1);
        let _ = check(&cache, "https://news.example/a", later, || body(""), &calls).await;
        assert_eq!(calls.get(), 1);
        let next_day = t0 + Duration::from_secs(24 * 3600);
        let now_open = check(
            &cache,
            "https://news.example/private/x",
            next_day,
            || body(""),
            &calls,
        )
        .await;
        assert_eq!(now_open, Ok(None));
        assert_eq!(calls.get(), 2);
    }

    #[tokio::test]
    async fn client_errors_allow_all() {
        for code in [400, 401, 403, 404, 410] {
            let cache = RobotsCache::new(RobotsConfig::default());
            let calls = Cell::new(0);
            let r = check(
                &cache,
                "https://news.example/x",
                Instant::now(),
                || status(code),
                &calls,
            )
            .await;
            assert_eq!(r, Ok(None), "{code}");
        }
    }

    #[tokio::test]
    async fn server_errors_disallow_for_a_while() {
        let cfg = RobotsConfig::default();
        let retry = cfg.unreachable_ttl;
        let cache = RobotsCache::new(cfg);
        let calls = Cell::new(0);
        let t0 = Instant::now();
        for code in [500, 503, 429] {
            let c = RobotsCache::new(RobotsConfig::default());
            let r = check(&c, "https://news.example/x", t0, || status(code), &calls).await;
            assert!(
                matches!(r, Err(RobotsRefusal::Unreachable { .. })),
                "{code}"
            );
        }
        let timeout = || {
            Err(FetchError::Timeout {
                url: "https://news.example/robots.txt".into(),
                what: "request",
                limit: Duration::from_secs(5),
            })
        };
        let r = check(&cache, "https://news.example/x", t0, timeout, &calls).await;
        let e = r.unwrap_err();
        assert!(e.to_string().contains("unreachable"), "{e}");
        assert!(e.to_string().contains("timed out"), "{e}");
        // Not fetched again until the retry time, then the site opens up.
        let n = calls.get();
        let r = check(
            &cache,
            "https://news.example/y",
            t0 + retry - Duration::from_secs(1),
            || body(""),
            &calls,
        )
        .await;
        assert!(r.is_err());
        assert_eq!(calls.get(), n);
        let r = check(
            &cache,
            "https://news.example/y",
            t0 + retry,
            || body(""),
            &calls,
        )
        .await;
        assert_eq!(r, Ok(None));
        assert_eq!(calls.get(), n + 1);
    }

    #[tokio::test]
    async fn last_good_copy_survives_an_outage_until_it_is_too_old() {
        let cfg = RobotsConfig {
            ttl: Duration::from_secs(100),
            unreachable_ttl: Duration::from_secs(10),
            stale_max: Duration::from_secs(1000),
            ..RobotsConfig::default()
        };
        let cache = RobotsCache::new(cfg);
        let calls = Cell::new(0);
        let t0 = Instant::now();
        check(&cache, "https://news.example/a", t0, || body(RULES), &calls)
            .await
            .unwrap();
        // Expired, server down: the old rules still apply (allowed and disallowed).
        let t1 = t0 + Duration::from_secs(150);
        assert_eq!(
            check(&cache, "https://news.example/a", t1, || status(503), &calls).await,
            Ok(None)
        );
        let t2 = t1 + Duration::from_secs(10);
        let r = check(
            &cache,
            "https://news.example/private/z",
            t2,
            || status(503),
            &calls,
        )
        .await;
        assert!(matches!(r, Err(RobotsRefusal::Disallowed { .. })), "{r:?}");
        // Down for longer than stale_max: everything disallowed.
        let t3 = t0 + Duration::from_secs(1001);
        let r = check(&cache, "https://news.example/a", t3, || status(503), &calls).await;
        assert!(matches!(r, Err(RobotsRefusal::Unreachable { .. })), "{r:?}");
        assert_eq!(calls.get(), 4);
    }

    #[tokio::test]
    async fn robots_url_itself_and_other_schemes_are_not_checked() {
        let cache = RobotsCache::new(RobotsConfig::default());
        let calls = Cell::new(0);
        let t0 = Instant::now();
        let r = check(
            &cache,
            "https://news.example/robots.txt",
            t0,
            || status(500),
            &calls,
        )
        .await;
        assert_eq!(r, Ok(None));
        assert_eq!(calls.get(), 0);
        assert_eq!(
            robots_url(&url::Url::parse("http://News.Example:8080/a/b?c").unwrap()),
            Some((
                "http://news.example:8080/robots.txt".to_string(),
                "http://news.example:8080".to_string()
            ))
        );
        assert_eq!(robots_url(&url::Url::parse("file:///etc/x").unwrap()), None);
    }

    #[tokio::test]
    async fn truncated_body_is_parsed_up_to_the_limit() {
        let cache = RobotsCache::new(RobotsConfig {
            max_bytes: 40,
            ..RobotsConfig::default()
        });
        let calls = Cell::new(0);
        // The Disallow line past byte 40 is ignored.
        let txt = format!(
            "User-agent: lede\nDisallow: /a/\n{}\nDisallow: /b/\n",
            "#".repeat(40)
        );
        let t0 = Instant::now();
        let t = txt.clone();
        assert!(
            check(&cache, "https://news.example/a/1", t0, || body(&t), &calls)
                .await
                .is_err()
        );
        assert_eq!(
            check(
                &cache,
                "https://news.example/b/1",
                t0,
                || body(&txt),
                &calls
            )
            .await,
            Ok(None)
        );
    }

    #[tokio::test]
    async fn crawl_delay_for_lede_is_given_with_the_permission() {
        let t0 = Instant::now();
        let delay = |txt: &'static str| async move {
            let cache = RobotsCache::new(RobotsConfig::default());
            cache
                .check_at("https://news.example/a", t0, |_| {
                    std::future::ready(body(txt))
                })
                .await
        };
        assert_eq!(
            delay("User-agent: lede\nCrawl-delay: 1\n").await,
            Ok(Some(Duration::from_secs(1)))
        );
        assert_eq!(
            delay("User-agent: *\nCrawl-delay: 2.5\nDisallow: /private/\n").await,
            Ok(Some(Duration::from_millis(2500)))
        );
        // lede's own group wins over `*`.
        assert_eq!(
            delay("User-agent: *\nCrawl-delay: 60\n\nUser-agent: lede\nCrawl-delay: 3\n").await,
            Ok(Some(Duration::from_secs(3)))
        );
        assert_eq!(
            delay("User-agent: otherbot\nCrawl-delay: 60\n").await,
            Ok(None)
        );
        assert_eq!(delay("User-agent: lede\nCrawl-delay: 0\n").await, Ok(None));
        // Absurd values are bounded here; the poller caps them much lower.
        assert_eq!(
            delay("User-agent: lede\nCrawl-delay: inf\n").await,
            Ok(Some(CRAWL_DELAY_LIMIT))
        );
        assert_eq!(
            delay("User-agent: lede\nCrawl-delay: 1e30\n").await,
            Ok(Some(CRAWL_DELAY_LIMIT))
        );
        // A disallowed URL is refused whatever the delay.
        let r = delay("User-agent: lede\nCrawl-delay: 1\nDisallow: /a\n").await;
        assert!(matches!(r, Err(RobotsRefusal::Disallowed { .. })), "{r:?}");
    }

    #[tokio::test]
    async fn cache_is_bounded() {
        let cache = RobotsCache::new(RobotsConfig {
            max_origins: 3,
            ..RobotsConfig::default()
        });
        let t0 = Instant::now();
        for i in 0..10 {
            let url = format!("https://site{i}.example/x");
            cache
                .check_at(&url, t0, |_| std::future::ready(body("")))
                .await
                .unwrap();
            assert!(cache.len() <= 3, "{}", cache.len());
        }
    }
}
