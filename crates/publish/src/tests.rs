//! Router tests against an in-memory fake store holding a fictional story.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use lede_model::{
    Article, ArticleId, Citation, CitedSentence, DroppedSentence, Feed, Paragraph, RelatedStory,
    Section, SectionKind, SourceRef, Span, Story, StoryId, StorySummary,
};
use lede_store::{Inserted, Result, Store, StoreError, StoreStats, StoryVersionInfo};
use tower::ServiceExt;

use crate::{router, AppState};

/// A HashMap-backed store; `fail` makes every read return an error.
#[derive(Default)]
struct FakeStore {
    articles: Mutex<HashMap<ArticleId, Article>>,
    /// Every version of every story.
    stories: Mutex<HashMap<StoryId, Vec<Story>>>,
    fail: bool,
}

impl FakeStore {
    fn check(&self) -> Result<()> {
        if self.fail {
            Err(StoreError::Open {
                path: "/secret/path/lede.db".into(),
                reason: "disk on fire".into(),
            })
        } else {
            Ok(())
        }
    }
    fn latest(&self) -> Vec<Story> {
        self.stories
            .lock()
            .unwrap()
            .values()
            .filter_map(|v| v.last().cloned())
            .collect()
    }
}

#[async_trait]
impl Store for FakeStore {
    async fn insert_article(&self, article: &Article) -> Result<Inserted> {
        self.check()?;
        let mut map = self.articles.lock().unwrap();
        let id = if article.id > 0 {
            article.id
        } else {
            map.len() as i64 + 1
        };
        let mut a = article.clone();
        a.id = id;
        map.insert(id, a);
        Ok(Inserted::New(id))
    }
    async fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        self.check()?;
        Ok(self.articles.lock().unwrap().get(&id).cloned())
    }
    async fn articles(&self, ids: &[ArticleId]) -> Result<Vec<Article>> {
        self.check()?;
        let map = self.articles.lock().unwrap();
        Ok(ids.iter().filter_map(|id| map.get(id).cloned()).collect())
    }
    async fn unassigned_articles(&self) -> Result<Vec<Article>> {
        Ok(Vec::new())
    }
    async fn next_story_id(&self) -> Result<StoryId> {
        Ok(self.stories.lock().unwrap().len() as i64 + 1)
    }
    async fn assign(&self, _assignments: &[(ArticleId, StoryId)]) -> Result<()> {
        Ok(())
    }
    async fn story_members(&self, story: StoryId) -> Result<Vec<ArticleId>> {
        Ok(self
            .stories
            .lock()
            .unwrap()
            .get(&story)
            .and_then(|v| v.last())
            .map(|s| s.articles.clone())
            .unwrap_or_default())
    }
    async fn story_of_article(&self, article: ArticleId) -> Result<Option<StoryId>> {
        self.check()?;
        Ok(self
            .latest()
            .into_iter()
            .find(|s| s.articles.contains(&article))
            .map(|s| s.id))
    }
    async fn recent_story_members(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(StoryId, Vec<ArticleId>)>> {
        self.check()?;
        Ok(self
            .latest()
            .into_iter()
            .filter(|s| s.last_published.is_some_and(|t| t >= since))
            .map(|s| (s.id, s.articles))
            .collect())
    }
    async fn save_story(&self, story: &Story) -> Result<u32> {
        self.stories
            .lock()
            .unwrap()
            .entry(story.id)
            .or_default()
            .push(story.clone());
        Ok(story.version)
    }
    async fn story(&self, id: StoryId) -> Result<Option<Story>> {
        self.check()?;
        Ok(self
            .stories
            .lock()
            .unwrap()
            .get(&id)
            .and_then(|v| v.last().cloned()))
    }
    async fn story_version(&self, id: StoryId, version: u32) -> Result<Option<Story>> {
        self.check()?;
        Ok(self
            .stories
            .lock()
            .unwrap()
            .get(&id)
            .and_then(|v| v.iter().find(|s| s.version == version).cloned()))
    }
    async fn story_versions(&self, id: StoryId) -> Result<Vec<StoryVersionInfo>> {
        self.check()?;
        let map = self.stories.lock().unwrap();
        Ok(map
            .get(&id)
            .map(|v| {
                v.iter()
                    .rev()
                    .map(|s| StoryVersionInfo {
                        version: s.version,
                        updated: s.updated,
                        change_note: s.change_note.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }
    async fn stories(
        &self,
        min_sources: usize,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        self.check()?;
        let mut list: Vec<Story> = self
            .latest()
            .into_iter()
            .filter(|s| s.independent_sources >= min_sources)
            .collect();
        list.sort_by_key(|s| std::cmp::Reverse(s.last_published));
        Ok(list
            .iter()
            .skip(offset)
            .take(limit)
            .map(StorySummary::from)
            .collect())
    }
    async fn all_stories(&self) -> Result<Vec<Story>> {
        self.check()?;
        Ok(self.latest())
    }
    async fn add_feed(&self, url: &str, title: Option<&str>) -> Result<Feed> {
        Ok(Feed {
            url: url.to_string(),
            title: title.map(str::to_string),
            ..Default::default()
        })
    }
    async fn remove_feed(&self, _url: &str) -> Result<bool> {
        Ok(false)
    }
    async fn feeds(&self) -> Result<Vec<Feed>> {
        Ok(Vec::new())
    }
    async fn update_feed(&self, _feed: &Feed) -> Result<()> {
        Ok(())
    }
    async fn stats(&self) -> Result<StoreStats> {
        Ok(StoreStats {
            articles: self.articles.lock().unwrap().len() as u64,
            stories: self.stories.lock().unwrap().len() as u64,
            feeds: 0,
        })
    }
}

const EVIL: &str = "<script>alert(1)</script> \" onerror=\"x </title>";

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2010, 5, day, hour, 0, 0).unwrap()
}

/// An article whose text is `paragraphs` (lists of sentences) joined by blank lines.
fn article(
    id: ArticleId,
    outlet: &str,
    title: &str,
    url: &str,
    published: DateTime<Utc>,
    paragraphs: &[&[&str]],
) -> Article {
    let mut text = String::new();
    let mut sentences = Vec::new();
    for (pi, para) in paragraphs.iter().enumerate() {
        if pi > 0 {
            text.push_str("\n\n");
        }
        for (si, s) in para.iter().enumerate() {
            if si > 0 {
                text.push(' ');
            }
            sentences.push(Span::new(text.len(), text.len() + s.len()));
            text.push_str(s);
        }
    }
    Article {
        id,
        url: url.to_string(),
        outlet: outlet.to_string(),
        title: title.to_string(),
        byline: Some("By Ada Park".to_string()),
        published: Some(published),
        language: Some("en".to_string()),
        text,
        sentences,
        ..Default::default()
    }
}

fn cs(text: &str, cites: &[(ArticleId, usize)]) -> CitedSentence {
    CitedSentence::new(
        text,
        cites
            .iter()
            .map(|&(article, sentence)| Citation { article, sentence })
            .collect(),
    )
}

fn source(a: &Article, copy_of: Option<ArticleId>) -> SourceRef {
    SourceRef {
        article: a.id,
        url: a.url.clone(),
        outlet: a.outlet.clone(),
        title: a.title.clone(),
        published: a.published,
        copy_of,
    }
}

async fn fixture_store() -> Arc<FakeStore> {
    let store = Arc::new(FakeStore::default());
    let herald = article(
        1,
        "The Eastbrook Herald",
        "Mill Street Bridge closed after inspectors find cracks",
        "https://eastbrookherald.example/news/mill-street-bridge",
        at(23, 9),
        &[
            &[
                "The Mill Street Bridge in Eastbrook was closed on Sunday after inspectors found cracks in two support beams.",
                "\"We cannot let anyone drive over it until it is repaired,\" said city engineer Dana Holt.",
            ],
            &["About 12,000 vehicles cross the bridge each day."],
        ],
    );
    let westport = article(
        2,
        "Westport Daily",
        "Eastbrook shuts its busiest bridge",
        "https://westportdaily.example/2010/05/24/eastbrook-bridge",
        at(24, 7),
        &[&[
            "Inspectors first reported the cracks on Saturday.",
            "Repairs are expected to take six weeks, Mayor Lena Ortiz said on Monday.",
        ]],
    );
    let wire = article(
        3,
        "Valley Wire Reprints",
        "Eastbrook bridge closed",
        "t17://corpus/valley/0003",
        at(23, 11),
        &[&["The Mill Street Bridge in Eastbrook was closed on Sunday after inspectors found cracks in two support beams."]],
    );
    let evil = article(
        4,
        "Evil <b>Outlet</b>",
        EVIL,
        "javascript:alert(1)",
        at(20, 8),
        &[&[
            "Council members met <script>alert(1)</script> on Thursday.",
            "The budget \" onerror=\"x passed </title> narrowly.",
        ]],
    );
    for a in [&herald, &westport, &wire, &evil] {
        store.insert_article(a).await.unwrap();
    }

    let mut v1 = Story {
        id: 1,
        version: 1,
        updated: at(23, 12),
        headline: cs("Eastbrook closes Mill Street Bridge over cracks", &[(1, 0)]),
        dek: cs(
            "Inspectors found cracks in two support beams; the bridge is shut.",
            &[(1, 0)],
        ),
        lede: Paragraph {
            date: None,
            sentences: vec![cs(
                "The Mill Street Bridge in Eastbrook was closed on Sunday after inspectors found cracks in two support beams.",
                &[(1, 0), (3, 0)],
            )],
        },
        articles: vec![1, 3],
        sources: vec![source(&herald, None), source(&wire, Some(1))],
        independent_sources: 1,
        first_published: herald.published,
        last_published: wire.published,
        note: lede_model::MACHINE_NOTE.to_string(),
        ..Default::default()
    };
    store.save_story(&v1).await.unwrap();

    v1.version = 2;
    v1.updated = at(24, 8);
    v1.dek = cs(
        "Inspectors found cracks in two support beams; repairs will take six weeks.",
        &[(1, 0), (2, 1)],
    );
    v1.body = vec![Paragraph {
        date: None,
        sentences: vec![cs(
            "About 12,000 vehicles cross the bridge each day.",
            &[(1, 2)],
        )],
    }];
    v1.sections = vec![
        Section {
            heading: "Timeline of the closure".to_string(),
            kind: SectionKind::Timeline,
            paragraphs: vec![
                Paragraph {
                    date: NaiveDate::from_ymd_opt(2010, 5, 22),
                    sentences: vec![cs("Inspectors first reported the cracks.", &[(2, 0)])],
                },
                Paragraph {
                    date: NaiveDate::from_ymd_opt(2010, 5, 23),
                    sentences: vec![cs("The city closed the bridge.", &[(1, 0)])],
                },
            ],
        },
        Section {
            heading: "Who said what".to_string(),
            kind: SectionKind::Quotes,
            paragraphs: vec![Paragraph {
                date: None,
                sentences: vec![cs(
                    "City engineer Dana Holt said no one can drive over it until it is repaired.",
                    &[(1, 1)],
                )],
            }],
        },
    ];
    v1.articles = vec![1, 3, 2];
    v1.sources = vec![
        source(&herald, None),
        source(&wire, Some(1)),
        source(&westport, None),
    ];
    v1.independent_sources = 2;
    v1.last_published = westport.published;
    v1.related = vec![RelatedStory {
        id: 2,
        headline: "Eastbrook council passes budget".to_string(),
        teaser: "The council approved next year's budget by one vote.".to_string(),
    }];
    v1.dropped = vec![DroppedSentence {
        text: "The bridge will reopen in July.".to_string(),
        reason: "date not in sources".to_string(),
    }];
    v1.change_note = "Added the repair estimate from Westport Daily.".to_string();
    store.save_story(&v1).await.unwrap();

    let budget = Story {
        id: 2,
        version: 1,
        updated: at(20, 10),
        headline: cs(
            &format!("Eastbrook council passes budget {EVIL}"),
            &[(4, 1)],
        ),
        dek: cs(
            "Council members met <script>alert(1)</script> on Thursday.",
            &[(4, 0)],
        ),
        lede: Paragraph {
            date: None,
            sentences: vec![cs("The budget passed narrowly.", &[(4, 1), (99, 3)])],
        },
        articles: vec![4],
        sources: vec![source(&evil, None)],
        independent_sources: 1,
        first_published: evil.published,
        last_published: evil.published,
        related: vec![RelatedStory {
            id: 1,
            headline: format!("Bridge {EVIL}"),
            teaser: EVIL.to_string(),
        }],
        note: lede_model::MACHINE_NOTE.to_string(),
        ..Default::default()
    };
    store.save_story(&budget).await.unwrap();
    store
}

async fn app() -> axum::Router {
    router(AppState {
        store: fixture_store().await,
        site_title: "Eastbrook Desk".to_string(),
    })
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let resp = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

async fn get_json(app: &axum::Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let (status, ctype, body) = get(app, uri).await;
    assert!(ctype.starts_with("application/json"), "{uri}: {ctype}");
    (status, serde_json::from_str(&body).unwrap())
}

/// No raw script, no javascript: link, no attribute break-out, no early </title>.
fn assert_safe(page: &str) {
    assert!(!page.contains("<script>alert"), "raw script in page");
    assert!(
        !page.to_lowercase().contains("href=\"javascript:"),
        "js link"
    );
    assert!(!page.contains("\" onerror=\"x"), "attribute break-out");
    assert!(!page.contains("<b>Outlet</b>"), "raw markup from outlet");
    assert!(page.matches("</title>").count() <= 1, "early </title>");
}

#[tokio::test]
async fn front_page_lists_multi_source_stories() {
    let app = app().await;
    let (status, ctype, page) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("Top stories"));
    assert!(
        page.contains("<a href=\"/stories/1\">Eastbrook closes Mill Street Bridge over cracks</a>")
    );
    assert!(page.contains("repairs will take six weeks"));
    assert!(page.contains("2 sources"));
    assert!(page.contains("The Eastbrook Herald, Valley Wire Reprints, Westport Daily"));
    assert!(page.contains("May 23 – 24, 2010"));
    assert!(page.contains("href=\"/stories?all=1\""));
    // the single-source story is only on the all-stories page
    assert!(!page.contains("council passes budget"));
    assert_safe(&page);

    let (status, _, all) = get(&app, "/stories?all=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.contains("All stories"));
    assert!(all.contains("Mill Street Bridge"));
    assert!(
        all.contains("Eastbrook council passes budget &#60;script&#62;")
            || all.contains("Eastbrook council passes budget &lt;script&gt;")
    );
    assert!(all.contains("1 source"));
    assert_safe(&all);

    // pages past the end and junk page numbers are fine
    let (status, _, empty) = get(&app, "/?page=7").await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("No story has two or more"));
    assert!(empty.contains("href=\"/?page=6\""));
    let (status, _, _) = get(&app, "/?page=abc&x").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn story_page_has_everything() {
    let app = app().await;
    let (status, _, page) = get(&app, "/stories/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(
        "<title>Eastbrook closes Mill Street Bridge over cracks · Eastbrook Desk</title>"
    ));
    assert!(
        page.contains("<h1>Eastbrook closes Mill Street Bridge over cracks<sup class=\"cite\">")
    );
    assert!(page.contains("repairs will take six weeks."));
    assert!(page.contains("version 2"));
    assert!(page.contains("href=\"/stories/1/history\""));
    assert!(page.contains("About 12,000 vehicles cross the bridge each day."));
    // sections
    assert!(page.contains("<h2 id=\"section-1\">Timeline of the closure</h2>"));
    assert!(page.contains("Saturday, May 22, 2010"));
    assert!(page.contains("datetime=\"2010-05-23\">Sunday, May 23, 2010</time>"));
    assert!(page.contains("Who said what"));
    // citation marks: numbered, linked to footnotes, with hover text
    assert!(page.contains("<a href=\"#fn-1\" id=\"ref-1\" title=\"The Eastbrook Herald: “The Mill Street Bridge in Eastbrook was closed on Sunday"));
    assert!(page.contains(">[1]</a></sup>"));
    assert!(page.contains("href=\"#fn-2\""));
    // footnotes with the cited source sentence and outlet
    assert!(page.contains("<h2 id=\"citations\">Citations</h2>"));
    assert!(page.contains("<li id=\"fn-1\">"));
    assert!(
        page.contains("Repairs are expected to take six weeks, Mayor Lena Ortiz said on Monday.")
    );
    assert!(page.contains("href=\"/articles/2#s-1\">Westport Daily"));
    // sources: http(s) links go out, others to our copy; wire copies marked
    assert!(page.contains("How this story was written"));
    assert!(page.contains(lede_model::MACHINE_NOTE));
    assert!(page.contains("href=\"https://westportdaily.example/2010/05/24/eastbrook-bridge\""));
    assert!(page.contains("<a href=\"/articles/3\">Eastbrook bridge closed</a>"));
    assert!(!page.contains("href=\"t17://"));
    assert!(page.contains(
        "wire copy of The Eastbrook Herald: Mill Street Bridge closed after inspectors find cracks"
    ));
    assert!(page.contains("2 sources counted independently"));
    assert!(page.contains("One sentence was left out"));
    assert!(!page.contains("reopen in July"));
    assert!(page.contains("What changed in version 2: Added the repair estimate"));
    // related
    assert!(page.contains("<h2 id=\"related\">Related stories</h2>"));
    assert!(page.contains("<a href=\"/stories/2\">Eastbrook council passes budget</a>"));
    assert!(page.contains("by one vote."));
    // heading order: h1 before every h2, related before citations
    let h1 = page.find("<h1").unwrap();
    assert!(page.find("<h2").unwrap() > h1);
    assert!(page.find("Related stories").unwrap() < page.find("id=\"citations\"").unwrap());
    assert!(!page.contains("<script"));
}

#[tokio::test]
async fn versions_and_history() {
    let app = app().await;
    let (status, _, old) = get(&app, "/stories/1/versions/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(old.contains("Old version."));
    assert!(old.contains("read the current version (2)"));
    assert!(old.contains("the bridge is shut."));
    assert!(!old.contains("six weeks"));

    let (status, _, current) = get(&app, "/stories/1/versions/2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!current.contains("Old version."));

    for missing in [
        "/stories/1/versions/9",
        "/stories/1/versions/x",
        "/stories/5/versions/1",
    ] {
        let (status, _, _) = get(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }

    let (status, _, history) = get(&app, "/stories/1/history").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        history.contains("href=\"/stories/1/versions/2\">Version 2</a> <strong>(current)</strong>")
    );
    assert!(history.contains("href=\"/stories/1/versions/1\">Version 1</a>"));
    assert!(history.contains("First version."));
    assert!(history.find("Version 2").unwrap() < history.find("Version 1").unwrap());
}

#[tokio::test]
async fn article_page() {
    let app = app().await;
    let (status, _, page) = get(&app, "/articles/2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Eastbrook shuts its busiest bridge</h1>"));
    assert!(page.contains("Westport Daily"));
    assert!(page.contains("By Ada Park"));
    assert!(page.contains("May 24, 2010, 07:00 UTC"));
    assert!(page.contains("<span class=\"sent\" id=\"s-1\">Repairs are expected"));
    assert!(page.contains("href=\"https://westportdaily.example/2010/05/24/eastbrook-bridge\""));
    assert!(
        page.contains("<a href=\"/stories/1\">Eastbrook closes Mill Street Bridge over cracks</a>")
    );

    // paragraphs are kept
    let (_, _, herald) = get(&app, "/articles/1").await;
    assert_eq!(herald.matches("<span class=\"sent\"").count(), 3);
    assert!(herald.contains("repaired,&#34; said") || herald.contains("repaired,&quot; said"));

    // non-http source: no link, the address shown as text
    let (_, _, wire) = get(&app, "/articles/3").await;
    assert!(!wire.contains("href=\"t17:"));
    assert!(wire.contains("<code>t17://corpus/valley/0003</code>"));

    for missing in ["/articles/77", "/articles/abc", "/articles/-1"] {
        let (status, _, _) = get(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn untrusted_text_is_escaped_everywhere() {
    let app = app().await;
    for uri in [
        "/articles/4",
        "/stories/2",
        "/stories?all=1",
        "/stories/2/history",
    ] {
        let (status, _, page) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_safe(&page);
    }
    let (_, _, article) = get(&app, "/articles/4").await;
    assert!(
        article.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || article.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!article.contains("javascript:alert(1)\""));
    // the javascript: url is shown as text only
    assert!(article.contains("<code>javascript:alert(1)</code>"));

    let (_, _, story) = get(&app, "/stories/2").await;
    assert!(
        story.contains("<a href=\"/articles/4\">"),
        "non-http source links to our copy"
    );
    // a citation to an article the store lacks does not break the page
    assert!(story.contains("Source sentence unavailable."));

    let (_, _, feed) = get(&app, "/feed.atom").await;
    assert!(!feed.contains("<script>"));
    assert!(!feed.contains("href=\"javascript:"));
    assert!(
        !feed.contains("&lt;a href=&quot;javascript:")
            && !feed.contains("&lt;a href=\"javascript:")
    );
    let parsed = atom_syndication::Feed::from_str(&feed).unwrap();
    let entry = parsed
        .entries
        .iter()
        .find(|e| e.id.ends_with("/stories/2"))
        .unwrap();
    assert!(
        entry.title.value.contains(EVIL),
        "title round-trips as text"
    );
    let html = entry.content.as_ref().unwrap().value.as_deref().unwrap();
    assert!(!html.contains("<script>"), "entry HTML is escaped: {html}");
    assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"));
    assert!(!html.contains("javascript:"));

    let (_, api) = get_json(&app, "/api/stories/2").await;
    assert_eq!(
        api["headline"]["text"].as_str().unwrap(),
        format!("Eastbrook council passes budget {EVIL}")
    );
}

#[tokio::test]
async fn api_index_shape() {
    let app = app().await;
    let (status, v) = get_json(&app, "/api/stories").await;
    assert_eq!(status, StatusCode::OK);
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["next_offset", "stories"]);
    assert!(v["next_offset"].is_null());
    let stories = v["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 2);
    let first = stories[0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["articles", "dek", "headline", "id", "outlets", "sources", "updated", "version"]
    );
    assert_eq!(first["id"], 1);
    assert_eq!(first["sources"], 2);
    assert_eq!(first["version"], 2);
    assert_eq!(first["updated"], "2010-05-24T08:00:00Z");
    assert_eq!(
        first["articles"],
        serde_json::json!([
            "https://eastbrookherald.example/news/mill-street-bridge",
            "t17://corpus/valley/0003",
            "https://westportdaily.example/2010/05/24/eastbrook-bridge"
        ])
    );
    assert_eq!(
        first["outlets"],
        serde_json::json!([
            "The Eastbrook Herald",
            "Valley Wire Reprints",
            "Westport Daily"
        ])
    );
    assert_eq!(stories[1]["id"], 2);

    let (_, page1) = get_json(&app, "/api/stories?limit=1").await;
    assert_eq!(page1["stories"].as_array().unwrap().len(), 1);
    assert_eq!(page1["next_offset"], 1);
    let (_, page2) = get_json(&app, "/api/stories?limit=1&offset=1").await;
    assert_eq!(page2["stories"][0]["id"], 2);
    assert!(page2["next_offset"].is_null());
    let (status, junk) = get_json(&app, "/api/stories?limit=9999&offset=zz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(junk["stories"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn api_story_and_missing() {
    let app = app().await;
    let (status, v) = get_json(&app, "/api/stories/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["id"], 1);
    assert_eq!(v["version"], 2);
    assert_eq!(v["independent_sources"], 2);
    assert_eq!(v["sections"][0]["kind"], "timeline");
    assert_eq!(v["sections"][0]["paragraphs"][0]["date"], "2010-05-22");
    let cited = v["cited"].as_array().unwrap();
    let c = cited
        .iter()
        .find(|c| c["article"] == 2 && c["sentence"] == 1)
        .unwrap();
    assert_eq!(c["outlet"], "Westport Daily");
    assert_eq!(
        c["url"],
        "https://westportdaily.example/2010/05/24/eastbrook-bridge"
    );
    assert_eq!(
        c["text"],
        "Repairs are expected to take six weeks, Mayor Lena Ortiz said on Monday."
    );
    // each citation once
    let n = cited.len();
    let mut uniq: Vec<(i64, i64)> = cited
        .iter()
        .map(|c| {
            (
                c["article"].as_i64().unwrap(),
                c["sentence"].as_i64().unwrap(),
            )
        })
        .collect();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), n);

    for missing in ["/api/stories/42", "/api/stories/nope"] {
        let (status, v) = get_json(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(v["error"].as_str().unwrap().contains("not found"));
    }
}

#[tokio::test]
async fn atom_feed_parses_and_has_the_story() {
    let app = app().await;
    let resp = app
        .clone()
        .oneshot(
            Request::get("/feed.atom")
                .header("host", "news.example:8080")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    let body = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    let feed = atom_syndication::Feed::from_str(std::str::from_utf8(&body).unwrap()).unwrap();
    assert_eq!(feed.title.value, "Eastbrook Desk");
    assert_eq!(feed.entries.len(), 2);
    let e = &feed.entries[0];
    assert_eq!(
        e.title.value,
        "Eastbrook closes Mill Street Bridge over cracks"
    );
    assert_eq!(e.id, "http://news.example:8080/stories/1");
    assert_eq!(e.links[0].href, "http://news.example:8080/stories/1");
    assert_eq!(e.updated.to_rfc3339(), "2010-05-24T08:00:00+00:00");
    let html = e.content.as_ref().unwrap().value.as_deref().unwrap();
    assert!(html.contains("repairs will take six weeks"));
    assert!(html.contains("The Mill Street Bridge in Eastbrook was closed on Sunday"));
    assert!(html.contains(
        "Westport Daily: <a href=\"https://westportdaily.example/2010/05/24/eastbrook-bridge\">"
    ));
    assert!(html.contains("<a href=\"http://news.example:8080/articles/3\">"));

    // a hostile Host header is ignored
    let resp = app
        .clone()
        .oneshot(
            Request::get("/feed.atom")
                .header("host", "evil\"><x>")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(text.contains("http://localhost/stories/1"));
    assert!(!text.contains("evil"));
}

#[tokio::test]
async fn missing_pages_are_404_pages() {
    let app = app().await;
    for uri in [
        "/stories/999",
        "/stories/abc",
        "/stories/1/history/x",
        "/nowhere",
        "/stories/0",
    ] {
        let (status, ctype, page) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(ctype.starts_with("text/html"), "{uri}");
        assert!(page.contains("Page not found"), "{uri}");
    }
}

#[tokio::test]
async fn store_errors_give_500_pages_without_details() {
    let app = router(AppState {
        store: Arc::new(FakeStore {
            fail: true,
            ..Default::default()
        }),
        site_title: "Eastbrook Desk".to_string(),
    });
    for uri in [
        "/",
        "/stories/1",
        "/articles/1",
        "/stories/1/history",
        "/feed.atom",
    ] {
        let (status, _, page) = get(&app, uri).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
        assert!(
            !page.contains("disk on fire") && !page.contains("/secret"),
            "{uri}"
        );
    }
    let (status, v) = get_json(&app, "/api/stories").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(v["error"], "internal error");
}

#[tokio::test]
async fn health_and_style() {
    let app = app().await;
    let (status, _, body) = get(&app, "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let (status, ctype, css) = get(&app, "/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/css"));
    assert!(css.contains("max-width: 42rem"));
    assert!(css.contains("prefers-color-scheme: dark"));
    assert!(css.contains(":focus-visible"));
}

#[tokio::test]
async fn serve_binds_and_answers() {
    // `serve` runs until Ctrl-C; check that it binds and serves by racing it.
    let state = AppState {
        store: fixture_store().await,
        site_title: "Eastbrook Desk".to_string(),
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let server = tokio::spawn(crate::serve(state, addr));
    let mut answered = false;
    for _ in 0..50 {
        if let Ok(mut conn) = tokio::net::TcpStream::connect(addr).await {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut buf = Vec::new();
            conn.read_to_end(&mut buf).await.unwrap();
            let text = String::from_utf8_lossy(&buf);
            assert!(text.starts_with("HTTP/1.1 200"), "{text}");
            assert!(text.ends_with("ok"));
            answered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.abort();
    assert!(answered);
}

mod views {
    use super::*;
    use crate::views::*;

    #[test]
    fn only_http_urls_are_links() {
        assert_eq!(
            http_href("https://a.example/x"),
            Some("https://a.example/x")
        );
        assert_eq!(http_href(" HTTP://a.example/ "), Some("HTTP://a.example/"));
        assert_eq!(http_href("javascript:alert(1)"), None);
        assert_eq!(http_href("JavaScript:alert(1)"), None);
        assert_eq!(http_href("file:///etc/passwd"), None);
        assert_eq!(http_href("t17://corpus/1"), None);
        assert_eq!(http_href("https://a.example/x y"), None);
        assert_eq!(http_href("http://"), None);
        assert_eq!(http_href(""), None);
        assert_eq!(http_href("ht"), None);
        assert_eq!(http_href("ñññññ"), None);
    }

    #[test]
    fn spans_read_naturally() {
        let d = |m, d| Some(Utc.with_ymd_and_hms(2010, m, d, 12, 0, 0).unwrap());
        assert_eq!(fmt_span(d(5, 23), d(5, 23)), "May 23, 2010");
        assert_eq!(fmt_span(d(5, 23), d(5, 24)), "May 23 – 24, 2010");
        assert_eq!(fmt_span(d(5, 30), d(6, 2)), "May 30 – June 2, 2010");
        assert_eq!(fmt_span(d(5, 30), None), "May 30, 2010");
        assert_eq!(fmt_span(None, None), "");
        let y = Some(Utc.with_ymd_and_hms(2011, 1, 2, 0, 0, 0).unwrap());
        assert_eq!(
            fmt_span(d(12, 30), y),
            "December 30, 2010 – January 2, 2011"
        );
        assert_eq!(
            fmt_day(NaiveDate::from_ymd_opt(2010, 5, 23).unwrap()),
            "Sunday, May 23, 2010"
        );
    }

    #[test]
    fn truncate_counts_chars() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("ééééé", 2), "éé…");
    }

    #[test]
    fn article_paragraphs_keep_all_text() {
        let a = Article {
            text: "Intro line\n\nOne. Two.\nThree.\n\n\nTail".to_string(),
            sentences: vec![Span::new(12, 16), Span::new(17, 21), Span::new(22, 28)],
            ..Default::default()
        };
        let paras = article_paragraphs(&a);
        let flat: Vec<Vec<(Option<usize>, &str)>> = paras
            .iter()
            .map(|p| p.iter().map(|s| (s.sentence, s.text.as_str())).collect())
            .collect();
        assert_eq!(
            flat,
            vec![
                vec![(None, "Intro line")],
                vec![(Some(0), "One."), (Some(1), "Two."), (Some(2), "Three.")],
                vec![(None, "Tail")],
            ]
        );
        // broken spans: fall back to plain paragraphs
        let bad = Article {
            text: "A b.\n\nC d.".to_string(),
            sentences: vec![Span::new(3, 99)],
            ..Default::default()
        };
        assert_eq!(article_paragraphs(&bad).len(), 2);
    }
}

/// Writes the fixture pages to `$LEDE_DUMP_DIR` for eyeballing (`--ignored`).
#[tokio::test]
#[ignore]
async fn dump_pages() {
    let dir = std::env::var("LEDE_DUMP_DIR").unwrap();
    let app = app().await;
    for (name, uri) in [
        ("front", "/"),
        ("story1", "/stories/1"),
        ("story2", "/stories/2"),
        ("old", "/stories/1/versions/1"),
        ("history", "/stories/1/history"),
        ("article1", "/articles/1"),
        ("article4", "/articles/4"),
        ("missing", "/stories/9"),
    ] {
        let (_, _, page) = get(&app, uri).await;
        let page = page.replace("/static/style.css", "style.css");
        std::fs::write(format!("{dir}/{name}.html"), page).unwrap();
    }
    std::fs::write(format!("{dir}/style.css"), crate::STYLE_CSS).unwrap();
    let (_, _, feed) = get(&app, "/feed.atom").await;
    std::fs::write(format!("{dir}/feed.atom"), feed).unwrap();
}
