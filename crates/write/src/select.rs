//! Scoring and selecting source sentences.
//!
//! Each sentence is scored by centrality, lead position and agreement
//! ([`SentenceBank::new`]); the story's sentences are then picked greedily
//! ([`SentenceBank::select`]) for their score and for the shared phrases they
//! add: the word pairs that two or more articles wrote, weighted by how many,
//! that the sentences already chosen do not cover (concept coverage in the
//! manner of Gillick and Favre, 2009). A story thus states many facts the
//! outlets agree on, each once.

use std::collections::{HashMap, HashSet};

use std::sync::LazyLock;

use lede_model::{Article, ArticleId, Citation, CitedSentence};
use regex::Regex;

/// A source sentence that may go into the story.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub article: ArticleId,
    pub sentence: usize,
    pub text: String,
    /// Unique content stems, sorted.
    pub stems: Vec<String>,
    /// Position of the sentence in its article (0 = first).
    pub position: usize,
    pub outlet: String,
    /// Centrality with lead bias; higher is more important.
    pub score: f32,
    /// Whether the sentence reads on its own (no dangling reference, no boilerplate).
    pub standalone: bool,
    pub words: usize,
}

/// All candidate sentences of one story, with the story's term centroid.
pub struct SentenceBank {
    candidates: Vec<Candidate>,
    index: HashMap<(ArticleId, usize), usize>,
    centroid: HashMap<String, f32>,
    centroid_norm: f32,
    /// For each candidate (same index), its word pairs that two or more
    /// articles use, with how many articles use each.
    shared: Vec<Vec<((String, String), u32)>>,
}

/// How much a sentence's new shared phrases (per word) weigh against its
/// score in [`SentenceBank::select`]. Measured on the Multi-News sample
/// (ROUGE-2 at 300 words): 0 -> 0.1522, 2 -> 0.1534, 4 -> 0.1534,
/// 8 -> 0.1557, 10 -> 0.1555, 16 -> 0.1557, 32 -> 0.1552.
const COVERAGE_WEIGHT: f32 = 10.0;

/// Cosine of content stems above which a sentence repeats one already chosen.
const REDUNDANT: f32 = 0.45;

/// Words a sentence must not start with to stand alone: they point back to
/// something the reader of the story has not seen.
const DANGLING_STARTS: &[&str] = &[
    "he",
    "she",
    "it",
    "they",
    "this",
    "these",
    "those",
    "that",
    "his",
    "her",
    "their",
    "its",
    "but",
    "and",
    "or",
    "so",
    "also",
    "however",
    "meanwhile",
    "still",
    "yet",
    "there",
    "here",
    "we",
    "i",
    "you",
    "him",
    "them",
    "such",
    "both",
    "then",
    "later",
    "instead",
    "otherwise",
    "other",
    "another",
    "the latter",
    "the former",
];

/// Phrases that mark page furniture rather than reporting.
const BOILERPLATE: &[&str] = &[
    "click here",
    "subscribe",
    "copyright",
    "all rights reserved",
    "follow us",
    "sign up",
    "newsletter",
    "read more",
    "share this",
    "cookies",
    "email this",
    "print this",
    "advertisement",
    "terms of use",
    "our mailing list",
    "the form below",
    "enable javascript",
    "requires javascript",
    "in the comments",
    "our gallery",
    // Captions and embedded players, not reporting.
    "image caption",
    "media caption",
    "media playback",
    "file photo",
    "ap photo",
    "photo:",
    "image:",
    "getty images",
    "when you tweet",
    "your browser",
    ", left, ",
    ", right, ",
    ", center, ",
];

/// A dateline or page furniture at the start of a sentence ("DENVER (AP) — ",
/// "KATHMANDU, Nepal (Reuters) - ", "Updated | "): not part of what the
/// sentence says, so it is left out of the story's copy.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:[A-Z]{2,}[A-Z .'’-]*?(?:,(?: [A-Z][A-Za-z.]+){1,2})?(?: \([^()]{1,30}\))?|\([^()]{1,30}\)) ?(?:—|–|--|-) |Updated \| |CLOSE )",
    )
    .expect("dateline regex")
});

/// `text` without a leading dateline.
pub fn strip_dateline(text: &str) -> &str {
    match DATELINE.find(text) {
        Some(m)
            if text[m.end()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c == '"' || c == '\u{201c}') =>
        {
            &text[m.end()..]
        }
        _ => text,
    }
}

