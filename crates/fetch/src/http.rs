//! A small, careful HTTP client for feeds and article pages.
//!
//! - identifies itself with [`USER_AGENT`];
//! - connect and total timeouts;
//! - a body size limit enforced while streaming (also on decompressed bytes);
//! - at most N redirects, only to http(s), followed here hop by hop (not by
//!   reqwest) so that a caller can act before each hop: the
//!   [`crate::Poller`] checks every hop's robots.txt, takes a permit for its
//!   host and keeps its Crawl-delay;
//! - refuses private, loopback, link-local, unspecified, multicast, CGNAT and
//!   other non-public addresses *after* DNS resolution, through a custom
//!   resolver, so every redirect hop is checked too (unless `allow_private`);
//! - conditional GET (ETag / Last-Modified) with [`FetchOutcome::NotModified`] on 304;
//! - `Retry-After` (RFC 9110 §10.2.3, delta-seconds or HTTP-date) of a 429 or
//!   503 answer kept in [`FetchError::Status`], for the scheduler;
//! - a bound on the response head (status line and headers): hyper's HTTP/1
//!   parser refuses a head over about 400 KB (its read buffer, 8 KiB + 100 ×
//!   4 KiB) or with more than 100 header fields, reported at once as
//!   [`FetchError::HeadersTooLarge`], with no more than that buffered.
//!   reqwest 0.12 does not expose hyper's `max_buf_size` / `max_headers`
//!   (its `ClientBuilder` has only `http2_max_header_list_size`), so these
//!   bounds are hyper's defaults and cannot be changed here; HTTP/2 is not
//!   compiled in (no `http2` feature anywhere in the workspace), so hyper's
//!   HTTP/1 limits are the ones that apply. `tests/hostile.rs` checks 20,000
//!   header lines, 200,000 streamed ones and one 1 MB header.
//!
//! For tests, [`FetchConfig::allow_addrs`] lets exact socket addresses through
//! (IP-literal URLs only) while every other non-public address stays refused.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::header::{
    HeaderMap, CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    LOCATION, RETRY_AFTER,
};

use crate::SourceError;

/// The user agent lede sends.
pub const USER_AGENT: &str = "lede/0.1 (+https://github.com/lede-news/lede)";

/// Settings of a [`Fetcher`].
#[derive(Debug, Clone, PartialEq)]
pub struct FetchConfig {
    pub user_agent: String,
    pub connect_timeout: Duration,
    /// Whole request, body included.
    pub timeout: Duration,
    /// Largest accepted body (after decompression), in bytes.
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    /// Allow private/loopback/... addresses (intranet feeds). Off by default.
    pub allow_private: bool,
    /// Exact socket addresses allowed even though they are not public: a test
    /// server on `127.0.0.1:P` is reachable while `127.0.0.1:other`, `10.0.0.1`
    /// and `169.254.169.254` stay refused, also as redirect targets. Only
    /// URLs whose host is an IP literal match (a name's port is unknown to the
    /// resolver). Empty by default.
    pub allow_addrs: Vec<SocketAddr>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: USER_AGENT.to_string(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            allow_private: false,
            allow_addrs: Vec::new(),
        }
    }
}

