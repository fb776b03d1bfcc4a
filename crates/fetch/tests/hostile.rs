//! Hostile feed servers, started by the tests on loopback (raw HTTP over tokio
//! TcpListeners, each on its own 127.0.0.x address so each is its own host):
//! every case must end in bounded time and memory with a clear reason, and one
//! good feed polled among them must still bring its articles.
//!
//! Only loopback is used; the Poller's address check lets exactly the test
//! servers' socket addresses through (`FetchConfig::allow_addrs`).

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lede_fetch::{FeedOutcome, FetchConfig, FetchError, Poller, PollerConfig};
use lede_model::Feed;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod support;

/// The request timeout of these tests: every slow case ends by then.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Body limit of these tests.
const MAX_BODY: usize = 1024 * 1024;

/// What a test server does with one request.
#[derive(Clone)]
enum Reply {
    /// These bytes, then close.
    Raw(Vec<u8>),
    /// A 200 head, then one byte a second for ever.
    Trickle,
    /// Read the request and never answer.
    Stall,
    /// A 200 head without length, then `bytes` of generated body.
    Endless { bytes: u64 },
    /// A 200 status line, then `lines` header lines, streamed.
    EndlessHeaders { lines: u64 },
}

type Handler = Arc<dyn Fn(&str, &str) -> Reply + Send + Sync>;

static NEXT_IP: AtomicUsize = AtomicUsize::new(10);

/// Start a server on a fresh 127.0.0.x address; returns its address.
async fn serve(handler: impl Fn(&str, &str) -> Reply + Send + Sync + 'static) -> SocketAddr {
    let n = NEXT_IP.fetch_add(1, Ordering::Relaxed);
    let ip = format!("127.0.{}.{}", n / 250, n % 250 + 1);
    let listener = TcpListener::bind(format!("{ip}:0")).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handler: Handler = Arc::new(handler);
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(answer(sock, handler.clone()));
        }
    });
    addr
}

async fn answer(mut sock: TcpStream, handler: Handler) {
    let Some(req) = support::read_request_head(&mut sock, 64 * 1024).await else {
        return;
    };
    let path = support::request_path(&req);
    match handler(&path, &req) {
        Reply::Raw(bytes) => {
            let _ = sock.write_all(&bytes).await;
            let _ = sock.shutdown().await;
        }
        Reply::Trickle => {
            let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n<";
            if sock.write_all(head).await.is_err() {
                return;
            }
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if sock.write_all(b" ").await.is_err() {
                    return;
                }
            }
        }
        Reply::Stall => {
            // Hold the connection open without a word until the client leaves.
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
        }
        Reply::Endless { bytes } => {
            let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n";
            if sock.write_all(head).await.is_err() {
                return;
            }
            let chunk = vec![b'<'; 64 * 1024];
            let mut sent = 0u64;
            while sent < bytes {
                if sock.write_all(&chunk).await.is_err() {
                    return;
                }
                sent += chunk.len() as u64;
            }
        }
        Reply::EndlessHeaders { lines } => {
            if sock.write_all(b"HTTP/1.1 200 OK\r\n").await.is_err() {
                return;
            }
            let mut n = 0;
            while n < lines {
                // 1,000 lines (about 26 KB) per write.
                let batch: String = (n..(n + 1000).min(lines))
                    .map(|i| format!("X-Tide-{i:07}: high water\r\n"))
                    .collect();
                if sock.write_all(batch.as_bytes()).await.is_err() {
                    return;
                }
                n += 1000;
            }
            let _ = sock.write_all(b"Content-Length: 0\r\n\r\n").await;
        }
    }
}

fn raw(status: &str, headers: &str, body: &[u8]) -> Reply {
    let mut r = format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    Reply::Raw(r)
}

fn not_found() -> Reply {
    raw("404 Not Found", "", b"")
}

fn redirect(to: &str) -> Reply {
    raw("302 Found", &format!("Location: {to}\r\n"), b"")
}

