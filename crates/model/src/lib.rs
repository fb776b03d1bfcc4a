//! Plain data that flows between lede's pipeline stages.
//!
//! `sources -> fetch -> extract -> store -> cluster -> analyze -> write -> verify -> publish`
//!
//! Every stage takes and returns the types in this crate, so that a stage can be
//! tested alone on fixtures and replaced without touching its neighbours. Nothing
//! here does I/O.
//!
//! - [`Document`]: a raw input as fetched or read from disk (HTML or plain text).
//! - [`Article`]: one extracted, stored article with its sentences.
//! - [`Analysis`]: what the analyze stage found in an article (quotes, entities, dates).
//! - [`Story`]: the written story with its sections, citations and sources.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Identifier of a stored article (assigned by the store; `0` before storing).
pub type ArticleId = i64;
/// Identifier of a story (assigned by the store).
pub type StoryId = i64;

/// A raw document as a source delivered it, before extraction.
///
/// Either `html` is set (a web page to extract) or `text` is (an article whose
/// body is already plain text, e.g. from JSON Lines or a text corpus). The
/// other fields are hints from the source (feed entry, JSON fields, folder
/// layout) that extraction may override with better metadata from the page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Where the document lives (http(s) URL, or a `file:`/corpus URL for local input).
    pub url: String,
    /// Raw HTML of the page, when the source gave a page.
    pub html: Option<String>,
    /// Plain body text, paragraphs separated by blank lines, when the source gave text.
    pub text: Option<String>,
    /// Title from the source (feed entry title, JSON field, first line of a text file).
    pub title: Option<String>,
    /// Publication time from the source.
    pub published: Option<DateTime<Utc>>,
    /// Outlet name from the source (feed title, JSON field, corpus folder).
    pub outlet: Option<String>,
    /// Byline from the source.
    pub byline: Option<String>,
    /// Language code (ISO 639-1) from the source.
    pub language: Option<String>,
}

/// A byte range `[start, end)` into a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// The text this span covers in `s`.
    pub fn slice<'a>(&self, s: &'a str) -> &'a str {
        &s[self.start..self.end]
    }
}

/// One extracted article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Store id; `0` until the article is stored.
    pub id: ArticleId,
    /// The URL the article was read from.
    pub url: String,
    /// The canonical URL the page declares (`<link rel=canonical>`, `og:url`), if any.
    pub canonical_url: Option<String>,
    /// Outlet (publication) name, e.g. "BBC News".
    pub outlet: String,
    pub title: String,
    pub byline: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// ISO 639-1 language code, e.g. "en".
    pub language: Option<String>,
    /// Body text; paragraphs separated by a blank line.
    pub text: String,
    /// Sentences of `text` as byte spans, in order.
    pub sentences: Vec<Span>,
    /// Whether the page says it is behind a paywall (JSON-LD
    /// `isAccessibleForFree`, `article:content_tier`); `None` when it does not say.
    #[serde(default)]
    pub paywalled: Option<bool>,
}

impl Article {
    /// This article with `sentences` as its text, joined by single spaces,
    /// and their spans as its sentence split: an article assembled from
    /// sentences already split (a writer's or a test's).
    pub fn with_sentences(mut self, sentences: &[&str]) -> Self {
        let mut text = String::new();
        let mut spans = Vec::with_capacity(sentences.len());
        for s in sentences {
            if !text.is_empty() {
                text.push(' ');
            }
            spans.push(Span::new(text.len(), text.len() + s.len()));
            text.push_str(s);
        }
        self.text = text;
        self.sentences = spans;
        self
    }

    /// The text of sentence `i`, or "" when out of range.
    pub fn sentence(&self, i: usize) -> &str {
        self.sentences
            .get(i)
            .and_then(|s| self.text.get(s.start..s.end))
            .unwrap_or("")
    }

    /// Iterator over sentence texts.
    pub fn sentence_texts(&self) -> impl Iterator<Item = &str> {
        self.sentences
            .iter()
            .map(|s| self.text.get(s.start..s.end).unwrap_or(""))
    }

    /// A stable fingerprint of the article body used to store each article once:
    /// SHA-256 of the whitespace-normalised, lower-cased text.
    pub fn content_hash(&self) -> String {
        content_hash(&self.text)
    }