/// Whether most words are capitalised: a headline or label line, not a sentence.
fn title_case(text: &str) -> bool {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let caps = words
        .iter()
        .filter(|w| {
            w.chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_uppercase)
        })
        .count();
    words.len() >= 4 && caps * 10 >= words.len() * 7
}

fn reads_alone(text: &str) -> bool {
    let t = text.trim();
    let Some(first) = t.chars().next() else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit() || "\"\u{201c}'\u{2018}".contains(first)) {
        return false;
    }
    let last = t.chars().next_back().unwrap_or(' ');
    if !".!\"\u{201d}'\u{2019})".contains(last) || t.ends_with('?') || t.ends_with("?\"") {
        return false;
    }
    if ends_with_abbreviation(t) {
        return false;
    }
    let straight = t.matches('"').count();
    if straight % 2 == 1 || t.matches('\u{201c}').count() != t.matches('\u{201d}').count() {
        return false;
    }
    let lower = t.to_lowercase();
    let first_word = lower
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    if DANGLING_STARTS.contains(&first_word) || title_case(t) {
        return false;
    }
    !BOILERPLATE.iter().any(|b| lower.contains(b))
}

/// Whether the text stops at an abbreviation ("... victims of the Sept.",
/// "... South Carolina Gov.", "... David O."): a sentence split in the wrong
/// place, not a whole sentence.
pub(crate) fn ends_with_abbreviation(t: &str) -> bool {
    let Some(last) = t
        .strip_suffix('.')
        .and_then(|s| s.split_whitespace().next_back())
    else {
        return false;
    };
    let letters: Vec<char> = last.chars().filter(|c| c.is_alphabetic()).collect();
    let capitalised = letters.first().is_some_and(|c| c.is_uppercase());
    let known = [
        "Sept", "Sep", "Gov", "Sen", "Rep", "Gen", "Col", "Lt", "Sgt", "St", "Mt", "Dr", "Mr",
        "Mrs", "Ms", "Jr", "Sr", "Jan", "Feb", "Mar", "Apr", "Aug", "Oct", "Nov", "Dec", "No",
        "Pa", "Calif", "Conn", "Fla", "Ill", "Mass", "Va", "Wash", "Ariz", "Colo", "Tenn", "Ky",
        "Md", "Mich", "Minn", "Wis", "Ga", "La", "Ala", "Okla", "Ore", "Nev", "Inc", "Corp", "Co",
        "Ltd", "Prof", "Rev", "Ave", "Blvd", "Capt", "Cmdr", "Adm", "Supt", "Dept",
    ];
    capitalised && !last.contains('.') && (letters.len() == 1 || known.contains(&last))
}

/// Cosine similarity of two sets of stems (sorted, unique).
pub fn cosine(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f32 / ((a.len() * b.len()) as f32).sqrt()
}

fn unique_stems(text: &str) -> Vec<String> {
    let mut s = lede_text::content_stems(text);
    s.sort();
    s.dedup();
    s
}

