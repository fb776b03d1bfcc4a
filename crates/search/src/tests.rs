//! Tests on fictional stories and articles from an invented town.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use lede_model::{Article, CitedSentence, Paragraph, Section, SectionKind, SourceRef, Story};

use crate::{majority_language, Kind, SearchError, SearchIndex, SearchQuery};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 3, day, hour, 0, 0).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2031, 3, d).unwrap()
}

fn article(
    id: i64,
    outlet: &str,
    lang: &str,
    published: DateTime<Utc>,
    title: &str,
    text: &str,
) -> Article {
    Article {
        id,
        url: format!(
            "https://{}.example/a/{id}",
            outlet.to_lowercase().replace(' ', "")
        ),
        outlet: outlet.to_string(),
        title: title.to_string(),
        published: Some(published),
        language: Some(lang.to_string()),
        text: text.to_string(),
        ..Default::default()
    }
}

fn story(id: i64, headline: &str, dek: &str, lede: &str, sources: &[&Article]) -> Story {
    let first = sources.iter().filter_map(|a| a.published).min();
    let last = sources.iter().filter_map(|a| a.published).max();
    Story {
        id,
        version: 1,
        updated: last.unwrap_or_else(|| at(1, 0)),
        headline: CitedSentence::new(headline, vec![]),
        dek: CitedSentence::new(dek, vec![]),
        lede: Paragraph {
            date: None,
            sentences: vec![CitedSentence::new(lede, vec![])],
        },
        articles: sources.iter().map(|a| a.id).collect(),
        sources: sources
            .iter()
            .map(|a| SourceRef {
                article: a.id,
                url: a.url.clone(),
                outlet: a.outlet.clone(),
                title: a.title.clone(),
                published: a.published,
                copy_of: None,
                paywalled: None,
            })
            .collect(),
        independent_sources: sources.len(),
        first_published: first,
        last_published: last,
        ..Default::default()
    }
}

/// Two stories and four articles: a ferry strike in Harwick (English) and a
/// museum reopening in Lunéville-sur-Mer (French and English).
fn corpus() -> (Vec<Story>, Vec<Article>) {
    let a1 = article(
        1,
        "Harwick Gazette",
        "en",
        at(3, 8),
        "Ferry crews strike over night shifts",
        "Ferry crews in Harwick walked out on Monday, stranding commuters. \
         The union said the strike would last until the night shifts were reduced.",
    );
    let a2 = article(
        2,
        "Coastline Post",
        "en-GB",
        at(4, 14),
        "Harwick ferries still idle",
        "No ferry left Harwick harbour on Tuesday as the striking crews held a rally.",
    );
    let a3 = article(
        3,
        "Le Courrier du Port",
        "fr",
        at(10, 9),
        "Le musée de Lunéville rouvre ses portes",
        "Le musée maritime de Lunéville-sur-Mer a rouvert samedi après deux ans de travaux.",
    );
    let a4 = article(
        4,
        "Coastline Post",
        "en",
        at(11, 16),
        "Maritime museum reopens after repairs",
        "The maritime museum in Luneville-sur-Mer reopened on Saturday after two years of repairs.",
    );
    let mut s1 = story(
        1,
        "Harwick ferry crews strike over night shifts",
        "Commuters are stranded as crews refuse night shifts.",
        "Ferry crews in Harwick walked out on Monday.",
        &[&a1, &a2],
    );
    s1.sections = vec![Section {
        heading: "Timeline".to_string(),
        kind: SectionKind::Timeline,
        paragraphs: vec![Paragraph {
            date: Some(day(4)),
            sentences: vec![CitedSentence::new(
                "Striking crews held a rally at the lighthouse.",
                vec![],
            )],
        }],
    }];
    let s2 = story(
        2,
        "Maritime museum in Lunéville-sur-Mer reopens",
        "The museum was closed for two years of repairs.",
        "The maritime museum reopened on Saturday.",
        &[&a3, &a4],
    );
    (vec![s1, s2], vec![a1, a2, a3, a4])
}