    /// The URL a reader should follow: canonical when known.
    pub fn link(&self) -> &str {
        self.canonical_url.as_deref().unwrap_or(&self.url)
    }
}

/// SHA-256 (hex) of whitespace-normalised, lower-cased text.
pub fn content_hash(text: &str) -> String {
    let mut h = Sha256::new();
    let mut first = true;
    for word in text.split_whitespace() {
        if !first {
            h.update(b" ");
        }
        first = false;
        h.update(word.to_lowercase().as_bytes());
    }
    hex::encode(h.finalize())
}

/// The kind of a named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organization,
    Location,
    Other,
}

/// A named entity mention in an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The name as written ("Ken Salazar").
    pub name: String,
    pub kind: EntityKind,
    /// Role phrase attached to a person ("Interior Secretary"), when the text gives one.
    pub role: Option<String>,
    /// Index of the sentence holding the mention.
    pub sentence: usize,
    /// Byte span of the name within the article text.
    pub span: Span,
}

/// An attributed quote (direct or indirect) found in an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Index of the (first) sentence holding the quote.
    pub sentence: usize,
    /// The quoted content, verbatim, without the quote marks.
    pub content: String,
    /// Byte span of the content within the article text. When the
    /// attribution interrupts what it attributes ("The plan, Ortiz said,
    /// will fail"), the span is the whole sentence, attribution included.
    pub content_span: Span,
    /// The speaker as named in the text, after resolving pronouns ("Ken Salazar").
    pub speaker: Option<String>,
    /// Byte span of the speaker mention within the article text.
    pub speaker_span: Option<Span>,
    /// The speaker's role when known ("Interior Secretary").
    pub role: Option<String>,
    /// Sentence index where the role was found (may differ from `sentence`).
    pub role_sentence: Option<usize>,
    /// The attribution verb ("said", "told").
    pub cue: Option<String>,
    pub cue_span: Option<Span>,
    /// Whether the quote was in quotation marks.
    pub direct: bool,
}

/// How precise a resolved date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateGranularity {
    Day,
    Month,
    Year,
}

/// A time expression resolved to a calendar date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeExpr {
    /// Index of the sentence holding the expression.
    pub sentence: usize,
    /// The expression as written ("on Sunday", "May 3").
    pub text: String,
    /// Byte span within the article text.
    pub span: Span,
    /// The date it refers to (first day of the month/year for coarser granularities).
    pub date: NaiveDate,
    pub granularity: DateGranularity,
}

/// What the analyze stage found in one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub article: ArticleId,
    pub quotes: Vec<Quote>,
    pub entities: Vec<Entity>,
    pub dates: Vec<TimeExpr>,
}

/// A pointer to one source sentence: the evidence for a story sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Citation {
    pub article: ArticleId,
    /// Index into the article's `sentences`.
    pub sentence: usize,
}

/// One sentence of a story with the source sentences it rests on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CitedSentence {
    pub text: String,
    pub citations: Vec<Citation>,
}

impl CitedSentence {
    pub fn new(text: impl Into<String>, citations: Vec<Citation>) -> Self {
        CitedSentence {
            text: text.into(),
            citations,
        }
    }
}

/// A paragraph of cited sentences; timeline entries carry their date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    /// The date a timeline entry is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    pub sentences: Vec<CitedSentence>,
}

/// What a section of a story is for; the page may render kinds differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Dated entries in order.
    Timeline,
    /// Who said what: attributed quotes.
    Quotes,
    /// One party's stance.
    Stance,
    /// Other body text under its own heading.
    Body,
}

/// A section of a story under its own heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub kind: SectionKind,
    pub paragraphs: Vec<Paragraph>,
}

/// One source article of a story, as listed under the story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRef {
    pub article: ArticleId,
    pub url: String,
    pub outlet: String,
    pub title: String,
    pub published: Option<DateTime<Utc>>,
    /// When this article is a near-duplicate (wire copy) of another source of the
    /// story, the id of the first copy; such sources count once.
    pub copy_of: Option<ArticleId>,
    /// Whether the source page is paywalled, when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paywalled: Option<bool>,
}

/// Another story related to this one, with a one-line teaser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelatedStory {
    pub id: StoryId,
    pub headline: String,
    pub teaser: String,
}

/// A sentence the verifier refused, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroppedSentence {
    pub text: String,
    pub reason: String,
}

