//! Storage for lede.
//!
//! Every other stage talks to storage through the [`Store`] trait and the plain
//! types of `lede-model`, never through tables, so a backend can be added
//! (PostgreSQL is planned) without touching the stages. The default backend is
//! [`SqliteStore`]: one file in the data directory, WAL journal, versioned
//! migrations, created on first use.
//!
//! What is stored:
//! - articles, each once: a second insert with the same URL or the same body
//!   text (after whitespace and case normalisation) is reported as a duplicate;
//! - the story each article belongs to (written by the cluster stage);
//! - every version of every story (the story as JSON; old versions stay readable);
//! - feed subscriptions and their polling state.

mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lede_model::{Article, ArticleId, Feed, Story, StoryId, StorySummary};

pub use sqlite::SqliteStore;

/// Errors from a store, with the operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error while {context}: {source}")]
    Database {
        context: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("stored data is corrupt ({context}): {source}")]
    Corrupt {
        context: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot open store at {path}: {reason}")]
    Open { path: String, reason: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What happened to an inserted article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// Stored under this new id.
    New(ArticleId),
    /// Already stored (same URL or same text) under this id; nothing was added.
    Duplicate(ArticleId),
}

impl Inserted {
    pub fn id(self) -> ArticleId {
        match self {
            Inserted::New(id) | Inserted::Duplicate(id) => id,
        }
    }
}

/// One stored version of a story, for the version history.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoryVersionInfo {
    pub version: u32,
    pub updated: DateTime<Utc>,
    pub change_note: String,
}

/// Counts for status pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    pub articles: u64,
    pub stories: u64,
    pub feeds: u64,
}

/// The storage interface every stage uses.
#[async_trait]
pub trait Store: Send + Sync {
    // --- articles ---
    /// Store an article once; duplicates (same URL or same body text) are not added.
    async fn insert_article(&self, article: &Article) -> Result<Inserted>;
    async fn article(&self, id: ArticleId) -> Result<Option<Article>>;
    /// Articles by id, in the order of `ids` (missing ids are skipped).
    async fn articles(&self, ids: &[ArticleId]) -> Result<Vec<Article>>;
    /// The story an article belongs to, if it has been clustered.
    async fn story_of_article(&self, article: ArticleId) -> Result<Option<StoryId>>;
    /// Articles not yet assigned to a story, oldest publication first.
    async fn unassigned_articles(&self) -> Result<Vec<Article>>;

    // --- stories ---
    /// The next unused story id (for the clusterer to hand out).
    async fn next_story_id(&self) -> Result<StoryId>;
    /// Record article -> story assignments (one transaction).
    async fn assign(&self, assignments: &[(ArticleId, StoryId)]) -> Result<()>;
    /// Member article ids of a story, oldest first.
    async fn story_members(&self, story: StoryId) -> Result<Vec<ArticleId>>;
    /// Stories whose latest member was published at or after `since`, with their members.
    async fn recent_story_members(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(StoryId, Vec<ArticleId>)>>;
    /// Save a new version of a story; its `version` field must be the previous version + 1
    /// (1 for a new story). Returns the version stored.
    async fn save_story(&self, story: &Story) -> Result<u32>;
    /// The current version of a story.
    async fn story(&self, id: StoryId) -> Result<Option<Story>>;
    /// A given version of a story.
    async fn story_version(&self, id: StoryId, version: u32) -> Result<Option<Story>>;
    /// Version history, newest first.
    async fn story_versions(&self, id: StoryId) -> Result<Vec<StoryVersionInfo>>;
    /// Written stories, newest (latest publication) first, that have at least
    /// `min_sources` independent sources.
    async fn stories(
        &self,
        min_sources: usize,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>>;
    /// All written stories in full (for related-story computation and export).
    async fn all_stories(&self) -> Result<Vec<Story>>;

    // --- feeds ---
    /// Subscribe to a feed (idempotent); returns the stored feed.
    async fn add_feed(&self, url: &str, title: Option<&str>) -> Result<Feed>;
    /// Unsubscribe; returns whether the feed existed.
    async fn remove_feed(&self, url: &str) -> Result<bool>;
    async fn feeds(&self) -> Result<Vec<Feed>>;
    /// Save a feed's polling state (etag, last fetch, errors, next fetch).
    async fn update_feed(&self, feed: &Feed) -> Result<()>;

    // --- housekeeping ---
    async fn stats(&self) -> Result<StoreStats>;
}