fn loaded() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let (stories, articles) = corpus();
    for a in &articles {
        index.index_article(a).unwrap();
    }
    for s in &stories {
        let members: Vec<&Article> = articles
            .iter()
            .filter(|a| s.articles.contains(&a.id))
            .collect();
        let lang = majority_language(members);
        index.index_story(s, lang.as_deref()).unwrap();
    }
    index.commit().unwrap();
    index
}

fn ids(index: &SearchIndex, q: &SearchQuery) -> Vec<(Kind, i64)> {
    index
        .search(q)
        .unwrap()
        .hits
        .iter()
        .map(|h| (h.kind, h.id))
        .collect()
}

#[test]
fn finds_stories_and_articles_by_words() {
    let index = loaded();
    assert_eq!(index.num_docs(), 6);
    let r = index.search(&SearchQuery::text("ferry strike")).unwrap();
    let found: Vec<(Kind, i64)> = r.hits.iter().map(|h| (h.kind, h.id)).collect();
    assert!(found.contains(&(Kind::Story, 1)));
    assert!(found.contains(&(Kind::Article, 1)));
    assert!(!found.iter().any(|(_, id)| *id == 3 || *id == 4));
    assert_eq!(r.total, found.len());
    let top = r.hits.iter().find(|h| h.kind == Kind::Story).unwrap();
    assert_eq!(top.title, "Harwick ferry crews strike over night shifts");
    assert_eq!(top.outlets, ["Harwick Gazette", "Coastline Post"]);
    assert_eq!(top.language.as_deref(), Some("en"));
    assert_eq!(top.sources, Some(2));
    assert_eq!(top.version, Some(1));
    assert_eq!(top.date, Some(at(4, 14)));
    assert_eq!(top.first_date, Some(at(3, 8)));
    assert!(top.score > 0.0);
    assert_eq!(top.url, None);
    let art = r.hits.iter().find(|h| h.kind == Kind::Article).unwrap();
    assert_eq!(
        art.url.as_deref(),
        Some("https://harwickgazette.example/a/1")
    );
}

#[test]
fn stems_and_folds_accents() {
    let index = loaded();
    // "striking" and "strike" share a stem
    let r = ids(&index, &SearchQuery::text("striking"));
    assert!(r.contains(&(Kind::Article, 1)), "{r:?}");
    assert!(r.contains(&(Kind::Article, 2)), "{r:?}");
    // "Luneville" finds "Lunéville" and the other way round
    let plain = ids(&index, &SearchQuery::text("Luneville"));
    let accented = ids(&index, &SearchQuery::text("Lunéville"));
    assert!(plain.contains(&(Kind::Article, 3)), "{plain:?}");
    assert!(plain.contains(&(Kind::Story, 2)), "{plain:?}");
    assert_eq!(
        {
            let mut p = plain.clone();
            p.sort_by_key(|x| x.1 * 10 + (x.0 == Kind::Story) as i64);
            p
        },
        {
            let mut a = accented.clone();
            a.sort_by_key(|x| x.1 * 10 + (x.0 == Kind::Story) as i64);
            a
        }
    );
    // every word must match by default
    assert!(ids(&index, &SearchQuery::text("ferry museum")).is_empty());
    // but OR is available
    // ("musée" is another word: the French article is not found)
    assert_eq!(ids(&index, &SearchQuery::text("ferry OR museum")).len(), 5);
}

#[test]
fn words_in_sections_and_outlets_are_found() {
    let index = loaded();
    assert_eq!(
        ids(&index, &SearchQuery::text("lighthouse")),
        [(Kind::Story, 1)]
    );
    // the French story lists the outlet among its sources
    let mut r = ids(&index, &SearchQuery::text("courrier"));
    r.sort_by_key(|x| x.0 == Kind::Article);
    assert_eq!(r, [(Kind::Story, 2), (Kind::Article, 3)]);
}

