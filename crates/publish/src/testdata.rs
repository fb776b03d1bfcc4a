//! Test fixtures: a HashMap-backed [`Store`] and a fictional town's news (the
//! Eastbrook Herald, Westport Daily and friends are invented). Also compiled
//! into the `fixture_site` example, which serves them for browser tests.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use lede_model::{
    Article, ArticleId, Citation, CitedSentence, DroppedSentence, Feed, Paragraph, RelatedStory,
    Section, SectionKind, SourceRef, Span, Story, StoryId, StorySummary,
};
use lede_store::{Inserted, Result, Store, StoreError, StoreStats, StoryVersionInfo};

/// A HashMap-backed store; `fail` makes every read return an error.
#[derive(Default)]
pub struct FakeStore {
    pub articles: Mutex<HashMap<ArticleId, Article>>,
    /// Every version of every story.
    pub stories: Mutex<HashMap<StoryId, Vec<Story>>>,
    pub feeds: Mutex<Vec<Feed>>,
    pub fail: bool,
}

impl FakeStore {
    /// Stories (of one topic), newest first, as the real stores list them.
    fn listed(
        &self,
        topic: Option<&str>,
        min_sources: usize,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        self.check()?;
        let mut list: Vec<Story> = self
            .latest()
            .into_iter()
            .filter(|s| s.independent_sources >= min_sources)
            .filter(|s| topic.is_none() || s.topic.as_deref() == topic)
            .collect();
        list.sort_by_key(|s| std::cmp::Reverse(s.last_published));
        Ok(list
            .iter()
            .skip(offset)
            .take(limit)
            .map(StorySummary::from)
            .collect())
    }

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
        self.listed(None, min_sources, limit, offset)
    }
    async fn topic_stories(
        &self,
        topic: &str,
        min_sources: usize,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        self.listed(Some(topic), min_sources, limit, offset)
    }
    async fn all_stories(&self) -> Result<Vec<Story>> {
        self.check()?;
        Ok(self.latest())
    }
    async fn add_feed(&self, url: &str, title: Option<&str>) -> Result<Feed> {
        self.check()?;
        let mut feeds = self.feeds.lock().unwrap();
        if let Some(f) = feeds.iter().find(|f| f.url == url) {
            return Ok(f.clone());
        }
        let feed = Feed {
            id: feeds.len() as i64 + 1,
            url: url.to_string(),
            title: title.map(str::to_string),
            ..Default::default()
        };
        feeds.push(feed.clone());
        Ok(feed)
    }
    async fn remove_feed(&self, url: &str) -> Result<bool> {
        self.check()?;
        let mut feeds = self.feeds.lock().unwrap();
        let before = feeds.len();
        feeds.retain(|f| f.url != url);
        Ok(feeds.len() < before)
    }
    async fn feeds(&self) -> Result<Vec<Feed>> {
        self.check()?;
        Ok(self.feeds.lock().unwrap().clone())
    }
    async fn update_feed(&self, _feed: &Feed) -> Result<()> {
        Ok(())
    }
    async fn stats(&self) -> Result<StoreStats> {
        Ok(StoreStats {
            articles: self.articles.lock().unwrap().len() as u64,
            stories: self.stories.lock().unwrap().len() as u64,
            feeds: self.feeds.lock().unwrap().len() as u64,
            ..Default::default()
        })
    }
}

/// Hostile text from a source: script, attribute break-out, early `</title>`.
pub const EVIL: &str = "<script>alert(1)</script> \" onerror=\"x </title>";

pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2010, 5, day, hour, 0, 0).unwrap()
}

