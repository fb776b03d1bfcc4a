//! Full-text search over lede's stories and articles.
//!
//! A [`SearchIndex`] is a [tantivy](https://docs.rs/tantivy) index holding one
//! document per story (headline, dek, story text, outlets, dates, language) and
//! one per source article (title, text, outlet, publication time, language,
//! URL). Documents are upserted by id ([`SearchIndex::index_story`],
//! [`SearchIndex::index_article`]) and become visible at the next
//! [`SearchIndex::commit`]. [`SearchIndex::search`] runs a [`SearchQuery`]
//! (free text in tantivy's query syntax, parsed leniently so that no user input
//! is an error, plus filters on outlet, language, dates and kind) and returns
//! ranked [`SearchHit`]s with highlighted [`Snippet`]s.
//!
//! # One writer
//!
//! The index is derived data: the store is the truth, and the index can be
//! rebuilt from it at any time. **Only the process that serves the site writes
//! the index**; it refreshes it from the store after each build (see
//! `lede_publish::refresh_search`). Fetching, importing and building processes
//! never open it, so many worker processes never contend for it. tantivy itself
//! enforces this with a lock file: a second [`SearchIndex::open`] on the same
//! folder fails with [`SearchError::Locked`]. Other processes that only need to
//! query use [`SearchIndex::open_read_only`], which sees each commit of the
//! writer shortly after it lands.
//!
//! # Text analysis
//!
//! Text fields go through one analyzer: Unicode word splitting, lower-casing,
//! ASCII folding ("Zürich" finds "Zurich") and the English Snowball stemmer.
//! Stemming non-English text with the English stemmer only conflates a few
//! extra word forms; query and document go through the same steps, so matches
//! stay consistent.

mod index;
mod query;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use index::{majority_language, SearchIndex};

/// Errors from the search index, with what was being done.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("cannot open the search index at {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error(
        "the search index at {path} is being written by another process \
         (only the process serving the site writes it)"
    )]
    Locked { path: String },
    #[error(
        "the search index at {path} was made by another version of lede; \
         it is rebuilt from the store when opened with `SearchIndex::open_or_rebuild`"
    )]
    SchemaChanged { path: String },
    #[error("this search index was opened read-only")]
    ReadOnly,
    #[error("search index error while {context}: {source}")]
    Index {
        context: &'static str,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error("cannot {context} {path}: {source}")]
    Io {
        context: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Results of this crate.
pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// What a document is: a written story or a stored source article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Story,
    Article,
}

impl Kind {
    /// `"story"` or `"article"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Story => "story",
            Kind::Article => "article",
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = ();
    /// `story`/`stories` or `article`/`articles`, any case.
    fn from_str(s: &str) -> std::result::Result<Self, ()> {
        match s.trim().to_ascii_lowercase().as_str() {
            "story" | "stories" => Ok(Kind::Story),
            "article" | "articles" => Ok(Kind::Article),
            _ => Err(()),
        }
    }
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (BM25); newest first when the query has no words.
    #[default]
    Relevance,
    /// Newest first (by the document's latest date).
    Newest,
}

impl std::str::FromStr for Sort {
    type Err = ();
    /// `relevance` or `newest` (also `date`), any case.
    fn from_str(s: &str) -> std::result::Result<Self, ()> {
        match s.trim().to_ascii_lowercase().as_str() {
            "relevance" | "best" => Ok(Sort::Relevance),
            "newest" | "date" => Ok(Sort::Newest),
            _ => Err(()),
        }
    }
}

/// Results per page when a query asks for none.
pub const DEFAULT_LIMIT: usize = 20;
/// The most results one query returns.
pub const MAX_LIMIT: usize = 100;
/// The deepest offset accepted (deep paging costs memory in the collector).
pub const MAX_OFFSET: usize = 10_000;

/// A search: free text plus filters. Every field may be left empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Words to find, in tantivy's query syntax (`"exact phrase"`, `-word`,
    /// `title:word`, `a OR b`); all words must match by default. Empty: every
    /// document that passes the filters, newest first.
    pub text: String,
    /// Only documents from this outlet (exact name, any case).
    pub outlet: Option<String>,
    /// Only documents in this language (ISO 639-1, e.g. `en`; `en-GB` counts as `en`).
    pub language: Option<String>,
    /// Only documents dated on or after this day (UTC). A story counts when
    /// any of its coverage falls in the range.
    pub from: Option<NaiveDate>,
    /// Only documents dated on or before this day (UTC), inclusive.
    pub to: Option<NaiveDate>,
    /// Only stories or only articles.
    pub kind: Option<Kind>,
    /// How results are ordered.
    #[serde(default)]
    pub sort: Sort,
    /// Results to return: 0 means [`DEFAULT_LIMIT`]; at most [`MAX_LIMIT`].
    pub limit: usize,
    /// Results to skip (for paging); at most [`MAX_OFFSET`].
    pub offset: usize,
}

impl SearchQuery {
    /// A query for `text` with no filters.
    pub fn text(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            ..Default::default()
        }
    }

    /// The limit actually used.
    pub fn effective_limit(&self) -> usize {
        if self.limit == 0 {
            DEFAULT_LIMIT
        } else {
            self.limit.min(MAX_LIMIT)
        }
    }

    /// The offset actually used.
    pub fn effective_offset(&self) -> usize {
        self.offset.min(MAX_OFFSET)
    }
}

/// One piece of a snippet: plain text, or a stretch that matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    /// Whether this piece matched a query term (shown highlighted).
    pub hit: bool,
}

/// A short excerpt of a document around the words that matched, as plain-text
/// pieces (the page escapes them and marks the hits; no HTML is produced here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub parts: Vec<SnippetPart>,
}

impl Snippet {
    /// The snippet as plain text.
    pub fn text(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
    }

    /// Whether any piece is a hit.
    pub fn has_hits(&self) -> bool {
        self.parts.iter().any(|p| p.hit)
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub kind: Kind,
    /// Story id or article id.
    pub id: i64,
    /// Story headline or article title.
    pub title: String,
    /// The title with matched words marked.
    pub title_snippet: Snippet,
    /// Story dek; empty for articles.
    pub dek: String,
    /// The article's outlet, or every outlet of the story.
    pub outlets: Vec<String>,
    pub language: Option<String>,
    /// Article: publication time. Story: latest coverage (or last update).
    pub date: Option<DateTime<Utc>>,
    /// Story: earliest coverage. Article: same as `date`.
    pub first_date: Option<DateTime<Utc>>,
    /// Article: the URL it was read from. Stories have none.
    pub url: Option<String>,
    /// Story: independent sources. Articles have none.
    pub sources: Option<usize>,
    /// Story: the version indexed. Articles have none.
    pub version: Option<u32>,
    /// An excerpt of the text around the matched words (the start of the text
    /// when only the title matched or there were no words).
    pub snippet: Snippet,
    /// Relevance (BM25); 0 when results are ordered by date.
    pub score: f32,
}

/// A page of results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// How many documents match in all.
    pub total: usize,
    /// The offset and limit used.
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<SearchHit>,
}

impl SearchResults {
    /// The offset of the next page, when there is one.
    pub fn next_offset(&self) -> Option<usize> {
        let next = self.offset + self.hits.len();
        (next < self.total && !self.hits.is_empty() && next <= MAX_OFFSET).then_some(next)
    }
}

#[cfg(test)]
mod tests;