#[test]
fn filters_by_outlet_language_kind_and_dates() {
    let index = loaded();
    let q = |f: &dyn Fn(&mut SearchQuery)| {
        let mut q = SearchQuery::default();
        f(&mut q);
        let mut r = ids(&index, &q);
        r.sort_by_key(|x| (x.0 == Kind::Article, x.1));
        r
    };
    // outlet: exact name, any case and spacing; stories list all their outlets
    assert_eq!(
        q(&|q| q.outlet = Some("coastline  POST".into())),
        [
            (Kind::Story, 1),
            (Kind::Story, 2),
            (Kind::Article, 2),
            (Kind::Article, 4)
        ]
    );
    assert!(q(&|q| q.outlet = Some("Coastline".into())).is_empty());
    // language: en-GB counts as en; a story takes its articles' majority
    assert_eq!(
        q(&|q| q.language = Some("en".into())),
        [
            (Kind::Story, 1),
            (Kind::Article, 1),
            (Kind::Article, 2),
            (Kind::Article, 4)
        ]
    );
    assert_eq!(
        q(&|q| q.language = Some("FR".into())),
        [(Kind::Story, 2), (Kind::Article, 3)]
    );
    assert!(q(&|q| q.language = Some("<b>".into())).is_empty());
    // kind
    assert_eq!(
        q(&|q| q.kind = Some(Kind::Story)),
        [(Kind::Story, 1), (Kind::Story, 2)]
    );
    // dates are inclusive days; a story counts when its coverage overlaps
    assert_eq!(
        q(&|q| {
            q.from = Some(day(4));
            q.to = Some(day(4));
        }),
        [(Kind::Story, 1), (Kind::Article, 2)]
    );
    assert_eq!(
        q(&|q| q.to = Some(day(3))),
        [(Kind::Story, 1), (Kind::Article, 1)]
    );
    assert_eq!(
        q(&|q| q.from = Some(day(11))),
        [(Kind::Story, 2), (Kind::Article, 4)]
    );
    // filters combine with words
    let mut both = SearchQuery::text("museum");
    both.kind = Some(Kind::Article);
    both.language = Some("en".into());
    assert_eq!(ids(&index, &both), [(Kind::Article, 4)]);
}

