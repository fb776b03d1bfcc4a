//! The storage test suite. Each check takes `&dyn Store`, so the same suite runs
//! against every backend (SQLite now; PostgreSQL joins the matrix later).

use chrono::{TimeZone, Utc};
use lede_model::{Article, Citation, CitedSentence, Span, Story};
use lede_store::{Inserted, SqliteStore, Store};

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

async fn articles_are_stored_once(store: &dyn Store) {
    let a = article(
        "https://herald.example/a",
        "The old bridge closed on Monday.",
        3,
    );
    let first = store.insert_article(&a).await.unwrap();
    let Inserted::New(id) = first else {
        panic!("first insert must be new")
    };
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
    assert_eq!(store.stats().await.unwrap().articles, 1);
}

async fn assignment_and_stories(store: &dyn Store) {
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

async fn feeds(store: &dyn Store) {
    let f = store
        .add_feed("https://herald.example/rss", Some("Herald"))
        .await
        .unwrap();
    let again = store
        .add_feed("https://herald.example/rss", None)
        .await
        .unwrap();
    assert_eq!(f.id, again.id);
    let mut f = f;
    f.etag = Some("\"v1\"".into());
    f.error_count = 2;
    f.last_error = Some("HTTP 500".into());
    store.update_feed(&f).await.unwrap();
    assert_eq!(store.feeds().await.unwrap(), vec![f]);
    assert!(store
        .remove_feed("https://herald.example/rss")
        .await
        .unwrap());
    assert!(!store
        .remove_feed("https://herald.example/rss")
        .await
        .unwrap());
}

macro_rules! backend_suite {
    ($backend:ident, $open:expr) => {
        mod $backend {
            use super::*;
            #[tokio::test]
            async fn articles_are_stored_once() {
                let s = $open;
                super::articles_are_stored_once(&s).await;
            }
            #[tokio::test]
            async fn assignment_and_stories() {
                let s = $open;
                super::assignment_and_stories(&s).await;
            }
            #[tokio::test]
            async fn feeds() {
                let s = $open;
                super::feeds(&s).await;
            }
        }
    };
}

backend_suite!(sqlite_memory, SqliteStore::in_memory().await.unwrap());

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
    assert_eq!(s.schema_version().await.unwrap(), 1);
    assert_eq!(s.integrity_check().await.unwrap(), Ok(()));
}
