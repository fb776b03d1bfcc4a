//! Storage for lede.
//!
//! Every other stage talks to storage through the [`Store`] trait and the plain
//! types of `lede-model`, never through tables. Two backends implement it:
//! [`SqliteStore`] (the default: one file in the data directory, WAL journal)
//! and [`PostgresStore`] (a server shared by many `lede worker` processes).
//! [`connect`] picks one from a database URL. Both share one ordered list of
//! schema migrations, so [`Store::schema_version`] gives the same number on
//! both ([`SCHEMA_VERSION`] for this build).
//!
//! What is stored:
//! - articles, each once: a second insert with the same URL or the same body
//!   text (after whitespace and case normalisation) is reported as a duplicate,
//!   also when the two inserts race (unique constraints decide);
//! - the story each article belongs to (written by the cluster stage);
//! - every version of every story (the story as JSON; old versions stay
//!   readable); a version is saved once: of two writers saving version N+1, one
//!   wins and the other gets [`StoreError::VersionConflict`];
//! - feed subscriptions and their polling state;
//! - leases and dirty marks, so that several workers share the work.
//!
//! # Leases
//!
//! Many workers may run against one database. They never do the same work
//! twice, and the work of a worker that died is taken over, through leases: a
//! claim by a named worker (any string unique to the process) that holds until
//! a time. Every lease call takes `now` from the caller, so tests and workers
//! agree on one clock; a lease whose time is at or before `now` has expired and
//! is free.
//!
//! - **Feeds.** [`Store::claim_due_feeds`] hands out feeds that are due
//!   (`next_fetch` unset or at or before `now`) and not leased, marking each
//!   leased by the worker until `now + lease`. Two concurrent claimers never get
//!   the same feed. [`Store::update_feed`] saves the poll's result and releases
//!   the feed's lease; a worker that dies leaves it to expire, and then the feed
//!   (still due) is claimed again by another. (A worker that outlives its lease
//!   and then saves releases the new holder's lease too: choose a lease longer
//!   than a poll can take.)
//! - **Singletons.** [`Store::try_lease`] takes a named lease (such as the
//!   clusterer's, which must run in one worker at a time) when it is free or
//!   expired, or renews it for its holder; it answers whether the caller holds
//!   it now. [`Store::release_lease`] gives it up (only the holder can).
//! - **Stories.** [`Store::assign`] marks every story it touches dirty by
//!   bumping the story's generation. [`Store::claim_dirty_stories`] hands out
//!   dirty, unleased stories with their current generation; the worker rewrites
//!   each and calls [`Store::complete_story`] with that generation, which clears
//!   the dirty mark only if no assignment came meanwhile (a newer generation
//!   keeps the story dirty, to be claimed again) and releases the lease.
//!
//! [`Store::live_leases`] counts leases not yet expired, of all kinds: after a
//! clean shutdown it is zero.
//!
//! SQLite serialises claims with `BEGIN IMMEDIATE` transactions (one writer at
//! a time, across processes too); PostgreSQL claims rows with
//! `FOR UPDATE SKIP LOCKED`, so concurrent claimers pass over each other's rows
//! instead of waiting.

mod migrations;
mod postgres;
mod sqlite;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use lede_model::{Article, ArticleId, Feed, Story, StoryId, StorySummary};

pub use migrations::SCHEMA_VERSION;
pub use postgres::PostgresStore;
pub use sqlite::{SqliteStore, DB_FILE};

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
    /// A story version was saved out of turn: another writer saved this version
    /// (or a later one) first. Reload the story and write it again.
    #[error(
        "story {story}: cannot save version {version} over stored version {}: \
         another writer saved it first (reload the story and write it again)",
        current.map_or_else(|| "none".to_string(), |v| v.to_string())
    )]
    VersionConflict {
        story: StoryId,
        version: u32,
        current: Option<u32>,
    },
    /// The backend does not offer this operation (a read-only or test store).
    #[error("this store does not support {operation}")]
    Unsupported { operation: &'static str },
}

