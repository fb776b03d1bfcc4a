//! Timeline summarization: from a set of dated articles, pick the days that
//! matter and, for each, the source sentences that say what happened.
//!
//! The method starts from Datewise (Ghalandari & Ifrim 2020, "Examining the
//! state of the art in news timeline summarization"):
//!
//! 1. **Date ranking.** A day is important when many articles refer to it
//!    ("on Tuesday", "April 20"), as resolved by the analyze stage's
//!    time-expression tagger.
//! 2. **Candidates per day.** The sentences that mention the day, plus the lead
//!    sentences of articles published that day or the next (news reports the
//!    day's or the previous day's events first) when they name no day.
//! 3. **Summary per day.** The candidates closest (TF-IDF cosine) to the mean
//!    of all the day's candidates, skipping any too similar to a sentence
//!    already in the timeline.
//!
//! What this implementation changes, measured on Timeline17 with tilse's
//! metrics (`lede-eval`'s `timeline` module; constants chosen on half of the
//! topics, the other half held out):
//! - a day counts each article once, weighted by the square of the article's
//!   relevance to the collection, so the unrelated articles a feed mixes in do
//!   not promote their own days (Datewise counts sentences);
//! - timelines that articles themselves give ("March 17 - The Security
//!   Council votes ...") count double: a journalist already judged the day
//!   worth listing; their date prefix is left out of the sentence, and so is
//!   the dateline of an article's first sentences ("TRIPOLI (Reuters) - ");
//! - sentences past an article's 50th are not read (pages end in comments and
//!   lists of other stories, whose dates are noise);
//! - the day's centroid is the plain mean of its candidates, not Datewise's
//!   PM-Mean (only terms both mentions and leads use), which picks worse
//!   sentences (ROUGE-1 of the top candidate against the reference day, 427
//!   days: 0.139 against 0.174);
//! - redundancy is checked across the whole timeline, not only within a day.
//!
//! Tried and left out, for no gain on the tuning half: weighting mentions by
//! direction (before or after the day), by relative against named dates, by
//! lateness or by position; adding articles published on the day; dividing by
//! the coverage around the day; spreading dates over the span; mixing in the
//! collection's centroid, a length penalty or a support score when choosing
//! sentences.
//!
//! Nothing here knows about any data set: the inputs are articles, their
//! sentences, their publication dates and the dates their sentences mention.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Days, NaiveDate};
use lede_model::{Article, ArticleId, DateGranularity, TimeExpr};
use regex::Regex;

/// One input article with the dates its sentences mention.
#[derive(Debug, Clone, Copy)]
pub struct TimelineSource<'a> {
    /// The article; its `published` date and `sentences` spans are used.
    /// Articles without a publication date are ignored.
    pub article: &'a Article,
    /// Time expressions of the article resolved to dates (the analyze stage's
    /// `Analysis::dates`); only day-precise ones are used.
    pub dates: &'a [TimeExpr],
}

/// What the caller wants: the size of the timeline and the span it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineOptions {
    /// Dates in the timeline at most.
    pub max_dates: usize,
    /// Sentences per date at most.
    pub sentences_per_date: usize,
    /// The first day the timeline covers (inclusive), when given: no entry is
    /// dated before it and articles published before it are not read.
    pub first: Option<NaiveDate>,
    /// The last day the timeline covers (inclusive), likewise.
    pub last: Option<NaiveDate>,
}

impl Default for TimelineOptions {
    fn default() -> Self {
        TimelineOptions {
            max_dates: 10,
            sentences_per_date: 1,
            first: None,
            last: None,
        }
    }
}

