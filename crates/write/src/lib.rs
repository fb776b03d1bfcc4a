//! The story writer.
//!
//! Takes the articles of one story with what the analyze stage found in them and
//! composes a [`Story`]: headline, dek, lede, body, a dated timeline, the key
//! items when the sources enumerate them, a section per party with its stance
//! and quotes, and the list of sources. The default [`ExtractiveWriter`] is
//! offline and deterministic: every sentence it writes is a source sentence, a
//! source sentence cut down (the headline), or a template around a verbatim
//! quote, and it cites where it came from, so the verify stage can check it.
//! [`LlmWriter`] drafts the prose with a language model instead (see [`llm`]).
//!
//! How sentences are chosen:
//! 1. Candidates are source sentences of reasonable length that read on their
//!    own (no dangling pronoun at the start, balanced quote marks, not a
//!    question, not boilerplate or a caption, not cut at an abbreviation),
//!    without their dateline.
//! 2. Each is scored by centrality (cosine of its stems against the story's
//!    centroid, where a term weighs by the share of articles that use it), a
//!    lead bias (news puts the key facts first), and agreement (how many of
//!    its phrases other outlets wrote too).
//! 3. Greedy selection: after the dek, each next sentence is the best by its
//!    score and the shared phrases (word pairs two or more outlets wrote) it
//!    adds that the chosen ones do not cover yet. A sentence too similar to
//!    one already chosen is skipped, and its outlet is added to the chosen
//!    sentence's citations instead.
//!
//! The headline is composed from the most central lead sentence when outlets
//! titled the story differently (`headline`); parties and their statements
//! come from the analyze stage's quotes (`parties`); enumerations from
//! sentences that count their items (`items`).

mod headline;
mod items;
pub mod llm;
mod parties;
mod select;
pub mod timeline;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use lede_model::{
    Analysis, Article, ArticleId, Citation, CitedSentence, EntityKind, Paragraph, Section,
    SectionKind, SourceRef, Story, StoryId, MACHINE_NOTE,
};

pub use llm::{FallbackReason, LlmConfig, LlmError, LlmWriter};
pub use select::{Candidate, SentenceBank};

/// Everything the writer needs for one story.
pub struct StoryInput<'a> {
    pub id: StoryId,
    /// Member articles (any order; the writer sorts by publication time).
    pub articles: &'a [Article],
    /// Analysis of each article (matched by `Analysis::article`).
    pub analyses: &'a [Analysis],
    /// Wire copies: article -> the earlier article it duplicates.
    pub copies: &'a HashMap<ArticleId, ArticleId>,
    /// The previous version of this story, if it was written before.
    pub previous: Option<&'a Story>,
    pub now: DateTime<Utc>,
}

/// Knobs of the writer.
#[derive(Debug, Clone)]
pub struct WriterConfig {
    /// Words in dek + lede + body at most.
    pub max_words: usize,
    /// Timeline entries at most.
    pub max_timeline: usize,
    /// Party sections (each party's stance and quotes) at most.
    pub max_parties: usize,
    /// Direct quotes over all party sections at most.
    pub max_quotes: usize,
}

impl Default for WriterConfig {
    fn default() -> Self {
        WriterConfig {
            max_words: 300,
            max_timeline: 8,
            max_parties: 4,
            max_quotes: 6,
        }
    }
}

/// Something that writes stories. The verify stage checks whatever it writes.
pub trait Writer {
    fn write(&self, input: &StoryInput) -> Story;
}

/// The default writer: extractive and rule-based, no model, deterministic.
#[derive(Debug, Clone, Default)]
pub struct ExtractiveWriter {
    pub config: WriterConfig,
}

impl ExtractiveWriter {
    pub fn new(config: WriterConfig) -> Self {
        ExtractiveWriter { config }
    }
}

