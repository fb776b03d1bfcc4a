//! A benchmark of the faithfulness check: take sentences the writer wrote
//! (before verification), inject one error of a known kind into each, and
//! count how many the verifier catches; also count how many of the clean,
//! unchanged sentences it flags.
//!
//! The injected errors are the ones a writer (or an LLM) makes: a swapped
//! name, a changed number, a changed date, a quote with a word changed, an
//! added or removed negation, and a claim cited to the wrong source sentence.
//! Each mutation is applied only where it makes sense (a number is changed
//! only in a sentence that has one) and must change the sentence's meaning,
//! so a miss is a real miss.

use std::collections::BTreeMap;

use lede_model::{Article, Citation, CitedSentence, Story};
use lede_verify::{check_sentence, Sources};

/// The kinds of injected error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mutation {
    SwappedName,
    ChangedNumber,
    ChangedDate,
    AlteredQuote,
    AddedNegation,
    RemovedNegation,
    WrongSource,
}

impl Mutation {
    pub const ALL: [Mutation; 7] = [
        Mutation::SwappedName,
        Mutation::ChangedNumber,
        Mutation::ChangedDate,
        Mutation::AlteredQuote,
        Mutation::AddedNegation,
        Mutation::RemovedNegation,
        Mutation::WrongSource,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mutation::SwappedName => "swapped name",
            Mutation::ChangedNumber => "changed number",
            Mutation::ChangedDate => "changed date",
            Mutation::AlteredQuote => "altered quote",
            Mutation::AddedNegation => "added negation",
            Mutation::RemovedNegation => "removed negation",
            Mutation::WrongSource => "wrong source",
        }
    }
}

/// Results of one benchmark run.
#[derive(Debug, Clone, Default)]
pub struct VerifierReport {
    pub stories: usize,
    /// Clean sentences checked, and how many of them the verifier flagged.
    pub clean: usize,
    pub clean_flagged: usize,
    /// Per mutation kind: (injected, caught).
    pub by_kind: BTreeMap<Mutation, (usize, usize)>,
    /// Reasons given for flagged clean sentences (a sample, for reading).
    pub false_flags: Vec<(String, String)>,
    /// Injected errors the verifier let through (a sample): kind, original, mutated.
    pub misses: Vec<(Mutation, String, String)>,
    pub sentences_per_second: f64,
}

impl VerifierReport {
    pub fn injected(&self) -> usize {
        self.by_kind.values().map(|v| v.0).sum()
    }
    pub fn caught(&self) -> usize {
        self.by_kind.values().map(|v| v.1).sum()
    }
    /// Share of injected errors caught.
    pub fn catch_rate(&self) -> f64 {
        self.caught() as f64 / self.injected().max(1) as f64
    }
    /// Share of clean sentences flagged.
    pub fn false_flag_rate(&self) -> f64 {
        self.clean_flagged as f64 / self.clean.max(1) as f64
    }
}

impl std::fmt::Display for VerifierReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "verifier: stories {} injected {} caught {:.4} | clean {} flagged {:.4} |",
            self.stories,
            self.injected(),
            self.catch_rate(),
            self.clean,
            self.false_flag_rate()
        )?;
        for (k, (n, c)) in &self.by_kind {
            write!(f, " {} {}/{}", k.name(), c, n)?;
        }
        write!(f, " | sentences/s {:.0}", self.sentences_per_second)
    }
}

/// Run the benchmark over drafted (unverified) stories and their articles.
pub fn benchmark(cases: &[(Vec<Article>, Story)]) -> VerifierReport {
    let start = std::time::Instant::now();
    let mut report = VerifierReport {
        stories: cases.len(),
        ..Default::default()
    };
    let mut checks = 0usize;
    for (articles, story) in cases {
        let sources = Sources::new(articles);
        // Names the story's sources use, to swap in.
        let names = story_names(articles);
        let headline = &story.headline;
        for (i, s) in story.all_sentences().enumerate() {
            if s.text.trim().is_empty() {
                continue;
            }
            let is_headline = i == 0 && std::ptr::eq(s, headline);
            checks += 1;
            report.clean += 1;
            if let Err(reason) = check_sentence(s, &sources, is_headline) {
                report.clean_flagged += 1;
                if report.false_flags.len() < 2000 {
                    report.false_flags.push((s.text.clone(), reason));
                }
                // A sentence the verifier already refuses says nothing about
                // whether it catches an injected error.
                continue;
            }
            let evidence = evidence_text(s, articles);
            for kind in Mutation::ALL {
                let Some(m) = mutate(kind, s, i, articles, &names, &evidence) else {
                    continue;
                };
                checks += 1;
                let e = report.by_kind.entry(kind).or_default();
                e.0 += 1;
                if check_sentence(&m, &sources, is_headline).is_err() {
                    e.1 += 1;
                } else if report.misses.len() < 2000 {
                    report.misses.push((kind, s.text.clone(), m.text.clone()));
                }
            }
        }
    }
    report.sentences_per_second = checks as f64 / start.elapsed().as_secs_f64().max(1e-9);
    report
}