/// An article whose text is `paragraphs` (lists of sentences) joined by blank lines.
pub fn article(
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

pub fn cs(text: &str, cites: &[(ArticleId, usize)]) -> CitedSentence {
    CitedSentence::new(
        text,
        cites
            .iter()
            .map(|&(article, sentence)| Citation { article, sentence })
            .collect(),
    )
}

pub fn source(a: &Article, copy_of: Option<ArticleId>) -> SourceRef {
    SourceRef {
        article: a.id,
        url: a.url.clone(),
        outlet: a.outlet.clone(),
        title: a.title.clone(),
        published: a.published,
        copy_of,
        paywalled: a.paywalled,
    }
}

/// A fake store holding the fixture.
pub async fn fixture_store() -> Arc<FakeStore> {
    let store = Arc::new(FakeStore::default());
    populate(store.as_ref()).await;
    store
}

/// Store the fixture: four articles from Eastbrook (one of them hostile) and
/// two stories, the first in two versions. On an empty store the articles get
/// ids 1-4, which the stories cite.
pub async fn populate(store: &dyn Store) {
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
    let mut westport = article(
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
    // Its page says it is for subscribers.
    westport.paywalled = Some(true);
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
        &[
            &[
                "Council members met <script>alert(1)</script> on Thursday.",
                "The budget \" onerror=\"x passed </title> narrowly.",
            ],
            &[
                "A photo <img src=x onerror=\"window.__xss=1\"> was attached.",
                "Read more <a href=\"javascript:window.__xss=2\">here</a> or <script>window.__xss=3</script>.",
            ],
        ],
    );
    for a in [&herald, &westport, &wire, &evil] {
        let got = store.insert_article(a).await.unwrap().id();
        assert_eq!(got, a.id, "the fixture needs an empty store");
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
        topic: Some("politics".to_string()),
        ..Default::default()
    };
    store.save_story(&budget).await.unwrap();
    store
        .assign(&[(1, 1), (2, 1), (3, 1), (4, 2)])
        .await
        .unwrap();
}

/// A third story for a livelier site (browser tests, load tests): a harbour
/// festival covered by ten articles from six outlets over a day and a half,
/// two of them wire copies. Article ids 5-14, story id 3. Call after
/// [`populate`].
pub async fn populate_festival(store: &dyn Store) {
    let outlets = [
        "The Eastbrook Herald",
        "Westport Daily",
        "Harbour Notes",
        "Ridge Radio",
        "County Ledger",
        "Valley Wire Reprints",
    ];
    let lines: [&[&str]; 4] = [
        &[
            "The Eastbrook harbour festival opened on Friday with a parade of forty boats.",
            "Organisers expect 30,000 visitors over the weekend, harbour master Ines Varga said.",
        ],
        &["Food stalls line the quay from the lighthouse to the ferry terminal."],
        &["\"We have never had so many boats,\" said festival director Tomas Reyes."],
        &["The festival closes on Sunday with fireworks over the bay."],
    ];
    let mut arts = Vec::new();
    for i in 0..10u32 {
        let id = 5 + i as i64;
        let outlet = outlets[(i as usize * 7) % outlets.len()];
        let mut a = article(
            id,
            outlet,
            &format!("Harbour festival opens with a parade of boats ({})", i + 1),
            &format!("https://festival{i}.example/news/harbour-festival"),
            at(28, 6) + chrono::Duration::minutes(i64::from(i) * 190),
            &lines,
        );
        // Bodies differ a little so that the store keeps each once.
        a.text.push_str(&format!("\n\nReport number {}.", i + 1));
        let got = store.insert_article(&a).await.unwrap().id();
        assert_eq!(got, id, "populate_festival needs the store populate() made");
        arts.push(a);
    }
    let sources: Vec<SourceRef> = arts
        .iter()
        .map(|a| source(a, (a.id == 9 || a.id == 13).then_some(a.id - 1)))
        .collect();
    let story = Story {
        id: 3,
        version: 1,
        updated: at(29, 20),
        headline: cs(
            "Eastbrook harbour festival opens with forty boats",
            &[(5, 0)],
        ),
        dek: cs(
            "Organisers expect 30,000 visitors; the festival closes on Sunday with fireworks.",
            &[(5, 1), (6, 4)],
        ),
        lede: Paragraph {
            date: None,
            sentences: vec![cs(
                "The Eastbrook harbour festival opened on Friday with a parade of forty boats.",
                &[(5, 0), (7, 0)],
            )],
        },
        body: vec![Paragraph {
            date: None,
            sentences: vec![
                cs(
                    "Food stalls line the quay from the lighthouse to the ferry terminal.",
                    &[(8, 2)],
                ),
                cs(
                    "Festival director Tomas Reyes said there had never been so many boats.",
                    &[(10, 3)],
                ),
            ],
        }],
        sections: vec![Section {
            heading: "Timeline".to_string(),
            kind: SectionKind::Timeline,
            paragraphs: vec![
                Paragraph {
                    date: NaiveDate::from_ymd_opt(2010, 5, 28),
                    sentences: vec![cs("The festival opened with a parade.", &[(5, 0)])],
                },
                Paragraph {
                    date: NaiveDate::from_ymd_opt(2010, 5, 30),
                    sentences: vec![cs("Fireworks close the festival.", &[(11, 4)])],
                },
            ],
        }],
        articles: arts.iter().map(|a| a.id).collect(),
        independent_sources: 8,
        first_published: arts.first().and_then(|a| a.published),
        last_published: arts.last().and_then(|a| a.published),
        sources,
        related: vec![RelatedStory {
            id: 1,
            headline: "Eastbrook closes Mill Street Bridge over cracks".to_string(),
            teaser: "Inspectors found cracks in two support beams.".to_string(),
        }],
        note: lede_model::MACHINE_NOTE.to_string(),
        topic: Some("culture".to_string()),
        ..Default::default()
    };
    store.save_story(&story).await.unwrap();
    let members: Vec<(ArticleId, StoryId)> = (5..15).map(|id| (id, 3)).collect();
    store.assign(&members).await.unwrap();
}
