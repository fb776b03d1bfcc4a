//! Crash safety of ingestion: `kill -9` at random moments loses nothing that was
//! acknowledged and stores nothing twice.
//!
//! The test writes a corpus of a few thousand fictional articles, then starts
//! `lede import --ack FILE` (store, cluster, write stories) and kills it with
//! SIGKILL at a random moment, ten times, restarting on the same data directory
//! each time; a last run finishes. After every kill the store must open, pass
//! SQLite's integrity check and still hold every article acknowledged so far
//! under the id it was acknowledged with; at the end it must hold each article
//! exactly once, every article must be in a story and every story written.
//!
//! The kill moments come from a seeded generator; the seed is printed so a
//! failure can be replayed with `LEDE_CRASH_SEED=<seed>`.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lede_store::{SqliteStore, Store};

const LEDE: &str = env!("CARGO_BIN_EXE_lede");
const ARTICLES: usize = 2_400;
const KILLS: usize = 10;

/// A small deterministic generator (xorshift64*), so the test needs no RNG crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const TOWNS: &[&str] = &[
    "Eastbrook",
    "Marrow Bay",
    "Quillfield",
    "Osterby",
    "Hallowmere",
    "Dunmarsh",
    "Pellston",
    "Varrick",
    "Sennet Falls",
    "Corran",
    "Liddow",
    "Ashgrove",
];
const SUBJECTS: &[&str] = &[
    "bridge",
    "ferry",
    "hospital",
    "library",
    "harbour",
    "tram line",
    "water plant",
    "school",
    "stadium",
    "market hall",
    "reservoir",
    "power station",
];
const EVENTS: &[&str] = &[
    "closed after inspectors found cracks",
    "reopened after repairs",
    "flooded during a storm",
    "was sold to a private operator",
    "got new funding from the council",
    "was hit by a strike",
];
const OUTLETS: &[&str] = &[
    "The Eastbrook Herald",
    "Marrow Bay Courier",
    "Quillfield Post",
    "Northern Ledger",
];

/// Article `i` of the corpus: stories of 8 articles each, by different outlets,
/// with enough shared names and numbers for the clusterer to group them.
fn article(i: usize, rng: &mut Rng) -> String {
    let story = i / 8;
    let town = TOWNS[story % TOWNS.len()];
    let subject = SUBJECTS[(story / TOWNS.len()) % SUBJECTS.len()];
    let event = EVENTS[(story / (TOWNS.len() * SUBJECTS.len())) % EVENTS.len()];
    let outlet = OUTLETS[i % OUTLETS.len()];
    let official = format!("Councillor {}son", &town[..3]);
    let number = 100 + story * 7;
    let day = 1 + (story % 27);
    let extra = rng.below(90) + 10;
    let text = format!(
        "The {subject} in {town} {event} on Monday, officials said.\n\n\
         {official} said {number} residents were affected and that the council would meet again on Friday.\n\n\
         Report {i} from {outlet} adds that {extra} workers were on site when the news broke.\n\n\
         \"We will keep the people of {town} informed,\" {official} told reporters."
    );
    serde_json::json!({
        "url": format!("https://news.example/{story}/{i}"),
        "outlet": outlet,
        "published": format!("2031-05-{day:02}T{:02}:00:00Z", i % 24),
        "title": format!("{town} {subject} {event}"),
        "text": text,
    })
    .to_string()
}

/// The acknowledgements written so far: url -> id. Panics if one URL was
/// acknowledged under two ids (stored twice).
fn read_acks(path: &Path) -> HashMap<String, i64> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut acks = HashMap::new();
    // A kill can cut the last line short: only whole lines count.
    let complete = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => "",
    };
    for line in complete.lines() {
        let mut parts = line.split('\t');
        let (Some(_), Some(id), Some(url)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("malformed acknowledgement line {line:?}");
        };
        let id: i64 = id.parse().expect("numeric id");
        if let Some(old) = acks.insert(url.to_string(), id) {
            assert_eq!(old, id, "{url} acknowledged under two ids: stored twice");
        }
    }
    acks
}

