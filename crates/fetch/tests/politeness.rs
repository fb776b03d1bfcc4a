//! Politeness towards servers that ask for it, against loopback servers the
//! tests start (raw HTTP over tokio TcpListeners; fictional outlets):
//!
//! - `Retry-After` on 429 / 503 (delta-seconds and HTTP-date) puts the feed's
//!   next poll off, within the scheduler's cap, and holds the host off;
//! - a 429 on an article page stops that host's pages for the poll;
//! - robots.txt `Crawl-delay` spaces requests to a host (measured where they
//!   arrive, on the server), and a huge one is capped;
//! - a redirect to another origin obeys that origin's robots.txt.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use lede_fetch::{poll_feed, FetchConfig, FetchError, Fetcher, Poller, PollerConfig};
use lede_model::Feed;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

mod support;

/// Every request a test server received: its path and when it arrived.
type Log = Arc<Mutex<Vec<(String, Instant)>>>;

struct Server {
    addr: SocketAddr,
    log: Log,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Arrivals so far, in order.
    fn arrivals(&self) -> Vec<(String, Instant)> {
        self.log.lock().unwrap().clone()
    }

    /// How many requests for `path` arrived.
    fn hits(&self, path: &str) -> usize {
        self.arrivals().iter().filter(|(p, _)| p == path).count()
    }

    /// How many requests for paths starting with `prefix` arrived.
    fn hits_under(&self, prefix: &str) -> usize {
        self.arrivals()
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .count()
    }
}

/// Start a server on 127.0.0.1 answering `handler(path, own address)` with
/// raw response bytes; each request is logged on arrival.
async fn serve(handler: impl Fn(&str, SocketAddr) -> Vec<u8> + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Log = Arc::default();
    let handler = Arc::new(handler);
    let log_in = log.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (handler, log) = (handler.clone(), log_in.clone());
            tokio::spawn(async move {
                let Some(req) = support::read_request_head(&mut sock, usize::MAX).await else {
                    return;
                };
                let path = support::request_path(&req);
                log.lock().unwrap().push((path.clone(), Instant::now()));
                let _ = sock.write_all(&handler(&path, addr)).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Server { addr, log }
}

fn response(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn not_found() -> Vec<u8> {
    response("404 Not Found", "", "")
}

fn page(text: &str) -> Vec<u8> {
    response(
        "200 OK",
        "Content-Type: text/html; charset=utf-8\r\n",
        &format!("<html><body><article><p>{text}</p></article></body></html>"),
    )
}

/// An RSS feed whose entries are teasers linking to `links`.
fn feed_of(title: &str, links: &[String]) -> Vec<u8> {
    let items: String = links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!("<item><title>Notice {i}</title><link>{l}</link><description>Teaser {i}.</description></item>")
        })
        .collect();
    response(
        "200 OK",
        "Content-Type: application/rss+xml\r\n",
        &format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>{items}</channel></rss>"),
    )
}

fn poller(allow: &[SocketAddr], max_crawl_delay: Duration) -> Poller {
    Poller::new(PollerConfig {
        fetch: FetchConfig {
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            allow_addrs: allow.to_vec(),
            ..FetchConfig::default()
        },
        max_crawl_delay,
        seed: Some(3),
        ..PollerConfig::default()
    })
    .unwrap()
}

fn feed(url: String) -> Feed {
    Feed {
        url,
        ..Default::default()
    }
}

/// Run `f` under a generous bound: every test here must end.
async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("ends in bounded time")
}