/// The note every story carries: it was machine-written from its sources.
pub const MACHINE_NOTE: &str = "This story was written by software from the source articles listed below. \
Every sentence links to the source sentences it rests on, and names, numbers, dates and quotes were \
checked against them before publishing. Read the sources for the full picture.";

/// A written story: one event, reported by one or more articles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: StoryId,
    /// Increases by one each time the story is rewritten.
    pub version: u32,
    pub updated: DateTime<Utc>,
    pub headline: CitedSentence,
    /// One sentence: what happened and where things stand.
    pub dek: CitedSentence,
    /// The lede paragraph.
    pub lede: Paragraph,
    /// Body paragraphs, most important first.
    pub body: Vec<Paragraph>,
    /// Sections with their own headings (timeline, quotes, stances).
    pub sections: Vec<Section>,
    /// Member articles, oldest first.
    pub articles: Vec<ArticleId>,
    /// Every source article, with wire copies marked.
    pub sources: Vec<SourceRef>,
    /// Number of independent sources (wire copies counted once).
    pub independent_sources: usize,
    pub related: Vec<RelatedStory>,
    /// The story's most mentioned named entities (people, organisations, places).
    #[serde(default)]
    pub entities: Vec<String>,
    /// The front-page section (a topic slug such as `business`), if one fits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Earliest and latest publication time of the member articles.
    pub first_published: Option<DateTime<Utc>>,
    pub last_published: Option<DateTime<Utc>>,
    /// Sentences the verifier dropped, with reasons.
    pub dropped: Vec<DroppedSentence>,
    /// The machine-writing note.
    pub note: String,
    /// What changed since the previous version (empty for version 1).
    pub change_note: String,
}

impl Story {
    /// All cited sentences of the story in reading order (headline, dek, lede, body, sections).
    pub fn all_sentences(&self) -> impl Iterator<Item = &CitedSentence> {
        std::iter::once(&self.headline)
            .chain(std::iter::once(&self.dek))
            .chain(self.lede.sentences.iter())
            .chain(self.body.iter().flat_map(|p| p.sentences.iter()))
            .chain(
                self.sections
                    .iter()
                    .flat_map(|s| s.paragraphs.iter().flat_map(|p| p.sentences.iter())),
            )
    }

    /// Mutable access to every cited sentence of the story.
    pub fn all_sentences_mut(&mut self) -> Vec<&mut CitedSentence> {
        let mut out: Vec<&mut CitedSentence> = vec![&mut self.headline, &mut self.dek];
        out.extend(self.lede.sentences.iter_mut());
        out.extend(self.body.iter_mut().flat_map(|p| p.sentences.iter_mut()));
        out.extend(
            self.sections
                .iter_mut()
                .flat_map(|s| s.paragraphs.iter_mut().flat_map(|p| p.sentences.iter_mut())),
        );
        out
    }

    /// The plain text of dek, lede and body.
    pub fn summary_text(&self) -> String {
        let mut parts = vec![self.dek.text.clone()];
        parts.extend(self.lede.sentences.iter().map(|s| s.text.clone()));
        for p in &self.body {
            parts.extend(p.sentences.iter().map(|s| s.text.clone()));
        }
        parts.join(" ")
    }
}

/// A front-page section. Stories carry it as its slug ([`Story::topic`]);
/// `lede-analyze` decides which one a story belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    World,
    Politics,
    Business,
    Technology,
    Science,
    Health,
    Environment,
    Sport,
    Culture,
}

impl Topic {
    /// Every topic, in the order the front page shows them.
    pub const ALL: [Topic; 9] = [
        Topic::World,
        Topic::Politics,
        Topic::Business,
        Topic::Technology,
        Topic::Science,
        Topic::Health,
        Topic::Environment,
        Topic::Sport,
        Topic::Culture,
    ];

    /// The URL slug (`/topics/{slug}`), also the stored form.
    pub fn slug(self) -> &'static str {
        match self {
            Topic::World => "world",
            Topic::Politics => "politics",
            Topic::Business => "business",
            Topic::Technology => "technology",
            Topic::Science => "science",
            Topic::Health => "health",
            Topic::Environment => "environment",
            Topic::Sport => "sport",
            Topic::Culture => "culture",
        }
    }

    /// The heading shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            Topic::World => "World",
            Topic::Politics => "Politics",
            Topic::Business => "Business",
            Topic::Technology => "Technology",
            Topic::Science => "Science",
            Topic::Health => "Health",
            Topic::Environment => "Environment",
            Topic::Sport => "Sport",
            Topic::Culture => "Culture",
        }
    }

    /// The topic a slug names.
    pub fn from_slug(slug: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.slug() == slug)
    }
}