/// The method's constants (see the module docs for what each one changes).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineConfig {
    /// Count an article's mentions of a day once (else once per sentence).
    pub per_article: bool,
    /// Mentions weigh by the relevance of their article (cosine of its TF-IDF
    /// vector with the collection's mean) to this power (0: all alike).
    pub relevance_power: f64,
    /// Factor for a mention that opens an entry of a timeline the article
    /// itself gives ("March 17 - ...").
    pub listed_weight: f64,
    /// Mentions weigh by their sentence's cosine with the other sentences
    /// that mention the same day, to this power (0: not at all). It favours
    /// days that many articles describe alike, whose summaries are better
    /// (ROUGE-2 0.050 to 0.061 at 2), but loses dates (date F1 0.576 to
    /// 0.552), so it is off by default.
    pub coherence_power: f64,
    /// Score factor for a day next to an already chosen day (1: none); two
    /// days apart gets its square root. Below 1 the timeline spreads out
    /// (better ROUGE, fewer exact dates on the tuning half).
    pub neighbour_discount: f64,
    /// Lead sentences of an article that count as reporting its publication
    /// day (or the day before).
    pub lead_sentences: usize,
    /// Sentences at this position in their article or later are not read.
    pub max_position: usize,
    /// Shortest sentence (in words) that may be chosen.
    pub min_words: usize,
    /// Longest sentence (in words) that may be chosen.
    pub max_words: usize,
    /// A sentence this similar (cosine of TF-IDF vectors) to one already in the
    /// timeline is skipped.
    pub redundancy: f64,
}

impl Default for TimelineConfig {
    fn default() -> Self {
        TimelineConfig {
            per_article: true,
            relevance_power: 2.0,
            listed_weight: 2.0,
            coherence_power: 0.0,
            neighbour_discount: 1.0,
            lead_sentences: 5,
            max_position: 50,
            min_words: 5,
            max_words: 40,
            redundancy: 0.5,
        }
    }
}

/// One sentence of the timeline and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineSentence {
    /// Index of the source in the slice the timeline was built from.
    pub source: usize,
    /// The source article's id.
    pub article: ArticleId,
    /// Index of the sentence in the article.
    pub sentence: usize,
    /// The sentence, whitespace-normalised, without a leading dateline or list
    /// date (so a suffix of the source sentence).
    pub text: String,
}

/// One date of the timeline with its sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub date: NaiveDate,
    pub sentences: Vec<TimelineSentence>,
}

/// Build a timeline with the default constants: at most `options.max_dates`
/// entries in date order, each with at most `options.sentences_per_date`
/// sentences.
pub fn build_timeline(sources: &[TimelineSource], options: &TimelineOptions) -> Vec<TimelineEntry> {
    TimelineIndex::new(sources).build(options, &TimelineConfig::default())
}

/// A sparse, L2-normalised TF-IDF vector: (term id, weight), sorted by term.
type SparseVec = Vec<(u32, f32)>;

/// What the method keeps of one source sentence, whatever the options.
struct Indexed {
    source: usize,
    index: usize,
    published: NaiveDate,
    /// Byte offset in the sentence where its text starts (after a dateline
    /// or a list date).
    start: usize,
    /// Day-precise dates the sentence mentions.
    mentions: Vec<NaiveDate>,
    /// The day, when the sentence is an entry of a timeline inside the article.
    listed: Option<NaiveDate>,
    /// Stem ids and counts, sorted by id.
    terms: Vec<(u32, u32)>,
    words: usize,
    stands_alone: bool,
}

/// The sentences of a set of articles, tokenized once, from which timelines
/// of any size and span can be built (a caller that builds several timelines
/// from the same articles saves the tokenization).
pub struct TimelineIndex<'a> {
    sources: Vec<TimelineSource<'a>>,
    sentences: Vec<Indexed>,
    vocabulary: usize,
}

/// One sentence as a build sees it.
struct Sent<'a> {
    at: &'a Indexed,
    /// Mentioned days inside the timeline's span.
    mentions: Vec<NaiveDate>,
    vector: SparseVec,
    eligible: bool,
    /// Relevance of its article to the collection.
    relevance: f64,
}