/// What a GET returned.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchOutcome {
    /// 304: the validators sent still match.
    NotModified,
    Fetched {
        /// The URL after redirects.
        final_url: String,
        content_type: Option<String>,
        etag: Option<String>,
        last_modified: Option<String>,
        body: Vec<u8>,
    },
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: invalid URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("{url}: refusing scheme {scheme:?} (only http and https)")]
    Scheme { url: String, scheme: String },
    #[error("{url}: refusing to connect to non-public address {addr}")]
    Refused { url: String, addr: String },
    #[error("{url}: response exceeds {limit} bytes")]
    TooLarge { url: String, limit: usize },
    #[error("{url}: HTTP status {status}{}", retry_note(.retry_after))]
    Status {
        url: String,
        status: u16,
        /// For a 429 or 503 with a valid `Retry-After`: the time the server
        /// asked to be tried again (never in the past, not capped here).
        retry_after: Option<DateTime<Utc>>,
    },
    /// Not requested: an earlier answer of this host asked lede, with
    /// `Retry-After`, to wait until `until` (see [`crate::Poller`]).
    #[error("{url}: not requested: the host asked lede to wait until {until} (Retry-After)")]
    Deferred { url: String, until: DateTime<Utc> },
    /// An article page not requested because the host's robots.txt asks for a
    /// `Crawl-delay` longer than lede's cap: the feed is still polled (spaced
    /// by the cap), its pages are skipped.
    #[error("{url}: not requested: robots.txt asks for a Crawl-delay of {delay:?}, over lede's cap of {cap:?}; article pages of this host are skipped")]
    CrawlDelayTooLong {
        url: String,
        delay: Duration,
        cap: Duration,
    },
    #[error("{url}: {what} timed out (limit {limit:?})")]
    Timeout {
        url: String,
        /// "connection" or "request" (the whole request, body included).
        what: &'static str,
        limit: Duration,
    },
    #[error("{url}: response headers too large (hyper's limit: about 400 KB or 100 fields)")]
    HeadersTooLarge { url: String },
    #[error("{url}: {reason}")]
    Robots { url: String, reason: String },
    #[error("{url}: too many redirects (limit {limit})")]
    TooManyRedirects { url: String, limit: usize },
    #[error("{url}: {reason}")]
    Network { url: String, reason: String },
    #[error("could not build HTTP client: {0}")]
    Client(String),
    #[error("{0}")]
    Feed(SourceError),
}

impl FetchError {
    /// When the server asked to be tried again: the `Retry-After` of a 429 or
    /// 503 ([`FetchError::Status`]), or the time a [`FetchError::Deferred`]
    /// request waits for. Uncapped; the scheduler caps it.
    pub fn retry_after(&self) -> Option<DateTime<Utc>> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            FetchError::Deferred { until, .. } => Some(*until),
            _ => None,
        }
    }
}

fn retry_note(retry_after: &Option<DateTime<Utc>>) -> String {
    retry_after
        .map(|t| {
            format!(
                " (Retry-After: not before {})",
                t.format("%Y-%m-%d %H:%M:%S UTC")
            )
        })
        .unwrap_or_default()
}

/// Longest `Retry-After` kept as given (a year): longer ones are cut to it so
/// that adding it to a date cannot overflow. The scheduler caps it far lower.
const RETRY_AFTER_LIMIT_SECS: u64 = 365 * 24 * 3600;

/// The time a `Retry-After` value names, read at `now`: delta-seconds or an
/// HTTP-date in any of the three formats RFC 9110 §5.6.7 asks recipients to
/// accept (parsed by the `httpdate` crate). A date in the past gives `now`;
/// anything else unreadable gives None.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still "a very long time".
        let secs = v
            .parse::<u64>()
            .unwrap_or(u64::MAX)
            .min(RETRY_AFTER_LIMIT_SECS);
        return Some(now + TimeDelta::seconds(secs as i64));
    }
    let date: DateTime<Utc> = httpdate::parse_http_date(v).ok()?.into();
    let latest = now + TimeDelta::seconds(RETRY_AFTER_LIMIT_SECS as i64);
    Some(date.clamp(now, latest))
}

