//! The story page, end to end through the stages around the writer: a
//! fictional event reported by three fictional outlets goes through the real
//! analyze stage, the extractive writer and the verifier, and the page must
//! have the example page's shape: a composed headline naming the actors, a
//! section per party with its stance and attributed quotes, and every
//! sentence cited and passing verification.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use lede_model::{Article, SectionKind, Story};
use lede_write::{ExtractiveWriter, StoryInput, Writer, WriterConfig};

fn article(id: i64, outlet: &str, day: u32, hour: u32, title: &str, text: &str) -> Article {
    Article {
        id,
        url: format!(
            "https://{}.example/{id}",
            outlet.to_lowercase().replace(' ', "-")
        ),
        outlet: outlet.into(),
        title: title.into(),
        published: Some(Utc.with_ymd_and_hms(2031, 5, day, hour, 0, 0).unwrap()),
        sentences: lede_text::split_sentences(text),
        text: text.into(),
        ..Default::default()
    }
}

/// Talks over fishing rights between two fictional countries, mediated by a
/// fictional envoy, as three fictional outlets report them.
fn articles() -> Vec<Article> {
    vec![
        article(1, "Harbor Wire", 11, 18,
            "Envoy calls Port Arden fishing talks 'productive' as quota row lingers | Harbor Wire",
            "PORT ARDEN (Harbor Wire) — Northern League envoy Mira Castell called two days of talks between Valdoria and the Kestrel Republic on fishing rights \"productive and constructive\" on Sunday, but the two sides remain split over quotas in the Grey Banks.\n\n\
Castell met the Valdorian delegation on Saturday and held a joint session with both delegations on Sunday.\n\n\
The talks centred on four documents: a quota schedule, a joint patrol agreement, a compensation fund for coastal towns and a dispute tribunal.\n\n\
\"Particular attention was given to the sequencing of next steps,\" Castell said in a joint statement with Kestrel negotiator Anton Rusk.\n\n\
Valdorian Foreign Minister Elena Varga said the quota schedule proposed by the Kestrel Republic would ruin Valdoria's northern fleet.\n\n\
\"We will not sign a schedule that empties our harbours,\" Varga said."),
        article(2, "Valdoria Today", 12, 7,
            "Valdoria rejects Kestrel quota plan at Port Arden talks",
            "Valdoria rejected the Kestrel Republic's quota schedule on Sunday, saying it would ruin the country's northern fleet, as talks on fishing rights in the Grey Banks ended in Port Arden without a deal.\n\n\
Foreign ministry spokesman Tomas Bell told Meridian News Agency that Valdoria was ready to keep talking.\n\n\
\"The door is open, but the nets stay in our waters,\" Bell told Meridian News Agency.\n\n\
Valdorian Foreign Minister Elena Varga will report to parliament on Tuesday.\n\n\
The dispute over the Grey Banks began in 2027 when both countries claimed the fishing grounds."),
        article(3, "The Kestrel Post", 12, 9,
            "Kestrel Republic says Port Arden talks moving 'at a fair pace'",
            "Kestrel President Ivo Marek said the talks in Port Arden on fishing rights were moving \"at a fair pace\" but warned that much depended on Valdoria.\n\n\
\"Much depends on whether Valdoria wants a deal for real,\" Marek told reporters in Kestrel City on Monday.\n\n\
Kestrel negotiator Anton Rusk will return to Kestrel City on Monday to brief Marek.\n\n\
Northern League envoy Mira Castell said the next round of talks would be held in June.\n\n\
The Kestrel Republic has proposed cutting Valdoria's quota in the Grey Banks by a third."),
    ]
}

/// Analyze, write with a word budget, verify.
fn page(max_words: usize) -> (Story, Story, Vec<Article>) {
    let articles = articles();
    let analyses: Vec<_> = articles.iter().map(lede_analyze::analyze).collect();
    let copies = HashMap::new();
    let writer = ExtractiveWriter::new(WriterConfig {
        max_words,
        ..WriterConfig::default()
    });
    let draft = writer.write(&StoryInput {
        id: 3,
        articles: &articles,
        analyses: &analyses,
        copies: &copies,
        previous: None,
        now: Utc.with_ymd_and_hms(2031, 5, 12, 12, 0, 0).unwrap(),
    });
    let mut story = draft.clone();
    lede_verify::verify_story(&mut story, &articles);
    (draft, story, articles)
}