impl<'a> TimelineIndex<'a> {
    /// Split, strip and stem the sentences of `sources`.
    pub fn new(sources: &[TimelineSource<'a>]) -> Self {
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut sentences = Vec::new();
        for (source, src) in sources.iter().enumerate() {
            let Some(published) = src.article.published.map(|p| p.date_naive()) else {
                continue;
            };
            let mut mentions: HashMap<usize, Vec<NaiveDate>> = HashMap::new();
            // Entries of a timeline inside the article: the day and where the
            // entry's text starts in the sentence.
            let mut listed: HashMap<usize, (NaiveDate, usize)> = HashMap::new();
            for t in src.dates {
                if t.granularity != DateGranularity::Day {
                    continue;
                }
                let m = mentions.entry(t.sentence).or_default();
                if !m.contains(&t.date) {
                    m.push(t.date);
                }
                let Some(span) = src.article.sentences.get(t.sentence) else {
                    continue;
                };
                let text = &src.article.text;
                if let (Some(before), Some(after)) = (
                    text.get(span.start..t.span.start),
                    text.get(t.span.end..span.end),
                ) {
                    if let Some(skip) = list_separator(after).filter(|_| before.trim().is_empty()) {
                        listed.insert(t.sentence, (t.date, t.span.end - span.start + skip));
                    }
                }
            }
            for (index, full) in src.article.sentence_texts().enumerate() {
                let listed_day = listed.get(&index).copied();
                let start = match listed_day {
                    Some((_, start)) => start,
                    // Only an article's first sentences carry a dateline.
                    None if index < 3 => dateline_end(full),
                    None => 0,
                };
                let text = &full[start..];
                let mut counts: HashMap<u32, u32> = HashMap::new();
                for s in lede_text::content_stems(text) {
                    let next = vocab.len() as u32;
                    *counts.entry(*vocab.entry(s).or_insert(next)).or_default() += 1;
                }
                let mut terms: Vec<(u32, u32)> = counts.into_iter().collect();
                terms.sort_unstable();
                sentences.push(Indexed {
                    source,
                    index,
                    published,
                    start,
                    mentions: mentions.remove(&index).unwrap_or_default(),
                    listed: listed_day.map(|(d, _)| d),
                    terms,
                    words: text.split_whitespace().count(),
                    stands_alone: stands_alone(text),
                });
            }
        }
        TimelineIndex {
            sources: sources.to_vec(),
            sentences,
            vocabulary: vocab.len(),
        }
    }

    /// Build a timeline from the articles published within the options' span.
    pub fn build(&self, options: &TimelineOptions, config: &TimelineConfig) -> Vec<TimelineEntry> {
        if options.max_dates == 0 || options.sentences_per_date == 0 {
            return Vec::new();
        }
        let in_window = |d: NaiveDate| {
            options.first.is_none_or(|f| d >= f) && options.last.is_none_or(|l| d <= l)
        };
        let sents = self.sentences_in(&in_window, config);
        if sents.is_empty() {
            return Vec::new();
        }
        let (by_mention, by_lead) = candidates(&sents, config);
        let scores = date_scores(&sents, &by_mention, config);

        let mut entries: Vec<TimelineEntry> = Vec::new();
        let mut chosen_vectors: Vec<&SparseVec> = Vec::new();
        let mut chosen_days: Vec<NaiveDate> = Vec::new();
        let mut remaining: Vec<(NaiveDate, f64)> = scores.into_iter().collect();
        while entries.len() < options.max_dates && !remaining.is_empty() {
            // The best remaining day, discounted near the chosen days; ties
            // go to the earlier day.
            let (pos, _) = remaining
                .iter()
                .enumerate()
                .map(|(i, &(d, s))| (i, s * neighbour_factor(d, &chosen_days, config)))
                .max_by(|a, b| {
                    a.1.total_cmp(&b.1)
                        .then_with(|| remaining[b.0].0.cmp(&remaining[a.0].0))
                })
                .expect("remaining is not empty");
            let (day, _) = remaining.swap_remove(pos);
            let mentions = by_mention.get(&day).map(Vec::as_slice).unwrap_or(&[]);
            let leads = lead_candidates(&by_lead, day);
            let picked = summarize_day(
                &sents,
                mentions,
                &leads,
                &chosen_vectors,
                options.sentences_per_date,
                config,
            );
            if picked.is_empty() {
                continue;
            }
            chosen_days.push(day);
            let mut sentences = Vec::new();
            for i in picked {
                let s = &sents[i];
                chosen_vectors.push(&s.vector);
                let article = self.sources[s.at.source].article;
                sentences.push(TimelineSentence {
                    source: s.at.source,
                    article: article.id,
                    sentence: s.at.index,
                    text: article.sentence(s.at.index)[s.at.start..]
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                });
            }
            entries.push(TimelineEntry {
                date: day,
                sentences,
            });
        }
        entries.sort_by_key(|e| e.date);
        entries
    }

    /// The sentences of the articles published in the window, with TF-IDF
    /// vectors (sentence-level document frequencies over those sentences, IDF
    /// smoothed as scikit-learn computes it) and their article's relevance.
    fn sentences_in(
        &self,
        in_window: &dyn Fn(NaiveDate) -> bool,
        config: &TimelineConfig,
    ) -> Vec<Sent<'_>> {
        let included: Vec<&Indexed> = self
            .sentences
            .iter()
            .filter(|s| in_window(s.published) && s.index < config.max_position)
            .collect();
        let mut df = vec![0u32; self.vocabulary];
        for s in &included {
            for &(id, _) in &s.terms {
                df[id as usize] += 1;
            }
        }
        let n = included.len() as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)
            .collect();
        let mut sents: Vec<Sent> = included
            .into_iter()
            .map(|at| {
                let mut vector: SparseVec = at
                    .terms
                    .iter()
                    .map(|&(id, c)| (id, c as f32 * idf[id as usize]))
                    .collect();
                normalize(&mut vector);
                Sent {
                    at,
                    mentions: at
                        .mentions
                        .iter()
                        .copied()
                        .filter(|d| in_window(*d))
                        .collect(),
                    vector,
                    eligible: at.stands_alone
                        && (config.min_words..=config.max_words).contains(&at.words),
                    relevance: 1.0,
                }
            })
            .collect();