async fn check_store(data: &Path, acks: &HashMap<String, i64>) -> SqliteStore {
    let store = SqliteStore::open(data)
        .await
        .expect("the store opens after a kill");
    assert_eq!(
        store.integrity_check().await.unwrap(),
        Ok(()),
        "integrity check after a kill"
    );
    for (url, id) in acks {
        let a = store
            .article(*id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("acknowledged article {url} (id {id}) was lost"));
        assert_eq!(&a.url, url, "id {id} holds another article");
    }
    store
}

fn import(data: &Path, corpus: &Path, acks: &Path) -> std::process::Child {
    Command::new(LEDE)
        .arg("--data-dir")
        .arg(data)
        .arg("import")
        .arg("--ack")
        .arg(acks)
        .arg(corpus)
        .env("LEDE_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("lede starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_loses_no_acknowledged_article_and_stores_none_twice() {
    let seed = std::env::var("LEDE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test seed: {seed} (replay with LEDE_CRASH_SEED={seed})");
    let mut rng = Rng(seed);

    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    let mut out = std::fs::File::create(&corpus).unwrap();
    for i in 0..ARTICLES {
        writeln!(out, "{}", article(i, &mut rng)).unwrap();
    }
    drop(out);
    let data = dir.path().join("data");
    let acks_path = dir.path().join("acks.tsv");

    // How long one whole run takes here, so the kills land all along it.
    let started = Instant::now();
    let mut probe = import(
        &dir.path().join("probe"),
        &corpus,
        &dir.path().join("probe.tsv"),
    );
    assert!(
        probe.wait().unwrap().success(),
        "an uninterrupted import succeeds"
    );
    let full_run = started.elapsed().max(Duration::from_millis(200));

    let mut kills = 0;
    let mut runs = 0;
    while kills < KILLS {
        runs += 1;
        assert!(
            runs <= 40,
            "the import keeps finishing before it can be killed"
        );
        let mut child = import(&data, &corpus, &acks_path);
        // Short runs: ten kills then land along the import and the build that follows.
        let wait = full_run.mul_f64((20 + rng.below(480)) as f64 / 1000.0);
        std::thread::sleep(wait);
        if child.try_wait().unwrap().is_some() {
            continue;
        }
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        kills += 1;
        let acks = read_acks(&acks_path);
        check_store(&data, &acks).await;
    }
    eprintln!("killed {kills} times in {runs} runs; an uninterrupted run takes {full_run:?}");

    let mut last = import(&data, &corpus, &acks_path);
    assert!(last.wait().unwrap().success(), "the last run finishes");
    let acks = read_acks(&acks_path);
    let store = check_store(&data, &acks).await;
    assert_eq!(acks.len(), ARTICLES, "every article acknowledged");
    let stats = store.stats().await.unwrap();
    assert_eq!(
        stats.articles as usize, ARTICLES,
        "each article stored once"
    );
    assert!(
        store.unassigned_articles().await.unwrap().is_empty(),
        "every article is in a story"
    );
    assert!(stats.stories > 0);
    // No story left dirty: each was written after its last new article, even
    // when a kill came between assigning articles and saving the story.
    let dirty = store
        .claim_dirty_stories("check", chrono::Utc::now(), Duration::from_secs(60), 10)
        .await
        .unwrap();
    assert!(dirty.is_empty(), "stories left unwritten: {dirty:?}");
    for (story, members) in store
        .recent_story_members(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH)
        .await
        .unwrap()
    {
        let written = store.story(story).await.unwrap().expect("story written");
        let mut have = written.articles.clone();
        have.sort_unstable();
        let mut want = members.clone();
        want.sort_unstable();
        assert_eq!(have, want, "story {story} written from all its articles");
    }
}