fn rss(title: &str, items: &[(String, String, String)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>{title}</title><link>https://example.invalid/</link><description>d</description>"
    );
    for (t, link, desc) in items {
        s.push_str(&format!(
            "<item><title>{t}</title><link>{link}</link><description>{desc}</description></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn feed_reply(body: &[u8]) -> Reply {
    raw("200 OK", "Content-Type: application/rss+xml\r\n", body)
}

/// The servers of every case, and the feeds that point at them.
struct Cases {
    /// (name, feed URL)
    feeds: Vec<(&'static str, String)>,
    allow: Vec<SocketAddr>,
    /// Requests the feed that changes every second has seen.
    changing_hits: Arc<AtomicU64>,
}

/// A server whose robots.txt is 404 and whose `/feed` answers `reply`.
async fn feed_server(reply: impl Fn(&str) -> Reply + Send + Sync + 'static) -> SocketAddr {
    serve(move |path, req| {
        if path == "/robots.txt" {
            not_found()
        } else {
            reply(req)
        }
    })
    .await
}

async fn cases() -> Cases {
    let mut feeds = Vec::new();
    let mut allow = Vec::new();
    // A redirect to another origin (its own address) whose robots.txt
    // disallows the target: that robots.txt is obeyed before the request.
    let walled = serve(|path, _| match path {
        "/robots.txt" => raw("200 OK", "", b"User-agent: lede\nDisallow: /walled/\n"),
        _ => feed_reply(rss("Walled Garden Gazette", &[]).as_bytes()),
    })
    .await;
    allow.push(walled);
    let mut add = |name: &'static str, addr: SocketAddr, path: &str| {
        allow.push(addr);
        feeds.push((name, format!("http://{addr}{path}")));
    };

    // The good feed: two teasers whose pages are fetched.
    let good = serve(|path, req| {
        let host = req
            .lines()
            .find_map(|l| l.strip_prefix("Host: ").or_else(|| l.strip_prefix("host: ")))
            .unwrap_or("")
            .trim()
            .to_string();
        match path {
            "/robots.txt" => raw("200 OK", "Content-Type: text/plain\r\n", b"User-agent: lede\nDisallow: /private/\n"),
            "/feed" => {
                let items = vec![
                    ("Lighthouse relit".to_string(), format!("http://{host}/news/lighthouse"), "Teaser one.".to_string()),
                    ("Market hall opens".to_string(), format!("http://{host}/news/market"), "Teaser two.".to_string()),
                    ("Members only".to_string(), format!("http://{host}/private/members"), "Teaser three.".to_string()),
                ];
                feed_reply(rss("Saltmarsh Courier", &items).as_bytes())
            }
            "/news/lighthouse" => raw(
                "200 OK",
                "Content-Type: text/html; charset=utf-8\r\n",
                b"<html><body><article><p>The old lighthouse on Gull Point shone again on Friday night.</p></article></body></html>",
            ),
            "/news/market" => raw(
                "200 OK",
                "Content-Type: text/html; charset=utf-8\r\n",
                b"<html><body><article><p>The covered market hall opened with forty stalls.</p></article></body></html>",
            ),
            _ => not_found(),
        }
    })
    .await;
    add("good", good, "/feed");

    add("trickle", feed_server(|_| Reply::Trickle).await, "/feed");
    add("stall", feed_server(|_| Reply::Stall).await, "/feed");
    add(
        "one gigabyte",
        feed_server(|_| Reply::Endless { bytes: 1 << 30 }).await,
        "/feed",
    );
    let bomb = Arc::new(gzip_bomb());
    add(
        "gzip bomb",
        feed_server(move |_| {
            raw(
                "200 OK",
                "Content-Type: application/rss+xml\r\nContent-Encoding: gzip\r\n",
                &bomb,
            )
        })
        .await,
        "/feed",
    );
    add(
        "redirect loop",
        feed_server(|_| redirect("/feed")).await,
        "/feed",
    );
    // A listener that would answer, but is not on the allow-list.
    let forbidden = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let forbidden_addr = forbidden.local_addr().unwrap();
    tokio::spawn(async move {
        let mut kept = Vec::new();
        while let Ok((s, _)) = forbidden.accept().await {
            kept.push(s);
        }
    });
    let to_loopback = format!("http://{forbidden_addr}/feed");
    add(
        "redirect to 127.0.0.1",
        feed_server(move |_| redirect(&to_loopback)).await,
        "/feed",
    );
    add(
        "redirect to 10.0.0.1",
        feed_server(|_| redirect("http://10.0.0.1/feed")).await,
        "/feed",
    );
    add(
        "redirect to metadata",
        feed_server(|_| redirect("http://169.254.169.254/latest/meta-data/")).await,
        "/feed",
    );
    add(
        "malformed xml",
        feed_server(|_| feed_reply(b"<?xml version=\"1.0\"?><rss><channel><title>Broken</title><item><title>x</item></rss")).await,
        "/feed",
    );
    add(
        "wrong charset",
        feed_server(|_| {
            // Declared UTF-8, written in windows-1252.
            let body = rss(
                "Caf\u{e9} Chronicle",
                &[(
                    "Cr\u{e8}me festival".to_string(),
                    "https://cafe-chronicle.example/creme".to_string(),
                    "D\u{e9}j\u{e0} vu at the quay. ".repeat(30),
                )],
            );
            feed_reply(&encoding_rs::WINDOWS_1252.encode(&body).0)
        })
        .await,
        "/feed",
    );
    add(
        "server error",
        feed_server(|_| raw("500 Internal Server Error", "", b"oops")).await,
        "/feed",
    );
    add(
        "robots.txt 500",
        serve(|_, _| raw("503 Service Unavailable", "", b"")).await,
        "/feed",
    );
    add(
        "robots.txt disallows",
        serve(|path, _| match path {
            "/robots.txt" => raw("200 OK", "", b"User-agent: *\nDisallow: /\n"),
            _ => feed_reply(rss("Never read", &[]).as_bytes()),
        })
        .await,
        "/feed",
    );
    add(
        "huge headers",
        feed_server(|_| {
            let mut r = b"HTTP/1.1 200 OK\r\n".to_vec();
            for i in 0..20_000 {
                r.extend_from_slice(format!("X-Padding-{i}: {}\r\n", "p".repeat(40)).as_bytes());
            }
            r.extend_from_slice(b"Content-Length: 0\r\n\r\n");
            Reply::Raw(r)
        })
        .await,
        "/feed",
    );
    add(
        "200,000 header lines",
        feed_server(|_| Reply::EndlessHeaders { lines: 200_000 }).await,
        "/feed",
    );
    add(
        "one 1 MB header",
        feed_server(|_| {
            let mut r = b"HTTP/1.1 200 OK\r\nX-Ballast: ".to_vec();
            r.extend(std::iter::repeat_n(b'b', 1024 * 1024));
            r.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
            Reply::Raw(r)
        })
        .await,
        "/feed",
    );
    let to_walled = format!("http://{walled}/walled/feed");
    add(
        "redirect to a disallowed origin",
        feed_server(move |_| redirect(&to_walled)).await,
        "/feed",
    );
    let changing_hits = Arc::new(AtomicU64::new(0));
    let hits = changing_hits.clone();
    add(
        "changes every second",
        feed_server(move |_| {
            // A new item on every request (at least once a second).
            let n = hits.fetch_add(1, Ordering::SeqCst) + 1;
            let items: Vec<_> = (1..=n)
                .rev()
                .take(20)
                .map(|i| {
                    (
                        format!("Tide report {i}"),
                        format!("https://tide-ticker.example/report/{i}"),
                        "Water levels along the estuary, updated. ".repeat(12),
                    )
                })
                .collect();
            feed_reply(rss("Tide Ticker", &items).as_bytes())
        })
        .await,
        "/feed",
    );
    Cases {
        feeds,
        allow,
        changing_hits,
    }
}

/// 64 MB of zeros in about 64 KB of gzip.
fn gzip_bomb() -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        e.write_all(&zeros).unwrap();
    }
    e.finish().unwrap()
}

fn poller(allow: Vec<SocketAddr>) -> Poller {
    Poller::new(PollerConfig {
        fetch: FetchConfig {
            timeout: TIMEOUT,
            connect_timeout: Duration::from_secs(2),
            max_body_bytes: MAX_BODY,
            allow_addrs: allow,
            ..FetchConfig::default()
        },
        seed: Some(1),
        ..PollerConfig::default()
    })
    .unwrap()
}

fn feed(url: &str) -> Feed {
    Feed {
        url: url.to_string(),
        ..Default::default()
    }
}

/// What each case must end in: a check on the outcome.
fn check(name: &str, o: &FeedOutcome) {
    let err = o.result.as_ref().err();
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    match name {
        "good" => {
            let r = o.result.as_ref().expect("the good feed works");
            assert_eq!(r.documents.len(), 3);
            let html: Vec<&str> = r.documents[..2]
                .iter()
                .map(|d| d.html.as_deref().unwrap())
                .collect();
            assert!(html[0].contains("Gull Point"), "{html:?}");
            assert!(html[1].contains("forty stalls"), "{html:?}");
            // The page robots.txt disallows is not fetched; its teaser stays.
            assert!(r.documents[2].html.is_none());
            assert_eq!(r.documents[2].text.as_deref(), Some("Teaser three."));
            assert_eq!(r.page_errors.len(), 1, "{:?}", r.page_errors);
            assert!(
                r.page_errors[0].contains("/private/members: disallowed by"),
                "{:?}",
                r.page_errors
            );
            assert_eq!(o.new_items, 3);
            assert_eq!(o.feed.title.as_deref(), Some("Saltmarsh Courier"));
            assert_eq!(o.feed.error_count, 0);
        }
        "trickle" | "stall" => {
            assert!(
                matches!(err, Some(FetchError::Timeout { .. })),
                "{name}: {msg}"
            );
            assert!(msg.contains("timed out (limit 3s)"), "{name}: {msg}");
        }
        "one gigabyte" | "gzip bomb" => {
            assert!(
                matches!(
                    err,
                    Some(FetchError::TooLarge {
                        limit: MAX_BODY,
                        ..
                    })
                ),
                "{name}: {msg}"
            );
            assert!(
                msg.contains("response exceeds 1048576 bytes"),
                "{name}: {msg}"
            );
        }
        "redirect loop" => {
            assert!(
                matches!(err, Some(FetchError::TooManyRedirects { limit: 5, .. })),
                "{name}: {msg}"
            );
        }
        "redirect to 127.0.0.1" | "redirect to 10.0.0.1" | "redirect to metadata" => {
            assert!(
                matches!(err, Some(FetchError::Refused { .. })),
                "{name}: {msg}"
            );
            assert!(msg.contains("non-public address"), "{name}: {msg}");
            let target = match name {
                "redirect to 10.0.0.1" => "10.0.0.1",
                "redirect to metadata" => "169.254.169.254",
                _ => "127.0.0.1",
            };
            assert!(msg.contains(target), "{name}: {msg}");
        }
        "malformed xml" => {
            assert!(matches!(err, Some(FetchError::Feed(_))), "{name}: {msg}");
            assert!(msg.contains("not a valid feed"), "{name}: {msg}");
        }
        "wrong charset" => {
            // Read anyway: the bytes are not UTF-8, so they are decoded as
            // windows-1252, the usual mislabelled encoding.
            let r = o.result.as_ref().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(r.title.as_deref(), Some("Café Chronicle"));
            assert_eq!(r.documents[0].title.as_deref(), Some("Crème festival"));
            assert!(r.documents[0]
                .text
                .as_deref()
                .unwrap()
                .starts_with("Déjà vu"));
        }
        "server error" => {
            assert!(
                matches!(err, Some(FetchError::Status { status: 500, .. })),
                "{name}: {msg}"
            );
        }
        "robots.txt 500" => {
            assert!(
                matches!(err, Some(FetchError::Robots { .. })),
                "{name}: {msg}"
            );
            assert!(
                msg.contains("robots.txt unreachable (HTTP status 503)"),
                "{name}: {msg}"
            );
        }
        "robots.txt disallows" => {
            assert!(
                matches!(err, Some(FetchError::Robots { .. })),
                "{name}: {msg}"
            );
            assert!(msg.contains("disallowed by"), "{name}: {msg}");
        }
        "huge headers" | "200,000 header lines" | "one 1 MB header" => {
            assert!(
                matches!(err, Some(FetchError::HeadersTooLarge { .. })),
                "{name}: {msg}"
            );
            assert!(msg.contains("response headers too large"), "{name}: {msg}");
        }
        "redirect to a disallowed origin" => {
            assert!(
                matches!(err, Some(FetchError::Robots { .. })),
                "{name}: {msg}"
            );
            assert!(
                msg.contains("/walled/feed: disallowed by http://"),
                "{name}: {msg}"
            );
        }
        "changes every second" => {
            let r = o.result.as_ref().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!r.documents.is_empty());
            assert!(o.new_items >= 1, "{name}: {}", o.new_items);
        }
        other => panic!("unknown case {other}"),
    }
    if err.is_some() {
        // Failures are scheduled for a retry with backoff, never sooner than
        // the first step of it.
        assert_eq!(o.feed.error_count, 1, "{name}");
        assert!(o.feed.failing_since.is_some(), "{name}");
        assert_eq!(o.feed.last_error.as_deref(), Some(msg.as_str()), "{name}");
        assert!(o.feed.next_fetch.is_some(), "{name}");
        assert!(!o.dead);
    } else {
        assert!(o.feed.interval_secs.is_some(), "{name}");
    }
}

