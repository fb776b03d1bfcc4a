//! The PostgreSQL backend: one database shared by many worker processes.
//!
//! The schema is the SQLite one with native types (BIGINT, TIMESTAMPTZ), built by
//! the same list of migrations. Races between processes are settled by the
//! server: unique constraints with `ON CONFLICT` for articles and story
//! versions, `FOR UPDATE SKIP LOCKED` for claims, row locks for story saves, an
//! advisory lock for migrations (so workers starting together migrate once) and
//! for the URL part of the duplicate check (see [`PostgresStore`]'s
//! `insert_article`). Transactions run at READ COMMITTED, the server default.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lede_model::{Article, ArticleId, Feed, Span, Story, StoryId, StorySummary};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, Row};

use crate::migrations::MIGRATIONS;
use crate::{
    lease_end, only_related_differs, Inserted, Result, Store, StoreError, StoreStats,
    StoryVersionInfo,
};

/// The advisory lock key held while migrating ("lede" in ASCII); the
/// single-bigint lock space, apart from the two-int keys below.
const MIGRATION_LOCK: i64 = 0x6c65_6465;
/// The first half of the two-int advisory lock keys taken on article URLs.
const ARTICLE_URL_LOCK: i32 = 0x6c65_6400;

/// Connections per process: workers are mostly waiting on the network or on the
/// CPU, so a few are enough, and many workers share the server's limit.
const MAX_CONNECTIONS: u32 = 8;

/// A [`Store`] on a PostgreSQL database.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

/// Whether `s` is a PostgreSQL connection URL.
pub(crate) fn is_postgres_url(s: &str) -> bool {
    let lower = s.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A database URL fit for messages: the password replaced by `***`.
pub(crate) fn redact(s: &str) -> String {
    match url::Url::parse(s) {
        Ok(mut u) if u.has_host() => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        // Without a host there is no password field to blank, yet the rest may
        // hold a secret: only the scheme is shown.
        Ok(u) => format!("{}:...", u.scheme()),
        Err(_) => "(unparsable database setting)".to_string(),
    }
}

fn db(context: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Database { context, source }
}

/// Whether an error is a unique-constraint violation (SQLSTATE 23505).
fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "23505")
}

fn to_i64(n: usize) -> i64 {
    n.min(i64::MAX as usize) as i64
}

impl PostgresStore {
    /// Connect to the database at `url` (`postgres://user:password@host/db`;
    /// `?sslmode=require` for TLS) and bring its schema up to date.
    pub async fn connect(url: &str) -> Result<Self> {
        let open_err = |reason: String| StoreError::Open {
            path: redact(url),
            reason,
        };
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| open_err(e.to_string()))?
            .application_name("lede");
        Self::migrate(&options)
            .await
            .map_err(|e| open_err(e.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| open_err(e.to_string()))?;
        Ok(PostgresStore { pool })
    }

    /// Apply the migrations the database lacks, each in its own transaction.
    /// A dedicated connection holds the migration lock, so that processes
    /// starting together wait for the first to finish rather than race (the
    /// lock goes with the connection, even if this process dies).
    async fn migrate(options: &PgConnectOptions) -> Result<()> {
        let mut conn = PgConnection::connect_with(options)
            .await
            .map_err(db("connecting to migrate"))?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut conn)
            .await
            .map_err(db("taking the migration lock"))?;
        let result = Self::apply_migrations(&mut conn).await;
        // Closing the connection releases the lock too; this is the clean way.
        let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut conn)
            .await
            .map_err(db("releasing the migration lock"));
        let _ = conn.close().await;
        result.and(unlocked.map(|_| ()))
    }

    async fn apply_migrations(conn: &mut PgConnection) -> Result<()> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, applied TIMESTAMPTZ NOT NULL)",
        )
        .execute(&mut *conn)
        .await
        .map_err(db("creating the migrations table"))?;
        let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(&mut *conn)
            .await
            .map_err(db("reading schema version"))?;
        let current = current.unwrap_or(0);
        for m in MIGRATIONS.iter().filter(|m| m.version > current) {
            let mut tx = conn.begin().await.map_err(db("starting a migration"))?;
            sqlx::raw_sql(m.postgres)
                .execute(&mut *tx)
                .await
                .map_err(db("applying a migration"))?;
            sqlx::query("INSERT INTO schema_migrations (version, applied) VALUES ($1, $2)")
                .bind(m.version)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await
                .map_err(db("recording a migration"))?;
            tx.commit().await.map_err(db("committing a migration"))?;
            tracing::info!(version = m.version, "applied schema migration");
        }
        Ok(())
    }

    /// Close the pool's connections (they also close when the store is dropped,
    /// but not at once).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

