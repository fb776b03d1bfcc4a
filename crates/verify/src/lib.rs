//! The faithfulness check.
//!
//! Before a story is published, every sentence is checked against the source
//! sentences it cites (its *evidence*: the cited sentences, plus the outlet
//! names of the cited articles, plus their titles for the headline). A
//! sentence passes when:
//! - it cites at least one source sentence, and every citation resolves;
//! - every quoted string in it appears verbatim in the evidence;
//! - every number in it appears in the evidence (`1,200` and `1200` are the same);
//! - every capitalised word (names, places, outlets, months, weekdays) appears in the evidence;
//! - it adds no negation the evidence lacks, and drops none the evidence has;
//! - most of its content words are in the evidence (a claim cited to the wrong
//!   source fails here).
//!
//! A failing sentence is dropped (the dek and headline are replaced by the next
//! best sentence that passes), and the story records what was dropped and why.

use std::collections::{HashMap, HashSet};

use lede_model::{Article, ArticleId, CitedSentence, DroppedSentence, Story};
use lede_text::words;

/// The source articles a story cites, by id.
pub struct Sources<'a> {
    articles: HashMap<ArticleId, &'a Article>,
}

impl<'a> Sources<'a> {
    pub fn new(articles: &'a [Article]) -> Self {
        Sources {
            articles: articles.iter().map(|a| (a.id, a)).collect(),
        }
    }
}

/// What the verifier did to a story.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Sentences checked.
    pub checked: usize,
    /// Sentences dropped or replaced.
    pub dropped: usize,
}

/// Why a sentence failed, in words a reader of the story record understands.
pub type Reason = String;

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "n't", "without", "nobody", "none", "neither", "nor", "nothing", "cannot",
];

fn normalise_quotes(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}' => '"',
            '\u{2018}' | '\u{2019}' => '\'',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Quoted strings of a sentence (between double quote marks).
fn quoted(s: &str) -> Vec<String> {
    let n = normalise_quotes(s);
    n.split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, q)| q.trim().trim_end_matches([',', ' ']).to_string())
        .filter(|q| !q.is_empty())
        .collect()
}

/// The sentence with quoted strings removed (they are checked verbatim instead).
fn unquoted(s: &str) -> String {
    let n = normalise_quotes(s);
    n.split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, p)| p)
        .collect::<Vec<_>>()
        .join(" ")
}

fn number_key(w: &str) -> Option<String> {
    if !w.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(
        w.chars()
            .filter(|c| c.is_alphanumeric() || *c == '.')
            .collect::<String>()
            .trim_end_matches('.')
            .to_lowercase(),
    )
}

fn lower_words(s: &str) -> Vec<String> {
    words(s)
        .into_iter()
        .map(|t| {
            t.text
                .trim_end_matches('.')
                .replace('\u{2019}', "'")
                .to_lowercase()
        })
        .collect()
}

fn negation_count(ws: &[String]) -> usize {
    ws.iter().filter(|w| is_negation(w)).count()
}

fn is_negation(w: &str) -> bool {
    NEGATIONS.contains(&w) || w.ends_with("n't")
}

/// The words negations apply to: for each negation, the first content word
/// within the next four words, not crossing another negation, a quote mark or
/// a clause break (`"I don't know," Gibbs said` does not negate Gibbs).
fn negation_targets(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for clause in normalise_quotes(text).split(['"', '.', ';', ':', '!', '?', '\n', '\u{2014}']) {
        negated_words(&lower_words(clause), &mut out);
    }
    out
}

fn negated_words(ws: &[String], out: &mut HashSet<String>) {
    for (i, w) in ws.iter().enumerate() {
        if !is_negation(w) {
            continue;
        }
        let target = ws[i + 1..]
            .iter()
            .take(4)
            .take_while(|n| !is_negation(n))
            .find(|n| !lede_text::is_stopword(n) && !n.chars().all(|c| c.is_ascii_digit()));
        if let Some(t) = target {
            out.insert(t.clone());
        }
    }
}

