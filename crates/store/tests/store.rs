//! The storage test suite. Each check is a function of a fresh database
//! ([`backends::TestDb`]), run by the `suite!` matrix on every backend: SQLite in
//! memory, SQLite in a file, and PostgreSQL when `LEDE_TEST_POSTGRES` names a
//! server (see `backends`).

mod backends;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use backends::{Kind, TestDb};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use lede_model::{Article, Citation, CitedSentence, RelatedStory, Span, Story, StoryId};
use lede_store::{Inserted, SqliteStore, Store, StoreError, SCHEMA_VERSION};
use tokio::task::JoinSet;

fn article(url: &str, text: &str, day: u32) -> Article {
    Article {
        url: url.into(),
        outlet: "The Eastbrook Herald".into(),
        title: format!("Bridge news {day}"),
        published: Some(Utc.with_ymd_and_hms(2031, 4, day, 9, 0, 0).unwrap()),
        language: Some("en".into()),
        sentences: vec![Span::new(0, text.len())],
        text: text.into(),
        ..Default::default()
    }
}

/// The tests' clock: lease calls take `now` from the caller.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 4, 3, 9, 0, 0).unwrap()
}

fn at(secs: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(secs)
}

const MINUTE: Duration = Duration::from_secs(60);

fn story(id: StoryId, version: u32, headline: &str, articles: &[i64]) -> Story {
    Story {
        id,
        version,
        updated: t0() + TimeDelta::seconds(version as i64),
        headline: CitedSentence::new(
            headline,
            vec![Citation {
                article: articles[0],
                sentence: 0,
            }],
        ),
        articles: articles.to_vec(),
        independent_sources: articles.len(),
        last_published: Some(t0()),
        ..Default::default()
    }
}

async fn articles_are_stored_once(db: Arc<TestDb>) {
    let store = db.open().await;
    let a = article(
        "https://herald.example/a",
        "The old bridge closed on Monday.",
        3,
    );
    let first = store.insert_article(&a).await.unwrap();
    let Inserted::New(id) = first else {
        panic!("first insert must be new")
    };
    // What the page said of its paywall is kept (not said: None).
    assert_eq!(store.article(id).await.unwrap().unwrap().paywalled, None);
    let mut locked = article(
        "https://herald.example/locked",
        "Subscribers read first about the bridge.",
        3,
    );
    locked.paywalled = Some(true);
    let locked_id = store.insert_article(&locked).await.unwrap().id();
    assert_eq!(
        store.article(locked_id).await.unwrap().unwrap().paywalled,
        Some(true)
    );
    // Same URL.
    assert_eq!(
        store.insert_article(&a).await.unwrap(),
        Inserted::Duplicate(id)
    );
    // Same text under another URL (a syndicated copy): still one article.
    let mut copy = a.clone();
    copy.url = "https://other.example/b".into();
    copy.text = "the old  bridge closed on Monday.".into();
    assert_eq!(
        store.insert_article(&copy).await.unwrap(),
        Inserted::Duplicate(id)
    );
    // Canonical URL pointing at a stored URL.
    let mut canon = article("https://herald.example/a?utm=x", "Different words here.", 3);
    canon.canonical_url = Some("https://herald.example/a".into());
    assert_eq!(
        store.insert_article(&canon).await.unwrap(),
        Inserted::Duplicate(id)
    );
    let back = store.article(id).await.unwrap().unwrap();
    assert_eq!(back.text, a.text);
    assert_eq!(back.published, a.published);
    assert_eq!(back.sentence(0), "The old bridge closed on Monday.");
    assert_eq!(store.stats().await.unwrap().articles, 2);
    // Reading several keeps the order asked for and skips missing ids.
    let b = store
        .insert_article(&article("https://herald.example/b", "Tolls rose.", 4))
        .await
        .unwrap()
        .id();
    let got: Vec<i64> = store
        .articles(&[b, id + b + 100, id])
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(got, vec![b, id]);
}

