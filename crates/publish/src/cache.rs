//! A micro-cache of rendered pages: each successful `GET` response is kept for
//! a few seconds and served again from memory.
//!
//! A story page costs several store queries and a template render; under a
//! burst of readers the same few pages are asked for thousands of times a
//! second, while stories change at most every few minutes. Keeping each
//! response for a short time (the same idea as nginx's `proxy_cache_valid 1s`)
//! turns that burst into one render per page per interval, and the page is
//! never staler than the interval. A successful admin action (any request
//! other than `GET`/`HEAD`) clears the cache at once.
//!
//! Only anonymous `GET`/`HEAD` requests answered `200 OK` with a body under
//! [`MAX_BODY`] and no `Cache-Control: no-store` are kept; the key is the path with its query string. Entries
//! are evicted least recently used beyond [`PageCache::capacity`] entries or
//! [`DEFAULT_MAX_BYTES`] in all. (The `lru`
//! crate gives the eviction order; expiry is one `Instant` per entry.)

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use lru::LruCache;

use crate::AppState;

/// Largest response body kept (a story page is about 100 KB).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// The response header that says whether a response came from the cache.
pub const CACHE_HEADER: &str = "x-lede-cache";

struct Entry {
    stored: Instant,
    headers: HeaderMap,
    body: Bytes,
}

impl Entry {
    /// Bytes the entry holds, its key included (headers are small and counted
    /// roughly).
    fn size(&self, key: &str) -> usize {
        key.len() + self.body.len() + 64 * self.headers.len()
    }
}

struct Entries {
    lru: LruCache<String, Entry>,
    /// Sum of [`Entry::size`] over `lru`.
    bytes: usize,
}

impl Entries {
    fn remove(&mut self, key: &str) {
        if let Some(e) = self.lru.pop(key) {
            self.bytes -= e.size(key);
        }
    }
}

/// Rendered responses kept for `ttl`: at most `capacity` of them and
/// `max_bytes` in all, least recently used first out.
pub struct PageCache {
    ttl: Duration,
    capacity: NonZeroUsize,
    max_bytes: usize,
    entries: Mutex<Entries>,
}

/// What the cache holds at most by default: 64 MiB.
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