fn cited_text(s: &lede_model::CitedSentence, articles: &[Article]) -> String {
    s.citations
        .iter()
        .map(|c| {
            articles
                .iter()
                .find(|a| a.id == c.article)
                .unwrap()
                .sentence(c.sentence)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_sentence_is_cited_and_passes_verification() {
    let (draft, story, _) = page(120);
    for s in draft.all_sentences() {
        assert!(!s.citations.is_empty(), "uncited: {}", s.text);
    }
    assert!(
        story.dropped.is_empty(),
        "the verifier dropped {:?}",
        story.dropped
    );
    assert_eq!(draft, story);
}

#[test]
fn the_headline_is_composed_from_a_cited_sentence() {
    let (_, story, articles) = page(120);
    let h = &story.headline;
    // Three outlets, three different titles: none of them is the headline.
    for a in &articles {
        assert!(!a.title.starts_with(&h.text), "copied title: {}", h.text);
    }
    let words = h.text.split_whitespace().count();
    assert!((4..=14).contains(&words), "{}", h.text);
    assert!(!h.text.ends_with('.'));
    // It names an actor, and every word of it is in the sentence it cites.
    assert!(
        ["Valdoria", "Kestrel", "Castell", "Marek"]
            .iter()
            .any(|n| h.text.contains(n)),
        "{}",
        h.text
    );
    let source = cited_text(h, &articles);
    for w in h.text.split_whitespace() {
        assert!(
            source.contains(w),
            "{w:?} of {:?} is not in {source:?}",
            h.text
        );
    }
}

#[test]
fn each_party_has_a_section_with_its_stance_and_quotes() {
    let (_, story, articles) = page(80);
    let stances: Vec<_> = story
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Stance)
        .collect();
    assert!(stances.len() >= 2, "{:#?}", story.sections);
    let headings: Vec<&str> = stances.iter().map(|s| s.heading.as_str()).collect();
    // The foreign minister speaks for Valdoria: the party is the country.
    let valdoria = stances
        .iter()
        .find(|s| s.heading == "Valdoria's position")
        .unwrap_or_else(|| panic!("no Valdoria section in {headings:?}"));
    let text: Vec<&str> = valdoria.paragraphs[0]
        .sentences
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("Valdorian Foreign Minister Elena Varga said")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t
                .contains("\u{201c}We will not sign a schedule that empties our harbours\u{201d}")),
        "{text:?}"
    );
    // The outlet a speaker talked to is named when the source names it.
    let all: Vec<&str> = stances
        .iter()
        .flat_map(|s| &s.paragraphs)
        .flat_map(|p| &p.sentences)
        .map(|s| s.text.as_str())
        .collect();
    assert!(
        all.iter()
            .any(|t| t.contains("Tomas Bell told Meridian News Agency: \u{201c}The door is open")),
        "{all:?}"
    );
    // Quotes are verbatim from what they cite.
    for s in stances
        .iter()
        .flat_map(|s| &s.paragraphs)
        .flat_map(|p| &p.sentences)
    {
        if let Some(open) = s.text.find('\u{201c}') {
            let quote = s.text[open + 3..].trim_end_matches('\u{201d}');
            assert!(
                cited_text(s, &articles).contains(quote),
                "{quote:?} not verbatim"
            );
        }
    }
}

#[test]
fn an_enumeration_becomes_key_items() {
    let (_, story, _) = page(80);
    let items = story
        .sections
        .iter()
        .find(|s| s.heading == "The four documents")
        .unwrap_or_else(|| panic!("no key items in {:#?}", story.sections));
    let entries: Vec<&str> = items
        .paragraphs
        .iter()
        .map(|p| p.sentences[0].text.as_str())
        .collect();
    assert_eq!(
        entries,
        vec![
            "A quota schedule",
            "A joint patrol agreement",
            "A compensation fund for coastal towns",
            "A dispute tribunal"
        ]
    );
}

#[test]
fn statements_in_the_prose_are_not_repeated_in_sections() {
    let (_, story, _) = page(300);
    let prose: Vec<&str> = std::iter::once(&story.dek)
        .chain(&story.lede.sentences)
        .chain(story.body.iter().flat_map(|p| &p.sentences))
        .map(|s| s.text.as_str())
        .collect();
    for s in story
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Stance)
        .flat_map(|s| &s.paragraphs)
        .flat_map(|p| &p.sentences)
    {
        if let Some(open) = s.text.find('\u{201c}') {
            let quote = s.text[open + 3..].trim_end_matches('\u{201d}');
            assert!(
                !prose.iter().any(|p| p.contains(quote)),
                "repeated: {quote}"
            );
        }
        assert!(!prose.contains(&s.text.as_str()), "repeated: {}", s.text);
    }
}