/// Many inserters racing, across two handles: of one article by its URL (the
/// same URL, or pages whose canonical URL is it) and of another by its text
/// (copies under other URLs). Each is stored once and every insert of it
/// reports its id.
async fn concurrent_inserts_store_an_article_once(db: Arc<TestDb>) {
    let handles = [db.open().await, db.open().await];
    let mut tasks = JoinSet::new();
    for i in 0..32 {
        let store = handles[i % 2].clone();
        tasks.spawn(async move {
            let (group, a) = match i % 4 {
                0 => (
                    "by url",
                    article(
                        "https://herald.example/ferry",
                        "The ferry sailed at dawn.",
                        5,
                    ),
                ),
                1 => {
                    let mut a = article(
                        &format!("https://herald.example/ferry?ref={i}"),
                        &format!("Page {i} about the ferry."),
                        5,
                    );
                    a.canonical_url = Some("https://herald.example/ferry".into());
                    ("by url", a)
                }
                2 => (
                    "by text",
                    article(
                        &format!("https://wire.example/copy-{i}"),
                        "The lock gate opened at noon.",
                        5,
                    ),
                ),
                _ => (
                    "by text",
                    article(
                        &format!("https://other.example/gate-{i}"),
                        "THE LOCK  gate opened\nat noon.",
                        5,
                    ),
                ),
            };
            (group, store.insert_article(&a).await.unwrap())
        });
    }
    let outcomes = tasks.join_all().await;
    for group in ["by url", "by text"] {
        let got: Vec<Inserted> = outcomes
            .iter()
            .filter(|(g, _)| *g == group)
            .map(|(_, o)| *o)
            .collect();
        let new: Vec<i64> = got
            .iter()
            .filter_map(|o| match o {
                Inserted::New(id) => Some(*id),
                Inserted::Duplicate(_) => None,
            })
            .collect();
        assert_eq!(
            new.len(),
            1,
            "{group}: exactly one insert stores it: {got:?}"
        );
        assert!(got.iter().all(|o| o.id() == new[0]), "{group}: {got:?}");
    }
    assert_eq!(handles[0].stats().await.unwrap().articles, 2);
}

async fn assignment_and_stories(db: Arc<TestDb>) {
    let store = db.open().await;
    let a = store
        .insert_article(&article("https://h.example/1", "Ferry service resumed.", 5))
        .await
        .unwrap()
        .id();
    let b = store
        .insert_article(&article("https://h.example/2", "Ferry crews returned.", 4))
        .await
        .unwrap()
        .id();
    assert_eq!(store.unassigned_articles().await.unwrap().len(), 2);
    // Oldest first.
    assert_eq!(store.unassigned_articles().await.unwrap()[0].id, b);
    let sid = store.next_story_id().await.unwrap();
    store.assign(&[(a, sid), (b, sid)]).await.unwrap();
    assert!(store.unassigned_articles().await.unwrap().is_empty());
    assert_eq!(store.story_members(sid).await.unwrap(), vec![b, a]);
    assert_eq!(store.story_of_article(a).await.unwrap(), Some(sid));
    assert!(store.next_story_id().await.unwrap() > sid);
    let since = Utc.with_ymd_and_hms(2031, 4, 5, 0, 0, 0).unwrap();
    assert_eq!(
        store.recent_story_members(since).await.unwrap(),
        vec![(sid, vec![b, a])]
    );

    let mut story = Story {
        id: sid,
        version: 1,
        updated: Utc::now(),
        headline: CitedSentence::new(
            "Ferry service resumes",
            vec![Citation {
                article: a,
                sentence: 0,
            }],
        ),
        articles: vec![b, a],
        independent_sources: 2,
        last_published: Some(since),
        ..Default::default()
    };
    store.save_story(&story).await.unwrap();
    story.version = 2;
    story.headline.text = "Ferry service resumes after repairs".into();
    story.change_note = "1 new source".into();
    store.save_story(&story).await.unwrap();
    assert_eq!(store.story(sid).await.unwrap().unwrap(), story);
    let v1 = store.story_version(sid, 1).await.unwrap().unwrap();
    assert_eq!(v1.headline.text, "Ferry service resumes");
    let versions = store.story_versions(sid).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
    let list = store.stories(1, 10, 0).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].sources, 2);
    assert!(store.stories(3, 10, 0).await.unwrap().is_empty());
    assert!(store.story(sid + 100).await.unwrap().is_none());
}

