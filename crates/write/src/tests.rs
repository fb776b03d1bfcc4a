//! Writer tests on a fictional story written for these tests.

use super::*;
use chrono::{NaiveDate, TimeZone};
use lede_model::{DateGranularity, Entity, Quote, Span, TimeExpr};

fn article(id: ArticleId, outlet: &str, day: u32, title: &str, sentences: &[&str]) -> Article {
    Article {
        id,
        url: format!(
            "https://{}.example/{id}",
            outlet.to_lowercase().replace(' ', "-")
        ),
        outlet: outlet.into(),
        title: title.into(),
        published: Some(Utc.with_ymd_and_hms(2031, 3, day, 8, 0, 0).unwrap()),
        ..Default::default()
    }
    .with_sentences(sentences)
}

fn fixture() -> (Vec<Article>, Vec<Analysis>) {
    let a1 = article(
        1,
        "Eastbrook Herald",
        8,
        "Eastbrook closes Miller Bridge after inspectors find cracks | Eastbrook Herald",
        &[
            "Eastbrook closed the Miller Bridge to all traffic on Saturday after inspectors found deep cracks in two of its steel supports.",
            "The bridge carries about 40,000 vehicles a day across the Tallow River.",
            "Mayor Lena Ortiz said: \"Nobody will cross that bridge until engineers tell me it is safe.\"",
            "He added that the ferry would run every twenty minutes.",
        ],
    );
    let a2 = article(
        2,
        "Westport Daily",
        9,
        "Miller Bridge closure snarls Eastbrook traffic",
        &[
            "Traffic backed up for miles on Sunday as commuters searched for routes around the closed Miller Bridge in Eastbrook.",
            "Inspectors found deep cracks in two steel supports of the Miller Bridge on Saturday, the city said.",
            "City engineer Tomas Reyes said repairs could take six weeks and cost $12 million.",
            "\"We are looking at every weld on that bridge, one by one, before we reopen it,\" Reyes said.",
        ],
    );
    let a3 = article(
        3,
        "Tallow Valley News",
        10,
        "Eastbrook adds ferries as bridge stays shut",
        &[
            "Eastbrook added two ferries across the Tallow River on Monday while the Miller Bridge stays closed for repairs.",
            "The city said repairs to the cracked supports could take six weeks.",
            "Click here to subscribe to our newsletter for more updates.",
        ],
    );
    let person = |name: &str, role: &str, sentence: usize| Entity {
        name: name.into(),
        kind: EntityKind::Person,
        role: Some(role.into()),
        sentence,
        span: Span::new(0, 0),
    };
    let an1 = Analysis {
        article: 1,
        entities: vec![person("Lena Ortiz", "Mayor", 2)],
        quotes: vec![Quote {
            sentence: 2,
            content: "Nobody will cross that bridge until engineers tell me it is safe.".into(),
            content_span: Span::new(0, 0),
            speaker: Some("Lena Ortiz".into()),
            speaker_span: None,
            role: Some("Mayor".into()),
            role_sentence: Some(2),
            cue: Some("said".into()),
            cue_span: None,
            direct: true,
        }],
        dates: vec![TimeExpr {
            sentence: 0,
            text: "on Saturday".into(),
            span: Span::new(0, 0),
            date: NaiveDate::from_ymd_opt(2031, 3, 8).unwrap(),
            granularity: DateGranularity::Day,
        }],
    };
    let an2 = Analysis {
        article: 2,
        entities: vec![person("Tomas Reyes", "City engineer", 2)],
        quotes: vec![Quote {
            sentence: 3,
            content:
                "We are looking at every weld on that bridge, one by one, before we reopen it,"
                    .into(),
            content_span: Span::new(0, 0),
            speaker: Some("Tomas Reyes".into()),
            speaker_span: None,
            role: Some("City engineer".into()),
            role_sentence: Some(2),
            cue: Some("said".into()),
            cue_span: None,
            direct: true,
        }],
        dates: vec![TimeExpr {
            sentence: 0,
            text: "on Sunday".into(),
            span: Span::new(0, 0),
            date: NaiveDate::from_ymd_opt(2031, 3, 9).unwrap(),
            granularity: DateGranularity::Day,
        }],
    };
    let an3 = Analysis {
        article: 3,
        ..Default::default()
    };
    (vec![a1, a2, a3], vec![an1, an2, an3])
}