/// Check one sentence against its evidence. `headline` adds the cited
/// articles' titles to the evidence.
pub fn check_sentence(
    sentence: &CitedSentence,
    sources: &Sources,
    headline: bool,
) -> Result<(), Reason> {
    if sentence.text.trim().is_empty() {
        return Err("empty sentence".into());
    }
    if sentence.citations.is_empty() {
        return Err("cites no source".into());
    }
    // Cited sentences are joined with spaces (a quote may run across
    // consecutive sentences); outlet names and titles come after them.
    let mut evidence = String::new();
    let mut names = String::new();
    let mut primary = String::new();
    for (i, c) in sentence.citations.iter().enumerate() {
        let article = sources.articles.get(&c.article).ok_or_else(|| {
            format!(
                "cites article {} which is not a source of this story",
                c.article
            )
        })?;
        let text = article.sentence(c.sentence);
        if text.is_empty() && !(headline && c.sentence == 0) {
            return Err(format!(
                "cites sentence {} of article {}, which does not exist",
                c.sentence, c.article
            ));
        }
        if i == 0 {
            primary = text.to_string();
        }
        evidence.push_str(text);
        evidence.push(' ');
        names.push('\n');
        names.push_str(&article.outlet);
        if headline {
            names.push('\n');
            names.push_str(&article.title);
        }
    }
    evidence.push_str(&names);
    let evidence_norm = normalise_quotes(&evidence);

    for q in quoted(&sentence.text) {
        if !evidence_norm.contains(&q) {
            return Err(format!(
                "quote not found verbatim in the cited sources: \"{q}\""
            ));
        }
    }

    let body = unquoted(&sentence.text);
    let evidence_words = lower_words(&evidence);
    let mut evidence_set: HashSet<&str> = evidence_words.iter().map(String::as_str).collect();
    // "Salazar's" in a source names Salazar.
    evidence_set.extend(evidence_words.iter().filter_map(|w| w.strip_suffix("'s")));
    let evidence_numbers: HashSet<String> = words(&evidence)
        .into_iter()
        .filter_map(|t| number_key(t.text))
        .collect();

    for t in words(&body) {
        if let Some(n) = number_key(t.text) {
            // "5" is supported by "5bn" or "5m" (a unit glued on), not by "52".
            let with_unit = |e: &String| {
                e.strip_prefix(n.as_str())
                    .is_some_and(|rest| rest.chars().next().is_some_and(char::is_alphabetic))
            };
            if !evidence_numbers.contains(&n) && !evidence_numbers.iter().any(with_unit) {
                return Err(format!("number \"{}\" is not in the cited sources", t.text));
            }
            continue;
        }
        let first = t.text.chars().next().unwrap_or(' ');
        if first.is_uppercase() {
            let w = t
                .text
                .trim_end_matches('.')
                .replace('\u{2019}', "'")
                .to_lowercase();
            let bare = w.trim_end_matches("'s");
            if !evidence_set.contains(w.as_str())
                && !evidence_set.contains(bare)
                && (!lede_text::is_stopword(&w) || lede_text::is_calendar_word(&w))
            {
                return Err(format!("name \"{}\" is not in the cited sources", t.text));
            }
        }
    }

    // Negations are checked by what they negate: the first content word after
    // each one. The sentence may negate only what a source negates, and must
    // keep a negation its main source puts on a word it repeats.
    let body_words = lower_words(&body);
    let full_words = lower_words(&normalise_quotes(&sentence.text));
    let negated_here = negation_targets(&sentence.text);
    let negated_there = negation_targets(&evidence);
    if let Some(w) = negated_here.iter().find(|w| !negated_there.contains(*w)) {
        return Err(format!(
            "negates \"{w}\", which the cited sources do not negate"
        ));
    }
    if negation_count(&body_words) > negation_count(&evidence_words) {
        return Err("adds a negation the cited sources do not have".into());
    }
    if full_words.len() >= 4 {
        for w in negation_targets(&primary) {
            if full_words.contains(&w) && !negated_here.contains(&w) {
                return Err(format!(
                    "drops the negation of \"{w}\" that the cited source has"
                ));
            }
        }
    }

    let stems = lede_text::content_stems(&body);
    if stems.len() >= 4 {
        let ev: HashSet<String> = lede_text::content_stems(&evidence).into_iter().collect();
        let covered = stems.iter().filter(|s| ev.contains(*s)).count();
        if (covered as f32) < 0.6 * stems.len() as f32 {
            return Err(format!(
                "only {covered} of {} content words are in the cited sources",
                stems.len()
            ));
        }
    }
    Ok(())
}

/// Check every sentence of a story; drop (or replace) those that fail and
/// record them in `story.dropped`.
pub fn verify_story(story: &mut Story, articles: &[Article]) -> VerifyReport {
    let sources = Sources::new(articles);
    let mut report = VerifyReport::default();
    let mut dropped: Vec<DroppedSentence> = Vec::new();
    let mut fail = |s: &CitedSentence, headline: bool| -> bool {
        report.checked += 1;
        match check_sentence(s, &sources, headline) {
            Ok(()) => false,
            Err(reason) => {
                report.dropped += 1;
                dropped.push(DroppedSentence {
                    text: s.text.clone(),
                    reason,
                });
                true
            }
        }
    };

    story.lede.sentences.retain(|s| !fail(s, false));
    for p in &mut story.body {
        p.sentences.retain(|s| !fail(s, false));
    }
    story.body.retain(|p| !p.sentences.is_empty());
    for section in &mut story.sections {
        for p in &mut section.paragraphs {
            p.sentences.retain(|s| !fail(s, false));
        }
        section.paragraphs.retain(|p| !p.sentences.is_empty());
    }
    story.sections.retain(|s| !s.paragraphs.is_empty());

    // The dek must stand: when it fails, the first lede sentence takes its place.
    if fail(&story.dek, false) {
        story.dek = if story.lede.sentences.is_empty() {
            CitedSentence::default()
        } else {
            story.lede.sentences.remove(0)
        };
    }
    if story.lede.sentences.is_empty() && !story.body.is_empty() {
        story.lede = story.body.remove(0);
    }
    if fail(&story.headline, true) {
        story.headline = story.dek.clone();
    }
    story.dropped.extend(dropped);
    report
}

#[cfg(test)]
mod tests;