#[tokio::test]
async fn retry_after_seconds_puts_the_next_poll_off_and_holds_the_host() {
    let server = serve(|path, _| match path {
        "/robots.txt" => not_found(),
        "/busy" => response(
            "429 Too Many Requests",
            "Retry-After: 7200\r\n",
            "slow down",
        ),
        _ => feed_of("Ferry Timetable Bulletin", &[]),
    })
    .await;
    let p = poller(&[server.addr], Duration::from_secs(30));
    let before = Utc::now();
    let o = bounded(p.poll(feed(server.url("/busy")))).await;
    let after = Utc::now();
    let err = o.result.as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::Status {
                status: 429,
                retry_after: Some(_),
                ..
            }
        ),
        "{err}"
    );
    let asked = err.retry_after().unwrap();
    assert!(
        asked >= before + TimeDelta::seconds(7200) && asked <= after + TimeDelta::seconds(7200)
    );
    // Not before the time asked: far later than the first backoff step (5 min).
    assert_eq!(o.feed.next_fetch, Some(asked));
    assert_eq!(o.feed.error_count, 1);
    assert!(
        o.feed
            .last_error
            .as_deref()
            .unwrap()
            .contains("HTTP status 429 (Retry-After: not before"),
        "{:?}",
        o.feed.last_error
    );
    // Another feed of the same host is not requested meanwhile.
    let o2 = bounded(p.poll(feed(server.url("/other-feed")))).await;
    let err2 = o2.result.as_ref().unwrap_err();
    assert!(
        matches!(err2, FetchError::Deferred { until, .. } if *until == asked),
        "{err2}"
    );
    assert_eq!(o2.feed.next_fetch, Some(asked));
    assert_eq!(server.hits("/other-feed"), 0);
    assert_eq!(server.hits("/busy"), 1);
}

#[tokio::test]
async fn retry_after_http_date_on_503_and_the_cap_of_a_day() {
    let in_three_hours =
        httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3 * 3600 + 30));
    let server = serve(move |path, _| match path {
        "/robots.txt" => not_found(),
        "/maintenance" => response(
            "503 Service Unavailable",
            &format!("Retry-After: {in_three_hours}\r\n"),
            "",
        ),
        // Ten days: more than lede lets a server park a feed.
        "/away" => response("503 Service Unavailable", "Retry-After: 864000\r\n", ""),
        "/broken" => response("503 Service Unavailable", "", ""),
        _ => not_found(),
    })
    .await;
    // Separate pollers: a hold of the host from one case does not mask the next.
    let poll = |path: &'static str| {
        let p = poller(&[server.addr], Duration::from_secs(30));
        let url = server.url(path);
        async move { bounded(p.poll(feed(url))).await }
    };
    let now = Utc::now();
    let o = poll("/maintenance").await;
    let next = o.feed.next_fetch.unwrap();
    assert!(
        next >= now + TimeDelta::hours(3)
            && next <= now + TimeDelta::hours(3) + TimeDelta::minutes(2),
        "{next} vs {now}"
    );
    let o = poll("/away").await;
    let next = o.feed.next_fetch.unwrap();
    assert!(next <= Utc::now() + TimeDelta::hours(24), "capped: {next}");
    assert!(
        next >= now + TimeDelta::hours(24) - TimeDelta::minutes(1),
        "{next}"
    );
    // Without Retry-After: the ordinary first backoff step (at most 5 min).
    let o = poll("/broken").await;
    assert!(matches!(
        o.result,
        Err(FetchError::Status {
            status: 503,
            retry_after: None,
            ..
        })
    ));
    assert!(o.feed.next_fetch.unwrap() <= Utc::now() + TimeDelta::minutes(5));
}