const ARTICLE_COLUMNS: &str =
    "id, url, canonical_url, outlet, title, byline, published, language, body, sentences, paywalled";

fn article_from_row(row: &PgRow) -> Result<Article> {
    let spans: Vec<(usize, usize)> = serde_json::from_str(row.get::<&str, _>("sentences"))
        .map_err(|source| StoreError::Corrupt {
            context: "article sentences",
            source,
        })?;
    Ok(Article {
        id: row.get("id"),
        url: row.get("url"),
        canonical_url: row.get("canonical_url"),
        outlet: row.get("outlet"),
        title: row.get("title"),
        byline: row.get("byline"),
        published: row.get("published"),
        language: row.get("language"),
        text: row.get("body"),
        sentences: spans.into_iter().map(|(s, e)| Span::new(s, e)).collect(),
        paywalled: row.get("paywalled"),
    })
}

const FEED_COLUMNS: &str = "id, url, title, etag, last_modified, last_fetched, last_error, \
     error_count, next_fetch, interval_secs, failing_since, last_changed";

fn feed_from_row(row: &PgRow) -> Feed {
    Feed {
        id: row.get("id"),
        url: row.get("url"),
        title: row.get("title"),
        etag: row.get("etag"),
        last_modified: row.get("last_modified"),
        last_fetched: row.get("last_fetched"),
        last_error: row.get("last_error"),
        error_count: row.get::<i64, _>("error_count").clamp(0, u32::MAX as i64) as u32,
        next_fetch: row.get("next_fetch"),
        interval_secs: row
            .get::<Option<i64>, _>("interval_secs")
            .map(|s| s.clamp(0, u32::MAX as i64) as u32),
        failing_since: row.get("failing_since"),
        last_changed: row.get("last_changed"),
    }
}

fn story_from_json(json: &str) -> Result<Story> {
    serde_json::from_str(json).map_err(|source| StoreError::Corrupt {
        context: "story",
        source,
    })
}