impl SentenceBank {
    /// Build the bank from a story's articles (oldest first). Wire copies add to
    /// term weights once and give no candidates of their own.
    pub fn new(articles: &[&Article], copies: &HashMap<ArticleId, ArticleId>) -> Self {
        let originals: Vec<&&Article> = articles
            .iter()
            .filter(|a| !copies.contains_key(&a.id))
            .collect();
        let n = originals.len().max(1) as f32;
        // A term's weight: the share of articles that use it (what the sources
        // agree on), plus a little of its frequency (what one source stresses).
        let mut df: HashMap<String, f32> = HashMap::new();
        let mut tf: HashMap<String, f32> = HashMap::new();
        for a in &originals {
            let stems = lede_text::content_stems(&format!("{}\n{}", a.title, a.text));
            let mut seen = HashSet::new();
            for s in stems {
                *tf.entry(s.clone()).or_default() += 1.0;
                if seen.insert(s.clone()) {
                    *df.entry(s).or_default() += 1.0;
                }
            }
        }
        let max_tf = tf.values().copied().fold(1.0, f32::max);
        let centroid: HashMap<String, f32> = df
            .into_iter()
            .map(|(t, d)| {
                let w = d / n + 0.25 * tf[&t] / max_tf;
                (t, w)
            })
            .collect();
        let centroid_norm = centroid
            .values()
            .map(|w| w * w)
            .sum::<f32>()
            .sqrt()
            .max(1e-6);

        // Phrases (stemmed word pairs) and how many articles use each: a
        // sentence that repeats phrases other outlets also wrote states a
        // fact the sources agree on, in the words they agree on.
        let mut phrase_df: HashMap<(String, String), u32> = HashMap::new();
        for a in &originals {
            let mut seen = HashSet::new();
            for b in bigrams(&a.text) {
                if seen.insert(b.clone()) {
                    *phrase_df.entry(b).or_default() += 1;
                }
            }
        }
        let mut bank = SentenceBank {
            candidates: Vec::new(),
            index: HashMap::new(),
            centroid,
            centroid_norm,
            shared: Vec::new(),
        };
        for a in originals {
            for (i, text) in a.sentence_texts().enumerate() {
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let text = strip_dateline(&text).to_string();
                let words = text.split_whitespace().count();
                if !(6..=60).contains(&words) {
                    continue;
                }
                let stems = unique_stems(&text);
                if stems.len() < 3 {
                    continue;
                }
                let centrality = bank.centrality(&stems);
                // Agreement: shared phrases over the square root of the
                // sentence's phrases (long sentences share more by chance).
                let phrases: HashSet<(String, String)> = bigrams(&text).into_iter().collect();
                let all_phrases = phrases.len();
                let shared: Vec<((String, String), u32)> = phrases
                    .into_iter()
                    .filter_map(|b| {
                        let d = *phrase_df.get(&b)?;
                        (d >= 2).then_some((b, d))
                    })
                    .collect();
                let agreement = shared.len() as f32 / (all_phrases.max(1) as f32).sqrt();
                let lead = 1.0 / (1.0 + 0.5 * i as f32);
                let standalone = (8..=55).contains(&words) && reads_alone(&text);
                bank.index.insert((a.id, i), bank.candidates.len());
                bank.shared.push(shared);
                bank.candidates.push(Candidate {
                    article: a.id,
                    sentence: i,
                    text,
                    stems,
                    position: i,
                    outlet: a.outlet.clone(),
                    // Mostly lead: news states the event first. Measured on
                    // the Multi-News sample (ROUGE-2 at 300 words): lead share
                    // 0.4 -> 0.1460, 0.6 -> 0.1473, 0.8 -> 0.1495, 0.95 -> 0.1479.
                    // Agreement weight 0.1 -> 0.1512, 0.2 -> 0.1518, 0.4 -> 0.1514
                    // (0.1508 without).
                    score: centrality * (0.2 + 0.8 * lead) * (1.0 + 0.2 * agreement),
                    standalone,
                    words,
                });
            }
        }
        bank
    }

    /// Centrality of a set of stems: cosine against the story centroid.
    pub fn centrality(&self, stems: &[String]) -> f32 {
        let mut uniq: Vec<&String> = stems.iter().collect();
        uniq.sort();
        uniq.dedup();
        if uniq.is_empty() {
            return 0.0;
        }
        let dot: f32 = uniq.iter().filter_map(|s| self.centroid.get(*s)).sum();
        dot / ((uniq.len() as f32).sqrt() * self.centroid_norm)
    }

    /// Every candidate sentence, in article order.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The candidate for a given source sentence, if it qualified.
    pub fn candidate(&self, article: ArticleId, sentence: usize) -> Option<&Candidate> {
        self.index
            .get(&(article, sentence))
            .map(|&i| &self.candidates[i])
    }

    /// The most important standalone sentences, redundancy removed, within
    /// `max_words`. The first is a lead sentence (the dek); each next one is
    /// the best by score times one plus the weight of the shared phrases it
    /// adds per word, among those that fit and repeat no sentence chosen.
    pub fn select(&self, max_words: usize) -> Vec<Candidate> {
        let candidates = &self.candidates;
        let mut ranked: Vec<usize> = (0..candidates.len())
            .filter(|&i| candidates[i].standalone)
            .collect();
        ranked.sort_by(|&a, &b| {
            let (a, b) = (&candidates[a], &candidates[b]);
            b.score
                .total_cmp(&a.score)
                .then(a.article.cmp(&b.article))
                .then(a.sentence.cmp(&b.sentence))
        });
        // The dek comes from the top of an article, where news states what happened.
        if let Some(pos) = ranked.iter().position(|&i| candidates[i].position <= 2) {
            let dek = ranked.remove(pos);
            ranked.insert(0, dek);
        }
        let mut covered: HashSet<&(String, String)> = HashSet::new();
        // Candidates still open, best ranked first.
        let mut left = ranked;
        let mut chosen: Vec<Candidate> = Vec::new();
        let mut words = 0;
        loop {
            // Candidates that no longer fit, or repeat the sentence chosen
            // last, go for good: each round then costs one pass over the
            // rest, not one per sentence chosen.
            let last = chosen.last().map(|k| &k.stems);
            left.retain(|&i| {
                let c = &candidates[i];
                words + c.words <= max_words
                    && last.is_none_or(|stems| cosine(stems, &c.stems) < REDUNDANT)
            });
            let pick = if chosen.is_empty() {
                // The dek: the first in rank that fits.
                (!left.is_empty()).then_some(0)
            } else {
                let value = |i: usize| {
                    let c = &candidates[i];
                    let gain: f32 = self.shared[i]
                        .iter()
                        .filter(|(b, _)| !covered.contains(b))
                        .map(|(_, d)| d.saturating_sub(1) as f32)
                        .sum();
                    c.score * (1.0 + COVERAGE_WEIGHT * gain / c.words.max(1) as f32)
                };
                left.iter()
                    .enumerate()
                    .map(|(k, &i)| (k, value(i)))
                    // The earlier (better ranked) wins a tie.
                    .fold(None, |best: Option<(usize, f32)>, (k, v)| match best {
                        Some((_, bv)) if bv >= v => best,
                        _ => Some((k, v)),
                    })
                    .map(|(k, _)| k)
            };
            let Some(k) = pick else { break };
            let i = left.remove(k);
            covered.extend(self.shared[i].iter().map(|(b, _)| b));
            words += candidates[i].words;
            chosen.push(candidates[i].clone());
        }
        chosen
    }