/// Stories list newest first, and a story with no publication date last.
async fn story_list_order(db: Arc<TestDb>) {
    let store = db.open().await;
    let mut undated = story(1, 1, "Undated", &[1]);
    undated.last_published = None;
    let mut older = story(2, 1, "Older", &[2]);
    older.last_published = Some(at(-3600));
    let newer = story(3, 1, "Newer", &[3]);
    for s in [&undated, &older, &newer] {
        store.save_story(s).await.unwrap();
    }
    let ids: Vec<i64> = store
        .stories(1, 10, 0)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, vec![3, 2, 1]);
    let page: Vec<i64> = store
        .stories(1, 1, 1)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(page, vec![2]);
    assert_eq!(
        store
            .all_stories()
            .await
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

/// Articles stored per hour count what was stored, in whole UTC hours.
async fn articles_per_hour(db: Arc<TestDb>) {
    let store = db.open().await;
    let before = Utc::now();
    for i in 0..3 {
        let a = article(
            &format!("https://h.example/hour/{i}"),
            &format!("Hour {i}."),
            3,
        );
        store.insert_article(&a).await.unwrap();
    }
    let hours = store
        .articles_per_hour(before - TimeDelta::hours(2))
        .await
        .unwrap();
    assert_eq!(hours.iter().map(|h| h.1).sum::<u64>(), 3);
    for (hour, _) in &hours {
        assert_eq!(hour.timestamp() % 3600, 0, "{hour} starts an hour");
        assert!(*hour <= Utc::now() && *hour > before - TimeDelta::hours(2));
    }
    assert!(store
        .articles_per_hour(Utc::now() + TimeDelta::hours(1))
        .await
        .unwrap()
        .is_empty());
}

/// Stories are listed by topic, newest first; a rewrite that files a story
/// elsewhere moves it.
async fn topic_lists(db: Arc<TestDb>) {
    let store = db.open().await;
    let mut a = story(1, 1, "Mill sold", &[1]);
    a.topic = Some("business".into());
    a.last_published = Some(at(-60));
    let mut b = story(2, 1, "Bank merger", &[2, 3]);
    b.topic = Some("business".into());
    let mut c = story(3, 1, "Cup final", &[4]);
    c.topic = Some("sport".into());
    let d = story(4, 1, "Unfiled", &[5]);
    for s in [&a, &b, &c, &d] {
        store.save_story(s).await.unwrap();
    }
    let ids = |list: Vec<lede_model::StorySummary>| list.iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.topic_stories("business", 1, 10, 0).await.unwrap()),
        vec![2, 1]
    );
    assert_eq!(
        ids(store.topic_stories("business", 2, 10, 0).await.unwrap()),
        vec![2]
    );
    assert_eq!(
        ids(store.topic_stories("business", 1, 1, 1).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        ids(store.topic_stories("sport", 1, 10, 0).await.unwrap()),
        vec![3]
    );
    assert!(store
        .topic_stories("culture", 0, 10, 0)
        .await
        .unwrap()
        .is_empty());
    let listed = store.topic_stories("sport", 1, 10, 0).await.unwrap();
    assert_eq!(listed[0].topic.as_deref(), Some("sport"));
    // Rewritten and filed under sport.
    let mut a2 = story(1, 2, "Mill sold to the football club", &[1]);
    a2.topic = Some("sport".into());
    store.save_story(&a2).await.unwrap();
    assert_eq!(
        ids(store.topic_stories("business", 1, 10, 0).await.unwrap()),
        vec![2]
    );
    assert_eq!(
        ids(store.topic_stories("sport", 1, 10, 0).await.unwrap()),
        vec![3, 1]
    );
}

/// Versions are saved in turn: the next one, or the current one again with
/// only its related stories changed.
async fn story_versions_are_saved_in_turn(db: Arc<TestDb>) {
    let store = db.open().await;
    let v1 = story(7, 1, "Harbour reopens", &[1, 2]);
    // A new story starts at version 1.
    let err = store
        .save_story(&story(7, 2, "Harbour reopens", &[1]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::VersionConflict {
                story: 7,
                version: 2,
                current: None
            }
        ),
        "{err}"
    );
    store.save_story(&v1).await.unwrap();

    // The same version with new content is another writer's: refused.
    let rival = story(7, 1, "Harbour reopens early", &[1, 2]);
    let err = store.save_story(&rival).await.unwrap_err();
    assert!(err.is_version_conflict(), "{err}");
    assert!(err.to_string().contains("another writer"), "{err}");

    // Related stories are navigation: updated in place, same version.
    let mut linked = v1.clone();
    linked.related = vec![RelatedStory {
        id: 9,
        headline: "Ferry fares".into(),
        teaser: "Fares rise in May.".into(),
    }];
    assert_eq!(store.save_story(&linked).await.unwrap(), 1);
    assert_eq!(store.story(7).await.unwrap().unwrap(), linked);
    assert_eq!(store.story_version(7, 1).await.unwrap().unwrap(), linked);
    assert_eq!(store.story_versions(7).await.unwrap().len(), 1);

    // Skipping a version is refused; the next one is taken.
    let err = store
        .save_story(&story(7, 3, "Harbour reopens", &[1]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::VersionConflict {
                current: Some(1),
                ..
            }
        ),
        "{err}"
    );
    let v2 = story(7, 2, "Harbour reopens after dredging", &[1, 2, 3]);
    assert_eq!(store.save_story(&v2).await.unwrap(), 2);
    // An old version cannot come back.
    assert!(store
        .save_story(&linked)
        .await
        .unwrap_err()
        .is_version_conflict());
    assert_eq!(store.story(7).await.unwrap().unwrap(), v2);
    let versions: Vec<u32> = store
        .story_versions(7)
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(versions, vec![2, 1]);
}