/// Whether `ip` is a public unicast address lede may connect to.
///
/// Refused: private (10/8, 172.16/12, 192.168/16), loopback, link-local
/// (169.254/16, fe80::/10), unspecified, "this network" (0/8), broadcast,
/// multicast, CGNAT (100.64/10), benchmarking (198.18/15), documentation,
/// reserved (240/4), IETF (192.0.0/24), IPv6 ULA (fc00::/7), site-local,
/// and IPv4-mapped/NAT64 forms of any of those.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let seg = ip.segments();
    // NAT64 well-known prefix 64:ff9b::/96 embeds an IPv4 address.
    if seg[0] == 0x64 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] {
        let o = ip.octets();
        return is_public_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (seg[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (seg[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (seg[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (seg[0] == 0x2001 && seg[1] == 0x0db8) // documentation
        || seg[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible (deprecated) and ::/96
}

/// Error a refused address produces inside reqwest (found again by downcasting).
#[derive(Debug)]
struct BlockedAddress(String);

impl std::fmt::Display for BlockedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refusing to connect to non-public address {}", self.0)
    }
}
impl std::error::Error for BlockedAddress {}

/// Resolves with the system resolver, then drops non-public addresses; fails
/// when none is left.
struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { Box::new(e) })?
                .collect();
            let (public, refused): (Vec<SocketAddr>, Vec<SocketAddr>) =
                addrs.into_iter().partition(|a| is_public_ip(a.ip()));
            if public.is_empty() {
                let shown = refused
                    .first()
                    .map(|a| format!("{host} ({})", a.ip()))
                    .unwrap_or_else(|| format!("{host} (no addresses)"));
                return Err(
                    Box::new(BlockedAddress(shown)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// An HTTP client with lede's limits. Cheap to clone (shares one connection pool).
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: Arc<FetchConfig>,
}

/// Check the scheme and, when `allow_private` is off, an IP-literal host
/// (those never reach the resolver): it must be public or, with its port, one
/// of `allow_addrs`.
fn check_url(
    url: &reqwest::Url,
    allow_private: bool,
    allow_addrs: &[SocketAddr],
) -> Result<(), FetchError> {
    let shown = url.to_string();
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::Scheme {
            url: shown,
            scheme: url.scheme().to_string(),
        });
    }
    if !allow_private {
        let ip = match url.host() {
            Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            _ => None,
        };
        if let Some(ip) = ip.filter(|ip| !is_public_ip(*ip)) {
            let port = url.port_or_known_default().unwrap_or(0);
            let addr = SocketAddr::new(ip, port);
            if !allow_addrs.contains(&addr) {
                return Err(FetchError::Refused {
                    url: shown,
                    addr: addr.to_string(),
                });
            }
        }
    }
    Ok(())
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let allow_private = config.allow_private;
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            // Redirects are followed by `request` below, one hop at a time:
            // reqwest's redirect policy is a synchronous callback, and a hop
            // needs async work first (robots.txt of its origin, a permit for
            // its host, its Crawl-delay).
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve names itself, bypassing the address check.
            .no_proxy();
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(GuardedResolver));
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(Fetcher {
            client,
            config: Arc::new(config),
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// The checks made before connecting: a valid http(s) URL and, for an
    /// IP-literal host, an address that is public or on the allow-list. Names
    /// are checked after DNS, when connecting.
    pub fn check_url(&self, url: &str) -> Result<(), FetchError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        check_url(&parsed, self.config.allow_private, &self.config.allow_addrs)
    }

    /// GET `url`, sending the validators when given. 304 gives
    /// [`FetchOutcome::NotModified`]; other non-2xx statuses are errors. A body
    /// over [`FetchConfig::max_body_bytes`] is [`FetchError::TooLarge`].
    pub async fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<FetchOutcome, FetchError> {
        let limit = Limit::Fail(self.config.max_body_bytes);
        self.request(
            url,
            etag,
            last_modified,
            limit,
            |_| async { Ok(()) },
            |_| {},
        )
        .await
    }

    /// GET `url` keeping at most `max_bytes` of the body: the rest is not read
    /// (robots.txt: RFC 9309 lets a crawler ignore what is past its limit).
    pub async fn get_truncated(
        &self,
        url: &str,
        max_bytes: usize,
    ) -> Result<FetchOutcome, FetchError> {
        let limit = Limit::Truncate(max_bytes);
        self.request(url, None, None, limit, |_| async { Ok(()) }, |_| {})
            .await
    }

    /// GET `url`, following redirects here: before each request (the first
    /// and every hop, after the hop's URL passed the scheme and address
    /// checks) `admit` is awaited with the URL about to be requested; an error
    /// from it ends the fetch, and what it returns (a permit) is held until
    /// that hop is done, body included. `on_error` sees a hop's error while
    /// its permit is still held (so that a 429 can hold the host off before
    /// anyone else gets its permit). Waiting in `admit` does not count
    /// against [`FetchConfig::timeout`], which bounds the network time of all
    /// hops together.
    pub(crate) async fn request<A, Fut, G>(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        limit: Limit,
        mut admit: A,
        on_error: impl FnOnce(&FetchError),
    ) -> Result<FetchOutcome, FetchError>
    where
        A: FnMut(reqwest::Url) -> Fut,
        Fut: Future<Output = Result<G, FetchError>>,
    {
        let mut current = reqwest::Url::parse(url).map_err(|e| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        let total = self.config.timeout;
        let mut spent = Duration::ZERO;
        let mut redirects = 0;
        loop {
            check_url(
                &current,
                self.config.allow_private,
                &self.config.allow_addrs,
            )?;
            let permit = admit(current.clone()).await?;
            let timed_out = || FetchError::Timeout {
                url: current.to_string(),
                what: "request",
                limit: total,
            };
            let remaining = total.saturating_sub(spent);
            if remaining.is_zero() {
                return Err(timed_out());
            }
            let started = Instant::now();
            // reqwest's timeout (set per hop to what is left) covers the hop,
            // body included; this outer one is a second guard so that nothing
            // (a resolver, a stuck decoder) outlives it.
            let hop = tokio::time::timeout(
                remaining + Duration::from_millis(500),
                self.hop(&current, etag, last_modified, remaining, limit),
            )
            .await;
            spent += started.elapsed();
            let hop = match hop.map_err(|_| timed_out()).and_then(|h| h) {
                Ok(h) => h,
                Err(e) => {
                    on_error(&e);
                    drop(permit);
                    return Err(e);
                }
            };
            drop(permit);
            match hop {
                Hop::Done(outcome) => return Ok(outcome),
                Hop::Redirect(next) => {
                    redirects += 1;
                    if redirects > self.config.max_redirects {
                        return Err(FetchError::TooManyRedirects {
                            url: next.to_string(),
                            limit: self.config.max_redirects,
                        });
                    }
                    tracing::debug!(from = %current, to = %next, "following redirect");
                    current = next;
                }
            }
        }
    }

    /// One request: a redirect to follow, or the outcome.
    async fn hop(
        &self,
        url: &reqwest::Url,
        etag: Option<&str>,
        last_modified: Option<&str>,
        timeout: Duration,
        limit: Limit,
    ) -> Result<Hop, FetchError> {
        let shown = url.to_string();
        let mut headers = HeaderMap::new();
        if let Some(v) = etag.and_then(|v| v.parse().ok()) {
            headers.insert(IF_NONE_MATCH, v);
        }
        if let Some(v) = last_modified.and_then(|v| v.parse().ok()) {
            headers.insert(IF_MODIFIED_SINCE, v);
        }
        let mut resp = self
            .client
            .get(url.clone())
            .headers(headers)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| self.map_err(&shown, e))?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Hop::Done(FetchOutcome::NotModified));
        }
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
            if let Some(location) = header(LOCATION) {
                let next = url
                    .join(location.trim())
                    .map_err(|e| FetchError::InvalidUrl {
                        url: location.clone(),
                        reason: format!("redirect from {shown}: {e}"),
                    })?;
                return Ok(Hop::Redirect(next));
            }
        }
        if !status.is_success() {
            let retry_after = match status.as_u16() {
                429 | 503 => header(RETRY_AFTER).and_then(|v| parse_retry_after(&v, Utc::now())),
                _ => None,
            };
            return Err(FetchError::Status {
                url: shown,
                status: status.as_u16(),
                retry_after,
            });
        }
        let content_type = header(CONTENT_TYPE);
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        // A declared length over the limit fails early (only when not compressed:
        // the limit is on decoded bytes, which reqwest reports without a length).
        if let Limit::Fail(max) = limit {
            if let Some(len) = header(CONTENT_LENGTH).and_then(|l| l.parse::<u64>().ok()) {
                if len > max as u64 {
                    return Err(FetchError::TooLarge {
                        url: shown,
                        limit: max,
                    });
                }
            }
        }
        let max = limit.bytes();
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > max {
                        if let Limit::Truncate(_) = limit {
                            body.extend_from_slice(&chunk[..max - body.len()]);
                            break;
                        }
                        return Err(FetchError::TooLarge {
                            url: shown,
                            limit: max,
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.map_err(&shown, e)),
            }
        }
        Ok(Hop::Done(FetchOutcome::Fetched {
            final_url: shown,
            content_type,
            etag,
            last_modified,
            body,
        }))
    }

    fn map_err(&self, url: &str, e: reqwest::Error) -> FetchError {
        let url = e
            .url()
            .map(|u| u.to_string())
            .unwrap_or_else(|| url.to_string());
        let mut src: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(s) = src {
            if let Some(b) = s.downcast_ref::<BlockedAddress>() {
                return FetchError::Refused {
                    url,
                    addr: b.0.clone(),
                };
            }
            src = s.source();
        }
        let mut src: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(s) = src {
            // hyper's error for a head over its buffer or with over 100 fields;
            // hyper only exposes a predicate for it with its server feature.
            if s.to_string() == "message head is too large" {
                return FetchError::HeadersTooLarge { url };
            }
            src = s.source();
        }
        if e.is_timeout() {
            let (what, limit) = if e.is_connect() {
                ("connection", self.config.connect_timeout)
            } else {
                ("request", self.config.timeout)
            };
            return FetchError::Timeout { url, what, limit };
        }
        // The innermost cause is usually the informative one.
        let mut reason = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            reason = format!("{reason}: {s}");
            src = s.source();
        }
        FetchError::Network { url, reason }
    }
}