fn write(
    articles: &[Article],
    analyses: &[Analysis],
    copies: &HashMap<ArticleId, ArticleId>,
) -> Story {
    ExtractiveWriter::default().write(&StoryInput {
        id: 7,
        articles,
        analyses,
        copies,
        previous: None,
        now: Utc.with_ymd_and_hms(2031, 3, 10, 12, 0, 0).unwrap(),
    })
}

#[test]
fn writes_every_part_of_a_story() {
    let (articles, analyses) = fixture();
    let story = write(&articles, &analyses, &HashMap::new());
    assert_eq!(story.id, 7);
    assert_eq!(story.version, 1);
    assert!(story.headline.text.contains("Bridge") || story.headline.text.contains("bridge"));
    assert!(!story.headline.text.contains("| Eastbrook Herald"));
    assert!(!story.dek.text.is_empty());
    assert!(!story.lede.sentences.is_empty());
    assert_eq!(story.independent_sources, 3);
    assert_eq!(story.sources.len(), 3);
    assert_eq!(story.note, MACHINE_NOTE);
    // Every sentence cites at least one source sentence.
    for s in story.all_sentences() {
        assert!(!s.citations.is_empty(), "uncited: {}", s.text);
    }
    // Boilerplate and dangling sentences never make it in.
    let all: Vec<&str> = story.all_sentences().map(|s| s.text.as_str()).collect();
    assert!(!all.iter().any(|s| s.contains("subscribe")));
    assert!(!all.iter().any(|s| s.starts_with("He added")));
}