/// Writers racing to save the same new version, of a new story and of an
/// existing one: one wins, the others get a version conflict.
async fn concurrent_story_saves_one_wins(db: Arc<TestDb>) {
    let handles = [db.open().await, db.open().await];
    handles[0]
        .save_story(&story(1, 1, "Dam inspection", &[1]))
        .await
        .unwrap();
    for (id, version) in [(1, 2), (2, 1)] {
        let mut tasks = JoinSet::new();
        for i in 0..12 {
            let store = handles[i % 2].clone();
            tasks.spawn(async move {
                let mut s = story(id, version, &format!("Writer {i}'s headline"), &[1]);
                s.change_note = format!("writer {i}");
                (s.clone(), store.save_story(&s).await)
            });
        }
        let results = tasks.join_all().await;
        let winners: Vec<&Story> = results
            .iter()
            .filter_map(|(s, r)| r.as_ref().ok().map(|_| s))
            .collect();
        assert_eq!(winners.len(), 1, "story {id} version {version}");
        for (_, r) in &results {
            if let Err(e) = r {
                assert!(e.is_version_conflict(), "{e}");
            }
        }
        assert_eq!(&handles[1].story(id).await.unwrap().unwrap(), winners[0]);
        assert_eq!(
            handles[1].story_versions(id).await.unwrap()[0].change_note,
            winners[0].change_note
        );
    }
}

async fn feeds(db: Arc<TestDb>) {
    let store = db.open().await;
    let f = store
        .add_feed("https://herald.example/rss", Some("Herald"))
        .await
        .unwrap();
    let again = store
        .add_feed("https://herald.example/rss", None)
        .await
        .unwrap();
    assert_eq!(f.id, again.id);
    assert_eq!(again.title.as_deref(), Some("Herald"));
    assert_eq!(
        (f.interval_secs, f.failing_since, f.last_changed),
        (None, None, None)
    );
    let mut f = f;
    f.etag = Some("\"v1\"".into());
    f.last_modified = Some("Thu, 03 Apr 2031 08:00:00 GMT".into());
    f.last_fetched = Some(t0());
    f.error_count = 2;
    f.last_error = Some("HTTP 500".into());
    f.next_fetch = Some(at(900));
    f.interval_secs = Some(900);
    f.failing_since = Some(at(-7200));
    f.last_changed = Some(at(-86_400));
    store.update_feed(&f).await.unwrap();
    assert_eq!(store.feeds().await.unwrap(), vec![f.clone()]);
    // The scheduling state can be cleared again.
    f.failing_since = None;
    f.interval_secs = None;
    store.update_feed(&f).await.unwrap();
    assert_eq!(store.feeds().await.unwrap(), vec![f]);
    assert_eq!(store.stats().await.unwrap().feeds, 1);
    assert!(store
        .remove_feed("https://herald.example/rss")
        .await
        .unwrap());
    assert!(!store
        .remove_feed("https://herald.example/rss")
        .await
        .unwrap());
}

async fn schema_version_is_current(db: Arc<TestDb>) {
    // Handles opened together agree (the second waits for the first's
    // migration or finds it done).
    let (a, b) = tokio::join!(db.open(), db.open());
    assert_eq!(a.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert_eq!(b.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 4);
}

/// Claimers on two handles take all due feeds in small batches: each feed
/// goes to exactly one of them.
async fn concurrent_feed_claims_never_overlap(db: Arc<TestDb>) {
    let handles = [db.open().await, db.open().await];
    for i in 0..120 {
        handles[0]
            .add_feed(&format!("https://outlet{i}.example/feed"), None)
            .await
            .unwrap();
    }
    let mut tasks = JoinSet::new();
    for w in 0..6 {
        let store = handles[w % 2].clone();
        tasks.spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = store
                    .claim_due_feeds(&format!("worker-{w}"), t0(), MINUTE, 7)
                    .await
                    .unwrap();
                assert!(batch.len() <= 7);
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch);
            }
        });
    }
    let claimed: Vec<_> = tasks.join_all().await.into_iter().flatten().collect();
    let ids: HashSet<i64> = claimed.iter().map(|f| f.id).collect();
    assert_eq!(claimed.len(), 120, "every feed claimed once");
    assert_eq!(ids.len(), 120, "no feed claimed twice");
    let store = &handles[1];
    assert_eq!(store.live_leases(t0()).await.unwrap(), 120);
    for mut f in claimed {
        f.next_fetch = Some(at(3600));
        store.update_feed(&f).await.unwrap();
    }
    assert_eq!(store.live_leases(t0()).await.unwrap(), 0);
    assert!(store
        .claim_due_feeds("worker-9", at(60), MINUTE, 500)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .claim_due_feeds("worker-9", at(3600), MINUTE, 500)
            .await
            .unwrap()
            .len(),
        120
    );
}