/// A short view of a story for lists (front page, API index).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorySummary {
    pub id: StoryId,
    pub version: u32,
    pub headline: String,
    pub dek: String,
    pub updated: DateTime<Utc>,
    pub first_published: Option<DateTime<Utc>>,
    pub last_published: Option<DateTime<Utc>>,
    /// Independent sources (wire copies counted once).
    pub sources: usize,
    /// Number of member articles.
    pub article_count: usize,
    /// Distinct outlet names.
    pub outlets: Vec<String>,
    /// The front-page section (a topic slug), if one fits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
}

impl From<&Story> for StorySummary {
    fn from(s: &Story) -> Self {
        let mut outlets: Vec<String> = Vec::new();
        for src in &s.sources {
            if !outlets.contains(&src.outlet) {
                outlets.push(src.outlet.clone());
            }
        }
        StorySummary {
            id: s.id,
            version: s.version,
            headline: s.headline.text.clone(),
            dek: s.dek.text.clone(),
            updated: s.updated,
            first_published: s.first_published,
            last_published: s.last_published,
            sources: s.independent_sources,
            article_count: s.articles.len(),
            outlets,
            topic: s.topic.clone(),
        }
    }
}

/// A subscribed feed and its polling state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Feed {
    pub id: i64,
    pub url: String,
    pub title: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetched: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Consecutive failed polls.
    pub error_count: u32,
    pub next_fetch: Option<DateTime<Utc>>,
    /// The polling interval the scheduler has adapted to this feed, in seconds
    /// (None until the first successful poll).
    #[serde(default)]
    pub interval_secs: Option<u32>,
    /// When the current run of failures began (None while the feed works); a feed
    /// failing for days is shown as such and polled rarely.
    #[serde(default)]
    pub failing_since: Option<DateTime<Utc>>,
    /// The last poll that brought something new (a changed feed body).
    #[serde(default)]
    pub last_changed: Option<DateTime<Utc>>,
}

/// How long a feed may fail before it counts as dead (polled at most daily,
/// shown as DEAD): the scheduler's default, and what status pages use.
pub const FEED_DEAD_AFTER: chrono::TimeDelta = chrono::TimeDelta::days(3);

/// How a feed is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedHealth {
    /// The last poll worked (or the feed was never polled).
    Ok,
    /// Failing since `since`, `errors` polls in a row, for less than the dead limit.
    Failing { since: DateTime<Utc>, errors: u32 },
    /// Failing for longer than the dead limit: polled at most daily.
    Dead { since: DateTime<Utc>, errors: u32 },
}

impl Feed {
    /// How the feed is doing at `now`, when failing longer than `dead_after` is dead.
    pub fn health(&self, now: DateTime<Utc>, dead_after: chrono::TimeDelta) -> FeedHealth {
        match self.failing_since {
            None => FeedHealth::Ok,
            Some(since) if now - since > dead_after => FeedHealth::Dead {
                since,
                errors: self.error_count,
            },
            Some(since) => FeedHealth::Failing {
                since,
                errors: self.error_count,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_ignores_case_and_spacing() {
        assert_eq!(
            content_hash("The  Mayor of Eastbrook\nresigned."),
            content_hash("the mayor of eastbrook resigned.")
        );
        assert_ne!(content_hash("a b"), content_hash("a c"));
    }

    #[test]
    fn with_sentences_joins_and_splits() {
        let a = Article::default().with_sentences(&["The ferry sails.", "It is late."]);
        assert_eq!(a.text, "The ferry sails. It is late.");
        assert_eq!(a.sentence(0), "The ferry sails.");
        assert_eq!(a.sentence(1), "It is late.");
    }

    #[test]
    fn sentence_out_of_range_is_empty() {
        let a = Article {
            text: "One. Two.".into(),
            sentences: vec![Span::new(0, 4), Span::new(5, 9)],
            ..Default::default()
        };
        assert_eq!(a.sentence(1), "Two.");
        assert_eq!(a.sentence(7), "");
        assert_eq!(a.sentence_texts().count(), 2);
    }
}