impl Writer for ExtractiveWriter {
    fn write(&self, input: &StoryInput) -> Story {
        let mut articles: Vec<&Article> = input.articles.iter().collect();
        articles.sort_by_key(|a| (a.published, a.id));
        let bank = SentenceBank::new(&articles, input.copies);

        let mut story = Story {
            id: input.id,
            version: input.previous.map_or(1, |p| p.version + 1),
            updated: input.now,
            articles: articles.iter().map(|a| a.id).collect(),
            first_published: articles.iter().filter_map(|a| a.published).min(),
            last_published: articles.iter().filter_map(|a| a.published).max(),
            note: MACHINE_NOTE.to_string(),
            ..Default::default()
        };
        story.sources = sources(&articles, input.copies);
        story.independent_sources = independent_sources(&story.sources);

        // Dek, lede and body from the ranked sentences.
        let ranked = bank.select(self.config.max_words);
        let mut chosen = ranked.into_iter();
        if let Some(dek) = chosen.next() {
            story.dek = bank.cited(&dek);
        }
        let mut used: HashSet<(ArticleId, usize)> = HashSet::new();
        let rest: Vec<Candidate> = chosen.collect();
        for c in std::iter::once(&story.dek)
            .flat_map(|s| s.citations.iter())
            .map(|c| (c.article, c.sentence))
        {
            used.insert(c);
        }
        let mut paragraphs = rest.chunks(2).map(|chunk| Paragraph {
            date: None,
            sentences: chunk.iter().map(|c| bank.cited(c)).collect(),
        });
        story.lede = paragraphs.next().unwrap_or_default();
        story.body = paragraphs.collect();
        for s in story
            .lede
            .sentences
            .iter()
            .chain(story.body.iter().flat_map(|p| &p.sentences))
        {
            for c in &s.citations {
                used.insert((c.article, c.sentence));
            }
        }
        story.headline = headline::headline(&articles, &bank, input.copies, &story.dek);

        let by_article: HashMap<ArticleId, &Analysis> =
            input.analyses.iter().map(|a| (a.article, a)).collect();
        story.entities = top_entities(input.analyses, 8);
        let topic = story.entities.first().cloned();
        if let Some(timeline) = self.timeline(&articles, &by_article, &bank, &story, &topic) {
            story.sections.push(timeline);
        }
        if let Some(items) = items::key_items(&bank, &used) {
            story.sections.push(items);
        }
        story.sections.extend(parties::party_sections(
            &articles,
            &by_article,
            &bank,
            &used,
            parties::PartyLimits {
                parties: self.config.max_parties,
                quotes: self.config.max_quotes,
            },
        ));
        story.change_note = change_note(input.previous, &story);
        story
    }
}

impl ExtractiveWriter {
    /// A dated timeline when the story spans several days: the days that
    /// matter and, for each, the sentence that says what happened, chosen by
    /// the timeline summarizer ([`timeline::build_timeline`], measured on
    /// Timeline17) over the story's articles. Days are read from a fortnight
    /// before the first article to the day after the last (older mentions are
    /// background, not timeline). A sentence of the lede may come back here
    /// with its date: in a short story the timeline retells the same events
    /// day by day.
    fn timeline(
        &self,
        articles: &[&Article],
        analyses: &HashMap<ArticleId, &Analysis>,
        bank: &SentenceBank,
        story: &Story,
        topic: &Option<String>,
    ) -> Option<Section> {
        let (first, last) = (story.first_published?, story.last_published?);
        let sources: Vec<timeline::TimelineSource> = articles
            .iter()
            .map(|a| timeline::TimelineSource {
                article: a,
                dates: analyses
                    .get(&a.id)
                    .map_or(&[][..], |an| an.dates.as_slice()),
            })
            .collect();
        let options = timeline::TimelineOptions {
            max_dates: self.config.max_timeline,
            sentences_per_date: 1,
            first: Some(first.date_naive() - chrono::Days::new(14)),
            last: Some(last.date_naive() + chrono::Days::new(1)),
        };
        let paragraphs: Vec<Paragraph> = timeline::build_timeline(&sources, &options)
            .into_iter()
            .filter_map(|entry| {
                let s = entry.sentences.first()?;
                // The bank's candidate adds other outlets that said the same;
                // a sentence the bank passed over still cites its source.
                let cited = match bank.candidate(s.article, s.sentence) {
                    Some(c) if c.text == s.text => bank.cited(c),
                    _ => CitedSentence::new(
                        s.text.clone(),
                        vec![Citation {
                            article: s.article,
                            sentence: s.sentence,
                        }],
                    ),
                };
                Some(Paragraph {
                    date: Some(entry.date),
                    sentences: vec![cited],
                })
            })
            .collect();
        if paragraphs.len() < 2 {
            return None;
        }
        let heading = match topic {
            Some(t) => format!("Timeline: {t}"),
            None => "Timeline".to_string(),
        };
        Some(Section {
            heading,
            kind: SectionKind::Timeline,
            paragraphs,
        })
    }
}

/// The sentence of `article` that names `speaker` in full: the last one at or
/// before the quote's sentence, else the first after it. None when no sentence
/// does (the attribution could not be checked).
fn naming_sentence(article: &Article, speaker: &str, quote_sentence: usize) -> Option<usize> {
    let key = |w: &str| {
        w.trim_end_matches('.')
            .replace('\u{2019}', "'")
            .trim_end_matches("'s")
            .to_lowercase()
    };
    let wanted: Vec<String> = lede_text::words(speaker)
        .iter()
        .map(|t| key(t.text))
        .collect();
    let names = |i: usize| {
        let have: HashSet<String> = lede_text::words(article.sentence(i))
            .iter()
            .map(|t| key(t.text))
            .collect();
        !wanted.is_empty() && wanted.iter().all(|w| have.contains(w))
    };
    (0..=quote_sentence.min(article.sentences.len().saturating_sub(1)))
        .rev()
        .find(|&i| names(i))
        .or_else(|| (quote_sentence + 1..article.sentences.len()).find(|&i| names(i)))
}