        // An article's relevance: its normalised sentence sum against the
        // mean of all articles'.
        let mut sums: HashMap<usize, HashMap<u32, f32>> = HashMap::new();
        for s in &sents {
            let sum = sums.entry(s.at.source).or_default();
            for &(id, w) in &s.vector {
                *sum.entry(id).or_default() += w;
            }
        }
        let article_vecs: HashMap<usize, SparseVec> = sums
            .into_iter()
            .map(|(source, sum)| {
                let mut v: SparseVec = sum.into_iter().collect();
                v.sort_unstable_by_key(|&(id, _)| id);
                normalize(&mut v);
                (source, v)
            })
            .collect();
        let mut all = centroid(article_vecs.values(), article_vecs.len());
        normalize(&mut all);
        for s in &mut sents {
            s.relevance = article_vecs.get(&s.at.source).map_or(0.0, |v| dot(v, &all));
        }
        sents
    }
}

/// Where an article's text starts after a dateline: a wire dateline
/// ("TRIPOLI (Reuters) - ", "Benghazi, Libya (CNN) -- ") or a time stamp
/// with a zone or AM/PM ("Sunday 26 April 2009 18.45 BST ", "September 16,
/// 2008; 4:30 PM "), with whatever headline precedes it in the same
/// sentence. 0 when the sentence's first 60 words have none.
fn dateline_end(text: &str) -> usize {
    static RES: OnceLock<[Regex; 2]> = OnceLock::new();
    let res = RES.get_or_init(|| {
        const ZONE: &str = r"(?:GMT|BST|UTC|CET|CEST|EST|EDT|CST|CDT|PST|PDT|ET|PT)\b|UK time\b";
        [
            // A parenthesised source and a dash: "(Reuters) - ", "(CNN) -- ".
            Regex::new(r"\([A-Z][A-Za-z .&]{1,30}\)\s*(?:-{1,2}|\x{2013}|\x{2014})\s+")
                .expect("valid regex"),
            // A clock time with AM/PM or a zone.
            Regex::new(&format!(
                r"\b\d{{1,2}}[:.]\d{{2}}\s*(?:[AaPp]\.?[Mm]\.?(?:\s*(?:{ZONE}))?|{ZONE})[,;]?\s+"
            ))
            .expect("valid regex"),
        ]
    });
    let limit = text
        .split_whitespace()
        .nth(60)
        .map_or(text.len(), |w| w.as_ptr() as usize - text.as_ptr() as usize);
    for re in res {
        if let Some(m) = re.find(&text[..limit]) {
            let rest = &text[m.end()..];
            // Keep the sentence whole when nothing sentence-like follows.
            if rest.split_whitespace().count() >= 4
                && rest.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            {
                return m.end();
            }
        }
    }
    0
}