/// A worker that dies leaves its feeds leased until the lease ends; then
/// another worker takes them. Only due feeds are handed out, never-polled and
/// longest-due first.
async fn expired_feed_lease_is_taken_over(db: Arc<TestDb>) {
    let store = db.open().await;
    let fresh = store
        .add_feed("https://a.example/feed", None)
        .await
        .unwrap();
    let mut later = store
        .add_feed("https://b.example/feed", None)
        .await
        .unwrap();
    let mut overdue = store
        .add_feed("https://c.example/feed", None)
        .await
        .unwrap();
    later.next_fetch = Some(at(600));
    store.update_feed(&later).await.unwrap();
    overdue.next_fetch = Some(at(-60));
    store.update_feed(&overdue).await.unwrap();

    let ids = |feeds: Vec<lede_model::Feed>| feeds.iter().map(|f| f.id).collect::<Vec<_>>();
    let first = store.claim_due_feeds("w1", t0(), MINUTE, 1).await.unwrap();
    assert_eq!(ids(first), vec![fresh.id]);
    let rest = store.claim_due_feeds("w1", t0(), MINUTE, 10).await.unwrap();
    assert_eq!(ids(rest), vec![overdue.id]);
    // w1 dies. Its leases hold until they end...
    assert!(store
        .claim_due_feeds("w2", at(59), MINUTE, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.live_leases(at(59)).await.unwrap(), 2);
    // ...and then w2 takes the feeds over.
    assert_eq!(store.live_leases(at(60)).await.unwrap(), 0);
    let taken = store
        .claim_due_feeds("w2", at(60), MINUTE, 10)
        .await
        .unwrap();
    assert_eq!(ids(taken.clone()), vec![fresh.id, overdue.id]);
    assert_eq!(store.live_leases(at(61)).await.unwrap(), 2);
    for mut f in taken {
        f.last_fetched = Some(at(61));
        f.next_fetch = Some(at(3600));
        store.update_feed(&f).await.unwrap();
    }
    assert_eq!(store.live_leases(at(61)).await.unwrap(), 0);
    // At ten minutes only the feed that was not due before is.
    let due = store
        .claim_due_feeds("w3", at(600), MINUTE, 10)
        .await
        .unwrap();
    assert_eq!(ids(due), vec![later.id]);
}

/// The singleton lease: one holder at a time, renewed by its holder, taken
/// when expired, released only by its holder.
async fn singleton_lease(db: Arc<TestDb>) {
    let store = db.open().await;
    assert!(store.try_lease("cluster", "a", t0(), MINUTE).await.unwrap());
    assert!(!store
        .try_lease("cluster", "b", at(10), MINUTE)
        .await
        .unwrap());
    // Another name is another lease.
    assert!(store
        .try_lease("related", "b", at(10), MINUTE)
        .await
        .unwrap());
    store.release_lease("related", "b").await.unwrap();
    // The holder renews: now until 110 s.
    assert!(store
        .try_lease("cluster", "a", at(50), MINUTE)
        .await
        .unwrap());
    assert!(!store
        .try_lease("cluster", "b", at(100), MINUTE)
        .await
        .unwrap());
    assert_eq!(store.live_leases(at(100)).await.unwrap(), 1);
    // Expired: b takes it, and a has lost it.
    assert!(store
        .try_lease("cluster", "b", at(110), MINUTE)
        .await
        .unwrap());
    assert!(!store
        .try_lease("cluster", "a", at(111), MINUTE)
        .await
        .unwrap());
    // Only the holder can release it.
    store.release_lease("cluster", "a").await.unwrap();
    assert!(!store
        .try_lease("cluster", "a", at(112), MINUTE)
        .await
        .unwrap());
    store.release_lease("cluster", "b").await.unwrap();
    assert_eq!(store.live_leases(at(112)).await.unwrap(), 0);
    assert!(store
        .try_lease("cluster", "a", at(112), MINUTE)
        .await
        .unwrap());
    store.release_lease("cluster", "a").await.unwrap();

    // Many workers asking at once: exactly one gets it.
    let handles = [db.open().await, db.open().await];
    let mut tasks = JoinSet::new();
    for w in 0..12 {
        let store = handles[w % 2].clone();
        tasks.spawn(async move {
            store
                .try_lease("cluster", &format!("w{w}"), at(200), MINUTE)
                .await
                .unwrap()
        });
    }
    let held = tasks.join_all().await.into_iter().filter(|h| *h).count();
    assert_eq!(held, 1);
}

/// A stalled lease holder is fenced: once its lease has ended it can neither
/// renew it (even when nobody took it meanwhile) nor commit assignments.
async fn assignments_are_fenced_by_the_lease(db: Arc<TestDb>) {
    let store = db.open().await;
    let a = store
        .insert_article(&article("https://h.example/fence/a", "Fence one.", 3))
        .await
        .unwrap()
        .id();
    let b = store
        .insert_article(&article("https://h.example/fence/b", "Fence two.", 3))
        .await
        .unwrap()
        .id();
    let s = store.next_story_id().await.unwrap();
    // Not held: nothing is stored.
    assert!(!store
        .assign_under_lease("cluster", "a", t0(), &[(a, s)])
        .await
        .unwrap());
    assert_eq!(store.story_of_article(a).await.unwrap(), None);
    assert!(!store
        .renew_lease("cluster", "a", t0(), MINUTE)
        .await
        .unwrap());

    assert!(store.try_lease("cluster", "a", t0(), MINUTE).await.unwrap());
    assert!(store
        .assign_under_lease("cluster", "a", at(30), &[(a, s)])
        .await
        .unwrap());
    assert_eq!(store.story_of_article(a).await.unwrap(), Some(s));
    // Renewed while live: now until 100 s.
    assert!(store
        .renew_lease("cluster", "a", at(40), MINUTE)
        .await
        .unwrap());
    assert!(!store
        .renew_lease("cluster", "b", at(40), MINUTE)
        .await
        .unwrap());
    assert!(store
        .assign_under_lease("cluster", "a", at(90), &[])
        .await
        .unwrap());
    // a stalls past 100 s: the lease is over even though nobody took it.
    assert!(!store
        .renew_lease("cluster", "a", at(101), MINUTE)
        .await
        .unwrap());
    assert!(!store
        .assign_under_lease("cluster", "a", at(101), &[(b, s + 1)])
        .await
        .unwrap());
    assert_eq!(store.story_of_article(b).await.unwrap(), None);
    // b takes it over and hands out the next id; a's commit is refused.
    assert!(store
        .try_lease("cluster", "b", at(102), MINUTE)
        .await
        .unwrap());
    assert_eq!(store.next_story_id().await.unwrap(), s + 1);
    assert!(!store
        .assign_under_lease("cluster", "a", at(103), &[(b, s + 1)])
        .await
        .unwrap());
    assert!(store
        .assign_under_lease("cluster", "b", at(103), &[(b, s + 1)])
        .await
        .unwrap());
    assert_eq!(store.story_of_article(b).await.unwrap(), Some(s + 1));
    assert_eq!(store.next_story_id().await.unwrap(), s + 2);
}

/// Stories become dirty with each assignment; a writer's completion clears
/// only the generation it wrote.
async fn dirty_story_generations(db: Arc<TestDb>) {
    let store = db.open().await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let a = article(
            &format!("https://h.example/lock/{i}"),
            &format!("Lock gate {i} repaired."),
            3,
        );
        ids.push(store.insert_article(&a).await.unwrap().id());
    }
    let s = store.next_story_id().await.unwrap();
    let backlog = |st: lede_store::StoreStats| (st.unclustered, st.to_write);
    assert_eq!(backlog(store.stats().await.unwrap()), (6, 0));
    // One assignment touching a story twice is one generation.
    store.assign(&[(ids[0], s), (ids[1], s)]).await.unwrap();
    assert_eq!(backlog(store.stats().await.unwrap()), (4, 1));
    let claimed = store
        .claim_dirty_stories("w1", t0(), MINUTE, 10)
        .await
        .unwrap();
    let g1 = match claimed[..] {
        [(id, g)] if id == s => g,
        _ => panic!("expected story {s}: {claimed:?}"),
    };
    assert!(store
        .claim_dirty_stories("w2", t0(), MINUTE, 10)
        .await
        .unwrap()
        .is_empty());

    // A new article arrives while w1 writes: the story stays leased to w1...
    store.assign(&[(ids[2], s)]).await.unwrap();
    assert!(store
        .claim_dirty_stories("w2", t0(), MINUTE, 10)
        .await
        .unwrap()
        .is_empty());
    // ...and w1's completion leaves it dirty with the newer generation.
    store.complete_story(s, g1).await.unwrap();
    assert_eq!(store.live_leases(t0()).await.unwrap(), 0);
    let claimed = store
        .claim_dirty_stories("w2", t0(), MINUTE, 10)
        .await
        .unwrap();
    let g2 = claimed[0].1;
    assert_eq!(claimed, vec![(s, g2)]);
    assert!(g2 > g1);
    // A late completion of the old generation changes nothing.
    store.complete_story(s, g1).await.unwrap();
    assert_eq!(store.live_leases(t0()).await.unwrap(), 1);
    assert!(store
        .claim_dirty_stories("w3", t0(), MINUTE, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(backlog(store.stats().await.unwrap()), (3, 1));
    store.complete_story(s, g2).await.unwrap();
    assert_eq!(backlog(store.stats().await.unwrap()), (3, 0));
    assert_eq!(store.live_leases(t0()).await.unwrap(), 0);
    assert!(store
        .claim_dirty_stories("w3", at(3600), MINUTE, 10)
        .await
        .unwrap()
        .is_empty());

    // A worker dies holding a story: it is taken over when the lease ends.
    store.assign(&[(ids[3], s)]).await.unwrap();
    let g3 = store
        .claim_dirty_stories("w1", t0(), MINUTE, 10)
        .await
        .unwrap()[0]
        .1;
    assert!(store
        .claim_dirty_stories("w2", at(59), MINUTE, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .claim_dirty_stories("w2", at(60), MINUTE, 10)
            .await
            .unwrap(),
        vec![(s, g3)]
    );
    // A generation never handed out cannot mark later assignments done.
    store.complete_story(s, g3 + 10).await.unwrap();
    store.assign(&[(ids[4], s)]).await.unwrap();
    let claimed = store
        .claim_dirty_stories("w2", at(60), MINUTE, 10)
        .await
        .unwrap();
    assert_eq!(claimed, vec![(s, g3 + 1)]);
    store.complete_story(s, g3 + 1).await.unwrap();
    // Completing a story nobody marked is harmless.
    store.complete_story(s + 50, 1).await.unwrap();
    assert_eq!(store.live_leases(at(60)).await.unwrap(), 0);
}

/// Claimers on two handles share many dirty stories: each goes to one of them.
async fn concurrent_story_claims_never_overlap(db: Arc<TestDb>) {
    let handles = [db.open().await, db.open().await];
    let mut assignments = Vec::new();
    for i in 0..60 {
        let a = article(
            &format!("https://h.example/s/{i}"),
            &format!("Story {i} text."),
            3,
        );
        let id = handles[0].insert_article(&a).await.unwrap().id();
        assignments.push((id, 1000 + i));
    }
    handles[0].assign(&assignments).await.unwrap();
    let mut tasks = JoinSet::new();
    for w in 0..6 {
        let store = handles[w % 2].clone();
        tasks.spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = store
                    .claim_dirty_stories(&format!("w{w}"), t0(), MINUTE, 4)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    return got;
                }
                got.extend(batch);
            }
        });
    }
    let claimed: Vec<(i64, u64)> = tasks.join_all().await.into_iter().flatten().collect();
    let ids: HashSet<i64> = claimed.iter().map(|(s, _)| *s).collect();
    assert_eq!(claimed.len(), 60);
    assert_eq!(ids, (1000..1060).collect());
    for (s, g) in claimed {
        handles[1].complete_story(s, g).await.unwrap();
    }
    assert_eq!(handles[1].live_leases(t0()).await.unwrap(), 0);
    assert!(handles[1]
        .claim_dirty_stories("w9", at(3600), MINUTE, 100)
        .await
        .unwrap()
        .is_empty());
}