/// Peak resident memory of this test process, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_hostile_case_ends_with_a_clear_reason() {
    let cases = cases().await;
    let p = poller(cases.allow.clone());
    let mut set = tokio::task::JoinSet::new();
    for (name, url) in cases.feeds.clone() {
        let p = p.clone();
        set.spawn(async move { (name, p.poll(feed(&url)).await) });
    }
    let all = tokio::time::timeout(Duration::from_secs(60), async {
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            out.push(r.unwrap());
        }
        out
    })
    .await
    .expect("every case ends");
    assert_eq!(all.len(), cases.feeds.len());
    for (name, o) in &all {
        check(name, o);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn poll_many_delivers_the_good_feed_among_hostile_ones() {
    let cases = cases().await;
    let p = poller(cases.allow.clone());
    let feeds: Vec<Feed> = cases.feeds.iter().map(|(_, u)| feed(u)).collect();
    let mut rx = p.poll_many(feeds);
    let mut order = Vec::new();
    let outcomes = tokio::time::timeout(Duration::from_secs(60), async {
        let mut out = Vec::new();
        while let Some(o) = rx.recv().await {
            let name = cases
                .feeds
                .iter()
                .find(|(_, u)| *u == o.feed.url)
                .map(|(n, _)| *n)
                .unwrap();
            order.push(name);
            out.push((name, o));
        }
        out
    })
    .await
    .expect("poll_many ends");
    assert_eq!(outcomes.len(), cases.feeds.len(), "one outcome per feed");
    for (name, o) in &outcomes {
        check(name, o);
    }
    // The good feed did not wait for the slow ones (they take the whole timeout).
    let pos = |n| order.iter().position(|x| *x == n).unwrap();
    assert!(pos("good") < pos("trickle"), "{order:?}");
    assert!(pos("good") < pos("stall"), "{order:?}");
    // Nothing was buffered whole: a gigabyte and a 64 MB bomb went by.
    if let Some(peak) = peak_rss() {
        assert!(peak < 400 * 1024 * 1024, "peak RSS {peak}");
    }
    // Limits were returned.
    assert_eq!(p.limiter().in_flight_total(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_that_always_changes_is_polled_more_often() {
    let cases = cases().await;
    let p = poller(cases.allow.clone());
    let url = &cases
        .feeds
        .iter()
        .find(|(n, _)| *n == "changes every second")
        .unwrap()
        .1;
    let mut f = feed(url);
    let mut intervals = Vec::new();
    for _ in 0..4 {
        let o = p.poll(f).await;
        assert!(o.result.is_ok());
        assert!(o.new_items >= 1, "each poll brings a new item");
        intervals.push(o.feed.interval_secs.unwrap());
        f = o.feed;
    }
    assert!(intervals.windows(2).all(|w| w[1] <= w[0]), "{intervals:?}");
    assert!(intervals[3] < intervals[0], "{intervals:?}");
    assert_eq!(cases.changing_hits.load(Ordering::SeqCst), 4);
    assert!(f.last_changed.is_some());
}

#[tokio::test]
async fn allow_list_admits_only_the_listed_socket_address() {
    let addr = feed_server(|_| feed_reply(rss("Pier Post", &[]).as_bytes())).await;
    let p = poller(vec![addr]);
    // The listed address works.
    let ok = p.get(&format!("http://{addr}/feed"), None, None).await;
    assert!(ok.is_ok(), "{ok:?}");
    // Same IP, other port; the same server by name; private and metadata
    // addresses: all refused before any connection.
    for url in [
        format!("http://{}:{}/feed", addr.ip(), addr.port() + 1),
        format!("http://localhost:{}/feed", addr.port()),
        "http://10.0.0.1/feed".to_string(),
        "http://169.254.169.254/latest/meta-data/".to_string(),
    ] {
        let err = p.get(&url, None, None).await.unwrap_err();
        assert!(
            matches!(err, FetchError::Refused { .. } | FetchError::Robots { .. }),
            "{url}: {err}"
        );
        assert!(
            err.to_string().contains("non-public address"),
            "{url}: {err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn per_host_limit_holds_across_feeds() {
    // One host serving six feeds, each answer held back a little so that
    // requests would overlap if nothing stopped them.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let active = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (a, pk) = (active.clone(), peak.clone());
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (a, pk) = (a.clone(), pk.clone());
            tokio::spawn(async move {
                if support::read_request_head(&mut sock, usize::MAX)
                    .await
                    .is_none()
                {
                    return;
                }
                let now = a.fetch_add(1, Ordering::SeqCst) + 1;
                pk.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(150)).await;
                let body = rss("Quay Weekly", &[]);
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                a.fetch_sub(1, Ordering::SeqCst);
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    let p = poller(vec![addr]);
    let feeds: Vec<Feed> = (0..6)
        .map(|i| feed(&format!("http://{addr}/feed{i}")))
        .collect();
    let mut rx = p.poll_many(feeds);
    let mut n = 0;
    while let Some(o) = rx.recv().await {
        assert!(o.result.is_ok(), "{:?}", o.result);
        n += 1;
    }
    assert_eq!(n, 6);
    let peak = peak.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&peak),
        "peak concurrent requests to one host: {peak}"
    );
    assert_eq!(p.limiter().per_host(), 2);
}