#[tokio::test]
async fn an_article_page_answering_429_stops_that_hosts_pages_for_the_poll() {
    // The feed's pages live on a second server that answers 429 to everything.
    let pages = serve(|path, _| match path {
        "/robots.txt" => not_found(),
        _ => response("429 Too Many Requests", "Retry-After: 900\r\n", ""),
    })
    .await;
    let links: Vec<String> = (0..8).map(|i| pages.url(&format!("/notice/{i}"))).collect();
    let feeds = serve(move |path, _| match path {
        "/robots.txt" => not_found(),
        _ => feed_of("Harbour Notices", &links),
    })
    .await;
    let p = poller(&[pages.addr, feeds.addr], Duration::from_secs(30));
    let start = Utc::now();
    let o = bounded(p.poll(feed(feeds.url("/feed")))).await;
    let r = o.result.as_ref().expect("the feed itself works");
    assert_eq!(r.documents.len(), 8);
    assert_eq!(r.page_errors.len(), 8, "{:?}", r.page_errors);
    // Both servers are one host (127.0.0.1) to the limiter: at most its
    // per-host limit of page requests were under way when the first 429 came.
    let asked = pages.hits_under("/notice/");
    assert!((1..=2).contains(&asked), "{asked} page requests");
    let skipped = r
        .page_errors
        .iter()
        .filter(|e| e.contains("skipped for this poll after") || e.contains("not requested"))
        .count();
    assert_eq!(skipped, 8 - asked, "{:?}", r.page_errors);
    // The poll worked, and its next one waits for the Retry-After.
    assert_eq!(o.feed.error_count, 0);
    let t = r.retry_after.expect("retry time kept");
    assert!(t >= start + TimeDelta::seconds(900));
    assert!(o.feed.next_fetch.unwrap() >= t);

    // The plain fetcher (no host hold) stops the host after a 429 too, even
    // without Retry-After: only the first batch of concurrent pages is asked.
    let plain_pages = serve(|_, _| response("429 Too Many Requests", "", "")).await;
    let links: Vec<String> = (0..8)
        .map(|i| plain_pages.url(&format!("/notice/{i}")))
        .collect();
    let plain_feed = serve(move |_, _| feed_of("Harbour Notices", &links)).await;
    let f = Fetcher::new(FetchConfig {
        allow_private: true,
        ..FetchConfig::default()
    })
    .unwrap();
    let r = bounded(poll_feed(&f, &feed(plain_feed.url("/feed"))))
        .await
        .unwrap();
    let asked = plain_pages.hits_under("/notice/");
    assert!((1..=4).contains(&asked), "{asked} page requests");
    let skipped = r
        .page_errors
        .iter()
        .filter(|e| e.contains("skipped for this poll after") && e.contains("HTTP status 429"))
        .count();
    assert_eq!(skipped, 8 - asked, "{:?}", r.page_errors);
    assert_eq!(r.retry_after, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crawl_delay_spaces_requests_to_a_host_across_concurrent_polls() {
    let server = serve(|path, addr| match path {
        "/robots.txt" => response("200 OK", "", "User-agent: *\nCrawl-delay: 1\n"),
        "/feed-a" => feed_of(
            "Lantern Street Ledger",
            &[format!("http://{addr}/story/lamps")],
        ),
        "/feed-b" => feed_of("Lantern Street Ledger (evening)", &[]),
        "/story/lamps" => page("The lamplighters of Lantern Street voted to keep the gas lamps."),
        _ => not_found(),
    })
    .await;
    let p = poller(&[server.addr], Duration::from_secs(30));
    let mut rx = p.poll_many(vec![
        feed(server.url("/feed-a")),
        feed(server.url("/feed-b")),
    ]);
    let mut n = 0;
    bounded(async {
        while let Some(o) = rx.recv().await {
            assert!(o.result.is_ok(), "{:?}", o.result);
            n += 1;
        }
    })
    .await;
    assert_eq!(n, 2);
    let arrivals = server.arrivals();
    let paths: Vec<&str> = arrivals.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        arrivals.len(),
        4,
        "robots.txt, two feeds, one page: {paths:?}"
    );
    assert_eq!(paths[0], "/robots.txt");
    // Start to start at least the Crawl-delay (a little slack for the
    // connection set-up that lies between the client's start and arrival).
    for w in arrivals.windows(2) {
        let gap = w[1].1 - w[0].1;
        assert!(
            gap >= Duration::from_millis(900),
            "{} then {}: {gap:?} apart",
            w[0].0,
            w[1].0
        );
    }
}

#[tokio::test]
async fn a_huge_crawl_delay_is_capped_and_the_hosts_pages_skipped() {
    let server = serve(|path, addr| match path {
        // A day between requests: more than lede waits.
        "/robots.txt" => response("200 OK", "", "User-agent: lede\nCrawl-delay: 86400\n"),
        "/feed" => feed_of(
            "Slow Tide Almanac",
            &[
                format!("http://{addr}/almanac/spring"),
                format!("http://{addr}/almanac/neap"),
            ],
        ),
        _ => page("Tables of tides."),
    })
    .await;
    // A cap of one second keeps the test short; the default is 30 s.
    assert_eq!(
        PollerConfig::default().max_crawl_delay,
        Duration::from_secs(30)
    );
    let p = poller(&[server.addr], Duration::from_secs(1));
    let o = bounded(p.poll(feed(server.url("/feed")))).await;
    let r = o.result.as_ref().expect("the feed is still polled");
    assert_eq!(r.documents.len(), 2);
    assert_eq!(r.page_errors.len(), 2, "{:?}", r.page_errors);
    for e in &r.page_errors {
        assert!(
            e.contains("Crawl-delay of 86400s, over lede's cap of 1s"),
            "{e}"
        );
    }
    assert_eq!(server.hits_under("/almanac/"), 0);
    // robots.txt then the feed, spaced by the cap rather than a day.
    let arrivals = server.arrivals();
    assert_eq!(arrivals.len(), 2);
    let gap = arrivals[1].1 - arrivals[0].1;
    assert!(gap >= Duration::from_millis(900), "{gap:?}");
}

#[tokio::test]
async fn a_redirect_to_another_origin_obeys_that_origins_robots_txt() {
    // Two origins on one address, told apart by port (robots.txt is per
    // scheme, host and port).
    let second = serve(|path, _| match path {
        "/robots.txt" => response("200 OK", "", "User-agent: lede\nDisallow: /members/\n"),
        "/members/feed" => feed_of("Members Circular", &[]),
        "/members/notice" => page("For members only."),
        "/open/feed" => feed_of("Open Circular", &[]),
        _ => not_found(),
    })
    .await;
    let target = second.addr;
    let first = serve(move |path, _| {
        let to = |p: &str| {
            response(
                "301 Moved Permanently",
                &format!("Location: http://{target}{p}\r\n"),
                "",
            )
        };
        match path {
            "/robots.txt" => not_found(),
            "/feed" => to("/members/feed"),
            "/open" => to("/open/feed"),
            "/notice" => to("/members/notice"),
            _ => not_found(),
        }
    })
    .await;
    let p = poller(&[first.addr, second.addr], Duration::from_secs(30));
    let o = bounded(p.poll(feed(first.url("/feed")))).await;
    let err = o.result.as_ref().unwrap_err();
    assert!(matches!(err, FetchError::Robots { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "http://{target}/members/feed: disallowed by http://{target}/robots.txt"
        )),
        "{msg}"
    );
    assert_eq!(second.hits("/members/feed"), 0, "never requested");
    assert_eq!(second.hits("/robots.txt"), 1);
    assert_eq!(first.hits("/feed"), 1);
    // An allowed target is followed as usual.
    let o = bounded(p.poll(feed(first.url("/open")))).await;
    assert_eq!(
        o.result.as_ref().unwrap().title.as_deref(),
        Some("Open Circular")
    );
    // The same for an article page that redirects.
    let notice = first.url("/notice");
    let pages_feed =
        serve(move |_, _| feed_of("Quayside Digest", std::slice::from_ref(&notice))).await;
    let p = poller(
        &[first.addr, second.addr, pages_feed.addr],
        Duration::from_secs(30),
    );
    let o = bounded(p.poll(feed(pages_feed.url("/feed")))).await;
    let r = o.result.as_ref().unwrap();
    assert!(r.documents[0].html.is_none());
    assert_eq!(r.page_errors.len(), 1);
    assert!(
        r.page_errors[0].contains("/members/notice: disallowed by"),
        "{:?}",
        r.page_errors
    );
    assert_eq!(second.hits("/members/notice"), 0);
}

#[tokio::test]
async fn article_pages_stop_when_the_polls_time_for_them_runs_out() {
    let server = serve(|path, addr| match path {
        "/robots.txt" => response("200 OK", "", "User-agent: lede\nCrawl-delay: 1\n"),
        "/feed" => feed_of(
            "Weir Keeper's Log",
            &(0..6)
                .map(|i| format!("http://{addr}/log/{i}"))
                .collect::<Vec<_>>(),
        ),
        _ => page("The weir held."),
    })
    .await;
    let p = Poller::new(PollerConfig {
        page_time_per_poll: Duration::from_millis(2500),
        ..poller(&[server.addr], Duration::from_secs(30))
            .config()
            .clone()
    })
    .unwrap();
    let o = bounded(p.poll(feed(server.url("/feed")))).await;
    let r = o.result.as_ref().unwrap();
    // One page a second after the feed: about two fit, the rest do not.
    let fetched = r.documents.iter().filter(|d| d.html.is_some()).count();
    assert!((1..=3).contains(&fetched), "{fetched} pages fetched");
    let late = r
        .page_errors
        .iter()
        .filter(|e| e.contains("skipped: the poll's 2.5s for article pages ran out"))
        .count();
    assert_eq!(fetched + late, 6, "{:?}", r.page_errors);
    assert_eq!(server.hits_under("/log/"), fetched);
    assert_eq!(o.feed.error_count, 0);
}