/// When `after` (the text after a date that opens a sentence) starts with a
/// list separator ("- ", ": ", " -- "), the bytes up to the entry's text.
fn list_separator(after: &str) -> Option<usize> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        // An optional year the tagger left out, then a dash or a colon.
        Regex::new(r"^(?:,?\s*\d{4})?\s*(?:-{1,2}|\x{2013}|\x{2014}|:)\s+").expect("valid regex")
    });
    let m = re.find(after)?;
    after[m.end()..]
        .starts_with(|c: char| c.is_alphanumeric() || c == '"' || c == '\u{201c}')
        .then_some(m.end())
}

/// Whether a sentence can be read in a timeline without its article: not a
/// question, not a fragment, not opening on a word that points back.
fn stands_alone(text: &str) -> bool {
    let t = text.trim();
    let Some(first) = t.chars().next() else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit()) {
        return false;
    }
    if t.ends_with('?') || t.ends_with("?\u{201d}") || t.ends_with("?\"") {
        return false;
    }
    let first_word = t
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    !matches!(
        first_word.as_str(),
        "he" | "she"
            | "it"
            | "they"
            | "this"
            | "these"
            | "those"
            | "that"
            | "his"
            | "her"
            | "their"
            | "its"
            | "but"
            | "and"
            | "or"
            | "so"
            | "also"
            | "however"
            | "we"
            | "i"
            | "you"
    )
}

/// Each day's importance: the (relevance-weighted) articles that mention it.
fn date_scores(
    sents: &[Sent],
    by_mention: &ByDay,
    config: &TimelineConfig,
) -> HashMap<NaiveDate, f64> {
    // Each day's mention vectors summed, with the sum's squared norm, to
    // compare a mention with the others of its day (leaving itself out).
    let sums: HashMap<NaiveDate, (SparseVec, f64)> = if config.coherence_power > 0.0 {
        by_mention
            .iter()
            .map(|(d, ids)| {
                let sum = centroid(ids.iter().map(|&i| &sents[i].vector), 1);
                let norm2 = sum.iter().map(|(_, w)| (*w as f64).powi(2)).sum();
                (*d, (sum, norm2))
            })
            .collect()
    } else {
        HashMap::new()
    };
    let mut per_article: HashMap<(usize, NaiveDate), f64> = HashMap::new();
    let mut scores: HashMap<NaiveDate, f64> = HashMap::new();
    for s in sents {
        let base = s.relevance.max(0.0).powf(config.relevance_power);
        for &d in &s.mentions {
            let mut w = base;
            if s.at.listed == Some(d) {
                w *= config.listed_weight;
            }
            if let Some((sum, norm2)) = sums.get(&d) {
                // Cosine of the mention with the sum of the others.
                let along = dot(&s.vector, sum);
                let rest = (norm2 - 2.0 * along + 1.0).max(0.0).sqrt();
                let agreement = if rest > 1e-9 {
                    (along - 1.0) / rest
                } else {
                    0.0
                };
                w *= agreement.max(0.0).powf(config.coherence_power);
            }
            if config.per_article {
                let e = per_article.entry((s.at.source, d)).or_default();
                *e = e.max(w);
            } else {
                *scores.entry(d).or_default() += w;
            }
        }
    }
    for ((_, d), w) in per_article {
        *scores.entry(d).or_default() += w;
    }
    scores.retain(|_, s| *s > 0.0);
    scores
}

