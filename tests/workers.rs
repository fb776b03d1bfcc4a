//! Many workers on one PostgreSQL database (`LEDE_TEST_POSTGRES`, set by
//! `.ci/run`): three `lede worker` processes poll a loopback feed server of
//! 2,000 fictional articles; one is killed with SIGKILL mid-way. The others take
//! over its leases once they expire (the survivors idle longer than a lease), and at the end every article is stored
//! once, every story is written from all its articles, and no lease is left.
//!
//! Without `LEDE_TEST_POSTGRES` the test says so and does nothing: the storage
//! suite's PostgreSQL half is gated the same way, and CI always sets it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LEDE: &str = env!("CARGO_BIN_EXE_lede");
const FEEDS: usize = 20;
const PER_FEED: usize = 100;

/// RSS for feed `f`: 100 items with full text (long enough that no page is fetched).
fn feed_xml(f: usize) -> String {
    let mut items = String::new();
    for i in 0..PER_FEED {
        let story = (f * PER_FEED + i) % 250;
        let town = [
            "Eastbrook",
            "Marrow Bay",
            "Quillfield",
            "Osterby",
            "Pellston",
        ][story % 5];
        let body = format!(
            "<p>The council of {town} voted on measure {story} on Tuesday after a long debate about the harbour.</p>\
             <p>Councillor Ada Fenwick said {n} households would be affected by measure {story} and that work would start in spring.</p>\
             <p>This report, number {f}-{i}, was filed by the Loopback Ledger desk, which covers {town} and its neighbours every day.</p>",
            n = 100 + story
        );
        items.push_str(&format!(
            "<item><title>{town} votes on measure {story}</title>\
             <link>https://ledger.example/{f}/{i}</link><guid>https://ledger.example/{f}/{i}</guid>\
             <pubDate>Tue, 0{d} Jun 2031 0{h}:00:00 GMT</pubDate>\
             <content:encoded><![CDATA[{body}]]></content:encoded></item>",
            d = 1 + story % 9,
            h = i % 10,
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\
         <channel><title>Loopback Ledger {f}</title><link>https://ledger.example/</link>{items}</channel></rss>"
    )
}

/// A tiny feed server on loopback: `/feed/N.xml`, and 404 for anything else (robots.txt included).
fn serve_feeds() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let feed = path
                    .strip_prefix("/feed/")
                    .and_then(|p| p.strip_suffix(".xml"))
                    .and_then(|n| n.parse::<usize>().ok());
                let (status, body) = match feed {
                    Some(f) if f < FEEDS => ("200 OK", feed_xml(f)),
                    _ => ("404 Not Found", String::new()),
                };
                let mut out = &stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    port
}

fn lede(db: &str, data: &Path) -> Command {
    let mut c = Command::new(LEDE);
    c.arg("--database")
        .arg(db)
        .arg("--data-dir")
        .arg(data)
        .env("LEDE_LOG", "warn");
    c
}

fn worker(db: &str, data: &Path, port: u16) -> Child {
    lede(db, data)
        .args([
            "worker",
            "--idle",
            "1",
            "--exit-when-idle",
            "25",
            "--lease",
            "10",
        ])
        .arg("--allow-addr")
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("worker starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_one_killed_store_each_article_once_and_write_every_story() {
    let Ok(server) = std::env::var("LEDE_TEST_POSTGRES") else {
        eprintln!("LEDE_TEST_POSTGRES is not set: the multi-worker test needs PostgreSQL");
        return;
    };
    let name = format!("lede_workers_{}", std::process::id());
    let psql = |sql: &str| {
        let ok = Command::new("psql")
            .arg(&server)
            .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
            .status()
            .expect("psql runs")
            .success();
        assert!(ok, "psql: {sql}");
    };
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
    psql(&format!("CREATE DATABASE {name}"));
    let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
    let db = format!("{base}/{name}");

    let dir = tempfile::tempdir().unwrap();
    let port = serve_feeds();
    let opml = dir.path().join("subs.opml");
    let mut outlines = String::new();
    for f in 0..FEEDS {
        outlines.push_str(&format!(
            "<outline type=\"rss\" text=\"f{f}\" xmlUrl=\"http://127.0.0.1:{port}/feed/{f}.xml\"/>"
        ));
    }
    std::fs::write(
        &opml,
        format!(
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><head/><body>{outlines}</body></opml>"
        ),
    )
    .unwrap();
    let status = lede(&db, dir.path())
        .args(["feeds", "import"])
        .arg(&opml)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );

    let mut workers: Vec<Child> = (0..3).map(|_| worker(&db, dir.path(), port)).collect();
    std::thread::sleep(Duration::from_millis(1500));
    workers[0].kill().expect("SIGKILL");
    workers[0].wait().unwrap();
    let started = Instant::now();
    for w in &mut workers[1..] {
        loop {
            if let Some(status) = w.try_wait().unwrap() {
                assert!(status.success(), "a surviving worker failed");
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "workers never went idle"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    let store = lede_store::connect(Some(&db), dir.path()).await.unwrap();
    let stats = store.stats().await.unwrap();
    assert_eq!(
        stats.articles as usize,
        FEEDS * PER_FEED,
        "each article stored once"
    );
    assert!(
        store.unassigned_articles().await.unwrap().is_empty(),
        "all clustered"
    );
    let now = chrono::Utc::now();
    assert_eq!(
        store.live_leases(now).await.unwrap(),
        0,
        "no lease left stuck"
    );
    assert!(
        store
            .claim_dirty_stories("check", now, Duration::from_secs(60), 10)
            .await
            .unwrap()
            .is_empty(),
        "every story written"
    );
    for (story, members) in store
        .recent_story_members(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH)
        .await
        .unwrap()
    {
        let written = store.story(story).await.unwrap().expect("story written");
        let mut have = written.articles.clone();
        have.sort_unstable();
        let mut want = members;
        want.sort_unstable();
        assert_eq!(have, want, "story {story} written from all its articles");
    }
    drop(store);
    psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
