//! Verifier tests: clean sentences pass, each kind of injected error is caught.

use super::*;
use lede_model::{Citation, Paragraph};

fn article(id: ArticleId, outlet: &str, sentences: &[&str]) -> Article {
    Article {
        id,
        outlet: outlet.into(),
        title: "Harbor cranes halted in Westport".into(),
        ..Default::default()
    }
    .with_sentences(sentences)
}

fn sources() -> Vec<Article> {
    vec![
        article(
            1,
            "Westport Daily",
            &[
                "Dock workers in Westport stopped 14 cranes on Tuesday in a dispute over night shifts.",
                "Union leader Mara Quist said: \"We will not load a single ship until the rota is fixed.\"",
                "The port authority did not comment.",
            ],
        ),
        article(
            2,
            "Harbor Wire",
            &["The strike cost shippers about 2,500 containers a day, the port authority said."],
        ),
    ]
}

fn cite(article: ArticleId, sentence: usize) -> Citation {
    Citation { article, sentence }
}

fn check(text: &str, citations: Vec<Citation>) -> Result<(), Reason> {
    let arts = sources();
    check_sentence(
        &CitedSentence::new(text, citations),
        &Sources::new(&arts),
        false,
    )
}

#[test]
fn verbatim_and_templated_sentences_pass() {
    check(
        "Dock workers in Westport stopped 14 cranes on Tuesday in a dispute over night shifts.",
        vec![cite(1, 0)],
    )
    .unwrap();
    check(
        "Union leader Mara Quist said: \u{201c}We will not load a single ship until the rota is fixed.\u{201d}",
        vec![cite(1, 1)],
    )
    .unwrap();
    check(
        "The strike cost shippers about 2500 containers a day, according to Harbor Wire.",
        vec![cite(2, 0)],
    )
    .unwrap();
}

#[test]
fn catches_a_changed_number() {
    let e = check(
        "Dock workers in Westport stopped 15 cranes on Tuesday in a dispute over night shifts.",
        vec![cite(1, 0)],
    )
    .unwrap_err();
    assert!(e.contains("15"), "{e}");
}

#[test]
fn catches_a_swapped_name_or_day() {
    assert!(check(
        "Dock workers in Eastbrook stopped 14 cranes on Tuesday in a dispute over night shifts.",
        vec![cite(1, 0)],
    )
    .is_err());
    assert!(check(
        "Dock workers in Westport stopped 14 cranes on Friday in a dispute over night shifts.",
        vec![cite(1, 0)],
    )
    .is_err());
}

#[test]
fn catches_a_changed_quote() {
    let e = check(
        "Union leader Mara Quist said: \"We will not load a single boat until the rota is fixed.\"",
        vec![cite(1, 1)],
    )
    .unwrap_err();
    assert!(e.contains("verbatim"), "{e}");
}

#[test]
fn catches_added_and_dropped_negation() {
    assert!(check(
        "Dock workers in Westport never stopped 14 cranes on Tuesday in a dispute over night shifts.",
        vec![cite(1, 0)],
    )
    .is_err());
    assert!(check("The port authority did comment.", vec![cite(1, 2)]).is_err());
}

#[test]
fn catches_wrong_source_and_missing_citations() {
    assert!(check(
        "Dock workers in Westport stopped 14 cranes on Tuesday in a dispute over night shifts.",
        vec![cite(2, 0)],
    )
    .is_err());
    assert!(check("Dock workers stopped cranes.", vec![]).is_err());
    assert!(check("Dock workers stopped cranes.", vec![cite(1, 9)]).is_err());
    assert!(check("Dock workers stopped cranes.", vec![cite(9, 0)]).is_err());
}

#[test]
fn verify_story_drops_and_records() {
    let arts = sources();
    let good = CitedSentence::new(
        "Dock workers in Westport stopped 14 cranes on Tuesday in a dispute over night shifts.",
        vec![cite(1, 0)],
    );
    let bad = CitedSentence::new(
        "The strike cost shippers about 9,000 containers a day, the port authority said.",
        vec![cite(2, 0)],
    );
    let mut story = Story {
        headline: CitedSentence::new("Harbor cranes halted in Westport", vec![cite(1, 0)]),
        dek: bad.clone(),
        lede: Paragraph {
            date: None,
            sentences: vec![good.clone()],
        },
        body: vec![Paragraph {
            date: None,
            sentences: vec![bad.clone()],
        }],
        ..Default::default()
    };
    let report = verify_story(&mut story, &arts);
    assert_eq!(report.dropped, 2);
    assert_eq!(
        story.dek, good,
        "the lede's first sentence replaces a failed dek"
    );
    assert!(story.body.is_empty());
    assert_eq!(story.dropped.len(), 2);
    assert!(story.dropped[0].reason.contains("9,000"));
    assert_eq!(story.headline.text, "Harbor cranes halted in Westport");
}