/// How much of a day's score is left next to the days already chosen.
fn neighbour_factor(day: NaiveDate, chosen: &[NaiveDate], config: &TimelineConfig) -> f64 {
    let mut f = 1.0;
    for c in chosen {
        match (day - *c).num_days().abs() {
            1 => f *= config.neighbour_discount,
            2 => f *= config.neighbour_discount.sqrt(),
            _ => {}
        }
    }
    f
}

/// Sentence indices by day.
type ByDay = HashMap<NaiveDate, Vec<usize>>;

/// Sentences by the day they mention, and lead sentences (that mention no
/// day) by their article's publication day.
fn candidates(sents: &[Sent], config: &TimelineConfig) -> (ByDay, ByDay) {
    let mut by_mention: ByDay = HashMap::new();
    let mut by_lead: ByDay = HashMap::new();
    for (i, s) in sents.iter().enumerate() {
        for &d in &s.mentions {
            by_mention.entry(d).or_default().push(i);
        }
        if s.mentions.is_empty() && s.at.index < config.lead_sentences {
            by_lead.entry(s.at.published).or_default().push(i);
        }
    }
    (by_mention, by_lead)
}

/// Leads that report `day`: from articles published that day or the next.
fn lead_candidates(by_lead: &ByDay, day: NaiveDate) -> Vec<usize> {
    let mut out: Vec<usize> = by_lead.get(&day).cloned().unwrap_or_default();
    if let Some(next) = day.checked_add_days(Days::new(1)) {
        out.extend(by_lead.get(&next).into_iter().flatten().copied());
    }
    out
}

/// Pick up to `k` sentences for one day (indices into `sents`): the eligible
/// candidates closest to the day's centroid that are not redundant.
fn summarize_day(
    sents: &[Sent],
    mentions: &[usize],
    leads: &[usize],
    chosen: &[&SparseVec],
    k: usize,
    config: &TimelineConfig,
) -> Vec<usize> {
    let mut day = centroid(
        mentions.iter().chain(leads).map(|&i| &sents[i].vector),
        mentions.len() + leads.len(),
    );
    normalize(&mut day);
    let mut pool: Vec<(usize, f64)> = mentions
        .iter()
        .chain(leads)
        .copied()
        .filter(|&i| sents[i].eligible)
        .map(|i| (i, dot(&sents[i].vector, &day)))
        .filter(|&(_, score)| score > 0.0)
        .collect();
    pool.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    pool.dedup_by_key(|p| p.0);
    let mut picked: Vec<usize> = Vec::new();
    for (i, _) in pool {
        if picked.len() >= k {
            break;
        }
        let v = &sents[i].vector;
        let redundant = chosen
            .iter()
            .copied()
            .chain(picked.iter().map(|&p| &sents[p].vector))
            .any(|c| dot(v, c) >= config.redundancy);
        if !redundant {
            picked.push(i);
        }
    }
    picked
}

/// Mean of sparse vectors (not normalised), sorted by term.
fn centroid<'v>(vectors: impl Iterator<Item = &'v SparseVec>, n: usize) -> SparseVec {
    if n == 0 {
        return Vec::new();
    }
    let mut sum: HashMap<u32, f32> = HashMap::new();
    for v in vectors {
        for &(id, w) in v {
            *sum.entry(id).or_default() += w;
        }
    }
    let mut out: SparseVec = sum.into_iter().map(|(id, w)| (id, w / n as f32)).collect();
    out.sort_unstable_by_key(|&(id, _)| id);
    out
}

fn normalize(v: &mut SparseVec) {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in v.iter_mut() {
            *w /= norm;
        }
    }
}

