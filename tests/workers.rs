//! Many workers on one PostgreSQL database (`LEDE_TEST_POSTGRES`, set by
//! `.ci/run`): three `lede worker` processes poll a loopback feed server of
//! 2,000 fictional articles; one is killed with SIGKILL mid-way. The others take
//! over its leases once they expire (the survivors idle longer than a lease), and at the end every article is stored
//! once, every story is written from all its articles, and no lease is left.
//!
//! Without `LEDE_TEST_POSTGRES` the test says so and does nothing: the storage
//! suite's PostgreSQL half is gated the same way, and CI always sets it.

#[path = "support/loopback_feeds.rs"]
mod loopback_feeds;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LEDE: &str = env!("CARGO_BIN_EXE_lede");
const FEEDS: usize = 20;
const PER_FEED: usize = 100;

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
    let port = loopback_feeds::serve_feeds(FEEDS, PER_FEED);
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, loopback_feeds::opml(port, FEEDS)).unwrap();
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
    // Rounds of several workers cluster as one pass would: each of the
    // server's distinct events is one story, neither split nor merged. The
    // failure message names the stories that mix events (by title) and the
    // events told in more than one story.
    if stats.stories as usize != FEEDS * PER_FEED / 8 {
        let mut by_title: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
        let mut mixed = Vec::new();
        let assigned = store
            .recent_story_members(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH)
            .await
            .unwrap();
        let stories_with_members = assigned.len();
        for (story, members) in assigned {
            let mut titles: Vec<String> = store
                .articles(&members)
                .await
                .unwrap()
                .into_iter()
                .map(|a| a.title)
                .collect();
            titles.sort_unstable();
            titles.dedup();
            for t in &titles {
                by_title.entry(t.clone()).or_default().push(story);
            }
            if titles.len() > 1 {
                mixed.push(format!("story {story} mixes {titles:?}"));
            }
        }
        let split: Vec<String> = by_title
            .iter()
            .filter(|(_, s)| s.len() > 1)
            .map(|(t, s)| format!("{t:?} is in stories {s:?}"))
            .collect();
        panic!(
            "one story per event: {} stories written, {stories_with_members} with articles, for {} events\n{}\n{}",
            stats.stories,
            FEEDS * PER_FEED / 8,
            mixed.join("\n"),
            split.join("\n")
        );
    }
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
