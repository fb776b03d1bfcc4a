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
//! are evicted least recently used beyond [`PageCache::capacity`]. (The `lru`
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

/// Rendered responses kept for `ttl`, at most `capacity` of them.
pub struct PageCache {
    ttl: Duration,
    capacity: NonZeroUsize,
    entries: Mutex<LruCache<String, Entry>>,
}

impl PageCache {
    /// A cache keeping each response for `ttl`, and at most `capacity` responses.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity.max(1)).expect("at least 1");
        PageCache {
            ttl,
            capacity,
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// How many responses it keeps at most.
    pub fn capacity(&self) -> usize {
        self.capacity.get()
    }

    /// Forget every response (after a change the reader must see at once).
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Entry>> {
        // A panic while holding the lock leaves nothing half-written worth
        // keeping: go on with the cache as it is.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, key: &str) -> Option<(HeaderMap, Bytes)> {
        let mut entries = self.lock();
        match entries.get(key) {
            Some(e) if e.stored.elapsed() < self.ttl => Some((e.headers.clone(), e.body.clone())),
            Some(_) => {
                entries.pop(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: String, headers: HeaderMap, body: Bytes) {
        self.lock().put(
            key,
            Entry {
                stored: Instant::now(),
                headers,
                body,
            },
        );
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