impl PageCache {
    /// A cache keeping each response for `ttl`, at most `capacity` responses
    /// and [`DEFAULT_MAX_BYTES`] in all.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self::with_max_bytes(ttl, capacity, DEFAULT_MAX_BYTES)
    }

    /// The same with another bound on the bytes held.
    pub fn with_max_bytes(ttl: Duration, capacity: usize, max_bytes: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity.max(1)).expect("at least 1");
        PageCache {
            ttl,
            capacity,
            max_bytes,
            entries: Mutex::new(Entries {
                // Unbounded here: `put` evicts by count and by bytes itself,
                // so that the byte count stays exact.
                lru: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }

    /// How many responses it keeps at most.
    pub fn capacity(&self) -> usize {
        self.capacity.get()
    }

    /// Bytes it holds now (bodies, keys and a rough share for headers).
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Forget every response (after a change the reader must see at once).
    pub fn clear(&self) {
        let mut entries = self.lock();
        entries.lru.clear();
        entries.bytes = 0;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves nothing half-written worth
        // keeping: go on with the cache as it is.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, key: &str) -> Option<(HeaderMap, Bytes)> {
        let mut entries = self.lock();
        match entries.lru.get(key) {
            Some(e) if e.stored.elapsed() < self.ttl => Some((e.headers.clone(), e.body.clone())),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: String, headers: HeaderMap, body: Bytes) {
        let entry = Entry {
            stored: Instant::now(),
            headers,
            body,
        };
        let size = entry.size(&key);
        if size > self.max_bytes {
            return;
        }
        let mut entries = self.lock();
        entries.remove(&key);
        while entries.lru.len() >= self.capacity.get() || entries.bytes + size > self.max_bytes {
            match entries.lru.pop_lru() {
                Some((k, e)) => entries.bytes -= e.size(&k),
                None => break,
            }
        }
        entries.bytes += size;
        entries.lru.put(key, entry);
    }
}

fn response(headers: HeaderMap, body: Bytes, hit: bool) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = headers;
    response.headers_mut().insert(
        CACHE_HEADER,
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
    response
}

/// The middleware: answer from the cache when it can, else render and keep.
pub(crate) async fn serve_cached(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let counters = state.counters.clone();
    let Some(cache) = state.page_cache.clone() else {
        counters.count(&counters.uncached);
        return next.run(request).await;
    };
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        counters.count(&counters.uncached);
        // An admin action that succeeded changed what pages show.
        let response = next.run(request).await;
        if response.status().is_success() {
            cache.clear();
        }
        return response;
    }
    if request.headers().contains_key(header::AUTHORIZATION) {
        counters.count(&counters.uncached);
        return next.run(request).await;
    }
    let key = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_string(),
        |p| p.as_str().to_string(),
    );
    if let Some((headers, body)) = cache.get(&key) {
        counters.count(&counters.cache_hits);
        return response(headers, body, true);
    }
    let rendered = next.run(request).await;
    // Only complete successes are kept, and never what says not to be
    // (`Cache-Control: no-store`: the status page and metrics).
    let no_store = rendered
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"));
    if rendered.status() != StatusCode::OK || no_store {
        counters.count(&counters.uncached);
        return rendered;
    }
    // Only bodies whose whole size is known and small are kept (rendered
    // pages are); a streamed or large body passes through untouched.
    let small = rendered
        .body()
        .size_hint()
        .upper()
        .is_some_and(|n| n <= MAX_BODY as u64);
    if !small {
        counters.count(&counters.uncached);
        return rendered;
    }
    let (parts, body) = rendered.into_parts();
    match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => {
            counters.count(&counters.cache_misses);
            cache.put(key, parts.headers.clone(), bytes.clone());
            response(parts.headers, bytes, false)
        }
        Err(e) => {
            tracing::warn!("{key}: the response body failed: {e}");
            let mut failed = Response::new(Body::from("the page could not be read"));
            *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            failed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn bounded_by_count_and_bytes_least_recently_used_first() {
        let cache = PageCache::with_max_bytes(Duration::from_secs(60), 3, 10_000);
        for k in ["/a", "/b", "/c"] {
            cache.put(k.into(), HeaderMap::new(), body(1_000));
        }
        // /a is read, so /b is the least recently used when /d comes.
        assert!(cache.get("/a").is_some());
        cache.put("/d".into(), HeaderMap::new(), body(1_000));
        assert!(cache.get("/b").is_none());
        assert!(
            cache.get("/a").is_some() && cache.get("/c").is_some() && cache.get("/d").is_some()
        );
        assert_eq!(cache.bytes(), 3 * (1_000 + 2));

        // A big page pushes out as many as it needs to fit the byte bound.
        cache.put("/big".into(), HeaderMap::new(), body(8_500));
        assert!(cache.bytes() <= 10_000, "{}", cache.bytes());
        assert!(cache.get("/big").is_some());
        // /a and /c were the least recently read; /d stays.
        assert!(cache.get("/a").is_none() && cache.get("/c").is_none());
        assert!(cache.get("/d").is_some());

        // One larger than the whole cache is not kept, and evicts nothing.
        cache.put("/huge".into(), HeaderMap::new(), body(20_000));
        assert!(cache.get("/huge").is_none() && cache.get("/big").is_some());

        // Replacing a page counts its bytes once.
        let before = cache.bytes();
        cache.put("/big".into(), HeaderMap::new(), body(8_500));
        assert_eq!(cache.bytes(), before);

        cache.clear();
        assert_eq!(cache.bytes(), 0);
        assert!(cache.get("/big").is_none());
    }

    #[test]
    fn expired_entries_are_not_served_and_free_their_bytes() {
        let cache = PageCache::new(Duration::ZERO, 10);
        cache.put("/a".into(), HeaderMap::new(), body(100));
        assert!(cache.get("/a").is_none());
        assert_eq!(cache.bytes(), 0);
    }
}