fn evidence_text(s: &CitedSentence, articles: &[Article]) -> String {
    let mut out = String::new();
    for c in &s.citations {
        if let Some(a) = articles.iter().find(|a| a.id == c.article) {
            out.push_str(a.sentence(c.sentence));
            out.push('\n');
            out.push_str(&a.title);
            out.push('\n');
            out.push_str(&a.outlet);
            out.push('\n');
        }
    }
    out
}

/// Capitalised words that are not sentence-initial, from all the story's articles:
/// the names a confused writer would mix up.
fn story_names(articles: &[Article]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for a in articles {
        for s in a.sentence_texts() {
            for (j, w) in s.split_whitespace().enumerate() {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                if j > 0
                    && w.len() > 2
                    && w.chars().next().is_some_and(char::is_uppercase)
                    && w.chars().skip(1).all(char::is_lowercase)
                    && !lede_text::is_stopword(&w.to_lowercase())
                    && !names.iter().any(|n| n == w)
                {
                    names.push(w.to_string());
                }
            }
        }
    }
    names
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const AUXILIARIES: [&str; 12] = [
    "is", "was", "are", "were", "will", "would", "could", "should", "has", "had", "can", "did",
];

/// Words of a sentence with their byte ranges (split on whitespace, trimmed of punctuation).
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for raw in text.split_whitespace() {
        let start = text[pos..].find(raw).map_or(pos, |o| pos + o);
        pos = start + raw.len();
        let lead = raw.len() - raw.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
        let trail = raw.len() - raw.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
        if lead + trail < raw.len() {
            out.push((start + lead, start + raw.len() - trail));
        }
    }
    out
}

fn replace(text: &str, (a, b): (usize, usize), with: &str) -> String {
    format!("{}{}{}", &text[..a], with, &text[b..])
}

/// Whether position `p` lies inside a double-quoted stretch.
fn inside_quotes(text: &str, p: usize) -> bool {
    text[..p]
        .chars()
        .filter(|c| matches!(c, '"' | '\u{201c}' | '\u{201d}'))
        .count()
        % 2
        == 1
}