#[test]
fn no_words_lists_newest_first() {
    let index = loaded();
    let r = index.search(&SearchQuery::default()).unwrap();
    assert_eq!(r.total, 6);
    let dates: Vec<_> = r.hits.iter().map(|h| h.date.unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    assert!(r.hits.iter().all(|h| h.score == 0.0));
    // snippets fall back to the start of the text
    let a1 = r
        .hits
        .iter()
        .find(|h| h.kind == Kind::Article && h.id == 1)
        .unwrap();
    assert!(a1
        .snippet
        .text()
        .starts_with("Ferry crews in Harwick walked out"));
    assert!(!a1.snippet.has_hits());
}

#[test]
fn sorts_by_date_when_asked() {
    let index = loaded();
    let mut q = SearchQuery::text("harwick OR museum");
    q.sort = crate::Sort::Newest;
    let r = index.search(&q).unwrap();
    let dates: Vec<_> = r.hits.iter().map(|h| h.date.unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    assert_eq!(r.total, 5);
    assert_eq!("Newest".parse::<crate::Sort>(), Ok(crate::Sort::Newest));
}

#[test]
fn snippets_mark_the_matched_words() {
    let index = loaded();
    let mut q = SearchQuery::text("rally");
    q.kind = Some(Kind::Article);
    let r = index.search(&q).unwrap();
    assert_eq!(r.hits.len(), 1);
    let s = &r.hits[0].snippet;
    let hits: Vec<&str> = s
        .parts
        .iter()
        .filter(|p| p.hit)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(hits, ["rally"]);
    assert!(s.text().contains("held a rally"));
    // the title is marked too, and keeps its punctuation
    let r = index.search(&SearchQuery::text("idle")).unwrap();
    let t = &r.hits[0].title_snippet;
    assert_eq!(t.text(), "Harwick ferries still idle");
    assert_eq!(
        t.parts
            .iter()
            .filter(|p| p.hit)
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>(),
        ["idle"]
    );
    // a long text is cut around the match, with ellipses
    let index2 = SearchIndex::in_memory().unwrap();
    let long = format!(
        "{} The harbour master counted eleven gulls. {}",
        "Quiet waters filled the bay all morning. ".repeat(20),
        "Boats waited in the fog for hours. ".repeat(20)
    );
    index2
        .index_article(&article(9, "Harwick Gazette", "en", at(5, 5), "Fog", &long))
        .unwrap();
    index2.commit().unwrap();
    let r = index2.search(&SearchQuery::text("gulls")).unwrap();
    let text = r.hits[0].snippet.text();
    assert!(text.starts_with("… "), "{text}");
    assert!(text.ends_with(" …"), "{text}");
    assert!(text.chars().count() < 260, "{text}");
    assert!(text.contains("eleven gulls"));
}

#[test]
fn upserts_replace_and_deletes_remove() {
    let index = loaded();
    let (mut stories, articles) = corpus();
    let mut s1 = stories.remove(0);
    s1.version = 2;
    s1.headline = CitedSentence::new("Harwick ferry strike ends with a deal", vec![]);
    index.index_story(&s1, Some("en")).unwrap();
    // not visible before the commit
    assert!(ids(&index, &SearchQuery::text("deal")).is_empty());
    index.commit().unwrap();
    assert_eq!(ids(&index, &SearchQuery::text("deal")), [(Kind::Story, 1)]);
    assert_eq!(index.num_docs(), 6, "replaced, not added");
    let mut story_only = SearchQuery::text("night shifts");
    story_only.kind = Some(Kind::Story);
    // the old headline is gone, but the dek still mentions night shifts
    let r = index.search(&story_only).unwrap();
    assert_eq!(r.hits.len(), 1);
    assert_eq!(r.hits[0].title, "Harwick ferry strike ends with a deal");
    let versions = index.story_versions().unwrap();
    assert_eq!(versions.get(&1), Some(&2));
    assert_eq!(versions.get(&2), Some(&1));
    assert_eq!(versions.len(), 2);

    // re-indexing an article with the same id is an update too
    let mut a = articles[0].clone();
    a.title = "Ferry crews return".to_string();
    index.index_article(&a).unwrap();
    index.delete_article(4).unwrap();
    index.delete_story(2).unwrap();
    index.commit().unwrap();
    assert_eq!(index.num_docs(), 4);
    assert!(ids(&index, &SearchQuery::text("reopens")).is_empty());
    assert_eq!(
        ids(&index, &SearchQuery::text("return")),
        [(Kind::Article, 1)]
    );

    index.clear().unwrap();
    index.commit().unwrap();
    assert_eq!(index.num_docs(), 0);
}

#[test]
fn pages_through_results() {
    let index = SearchIndex::in_memory().unwrap();
    for i in 1..=25 {
        index
            .index_article(&article(
                i,
                "Harwick Gazette",
                "en",
                at(1 + (i as u32 % 28), 0),
                &format!("Tide report {i}"),
                "The tide was high.",
            ))
            .unwrap();
    }
    index.commit().unwrap();
    let mut q = SearchQuery::text("tide");
    q.limit = 10;
    let p1 = index.search(&q).unwrap();
    assert_eq!(
        (p1.total, p1.hits.len(), p1.next_offset()),
        (25, 10, Some(10))
    );
    q.offset = 20;
    let p3 = index.search(&q).unwrap();
    assert_eq!((p3.hits.len(), p3.next_offset()), (5, None));
    let mut all: Vec<i64> = Vec::new();
    for offset in [0, 10, 20] {
        q.offset = offset;
        all.extend(index.search(&q).unwrap().hits.iter().map(|h| h.id));
    }
    all.sort();
    assert_eq!(all, (1..=25).collect::<Vec<_>>());
    // limits are clamped
    q.offset = 0;
    q.limit = 100_000;
    assert_eq!(index.search(&q).unwrap().limit, crate::MAX_LIMIT);
    q.limit = 0;
    assert_eq!(index.search(&q).unwrap().hits.len(), crate::DEFAULT_LIMIT);
}

#[test]
fn odd_query_text_is_never_an_error() {
    let index = loaded();
    for text in [
        "\"unbalanced",
        "title:",
        "nosuchfield:ferry",
        "*",
        "AND OR NOT",
        "(((",
        "ferry^^2",
        "[1 TO",
        "<script>alert(1)</script>",
        "\u{0}\u{7f}",
        "ferry AND",
        &"ferry ".repeat(1_000),
    ] {
        let r = index.search(&SearchQuery::text(text));
        assert!(r.is_ok(), "{text:?}: {r:?}");
    }
    // a phrase still works (the story's timeline has it too)
    let mut phrase = ids(&index, &SearchQuery::text("\"held a rally\""));
    phrase.sort_by_key(|x| x.0 == Kind::Article);
    assert_eq!(phrase, [(Kind::Story, 1), (Kind::Article, 2)]);
    assert!(ids(&index, &SearchQuery::text("\"rally held\"")).is_empty());
}

#[test]
fn on_disk_index_persists_and_has_one_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let index = SearchIndex::open(&path).unwrap();
        let (_, articles) = corpus();
        index.index_article(&articles[0]).unwrap();
        index.commit().unwrap();
        // a second writer on the same folder is refused
        match SearchIndex::open(&path) {
            Err(SearchError::Locked { path: p }) => assert!(p.contains("search")),
            other => panic!("expected Locked, got {other:?}"),
        }
        // a reader is fine, and sees the commit
        let reader = SearchIndex::open_read_only(&path).unwrap();
        assert_eq!(
            ids(&reader, &SearchQuery::text("ferry")),
            [(Kind::Article, 1)]
        );
        assert!(matches!(
            reader.index_article(&articles[1]),
            Err(SearchError::ReadOnly)
        ));
        assert!(matches!(reader.commit(), Err(SearchError::ReadOnly)));
    }
    // reopened after the writer is gone: the document is still there
    let index = SearchIndex::open(&path).unwrap();
    assert_eq!(index.num_docs(), 1);
    assert_eq!(index.path(), Some(path.as_path()));
}

