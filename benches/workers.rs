//! Articles per second end to end (fetch, extract, store, cluster, write) with
//! 1, 2 and 4 `lede worker` processes on one PostgreSQL database, next to one
//! `lede run` process on SQLite, in the same run, against a loopback feed server of
//! fictional articles.
//!
//! ```text
//! LEDE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench workers
//! BENCH_FEEDS=20 cargo bench --bench workers      # a smaller run (100 articles a feed)
//! BENCH_LOGS=/tmp/logs cargo bench --bench workers # each worker's log, with its round times
//! ```
//!
//! A second SQLite row ("sqlite+pages", pages) serves feeds of one-line
//! summaries, so that lede fetches and extracts every article's HTML page too.
//!
//! Each configuration starts on an empty database (a fresh PostgreSQL database
//! per run, created and dropped with `psql`; a fresh data directory for
//! SQLite), subscribes to the feeds, starts its workers and measures the time
//! until every article is stored, clustered and its story written. Without
//! `LEDE_TEST_POSTGRES` only the SQLite row is measured.

#[path = "../tests/support/loopback_feeds.rs"]
mod loopback_feeds;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LEDE: &str = env!("CARGO_BIN_EXE_lede");
const PER_FEED: usize = 100;
/// Items a feed carries in the article-page run (lede fetches at most 40 pages
/// per feed per poll).
const PAGES_PER_FEED: usize = 40;
const TIMEOUT: Duration = Duration::from_secs(900);

fn lede(db: Option<&str>, data: &Path) -> Command {
    let mut c = Command::new(LEDE);
    if let Some(db) = db {
        c.arg("--database").arg(db);
    }
    let level = if std::env::var_os("BENCH_LOGS").is_some() {
        "info"
    } else {
        "warn"
    };
    c.arg("--data-dir").arg(data).env("LEDE_LOG", level);
    c
}

/// Where worker `n` of a run logs: `$BENCH_LOGS/<label>-<n>.log`, else nowhere.
fn log(label: &str, n: usize) -> Stdio {
    match std::env::var_os("BENCH_LOGS") {
        Some(dir) => {
            let path = Path::new(&dir).join(format!("{label}-{n}.log"));
            std::fs::File::create(&path).map_or(Stdio::null(), Stdio::from)
        }
        None => Stdio::null(),
    }
}

/// Peak resident memory of a running process in KiB (Linux), if readable.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Outcome {
    seconds: f64,
    articles: u64,
    stories: u64,
    peak_rss_mib: f64,
}

async fn measure(
    db: Option<&str>,
    workers: usize,
    port: u16,
    feeds: usize,
    per_feed: usize,
) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, loopback_feeds::opml(port, feeds)).unwrap();
    let out = lede(db, dir.path())
        .args(["feeds", "import"])
        .arg(&opml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = lede_store::connect(db, dir.path()).await.unwrap();
    let total = (feeds * per_feed) as u64;

    let started = Instant::now();
    // On SQLite one process does everything (`lede run`, which also serves the
    // site); on PostgreSQL each worker is a `lede worker`.
    let args: &[&str] = match db {
        None => &["run", "--tick", "1", "--addr", "127.0.0.1:0"],
        Some(_) => &["worker", "--idle", "1", "--lease", "60"],
    };
    let label = format!(
        "{}-{workers}",
        if db.is_some() { "postgres" } else { "sqlite" }
    );
    let mut children: Vec<Child> = (0..workers)
        .map(|n| {
            lede(db, dir.path())
                .args(args)
                .arg("--allow-addr")
                .arg(format!("127.0.0.1:{port}"))
                .stdout(Stdio::null())
                .stderr(log(&label, n))
                .spawn()
                .expect("worker starts")
        })
        .collect();
    let mut peak_kib = 0;
    let stats = loop {
        let stats = store.stats().await.unwrap();
        for c in &children {
            peak_kib = peak_kib.max(peak_rss_kib(c.id()).unwrap_or(0));
        }
        if stats.articles == total && stats.unclustered == 0 && stats.to_write == 0 {
            break stats;
        }
        assert!(
            started.elapsed() < TIMEOUT,
            "workers did not finish: {stats:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let seconds = started.elapsed().as_secs_f64();
    for c in &mut children {
        let _ = c.kill();
        let _ = c.wait();
    }
    Outcome {
        seconds,
        articles: stats.articles,
        stories: stats.stories,
        peak_rss_mib: peak_kib as f64 / 1024.0,
    }
}

fn psql(server: &str, sql: &str) {
    let ok = Command::new("psql")
        .arg(server)
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .status()
        .expect("psql runs")
        .success();
    assert!(ok, "psql: {sql}");
}

fn report(label: &str, workers: usize, o: &Outcome, baseline: f64) {
    let rate = o.articles as f64 / o.seconds;
    println!(
        "{label:<13} {workers:>7} {:>9} {:>8} {:>8.2} {:>10.0} {:>8.2}x {:>10.0}",
        o.articles,
        o.stories,
        o.seconds,
        rate,
        rate / baseline,
        o.peak_rss_mib
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    let feeds: usize = std::env::var("BENCH_FEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let port = loopback_feeds::serve_feeds(feeds, PER_FEED);
    println!(
        "workers benchmark: {} articles from {feeds} loopback feeds; {} cores",
        feeds * PER_FEED,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<13} {:>7} {:>9} {:>8} {:>8} {:>10} {:>9} {:>10}",
        "backend", "workers", "articles", "stories", "seconds", "art/s", "vs sqlite", "peak MiB"
    );
    let sqlite = measure(None, 1, port, feeds, PER_FEED).await;
    let baseline = sqlite.articles as f64 / sqlite.seconds;
    report("sqlite", 1, &sqlite, baseline);

    // Feeds of summaries only: every article page is fetched and extracted
    // too (at most 40 pages a feed per poll, so 40 items a feed).
    let page_feeds = feeds * PER_FEED / PAGES_PER_FEED;
    let pages_port = loopback_feeds::serve_feeds_with_pages(page_feeds, PAGES_PER_FEED);
    let pages = measure(None, 1, pages_port, page_feeds, PAGES_PER_FEED).await;
    report("sqlite+pages", 1, &pages, baseline);

    let Ok(server) = std::env::var("LEDE_TEST_POSTGRES") else {
        println!("LEDE_TEST_POSTGRES is not set: PostgreSQL rows skipped");
        return;
    };
    let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
    for workers in [1, 2, 4] {
        let name = format!("lede_bench_{}_{workers}", std::process::id());
        psql(&server, &format!("DROP DATABASE IF EXISTS {name}"));
        psql(&server, &format!("CREATE DATABASE {name}"));
        let db = format!("{base}/{name}");
        let o = measure(Some(&db), workers, port, feeds, PER_FEED).await;
        report("postgres", workers, &o, baseline);
        psql(
            &server,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        );
    }
}