    /// The candidate as a story sentence, citing its own source sentence and up
    /// to two sentences of other outlets that say nearly the same.
    pub fn cited(&self, c: &Candidate) -> CitedSentence {
        let mut citations = vec![Citation {
            article: c.article,
            sentence: c.sentence,
        }];
        let mut outlets = vec![c.outlet.as_str()];
        for other in &self.candidates {
            if citations.len() >= 3 {
                break;
            }
            if outlets.contains(&other.outlet.as_str()) {
                continue;
            }
            if cosine(&other.stems, &c.stems) >= 0.7 {
                outlets.push(other.outlet.as_str());
                citations.push(Citation {
                    article: other.article,
                    sentence: other.sentence,
                });
            }
        }
        CitedSentence::new(c.text.clone(), citations)
    }
}

/// Stemmed word pairs of a text, leaving out pairs of two stop words ("of
/// the"), which every text shares.
fn bigrams(text: &str) -> Vec<(String, String)> {
    let toks: Vec<String> = lede_text::words(text)
        .iter()
        .map(|t| {
            t.text
                .trim_end_matches('.')
                .to_lowercase()
                .replace(['\u{2019}', '\''], "")
        })
        .collect();
    toks.windows(2)
        .filter(|w| !(lede_text::is_stopword(&w[0]) && lede_text::is_stopword(&w[1])))
        .map(|w| (lede_text::stem(&w[0]), lede_text::stem(&w[1])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines_are_cut() {
        assert_eq!(
            strip_dateline("PORT ARDEN (Harbor Wire) — Talks ended on Sunday."),
            "Talks ended on Sunday."
        );
        assert_eq!(
            strip_dateline("KESTREL CITY, Kestrel (Meridian) - The envoy left."),
            "The envoy left."
        );
        assert_eq!(
            strip_dateline("EASTBROOK — The bridge shut."),
            "The bridge shut."
        );
        assert_eq!(
            strip_dateline("Updated | The bridge shut."),
            "The bridge shut."
        );
        // Not a dateline: an acronym that starts the sentence.
        assert_eq!(
            strip_dateline("NASA said the probe - a small one - was lost."),
            "NASA said the probe - a small one - was lost."
        );
    }

    #[test]
    fn broken_and_furniture_sentences_do_not_stand_alone() {
        assert!(ends_with_abbreviation(
            "Families of the victims of the Sept."
        ));
        assert!(ends_with_abbreviation("The film was made by David O."));
        assert!(!ends_with_abbreviation("The ferry left at 9 a.m."));
        assert!(!ends_with_abbreviation("Talks resume in the U.S."));
        assert!(!ends_with_abbreviation("The bridge reopened on Monday."));
        assert!(!reads_alone("Families of the victims of the Sept."));
        assert!(!reads_alone(
            "Eastbrook Mayor Opens The New Tallow River Ferry Dock."
        ));
        assert!(!reads_alone(
            "A ferry captain, left, greets passengers at the new dock in Eastbrook."
        ));
        assert!(!reads_alone(
            "Image caption The ferry leaves the Eastbrook dock on its first run."
        ));
        assert!(reads_alone(
            "The ferry left the Eastbrook dock on its first run on Monday."
        ));
    }
}