/// One mutated copy of `s`, or None when the kind does not apply. Choices are
/// deterministic (they depend on the sentence index), so runs are repeatable.
fn mutate(
    kind: Mutation,
    s: &CitedSentence,
    index: usize,
    articles: &[Article],
    names: &[String],
    evidence: &str,
) -> Option<CitedSentence> {
    let text = &s.text;
    let spans = word_spans(text);
    let word = |sp: &(usize, usize)| &text[sp.0..sp.1];
    let outside: Vec<(usize, usize)> = spans
        .iter()
        .copied()
        .filter(|sp| !inside_quotes(text, sp.0))
        .collect();
    let with_text = |t: String| Some(CitedSentence::new(t, s.citations.clone()));
    match kind {
        Mutation::SwappedName => {
            // A capitalised, non-initial word outside quotes, replaced by
            // another name from the story that the evidence lacks.
            let target = outside.iter().skip(1).find(|sp| {
                let w = word(sp);
                w.len() > 2
                    && w.chars().next().is_some_and(char::is_uppercase)
                    && !WEEKDAYS.contains(&w)
                    && !MONTHS.contains(&w)
            })?;
            let evidence_lower = evidence.to_lowercase();
            let other = names
                .iter()
                .cycle()
                .skip(index % names.len().max(1))
                .take(names.len())
                .find(|n| !evidence_lower.contains(&n.to_lowercase()))?;
            with_text(replace(text, *target, other))
        }
        Mutation::ChangedNumber => {
            let target = outside.iter().find(|sp| {
                let w = word(sp);
                w.chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
                    && w.chars().any(|c| c.is_ascii_digit())
                    && !(w.len() == 4 && (w.starts_with("19") || w.starts_with("20")))
            })?;
            let digits: String = word(target).chars().filter(char::is_ascii_digit).collect();
            let n: u64 = digits.parse().ok()?;
            let changed = if n < 10 { n + 3 } else { n + n / 3 + 1 };
            with_text(replace(text, *target, &changed.to_string()))
        }
        Mutation::ChangedDate => {
            for sp in &outside {
                let w = word(sp);
                if let Some(i) = WEEKDAYS.iter().position(|d| *d == w) {
                    return with_text(replace(text, *sp, WEEKDAYS[(i + 2) % 7]));
                }
                if let Some(i) = MONTHS.iter().position(|m| *m == w) {
                    return with_text(replace(text, *sp, MONTHS[(i + 3) % 12]));
                }
                if w.len() == 4 && (w.starts_with("19") || w.starts_with("20")) {
                    if let Ok(y) = w.parse::<u32>() {
                        return with_text(replace(text, *sp, &(y + 1).to_string()));
                    }
                }
            }
            None
        }
        Mutation::AlteredQuote => {
            // A word of four letters or more inside quotes, swapped for
            // another word of the story's sources.
            let inside: Vec<&(usize, usize)> = spans
                .iter()
                .filter(|sp| inside_quotes(text, sp.0) && word(sp).len() >= 4)
                .collect();
            let target = inside.get(index % inside.len().max(1))?;
            let replacement = ["quickly", "never", "entirely", "rarely", "openly"]
                .into_iter()
                .find(|r| !text.contains(r))?;
            with_text(replace(text, **target, replacement))
        }
        Mutation::AddedNegation => {
            let target = outside
                .iter()
                .find(|sp| AUXILIARIES.contains(&word(sp).to_lowercase().as_str()))?;
            let next = &text[target.1..];
            if next.trim_start().starts_with("not") || next.starts_with("n't") {
                return None;
            }
            with_text(format!("{} not{}", &text[..target.1], next))
        }
        Mutation::RemovedNegation => {
            for sp in &outside {
                let w = word(sp).to_lowercase();
                if w == "not" || w == "never" {
                    // Drop the word and the space before it.
                    let start = text[..sp.0].trim_end().len();
                    return with_text(format!("{}{}", &text[..start], &text[sp.1..]));
                }
                if let Some(stem) = w.strip_suffix("n't") {
                    // "won't" and "can't" split as "wo" + "n't", "ca" + "n't".
                    let positive = match stem {
                        "wo" | "won" => "will",
                        "ca" | "can" => "can",
                        "sha" => "shall",
                        other => other,
                    };
                    return with_text(replace(text, *sp, positive));
                }
            }
            None
        }
        Mutation::WrongSource => {
            // Cite a sentence of another article, far from what this one says.
            let own: Vec<String> = lede_text::content_stems(text);
            let first = s.citations.first()?;
            // The headline is checked against the cited articles' titles too,
            // so for it only another article (with another title) is wrong.
            let own_title = articles
                .iter()
                .find(|a| a.id == first.article)
                .map(|a| a.title.as_str());
            let others = articles.iter().filter(|a| a.id != first.article);
            let same = articles
                .iter()
                .filter(|a| index > 0 && a.id == first.article);
            for a in others.chain(same) {
                if index == 0 && Some(a.title.as_str()) == own_title {
                    continue;
                }
                let n = a.sentences.len();
                for k in 0..n {
                    let j = (k + index * 7) % n;
                    if a.id == first.article && j.abs_diff(first.sentence) < 2 {
                        continue;
                    }
                    let other = lede_text::content_stems(a.sentence(j));
                    let shared = own.iter().filter(|w| other.contains(w)).count();
                    if other.len() >= 5 && shared * 5 < own.len() {
                        return Some(CitedSentence::new(
                            text.clone(),
                            vec![Citation {
                                article: a.id,
                                sentence: j,
                            }],
                        ));
                    }
                }
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: i64, outlet: &str, text: &str) -> Article {
        Article {
            id,
            outlet: outlet.into(),
            title: "Harbour bridge reopens".into(),
            sentences: lede_text::split_sentences(text),
            text: text.into(),
            ..Default::default()
        }
    }

    fn cite(a: i64, s: usize) -> Vec<Citation> {
        vec![Citation {
            article: a,
            sentence: s,
        }]
    }

    #[test]
    fn mutations_change_the_sentence_and_are_caught() {
        let a = article(
            1,
            "Harbour Times",
            "Mayor Lena Osk said on Tuesday that 240 workers would return to the Eastbrook yard. \
             \"We will reopen the gates soon,\" Osk told reporters. \
             The council did not approve the new budget for the ferry service.",
        );
        let b = article(
            2,
            "Valley Post",
            "Storms flooded several farms near Westport during the weekend and closed two schools.",
        );
        let articles = vec![a.clone(), b];
        let story = Story {
            headline: CitedSentence::new("Harbour bridge reopens", cite(1, 0)),
            dek: CitedSentence::new(a.sentence(0), cite(1, 0)),
            lede: lede_model::Paragraph {
                date: None,
                sentences: vec![
                    CitedSentence::new(a.sentence(1), cite(1, 1)),
                    CitedSentence::new(a.sentence(2), cite(1, 2)),
                ],
            },
            ..Default::default()
        };
        let r = benchmark(&[(articles, story)]);
        assert_eq!(r.clean, 4);
        assert_eq!(r.clean_flagged, 0, "{:?}", r.false_flags);
        for kind in [
            Mutation::SwappedName,
            Mutation::ChangedNumber,
            Mutation::ChangedDate,
            Mutation::AlteredQuote,
            Mutation::AddedNegation,
            Mutation::RemovedNegation,
            Mutation::WrongSource,
        ] {
            let (n, c) = r.by_kind.get(&kind).copied().unwrap_or_default();
            assert!(n > 0, "{} never injected", kind.name());
            assert_eq!(n, c, "{} missed", kind.name());
        }
    }

    #[test]
    fn word_spans_skip_punctuation() {
        let t = "\"Yes,\" he said (twice).";
        let words: Vec<&str> = word_spans(t).iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(words, ["Yes", "he", "said", "twice"]);
    }
}