#[test]
fn an_index_with_another_layout_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    std::fs::create_dir_all(&path).unwrap();
    {
        let mut b = tantivy::schema::Schema::builder();
        b.add_text_field("something_else", tantivy::schema::TEXT);
        tantivy::Index::create_in_dir(&path, b.build()).unwrap();
    }
    assert!(matches!(
        SearchIndex::open(&path),
        Err(SearchError::SchemaChanged { .. })
    ));
    let (index, rebuilt) = SearchIndex::open_or_rebuild(&path).unwrap();
    assert!(rebuilt);
    assert_eq!(index.num_docs(), 0);
    drop(index);
    let (_, rebuilt) = SearchIndex::open_or_rebuild(&path).unwrap();
    assert!(!rebuilt);
}

#[test]
fn majority_language_counts_primary_tags() {
    let a = |l: Option<&str>| Article {
        language: l.map(str::to_string),
        ..Default::default()
    };
    let list = [
        a(Some("fr")),
        a(Some("en-GB")),
        a(None),
        a(Some("EN")),
        a(Some("x")),
    ];
    assert_eq!(majority_language(&list).as_deref(), Some("en"));
    assert_eq!(majority_language(&[a(None)]), None);
    assert_eq!(
        majority_language(&[a(Some("de")), a(Some("fr"))]).as_deref(),
        Some("de")
    );
}

#[test]
fn kinds_parse_and_results_serialize() {
    assert_eq!("Stories".parse::<Kind>(), Ok(Kind::Story));
    assert_eq!("article".parse::<Kind>(), Ok(Kind::Article));
    assert!("video".parse::<Kind>().is_err());
    let index = loaded();
    let r = index.search(&SearchQuery::text("rally")).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["hits"][0]["kind"], "article");
    assert_eq!(v["hits"][0]["snippet"]["parts"][1]["hit"], true);
}