/// Dot product of two sorted sparse vectors (cosine when both are normalised).
fn dot(a: &SparseVec, b: &SparseVec) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += (a[i].1 * b[j].1) as f64;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use lede_model::Span;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2031, 3, d).unwrap()
    }

    /// A fictional article published on March `published`, one sentence per
    /// entry of `sentences`.
    fn article(id: ArticleId, published: u32, sentences: &[&str]) -> Article {
        Article {
            id,
            url: format!("https://harbour-gazette.example/{id}"),
            outlet: "Harbour Gazette".into(),
            title: format!("Story {id}"),
            published: Some(Utc.with_ymd_and_hms(2031, 3, published, 9, 0, 0).unwrap()),
            ..Default::default()
        }
        .with_sentences(sentences)
    }

    /// `expression` in sentence `sentence` of `a`, resolved to March `d`.
    fn mention(a: &Article, sentence: usize, expression: &str, d: u32) -> TimeExpr {
        let span = a.sentences[sentence];
        let at = span.start + a.text[span.start..span.end].find(expression).unwrap();
        TimeExpr {
            sentence,
            text: expression.into(),
            span: Span::new(at, at + expression.len()),
            date: day(d),
            granularity: DateGranularity::Day,
        }
    }

    fn build(
        articles: &[(Article, Vec<TimeExpr>)],
        options: &TimelineOptions,
    ) -> Vec<TimelineEntry> {
        let sources: Vec<TimelineSource> = articles
            .iter()
            .map(|(article, dates)| TimelineSource { article, dates })
            .collect();
        build_timeline(&sources, options)
    }

    /// A strike at the Eastbrook harbour: most articles look back at its
    /// first day (March 8), fewer at the talks (March 10), one at a march
    /// (March 12); one article about a cooking fair names March 11.
    fn strike() -> Vec<(Article, Vec<TimeExpr>)> {
        let a1 = article(
            1,
            9,
            &[
                "Dock workers at the Eastbrook harbour walked out on Sunday over pay and night shifts.",
                "The harbour handles most of the grain shipped from the Tallow valley.",
            ],
        );
        let a2 = article(
            2,
            11,
            &[
                "Union leaders met the Eastbrook harbour board on Tuesday for the first talks on pay.",
                "The strike began on March 8 when dock workers left the grain terminal.",
            ],
        );
        let a3 = article(
            3,
            13,
            &[
                "Dock workers and their families marched through Eastbrook on Thursday to the harbour gates.",
                "Talks with the harbour board on March 10 ended without an offer on pay.",
                "The strike that began on March 8 has stopped grain shipments at the harbour.",
            ],
        );
        let a4 = article(
            4,
            11,
            &[
                "The Eastbrook cooking fair opened on Wednesday with forty stalls of river fish and bread.",
                "Chefs from the valley towns served soup and pies to the visitors of the fair.",
            ],
        );
        let d1 = vec![mention(&a1, 0, "Sunday", 8)];
        let d2 = vec![
            mention(&a2, 0, "Tuesday", 10),
            mention(&a2, 1, "March 8", 8),
        ];
        let d3 = vec![
            mention(&a3, 0, "Thursday", 12),
            mention(&a3, 1, "March 10", 10),
            mention(&a3, 2, "March 8", 8),
        ];
        let d4 = vec![mention(&a4, 0, "Wednesday", 11)];
        vec![(a1, d1), (a2, d2), (a3, d3), (a4, d4)]
    }

    #[test]
    fn days_named_by_most_articles_come_first_and_entries_are_in_date_order() {
        let t = build(
            &strike(),
            &TimelineOptions {
                max_dates: 2,
                sentences_per_date: 1,
                ..Default::default()
            },
        );
        let dates: Vec<NaiveDate> = t.iter().map(|e| e.date).collect();
        assert_eq!(dates, vec![day(8), day(10)]);
        for e in &t {
            assert_eq!(e.sentences.len(), 1);
            let s = &e.sentences[0];
            let articles = strike();
            assert_eq!(articles[s.source].0.id, s.article);
            assert_eq!(articles[s.source].0.sentence(s.sentence), s.text);
        }
        assert!(
            t[0].sentences[0].text.contains("walked out")
                || t[0].sentences[0].text.contains("strike")
        );
    }

    #[test]
    fn an_unrelated_article_does_not_win_a_tie() {
        // March 11 (the cooking fair) and March 12 (the march) are each named
        // by one article; the strike article is the relevant one.
        let t = build(
            &strike(),
            &TimelineOptions {
                max_dates: 3,
                sentences_per_date: 1,
                ..Default::default()
            },
        );
        let dates: Vec<NaiveDate> = t.iter().map(|e| e.date).collect();
        assert_eq!(dates, vec![day(8), day(10), day(12)]);
    }

    #[test]
    fn the_span_limits_dates_and_articles() {
        let t = build(
            &strike(),
            &TimelineOptions {
                max_dates: 5,
                sentences_per_date: 1,
                first: Some(day(10)),
                last: Some(day(11)),
            },
        );
        // Only articles published March 10-11 are read (2 and 4), and only
        // days in the span are dated.
        assert!(t.iter().all(|e| (day(10)..=day(11)).contains(&e.date)));
        assert!(t
            .iter()
            .flat_map(|e| &e.sentences)
            .all(|s| s.article == 2 || s.article == 4));
        assert!(!t.is_empty());
        assert!(build(
            &strike(),
            &TimelineOptions {
                max_dates: 0,
                ..Default::default()
            }
        )
        .is_empty());
    }

    #[test]
    fn datelines_and_list_dates_are_left_out_of_the_sentence() {
        let a = article(
            7,
            12,
            &[
                "Strike hits grain port EASTBROOK (Harbour Wire) - Dock workers stayed away from the grain terminal on Monday.",
                "March 10 - The harbour board offered the dock workers a new contract.",
            ],
        );
        let dates = vec![mention(&a, 0, "Monday", 11), mention(&a, 1, "March 10", 10)];
        let t = build(
            &[(a, dates)],
            &TimelineOptions {
                max_dates: 2,
                sentences_per_date: 1,
                ..Default::default()
            },
        );
        let texts: Vec<&str> = t.iter().map(|e| e.sentences[0].text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "The harbour board offered the dock workers a new contract.",
                "Dock workers stayed away from the grain terminal on Monday.",
            ]
        );
        let stamped = "Port closes Sunday 9 March 2031 09.15 GMT Dock workers stayed away today.";
        assert_eq!(
            &stamped[dateline_end(stamped)..],
            "Dock workers stayed away today."
        );
        // A price is not a time stamp, and a dateline needs text after it.
        assert_eq!(
            dateline_end("Shares fell 4.25 Points on the news of the strike."),
            0
        );
        assert_eq!(dateline_end("EASTBROOK (Harbour Wire) - Closed."), 0);
        let after = ", 2031 - The board met.";
        assert_eq!(&after[list_separator(after).unwrap()..], "The board met.");
        assert_eq!(list_separator(" the board met."), None);
    }

    #[test]
    fn a_sentence_is_not_repeated_under_another_day() {
        let text = "Dock workers at the Eastbrook harbour stopped all grain loading on Sunday and Tuesday.";
        let a = article(1, 12, &[text]);
        let b = article(2, 12, &[text]);
        let da = vec![mention(&a, 0, "Sunday", 8), mention(&a, 0, "Tuesday", 10)];
        let db = vec![mention(&b, 0, "Sunday", 8), mention(&b, 0, "Tuesday", 10)];
        let t = build(
            &[(a, da), (b, db)],
            &TimelineOptions {
                max_dates: 2,
                sentences_per_date: 1,
                ..Default::default()
            },
        );
        assert_eq!(t.len(), 1, "{t:?}");
    }

    #[test]
    fn sentences_deep_in_a_page_are_not_read() {
        let mut sentences: Vec<String> = (0..60)
            .map(|i| format!("Reader comment number {i} about the Eastbrook harbour strike and its pay talks."))
            .collect();
        sentences[0] =
            "Dock workers at the Eastbrook harbour walked out on Sunday over pay.".into();
        sentences[55] =
            "Reader comment saying the Eastbrook harbour will reopen on Friday for grain.".into();
        let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
        let a = article(1, 9, &refs);
        let dates = vec![mention(&a, 0, "Sunday", 8), mention(&a, 55, "Friday", 14)];
        let t = build(
            &[(a, dates)],
            &TimelineOptions {
                max_dates: 5,
                sentences_per_date: 1,
                ..Default::default()
            },
        );
        let dates: Vec<NaiveDate> = t.iter().map(|e| e.date).collect();
        assert_eq!(dates, vec![day(8)]);
    }
}