/// The body limit of a request, and what to do with a body over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    /// A body over this many bytes is [`FetchError::TooLarge`].
    Fail(usize),
    /// Only this many bytes are kept; the rest is not read.
    Truncate(usize),
}

impl Limit {
    fn bytes(self) -> usize {
        match self {
            Limit::Fail(n) | Limit::Truncate(n) => n,
        }
    }
}

/// What one request of a fetch gave.
enum Hop {
    Redirect(reqwest::Url),
    Done(FetchOutcome),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn refuses_non_public_addresses() {
        for s in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public_ip(ip(s)), "{s} should be refused");
        }
        for s in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public_ip(ip(s)), "{s} should be allowed");
        }
    }

    #[test]
    fn retry_after_values() {
        let now = DateTime::parse_from_rfc3339("2024-05-03T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            parse_retry_after("120", now),
            Some(at("2024-05-03T10:02:00Z"))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(now));
        // The three HTTP-date formats of RFC 9110 §5.6.7.
        for date in [
            "Fri, 03 May 2024 11:30:00 GMT",
            "Friday, 03-May-24 11:30:00 GMT",
            "Fri May  3 11:30:00 2024",
        ] {
            assert_eq!(
                parse_retry_after(date, now),
                Some(at("2024-05-03T11:30:00Z")),
                "{date}"
            );
        }
        // A date in the past means now; absurd delays are cut to a year.
        assert_eq!(
            parse_retry_after("Thu, 02 May 2024 09:00:00 GMT", now),
            Some(now)
        );
        let year = now + TimeDelta::days(365);
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(year)
        );
        assert_eq!(
            parse_retry_after("Fri, 03 May 2999 11:30:00 GMT", now),
            Some(year)
        );
        for bad in [
            "",
            "soon",
            "-5",
            "1.5",
            "3600s",
            "Fri, 32 May 2024 11:30:00 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
        let e = FetchError::Status {
            url: "https://harbour.example/feed".into(),
            status: 429,
            retry_after: Some(at("2024-05-03T11:30:00Z")),
        };
        assert_eq!(
            e.to_string(),
            "https://harbour.example/feed: HTTP status 429 (Retry-After: not before 2024-05-03 11:30:00 UTC)"
        );
        assert_eq!(e.retry_after(), Some(at("2024-05-03T11:30:00Z")));
    }

    #[test]
    fn url_checks() {
        let u = |s: &str| reqwest::Url::parse(s).unwrap();
        assert!(matches!(
            check_url(&u("ftp://x.example/"), false, &[]),
            Err(FetchError::Scheme { .. })
        ));
        assert!(matches!(
            check_url(&u("file:///etc/passwd"), true, &[]),
            Err(FetchError::Scheme { .. })
        ));
        assert!(matches!(
            check_url(&u("http://169.254.169.254/latest"), false, &[]),
            Err(FetchError::Refused { .. })
        ));
        assert!(matches!(
            check_url(&u("http://[::1]:8080/"), false, &[]),
            Err(FetchError::Refused { .. })
        ));
        assert!(check_url(&u("http://127.0.0.1/"), true, &[]).is_ok());
        assert!(check_url(&u("https://news.example/"), false, &[]).is_ok());
        // The allow-list lets exactly one socket address through.
        let allow: Vec<SocketAddr> = vec!["127.0.0.1:8080".parse().unwrap()];
        assert!(check_url(&u("http://127.0.0.1:8080/feed"), false, &allow).is_ok());
        for refused in [
            "http://127.0.0.1:8081/",
            "http://127.0.0.1/",
            "http://10.0.0.1:8080/",
            "http://169.254.169.254/latest",
        ] {
            assert!(
                matches!(
                    check_url(&u(refused), false, &allow),
                    Err(FetchError::Refused { .. })
                ),
                "{refused}"
            );
        }
    }
}