#[async_trait]
impl Store for PostgresStore {
    /// Duplicates by URL (the article's URL or canonical URL against stored
    /// URLs and canonical URLs) are found under advisory locks on those URLs,
    /// so two inserts sharing one wait for each other; duplicates by URL or
    /// text that slip past are caught by the unique constraints on `url` and
    /// `content_hash` (`ON CONFLICT DO NOTHING`, after which the stored row is
    /// visible and returned).
    async fn insert_article(&self, a: &Article) -> Result<Inserted> {
        let hash = a.content_hash();
        let canonical = a.canonical_url.as_deref().unwrap_or(&a.url);
        let mut keys = vec![a.url.as_str(), canonical];
        keys.dedup();
        let mut tx = self.pool.begin().await.map_err(db("starting an insert"))?;
        // Sorted lock order: two inserts locking the same pair cannot deadlock.
        sqlx::query(
            "SELECT pg_advisory_xact_lock($1, h) FROM (
                 SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k ORDER BY h) AS l",
        )
        .bind(ARTICLE_URL_LOCK)
        .bind(&keys)
        .execute(&mut *tx)
        .await
        .map_err(db("locking an article's URLs"))?;
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM articles
             WHERE url = ANY($1) OR canonical_url = ANY($1) OR content_hash = $2
             LIMIT 1",
        )
        .bind(&keys)
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db("looking up a duplicate article"))?;
        if let Some(id) = existing {
            tx.commit().await.map_err(db("ending a duplicate check"))?;
            return Ok(Inserted::Duplicate(id));
        }
        let spans: Vec<(usize, usize)> = a.sentences.iter().map(|s| (s.start, s.end)).collect();
        let inserted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO articles (url, canonical_url, content_hash, outlet, title, byline,
                published, language, body, sentences, added, paywalled)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT DO NOTHING
             RETURNING id",
        )
        .bind(&a.url)
        .bind(&a.canonical_url)
        .bind(&hash)
        .bind(&a.outlet)
        .bind(&a.title)
        .bind(&a.byline)
        .bind(a.published)
        .bind(&a.language)
        .bind(&a.text)
        .bind(serde_json::to_string(&spans).expect("spans serialise"))
        .bind(Utc::now())
        .bind(a.paywalled)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db("inserting an article"))?;
        let outcome = match inserted {
            Some(id) => Inserted::New(id),
            None => {
                // A concurrent insert of the same URL or text committed first;
                // this statement's fresh snapshot sees it.
                let id: i64 = sqlx::query_scalar(
                    "SELECT id FROM articles WHERE url = $1 OR content_hash = $2 LIMIT 1",
                )
                .bind(&a.url)
                .bind(&hash)
                .fetch_one(&mut *tx)
                .await
                .map_err(db("reading the article a concurrent insert stored"))?;
                Inserted::Duplicate(id)
            }
        };
        tx.commit().await.map_err(db("committing an article"))?;
        Ok(outcome)
    }

    async fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("reading an article"))?;
        row.as_ref().map(article_from_row).transpose()
    }

    async fn articles(&self, ids: &[ArticleId]) -> Result<Vec<Article>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ANY($1)");
        let rows = sqlx::query(&sql)
            .bind(ids)
            .fetch_all(&self.pool)
            .await
            .map_err(db("reading articles"))?;
        let mut by_id = HashMap::with_capacity(rows.len());
        for row in &rows {
            let a = article_from_row(row)?;
            by_id.insert(a.id, a);
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    async fn story_of_article(&self, article: ArticleId) -> Result<Option<StoryId>> {
        let story: Option<Option<i64>> =
            sqlx::query_scalar("SELECT story_id FROM articles WHERE id = $1")
                .bind(article)
                .fetch_optional(&self.pool)
                .await
                .map_err(db("finding an article's story"))?;
        Ok(story.flatten())
    }

    async fn unassigned_articles(&self) -> Result<Vec<Article>> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE story_id IS NULL
             ORDER BY published ASC NULLS LAST, id"
        );
        let rows = sqlx::query(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(db("reading unassigned articles"))?;
        rows.iter().map(article_from_row).collect()
    }

    async fn next_story_id(&self) -> Result<StoryId> {
        let max: Option<i64> = sqlx::query_scalar(
            "SELECT GREATEST((SELECT MAX(id) FROM stories), (SELECT MAX(story_id) FROM articles))",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db("finding the next story id"))?;
        Ok(max.unwrap_or(0) + 1)
    }

    async fn assign(&self, assignments: &[(ArticleId, StoryId)]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(db("starting assignment"))?;
        assign_in(&mut tx, assignments).await?;
        tx.commit().await.map_err(db("committing assignments"))
    }

    async fn story_members(&self, story: StoryId) -> Result<Vec<ArticleId>> {
        sqlx::query_scalar(
            "SELECT id FROM articles WHERE story_id = $1 ORDER BY published ASC NULLS LAST, id",
        )
        .bind(story)
        .fetch_all(&self.pool)
        .await
        .map_err(db("reading story members"))
    }

    async fn recent_story_members(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(StoryId, Vec<ArticleId>)>> {
        let rows = sqlx::query(
            "SELECT story_id, id FROM articles WHERE story_id IN (
                 SELECT story_id FROM articles WHERE story_id IS NOT NULL
                 GROUP BY story_id HAVING MAX(published) >= $1)
             ORDER BY story_id, published ASC NULLS LAST, id",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(db("reading recent stories"))?;
        let mut out: Vec<(StoryId, Vec<ArticleId>)> = Vec::new();
        for row in rows {
            let story: i64 = row.get(0);
            let id: i64 = row.get(1);
            match out.last_mut() {
                Some((s, ids)) if *s == story => ids.push(id),
                _ => out.push((story, vec![id])),
            }
        }
        Ok(out)
    }

    /// The story's row is locked (`FOR UPDATE`) while its version is checked,
    /// so a second writer waits and then sees the first one's version; two
    /// writers of a new story meet on the primary key instead.
    async fn save_story(&self, story: &Story) -> Result<u32> {
        let json = serde_json::to_string(story).expect("stories serialise");
        let summary =
            serde_json::to_string(&StorySummary::from(story)).expect("summaries serialise");
        let version = story.version as i64;
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(db("starting a story save"))?;
        let stored: Option<(i64, String)> =
            sqlx::query_as("SELECT version, story FROM stories WHERE id = $1 FOR UPDATE")
                .bind(story.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db("reading a story's version"))?;
        let current = stored.as_ref().map(|(v, _)| *v as u32);
        let conflict = || StoreError::VersionConflict {
            story: story.id,
            version: story.version,
            current,
        };
        let in_place = match &stored {
            None if story.version == 1 => false,
            Some((v, _)) if version == v + 1 => false,
            Some((v, old)) if version == *v => {
                if !only_related_differs(&story_from_json(old)?, story) {
                    return Err(conflict());
                }
                true
            }
            _ => return Err(conflict()),
        };
        let saved = if stored.is_none() {
            sqlx::query(
                "INSERT INTO stories (id, version, updated, first_published, last_published,
                     sources, summary, story, topic)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (id) DO NOTHING",
            )
        } else {
            sqlx::query(
                "UPDATE stories SET version = $2, updated = $3, first_published = $4,
                     last_published = $5, sources = $6, summary = $7, story = $8, topic = $9
                 WHERE id = $1",
            )
        }
        .bind(story.id)
        .bind(version)
        .bind(story.updated)
        .bind(story.first_published)
        .bind(story.last_published)
        .bind(story.independent_sources as i64)
        .bind(&summary)
        .bind(&json)
        .bind(story.topic.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(db("saving a story"))?;
        if saved.rows_affected() == 0 {
            // Another writer created the story since it was read.
            return Err(StoreError::VersionConflict {
                story: story.id,
                version: story.version,
                current: Some(1),
            });
        }
        let version_sql = if in_place {
            "UPDATE story_versions SET updated = $3, change_note = $4, story = $5
             WHERE story_id = $1 AND version = $2"
        } else {
            "INSERT INTO story_versions (story_id, version, updated, change_note, story)
             VALUES ($1, $2, $3, $4, $5)"
        };
        sqlx::query(version_sql)
            .bind(story.id)
            .bind(version)
            .bind(story.updated)
            .bind(&story.change_note)
            .bind(&json)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    conflict()
                } else {
                    StoreError::Database {
                        context: "saving a story version",
                        source: e,
                    }
                }
            })?;
        tx.commit().await.map_err(db("committing a story"))?;
        Ok(story.version)
    }

    async fn story(&self, id: StoryId) -> Result<Option<Story>> {
        let json: Option<String> = sqlx::query_scalar("SELECT story FROM stories WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("reading a story"))?;
        json.as_deref().map(story_from_json).transpose()
    }

    async fn story_version(&self, id: StoryId, version: u32) -> Result<Option<Story>> {
        let json: Option<String> = sqlx::query_scalar(
            "SELECT story FROM story_versions WHERE story_id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version as i64)
        .fetch_optional(&self.pool)
        .await
        .map_err(db("reading a story version"))?;
        json.as_deref().map(story_from_json).transpose()
    }

    async fn story_versions(&self, id: StoryId) -> Result<Vec<StoryVersionInfo>> {
        let rows = sqlx::query(
            "SELECT version, updated, change_note FROM story_versions
             WHERE story_id = $1 ORDER BY version DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(db("reading story versions"))?;
        Ok(rows
            .iter()
            .map(|r| StoryVersionInfo {
                version: r.get::<i64, _>(0) as u32,
                updated: r.get(1),
                change_note: r.get(2),
            })
            .collect())
    }

    async fn stories(
        &self,
        min_sources: usize,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        self.list_stories(None, min_sources, limit, offset).await
    }

    async fn topic_stories(
        &self,
        topic: &str,
        min_sources: usize,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        self.list_stories(Some(topic), min_sources, limit, offset)
            .await
    }

    async fn all_stories(&self) -> Result<Vec<Story>> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT story FROM stories ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db("reading all stories"))?;
        rows.iter().map(|s| story_from_json(s)).collect()
    }

    async fn add_feed(&self, url: &str, title: Option<&str>) -> Result<Feed> {
        sqlx::query(
            "INSERT INTO feeds (url, title, added) VALUES ($1, $2, $3)
             ON CONFLICT (url) DO NOTHING",
        )
        .bind(url)
        .bind(title)
        .bind(Utc::now())
        .execute(&self.pool)
        .await
        .map_err(db("adding a feed"))?;
        let sql = format!("SELECT {FEED_COLUMNS} FROM feeds WHERE url = $1");
        let row = sqlx::query(&sql)
            .bind(url)
            .fetch_one(&self.pool)
            .await
            .map_err(db("reading a feed"))?;
        Ok(feed_from_row(&row))
    }

    async fn remove_feed(&self, url: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM feeds WHERE url = $1")
            .bind(url)
            .execute(&self.pool)
            .await
            .map_err(db("removing a feed"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn feeds(&self) -> Result<Vec<Feed>> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY id");
        let rows = sqlx::query(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(db("listing feeds"))?;
        Ok(rows.iter().map(feed_from_row).collect())
    }

    async fn update_feed(&self, f: &Feed) -> Result<()> {
        sqlx::query(
            "UPDATE feeds SET title = $1, etag = $2, last_modified = $3, last_fetched = $4,
                 last_error = $5, error_count = $6, next_fetch = $7, interval_secs = $8,
                 failing_since = $9, last_changed = $10, lease_owner = NULL, lease_until = NULL
             WHERE id = $11",
        )
        .bind(&f.title)
        .bind(&f.etag)
        .bind(&f.last_modified)
        .bind(f.last_fetched)
        .bind(&f.last_error)
        .bind(f.error_count as i64)
        .bind(f.next_fetch)
        .bind(f.interval_secs.map(i64::from))
        .bind(f.failing_since)
        .bind(f.last_changed)
        .bind(f.id)
        .execute(&self.pool)
        .await
        .map_err(db("updating a feed"))?;
        Ok(())
    }

    async fn stats(&self) -> Result<StoreStats> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM stories),
                    (SELECT COUNT(*) FROM feeds),
                    (SELECT COUNT(*) FROM articles WHERE story_id IS NULL),
                    (SELECT COUNT(*) FROM story_work WHERE generation > done_generation)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db("counting"))?;
        Ok(StoreStats {
            articles: row.get::<i64, _>(0) as u64,
            stories: row.get::<i64, _>(1) as u64,
            feeds: row.get::<i64, _>(2) as u64,
            unclustered: row.get::<i64, _>(3) as u64,
            to_write: row.get::<i64, _>(4) as u64,
        })
    }

    async fn articles_per_hour(&self, since: DateTime<Utc>) -> Result<Vec<(DateTime<Utc>, u64)>> {
        let rows: Vec<(DateTime<Utc>, i64)> = sqlx::query_as(
            // Hours of UTC, whatever the session's time zone.
            "SELECT date_trunc('hour', added AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour,
                    COUNT(*) FROM articles
             WHERE added >= $1 GROUP BY hour ORDER BY hour",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(db("counting articles per hour"))?;
        Ok(rows.into_iter().map(|(h, n)| (h, n as u64)).collect())
    }

    async fn schema_version(&self) -> Result<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(&self.pool)
            .await
            .map_err(db("reading schema version"))?;
        Ok(v.unwrap_or(0))
    }

    async fn claim_due_feeds(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Feed>> {
        // SKIP LOCKED: rows another claimer is taking are passed over, and each
        // locked row's conditions are checked again on its latest version.
        let sql = format!(
            "UPDATE feeds SET lease_owner = $1, lease_until = $2
             WHERE id IN (
                 SELECT id FROM feeds
                 WHERE (next_fetch IS NULL OR next_fetch <= $3)
                   AND (lease_until IS NULL OR lease_until <= $3)
                 ORDER BY next_fetch ASC NULLS FIRST, id
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED)
             RETURNING {FEED_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(worker)
            .bind(lease_end(now, lease))
            .bind(now)
            .bind(to_i64(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db("claiming due feeds"))?;
        let mut feeds: Vec<Feed> = rows.iter().map(feed_from_row).collect();
        // RETURNING gives no order.
        feeds.sort_by_key(|f| (f.next_fetch.is_some(), f.next_fetch, f.id));
        Ok(feeds)
    }

    async fn try_lease(
        &self,
        name: &str,
        worker: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool> {
        // The upsert is atomic; its WHERE leaves another worker's live lease
        // untouched, and then RETURNING gives no row.
        let held: Option<String> = sqlx::query_scalar(
            "INSERT INTO leases (name, owner, expires) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires
             WHERE leases.owner = excluded.owner OR leases.expires <= $4
             RETURNING owner",
        )
        .bind(name)
        .bind(worker)
        .bind(lease_end(now, ttl))
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(db("taking a lease"))?;
        Ok(held.is_some())
    }

    async fn renew_lease(
        &self,
        name: &str,
        worker: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool> {
        let renewed = sqlx::query(
            "UPDATE leases SET expires = $1 WHERE name = $2 AND owner = $3 AND expires > $4",
        )
        .bind(lease_end(now, ttl))
        .bind(name)
        .bind(worker)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db("renewing a lease"))?
        .rows_affected();
        Ok(renewed == 1)
    }

    async fn assign_under_lease(
        &self,
        name: &str,
        worker: &str,
        now: DateTime<Utc>,
        assignments: &[(ArticleId, StoryId)],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(db("starting assignment"))?;
        // FOR UPDATE locks the lease row to the commit: a worker taking the
        // lease over waits for this transaction, and then sees it expired.
        let held: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM leases WHERE name = $1 AND owner = $2 AND expires > $3 FOR UPDATE",
        )
        .bind(name)
        .bind(worker)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db("checking a lease"))?;
        if held.is_none() {
            return Ok(false);
        }
        assign_in(&mut tx, assignments).await?;
        tx.commit().await.map_err(db("committing assignments"))?;
        Ok(true)
    }

    async fn release_lease(&self, name: &str, worker: &str) -> Result<()> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND owner = $2")
            .bind(name)
            .bind(worker)
            .execute(&self.pool)
            .await
            .map_err(db("releasing a lease"))?;
        Ok(())
    }

    async fn claim_dirty_stories(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<(StoryId, u64)>> {
        let mut claimed: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE story_work SET lease_owner = $1, lease_until = $2,
                 lease_generation = generation
             WHERE story_id IN (
                 SELECT story_id FROM story_work
                 WHERE generation > done_generation
                   AND (lease_until IS NULL OR lease_until <= $3)
                 ORDER BY story_id
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED)
             RETURNING story_id, generation",
        )
        .bind(worker)
        .bind(lease_end(now, lease))
        .bind(now)
        .bind(to_i64(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db("claiming stories to write"))?;
        claimed.sort_unstable();
        Ok(claimed
            .into_iter()
            .map(|(id, generation)| (id, generation.max(0) as u64))
            .collect())
    }

    async fn complete_story(&self, story: StoryId, generation: u64) -> Result<()> {
        let generation = generation.min(i64::MAX as u64) as i64;
        // A generation above the stored one cannot have been handed out: it is
        // capped so it cannot mark future assignments done. The lease goes when
        // the work it was taken for is done.
        sqlx::query(
            "UPDATE story_work SET
                 done_generation = GREATEST(done_generation, LEAST($2, generation)),
                 lease_owner = CASE WHEN lease_generation <= $2 THEN NULL ELSE lease_owner END,
                 lease_until = CASE WHEN lease_generation <= $2 THEN NULL ELSE lease_until END,
                 lease_generation =
                     CASE WHEN lease_generation <= $2 THEN NULL ELSE lease_generation END
             WHERE story_id = $1",
        )
        .bind(story)
        .bind(generation)
        .execute(&self.pool)
        .await
        .map_err(db("completing a story"))?;
        Ok(())
    }

    async fn release_all_leases(&self) -> Result<usize> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(db("starting a transaction"))?;
        let mut released = 0;
        for sql in [
            "DELETE FROM leases",
            "UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL",
            "UPDATE story_work SET lease_owner = NULL, lease_until = NULL, lease_generation = NULL
             WHERE lease_owner IS NOT NULL",
        ] {
            released += sqlx::query(sql)
                .execute(&mut *tx)
                .await
                .map_err(db("releasing leases"))?
                .rows_affected();
        }
        tx.commit()
            .await
            .map_err(db("committing released leases"))?;
        Ok(released as usize)
    }

    async fn live_leases(&self, now: DateTime<Utc>) -> Result<usize> {
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM leases WHERE expires > $1)
                  + (SELECT COUNT(*) FROM feeds WHERE lease_until > $1)
                  + (SELECT COUNT(*) FROM story_work WHERE lease_until > $1)",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(db("counting live leases"))?;
        Ok(n.max(0) as usize)
    }
}

fn summary_from_json(s: &str) -> Result<StorySummary> {
    serde_json::from_str(s).map_err(|source| StoreError::Corrupt {
        context: "story summary",
        source,
    })
}

impl PostgresStore {
    /// Written stories (of one topic), newest first: two statements rather
    /// than `topic = $1 OR $1 IS NULL`, so that each uses its own index.
    async fn list_stories(
        &self,
        topic: Option<&str>,
        min_sources: usize,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        let sql = match topic {
            Some(_) => {
                "SELECT summary FROM stories WHERE topic = $4 AND sources >= $1
                 ORDER BY last_published DESC NULLS LAST, id DESC LIMIT $2 OFFSET $3"
            }
            None => {
                "SELECT summary FROM stories WHERE sources >= $1
                 ORDER BY last_published DESC NULLS LAST, id DESC LIMIT $2 OFFSET $3"
            }
        };
        let mut query = sqlx::query_scalar::<_, String>(sql)
            .bind(to_i64(min_sources))
            .bind(to_i64(limit))
            .bind(to_i64(offset));
        if let Some(t) = topic {
            query = query.bind(t);
        }
        let rows = query
            .fetch_all(&self.pool)
            .await
            .map_err(db("listing stories"))?;
        rows.iter().map(|s| summary_from_json(s)).collect()
    }
}

/// Assign articles to stories and mark the stories touched dirty, inside `tx`.
async fn assign_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    assignments: &[(ArticleId, StoryId)],
) -> Result<()> {
    let (articles, stories): (Vec<i64>, Vec<i64>) = assignments.iter().copied().unzip();
    let mut touched = stories.clone();
    // Sorted so that concurrent assigners lock story rows in one order.
    touched.sort_unstable();
    touched.dedup();
    sqlx::query(
        "UPDATE articles AS a SET story_id = v.story
         FROM unnest($1::bigint[], $2::bigint[]) AS v(article, story)
         WHERE a.id = v.article",
    )
    .bind(&articles)
    .bind(&stories)
    .execute(&mut **tx)
    .await
    .map_err(db("assigning articles to stories"))?;
    sqlx::query(
        "INSERT INTO story_work (story_id, generation)
         SELECT s, 1 FROM unnest($1::bigint[]) AS s
         ON CONFLICT (story_id) DO UPDATE SET generation = story_work.generation + 1",
    )
    .bind(&touched)
    .execute(&mut **tx)
    .await
    .map_err(db("marking stories to write"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_postgres_urls() {
        assert!(is_postgres_url("postgres://u@h/db"));
        assert!(is_postgres_url("PostgreSQL://u@h:5433/db?sslmode=require"));
        assert!(!is_postgres_url("sqlite://lede.db"));
        assert!(!is_postgres_url("/var/lib/lede"));
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://lede:s3cret@db.example:5432/news"),
            "postgres://lede:***@db.example:5432/news"
        );
        assert_eq!(
            redact("postgres://lede@db.example/news"),
            "postgres://lede@db.example/news"
        );
        assert!(!redact("mysql:user:s3cret").contains("s3cret"));
    }
}