#[test]
fn timeline_is_dated_and_ordered() {
    let (articles, analyses) = fixture();
    let story = write(&articles, &analyses, &HashMap::new());
    let timeline = story
        .sections
        .iter()
        .find(|s| s.kind == SectionKind::Timeline)
        .expect("a story over three days has a timeline");
    let dates: Vec<NaiveDate> = timeline
        .paragraphs
        .iter()
        .map(|p| p.date.unwrap())
        .collect();
    assert!(dates.len() >= 2);
    assert!(dates.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn quotes_go_to_their_party_verbatim_and_attributed_with_role() {
    let (articles, analyses) = fixture();
    // A short budget leaves the quotes out of the prose, for the sections.
    let story = ExtractiveWriter::new(WriterConfig {
        max_words: 40,
        ..WriterConfig::default()
    })
    .write(&StoryInput {
        id: 7,
        articles: &articles,
        analyses: &analyses,
        copies: &HashMap::new(),
        previous: None,
        now: Utc.with_ymd_and_hms(2031, 3, 10, 12, 0, 0).unwrap(),
    });
    let section = |heading: &str| {
        story
            .sections
            .iter()
            .find(|s| s.kind == SectionKind::Stance && s.heading == heading)
            .unwrap_or_else(|| panic!("no section {heading:?} in {:#?}", story.sections))
    };
    let ortiz = &section("What Lena Ortiz said").paragraphs[0].sentences[0];
    assert_eq!(
        ortiz.text,
        "Mayor Lena Ortiz said: \u{201c}Nobody will cross that bridge until engineers tell me it is safe.\u{201d}"
    );
    assert_eq!(
        ortiz.citations,
        vec![Citation {
            article: 1,
            sentence: 2
        }]
    );
    let reyes = &section("What Tomas Reyes said").paragraphs[0].sentences[0];
    assert!(reyes
        .text
        .starts_with("City engineer Tomas Reyes said: \u{201c}We are looking at every weld"));
    // The quote's sentence has only "Reyes": the naming and role sentence is cited too.
    assert_eq!(
        reyes.citations,
        vec![
            Citation {
                article: 2,
                sentence: 3
            },
            Citation {
                article: 2,
                sentence: 2
            }
        ]
    );
}

#[test]
fn attribution_reads_by_the_kind_of_role() {
    assert_eq!(
        attribute("Lena Ortiz", Some("Mayor"), true),
        "Mayor Lena Ortiz"
    );
    assert_eq!(
        attribute("Tomas Reyes", Some("the city engineer"), true),
        "Tomas Reyes, the city engineer,"
    );
    assert_eq!(
        attribute("Tomas Reyes", Some("director of the works"), true),
        "Tomas Reyes, director of the works,"
    );
    assert_eq!(
        attribute("Tomas Reyes", Some("Mayor"), false),
        "Tomas Reyes"
    );
}

#[test]
fn wire_copies_count_once() {
    let (mut articles, analyses) = fixture();
    let mut copy = articles[0].clone();
    copy.id = 4;
    copy.outlet = "Harbor Wire".into();
    articles.push(copy);
    let copies = HashMap::from([(4, 1)]);
    let story = write(&articles, &analyses, &copies);
    assert_eq!(story.sources.len(), 4);
    assert_eq!(story.independent_sources, 3);
    assert_eq!(
        story
            .sources
            .iter()
            .find(|s| s.article == 4)
            .unwrap()
            .copy_of,
        Some(1)
    );
}

#[test]
fn rewrite_says_what_changed() {
    let (articles, analyses) = fixture();
    let first = write(&articles[..2], &analyses, &HashMap::new());
    let second = ExtractiveWriter::default().write(&StoryInput {
        id: 7,
        articles: &articles,
        analyses: &analyses,
        copies: &HashMap::new(),
        previous: Some(&first),
        now: Utc::now(),
    });
    assert_eq!(second.version, 2);
    assert!(second
        .change_note
        .contains("1 new source article (Tallow Valley News)"));
}

#[test]
fn empty_and_single_article_stories_do_not_panic() {
    let story = write(&[], &[], &HashMap::new());
    assert_eq!(story.independent_sources, 0);
    let (articles, analyses) = fixture();
    let story = write(&articles[2..], &analyses, &HashMap::new());
    assert_eq!(story.independent_sources, 1);
    assert!(!story.headline.text.is_empty());
}

#[test]
fn clean_title_strips_outlet_suffix() {
    assert_eq!(
        clean_title("Ferry resumes - Westport Daily", "Westport Daily"),
        "Ferry resumes"
    );
    assert_eq!(
        clean_title("Ferry resumes - again", "Westport Daily"),
        "Ferry resumes - again"
    );
}

#[test]
fn selection_prefers_facts_several_outlets_share() {
    let a1 = article(
        1,
        "Harbor Wire",
        8,
        "Ferry Marten runs aground off Kestrel Point",
        &[
            "The ferry Marten ran aground off Kestrel Point on Sunday morning with 212 passengers aboard.",
            "Passengers aboard the ferry Marten heard a loud scraping noise at Kestrel Point.",
            "Gulls circled the stranded vessel for hours.",
            "Tides in the strait are among the strongest on the coast.",
            "Divers were later sent to inspect the hull, a tug crew member told reporters.",
        ],
    );
    let a2 = article(
        2,
        "Port Arden Gazette",
        8,
        "Marten grounding strands 212 at Kestrel Point",
        &[
            "The ferry Marten ran aground near Kestrel Point on Sunday with 212 people on board.",
            "The ferry line apologised to travellers and offered refunds.",
            "Weather on the strait was calm at the time.",
            "Divers were later sent to inspect the hull of the stranded Marten, harbour officials said.",
        ],
    );
    let bank = SentenceBank::new(&[&a1, &a2], &HashMap::new());
    // Room for the dek and one more sentence.
    let chosen = bank.select(30);
    let texts: Vec<&str> = chosen.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].contains("ran aground"), "{texts:?}");
    // The divers, whom both outlets report, beat one outlet's colour.
    assert!(texts[1].contains("Divers"), "{texts:?}");
}