/// One test per check per backend: `sqlite_memory::feeds`, `postgres::feeds`, ...
macro_rules! backend {
    ($backend:ident, $kind:expr, [$($test:ident),* $(,)?]) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::backends::run($kind, super::$test).await;
                }
            )*
        }
    };
}

/// A sole writer restarting after a crash voids the dead run's leases of every
/// kind, so its feeds and stories are claimable at once.
async fn all_leases_are_released_for_a_sole_writer(db: Arc<TestDb>) {
    let store = db.open().await;
    store
        .add_feed("https://a.example/feed", None)
        .await
        .unwrap();
    let a = store
        .insert_article(&article("https://h.example/weir", "Weir gate jammed.", 3))
        .await
        .unwrap()
        .id();
    let s = store.next_story_id().await.unwrap();
    store.assign(&[(a, s)]).await.unwrap();
    assert!(store
        .try_lease("cluster", "dead", t0(), MINUTE)
        .await
        .unwrap());
    assert_eq!(
        store
            .claim_due_feeds("dead", t0(), MINUTE, 5)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .claim_dirty_stories("dead", t0(), MINUTE, 5)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(store.live_leases(at(1)).await.unwrap(), 3);

    assert_eq!(store.release_all_leases().await.unwrap(), 3);
    assert_eq!(store.live_leases(at(1)).await.unwrap(), 0);
    assert!(store
        .try_lease("cluster", "next", at(1), MINUTE)
        .await
        .unwrap());
    assert_eq!(
        store
            .claim_due_feeds("next", at(1), MINUTE, 5)
            .await
            .unwrap()
            .len(),
        1
    );
    let stories = store
        .claim_dirty_stories("next", at(1), MINUTE, 5)
        .await
        .unwrap();
    assert_eq!(
        stories.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        vec![s]
    );
}

macro_rules! suite {
    ($($test:ident),* $(,)?) => {
        backend!(sqlite_memory, super::Kind::SqliteMemory, [$($test),*]);
        backend!(sqlite_file, super::Kind::SqliteFile, [$($test),*]);
        backend!(postgres, super::Kind::Postgres, [$($test),*]);
    };
}

suite!(
    articles_are_stored_once,
    concurrent_inserts_store_an_article_once,
    assignment_and_stories,
    story_list_order,
    topic_lists,
    articles_per_hour,
    story_versions_are_saved_in_turn,
    concurrent_story_saves_one_wins,
    feeds,
    schema_version_is_current,
    concurrent_feed_claims_never_overlap,
    expired_feed_lease_is_taken_over,
    singleton_lease,
    assignments_are_fenced_by_the_lease,
    dirty_story_generations,
    concurrent_story_claims_never_overlap,
    all_leases_are_released_for_a_sole_writer,
);

#[tokio::test]
async fn sqlite_file_survives_reopen_and_passes_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = SqliteStore::open(dir.path()).await.unwrap();
        s.insert_article(&article("https://h.example/x", "Kept across restarts.", 1))
            .await
            .unwrap();
    }
    let s = SqliteStore::open(dir.path()).await.unwrap();
    assert_eq!(s.stats().await.unwrap().articles, 1);
    assert_eq!(s.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert_eq!(s.integrity_check().await.unwrap(), Ok(()));
}