impl StoreError {
    /// Whether this is a [`StoreError::VersionConflict`] (the caller may retry).
    pub fn is_version_conflict(&self) -> bool {
        matches!(self, StoreError::VersionConflict { .. })
    }
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

/// Counts for status pages, metrics and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    pub articles: u64,
    pub stories: u64,
    pub feeds: u64,
    /// Articles not yet clustered into a story.
    pub unclustered: u64,
    /// Stories with assignments no writer has completed yet (dirty).
    pub to_write: u64,
}

/// Open the store a database setting names: a `postgres://` or `postgresql://`
/// URL opens a [`PostgresStore`]; `None` opens the [`SqliteStore`] in
/// `data_dir` (created if needed). Either is migrated to [`SCHEMA_VERSION`].
pub async fn connect(database: Option<&str>, data_dir: &Path) -> Result<Arc<dyn Store>> {
    match database {
        None => Ok(Arc::new(SqliteStore::open(data_dir).await?)),
        Some(url) if postgres::is_postgres_url(url) => {
            Ok(Arc::new(PostgresStore::connect(url).await?))
        }
        Some(other) => Err(StoreError::Open {
            path: postgres::redact(other),
            reason: "not a database URL lede knows: give a postgres:// URL, \
                     or none for SQLite in the data directory"
                .to_string(),
        }),
    }
}

/// The end of a lease taken at `now` for `lease`, kept within years SQLite's
/// text times and PostgreSQL's TIMESTAMPTZ both hold.
pub(crate) fn lease_end(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    let far = Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap();
    chrono::TimeDelta::from_std(lease)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .map_or(far, |t| t.min(far))
}

/// Whether a same-version save changes only the story's related-story list
/// (navigation, not content), which is allowed in place.
pub(crate) fn only_related_differs(stored: &Story, new: &Story) -> bool {
    let strip = |s: &Story| {
        let mut s = s.clone();
        s.related = Vec::new();
        s
    };
    strip(stored) == strip(new)
}