/// "Interior Secretary Ken Salazar" for a title-like role, "Ken Salazar, the
/// interior secretary," for a descriptive one; the name alone after the first mention.
fn attribute(speaker: &str, role: Option<&str>, first_mention: bool) -> String {
    match role
        .map(str::trim)
        .filter(|r| !r.is_empty() && first_mention)
    {
        None => speaker.to_string(),
        Some(r) => {
            let lower = r.to_lowercase();
            // "the interior secretary", "director of the site": a description
            // set off by commas; "Interior Secretary" is a title before the name.
            let descriptive = ["the ", "a ", "an ", "his ", "her ", "their "]
                .iter()
                .any(|p| lower.starts_with(p))
                || r.chars().next().is_some_and(char::is_lowercase)
                || r.split_whitespace().count() > 5;
            if descriptive || speaker.contains(r) {
                if speaker.contains(r) {
                    speaker.to_string()
                } else {
                    format!("{speaker}, {r},")
                }
            } else {
                format!("{r} {speaker}")
            }
        }
    }
}

/// The story's named entities mentioned by at least two articles (or the
/// single article), most widely mentioned first.
fn top_entities(analyses: &[Analysis], k: usize) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for an in analyses {
        let mut seen = HashSet::new();
        for e in &an.entities {
            if matches!(e.kind, EntityKind::Other) || e.name.split_whitespace().count() > 4 {
                continue;
            }
            if seen.insert(e.name.as_str()) {
                *counts.entry(e.name.as_str()).or_default() += 1;
            }
        }
    }
    let min = if analyses.len() > 1 { 2 } else { 1 };
    let mut best: Vec<(&str, usize)> = counts.into_iter().filter(|(_, n)| *n >= min).collect();
    best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    best.into_iter()
        .take(k)
        .map(|(n, _)| n.to_string())
        .collect()
}

/// Strip " | Outlet", " - Outlet" and the like from a page title.
pub fn clean_title(title: &str, outlet: &str) -> String {
    let mut t = title.trim().to_string();
    for sep in [" | ", " - ", " — ", " – ", " :: "] {
        if let Some(pos) = t.rfind(sep) {
            let tail = t[pos + sep.len()..].trim();
            if !outlet.is_empty()
                && (tail.eq_ignore_ascii_case(outlet)
                    || outlet.to_lowercase().contains(&tail.to_lowercase()))
            {
                t.truncate(pos);
            }
        }
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sources list, wire copies marked.
fn sources(articles: &[&Article], copies: &HashMap<ArticleId, ArticleId>) -> Vec<SourceRef> {
    articles
        .iter()
        .map(|a| SourceRef {
            article: a.id,
            url: a.link().to_string(),
            outlet: a.outlet.clone(),
            title: a.title.clone(),
            published: a.published,
            copy_of: copies.get(&a.id).copied(),
            paywalled: a.paywalled,
        })
        .collect()
}

/// Independent sources: distinct outlets, not counting an outlet whose only
/// articles in the story are wire copies of another outlet's article.
pub fn independent_sources(sources: &[SourceRef]) -> usize {
    let outlets: HashSet<&str> = sources
        .iter()
        .filter(|s| s.copy_of.is_none())
        .map(|s| s.outlet.as_str())
        .collect();
    outlets.len().max(usize::from(!sources.is_empty()))
}

/// What changed since the previous version, in words.
fn change_note(previous: Option<&Story>, story: &Story) -> String {
    let Some(prev) = previous else {
        return String::new();
    };
    let old: HashSet<ArticleId> = prev.articles.iter().copied().collect();
    let added: Vec<&SourceRef> = story
        .sources
        .iter()
        .filter(|s| !old.contains(&s.article))
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        let mut outlets: Vec<&str> = added.iter().map(|s| s.outlet.as_str()).collect();
        outlets.sort();
        outlets.dedup();
        parts.push(format!(
            "{} new source article{} ({})",
            added.len(),
            if added.len() == 1 { "" } else { "s" },
            outlets.join(", ")
        ));
    }
    if prev.headline.text != story.headline.text {
        parts.push("new headline".to_string());
    }
    if prev.dek.text != story.dek.text {
        parts.push("new summary".to_string());
    }
    if parts.is_empty() {
        "rewritten; no change in content".to_string()
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests;