/// A data directory written by the previous release (schema 1) is migrated
/// in place, its feeds kept.
#[tokio::test]
async fn sqlite_schema_1_database_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(lede_store::DB_FILE);
    {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        sqlx::raw_sql(include_str!("../migrations/sqlite/0001_init.sql"))
            .execute(&pool)
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL);
             INSERT INTO schema_migrations VALUES (1, '2031-01-01T00:00:00Z');
             INSERT INTO feeds (url, title, error_count, next_fetch, added)
             VALUES ('https://old.example/rss', 'Old', 1, '2031-04-03T09:00:00Z',
                     '2031-01-01T00:00:00Z');",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    let store = SqliteStore::open(dir.path()).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
    let feeds = store.feeds().await.unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].title.as_deref(), Some("Old"));
    assert_eq!(feeds[0].error_count, 1);
    assert_eq!(feeds[0].next_fetch, Some(t0()));
    assert_eq!(feeds[0].interval_secs, None);
    let claimed = store.claim_due_feeds("w", t0(), MINUTE, 5).await.unwrap();
    assert_eq!(claimed, feeds);
}

#[tokio::test]
async fn connect_opens_sqlite_and_refuses_other_urls() {
    let dir = tempfile::tempdir().unwrap();
    let store = lede_store::connect(None, dir.path()).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert!(dir.path().join(lede_store::DB_FILE).exists());
    let err =
        match lede_store::connect(Some("mysql://lede:s3cret@db.example/news"), dir.path()).await {
            Ok(_) => panic!("a MySQL URL must be refused"),
            Err(e) => e.to_string(),
        };
    assert!(err.contains("postgres://"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

/// A server that does not answer is an error naming the URL without its password.
#[tokio::test]
async fn connect_reports_an_unreachable_server() {
    // Port 1 on loopback: nothing listens there.
    let err = match lede_store::connect(
        Some("postgres://lede:s3cret@127.0.0.1:1/news"),
        std::path::Path::new(""),
    )
    .await
    {
        Ok(_) => panic!("nothing listens on port 1"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}