/// The storage interface every stage uses.
///
/// The work-sharing methods (leases, dirty stories) have default bodies that
/// answer [`StoreError::Unsupported`], so read-only and test stores need not
/// implement them; both real backends do.
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
    /// The next unused story id (for the clusterer to hand out): one past the
    /// largest in use. Only the holder of the clusterer's lease hands ids out,
    /// and its assignments are fenced by that lease
    /// ([`Store::assign_under_lease`]), so two processes never hand out one id.
    async fn next_story_id(&self) -> Result<StoryId>;
    /// Record article -> story assignments (one transaction), and mark every
    /// story they touch dirty (a new generation to write).
    async fn assign(&self, assignments: &[(ArticleId, StoryId)]) -> Result<()>;
    /// Member article ids of a story, oldest first.
    async fn story_members(&self, story: StoryId) -> Result<Vec<ArticleId>>;
    /// Stories whose latest member was published at or after `since`, with their members.
    async fn recent_story_members(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(StoryId, Vec<ArticleId>)>>;
    /// Save a new version of a story; its `version` field must be the stored
    /// version + 1 (1 for a new story). Saving the stored version again is
    /// allowed when only `related` changed (navigation, updated in place).
    /// Anything else, such as a second writer saving the same new version, is a
    /// [`StoreError::VersionConflict`]. Returns the version stored.
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
    /// Like [`Store::stories`], only the stories filed under `topic` (a slug).
    async fn topic_stories(
        &self,
        topic: &str,
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
    /// Save a feed's polling state (etag, last fetch, errors, next fetch,
    /// interval, failing since, last change) and release its lease.
    async fn update_feed(&self, feed: &Feed) -> Result<()>;

    // --- housekeeping ---
    async fn stats(&self) -> Result<StoreStats>;

    /// Articles stored per hour from `since` on, oldest hour first: (the
    /// hour's start, articles stored in it); hours with none are left out.
    async fn articles_per_hour(&self, since: DateTime<Utc>) -> Result<Vec<(DateTime<Utc>, u64)>> {
        let _ = since;
        Err(StoreError::Unsupported {
            operation: "articles_per_hour",
        })
    }

    /// The schema version the database is at ([`SCHEMA_VERSION`] once open).
    async fn schema_version(&self) -> Result<i64> {
        Err(StoreError::Unsupported {
            operation: "schema_version",
        })
    }

    // --- work sharing (see the crate docs on leases) ---
    /// Lease up to `limit` due feeds (`next_fetch` unset or at or before `now`)
    /// that no live lease holds to `worker` until `now + lease`, never-polled and
    /// longest-due first. [`Store::update_feed`] releases a feed's lease.
    async fn claim_due_feeds(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Feed>> {
        let _ = (worker, now, lease, limit);
        Err(StoreError::Unsupported {
            operation: "claim_due_feeds",
        })
    }

    /// Take or renew the singleton lease `name` for `worker` until `now + ttl`:
    /// true when `worker` holds it now (it was free, expired, or already
    /// `worker`'s), false while another worker's lease is live.
    async fn try_lease(
        &self,
        name: &str,
        worker: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool> {
        let _ = (name, worker, now, ttl);
        Err(StoreError::Unsupported {
            operation: "try_lease",
        })
    }

    /// Extend the singleton lease `name` to `now + ttl`, but only while
    /// `worker` holds it and it is still live at `now`: unlike
    /// [`Store::try_lease`] it never takes a lease back after it expired, so a
    /// holder that stalled past its lease learns it lost it even when nobody
    /// else took it meanwhile.
    async fn renew_lease(
        &self,
        name: &str,
        worker: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool> {
        let _ = (name, worker, now, ttl);
        Err(StoreError::Unsupported {
            operation: "renew_lease",
        })
    }

    /// [`Store::assign`] fenced by the singleton lease `name`: stored only if
    /// `worker` holds that lease and it is live at `now`, checked in the same
    /// transaction with the lease row locked, so that a clusterer which lost
    /// its lease can never commit story ids another clusterer hands out.
    /// Returns whether the assignments were stored.
    async fn assign_under_lease(
        &self,
        name: &str,
        worker: &str,
        now: DateTime<Utc>,
        assignments: &[(ArticleId, StoryId)],
    ) -> Result<bool> {
        let _ = (name, worker, now, assignments);
        Err(StoreError::Unsupported {
            operation: "assign_under_lease",
        })
    }

    /// Give up the singleton lease `name` if `worker` holds it (else nothing).
    async fn release_lease(&self, name: &str, worker: &str) -> Result<()> {
        let _ = (name, worker);
        Err(StoreError::Unsupported {
            operation: "release_lease",
        })
    }

    /// Lease up to `limit` dirty stories that no live lease holds to `worker`
    /// until `now + lease`; returns each with its generation, to hand back to
    /// [`Store::complete_story`] once written.
    async fn claim_dirty_stories(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<(StoryId, u64)>> {
        let _ = (worker, now, lease, limit);
        Err(StoreError::Unsupported {
            operation: "claim_dirty_stories",
        })
    }

    /// Record that `story` was written as of `generation`: clean if no
    /// assignment came since (else still dirty), and its lease released.
    async fn complete_story(&self, story: StoryId, generation: u64) -> Result<()> {
        let _ = (story, generation);
        Err(StoreError::Unsupported {
            operation: "complete_story",
        })
    }

    /// Void every lease of every kind, whoever holds it. Only for a process that
    /// knows it is the sole writer (it holds the data directory's lock): leases
    /// left by a killed earlier run would otherwise hide their work until they
    /// expire. Returns how many were live.
    async fn release_all_leases(&self) -> Result<usize> {
        Err(StoreError::Unsupported {
            operation: "release_all_leases",
        })
    }

    /// How many leases of all kinds (feeds, stories, singletons) are live at `now`.
    async fn live_leases(&self, now: DateTime<Utc>) -> Result<usize> {
        let _ = now;
        Err(StoreError::Unsupported {
            operation: "live_leases",
        })
    }
}
