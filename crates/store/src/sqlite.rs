//! The SQLite backend: one database file, WAL journal, versioned migrations.
//!
//! Times are RFC 3339 UTC text, which sorts by time: whole seconds for article,
//! story and feed times, milliseconds for lease times. Every transaction that
//! reads before it writes starts with `BEGIN IMMEDIATE`, taking the database's
//! single write lock first: a deferred transaction would fail with "database is
//! busy" when another connection wrote in between, and the lock is what makes
//! claims and duplicate checks safe across processes.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use lede_model::{Article, ArticleId, Feed, Span, Story, StoryId, StorySummary};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Connection, Row};

use crate::migrations::MIGRATIONS;
use crate::{
    lease_end, only_related_differs, Inserted, Result, Store, StoreError, StoreStats,
    StoryVersionInfo,
};

/// The file name of the database inside the data directory.
pub const DB_FILE: &str = "lede.db";

/// A [`Store`] on an SQLite database.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

fn db(context: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Database { context, source }
}

/// SQLite's SQLITE_BUSY (5) or SQLITE_LOCKED (6): another connection holds a lock.
fn busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "5" || c == "6")
}

fn is_busy(e: &StoreError) -> bool {
    matches!(e, StoreError::Database { source, .. } if busy(source))
}

fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A lease time: always with milliseconds, so that all lease times sort as text.
fn lease_ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_ts(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc))
}

impl SqliteStore {
    /// Open (creating if needed) the store in data directory `dir`.
    pub async fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            path: dir.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::open_file(&dir.join(DB_FILE)).await
    }

    /// Open (creating if needed) the database file at `path`.
    ///
    /// Processes that open a new file at the same moment race to switch it
    /// to WAL and migrate it; SQLite answers the loser "database is locked"
    /// at once for some of these steps (its busy timeout does not cover
    /// them), so the whole open is tried again for up to 10 s.
    pub async fn open_file(path: &Path) -> Result<Self> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match Self::try_open_file(path).await {
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    tracing::debug!("{}: busy while opening, trying again: {e}", path.display());
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                other => return other,
            }
        }
    }

    async fn try_open_file(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL is durable against process crashes (kill -9); only an OS
            // crash may lose the last transactions.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let open_err = |e: sqlx::Error| {
            if busy(&e) {
                StoreError::Database {
                    context: "opening the database file",
                    source: e,
                }
            } else {
                StoreError::Open {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                }
            }
        };
        // Migrated on a connection of its own before the pool opens: a pooled
        // connection that had read the old schema would prepare statements
        // against it.
        let mut conn = SqliteConnection::connect_with(&options)
            .await
            .map_err(open_err)?;
        let migrated = migrate(&mut conn).await;
        let _ = conn.close().await;
        migrated?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(open_err)?;
        Ok(SqliteStore { pool })
    }

    /// A private in-memory database (for tests).
    pub async fn in_memory() -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(db("parsing in-memory options"))?;
        // One connection: each in-memory connection would be its own database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(db("opening in-memory database"))?;
        let mut conn = pool
            .acquire()
            .await
            .map_err(db("opening in-memory database"))?;
        migrate(&mut conn).await?;
        drop(conn);
        Ok(SqliteStore { pool })
    }

    /// Run SQLite's own integrity check; `Ok(())` when the file is sound.
    pub async fn integrity_check(&self) -> Result<std::result::Result<(), String>> {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await
            .map_err(db("checking integrity"))?;
        if rows.len() == 1 && rows[0] == "ok" {
            Ok(Ok(()))
        } else {
            Ok(Err(rows.join("; ")))
        }
    }

    /// A transaction holding the write lock from its start.
    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db("starting a write transaction"))
    }
}

/// Apply the migrations the database lacks, each in its own transaction.
async fn migrate(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, applied TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .await
    .map_err(db("creating the migrations table"))?;
    for m in MIGRATIONS {
        // Another process may be migrating the same file: the version is read
        // again under the write lock.
        let mut tx = conn
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db("starting a migration"))?;
        let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(&mut *tx)
            .await
            .map_err(db("reading schema version"))?;
        if current.unwrap_or(0) >= m.version {
            tx.commit().await.map_err(db("ending a migration check"))?;
            continue;
        }
        sqlx::raw_sql(m.sqlite)
            .execute(&mut *tx)
            .await
            .map_err(db("applying a migration"))?;
        sqlx::query("INSERT INTO schema_migrations (version, applied) VALUES (?, ?)")
            .bind(m.version)
            .bind(ts(&Utc::now()))
            .execute(&mut *tx)
            .await
            .map_err(db("recording a migration"))?;
        tx.commit().await.map_err(db("committing a migration"))?;
        tracing::info!(version = m.version, "applied schema migration");
    }
    Ok(())
}

const ARTICLE_COLUMNS: &str =
    "id, url, canonical_url, outlet, title, byline, published, language, body, sentences, paywalled";

fn article_from_row(row: &SqliteRow) -> Result<Article> {
    let spans: Vec<(usize, usize)> = serde_json::from_str(&row.get::<String, _>("sentences"))
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
        published: parse_ts(row.get("published")),
        language: row.get("language"),
        text: row.get("body"),
        sentences: spans.into_iter().map(|(s, e)| Span::new(s, e)).collect(),
        paywalled: row.get("paywalled"),
    })
}

/// Columns are always named: `SELECT *` is expanded when a statement is
/// prepared, and a connection that prepared it before another process migrated
/// the file would read rows wider than it expects.
const FEED_COLUMNS: &str = "id, url, title, etag, last_modified, last_fetched, last_error, \
     error_count, next_fetch, interval_secs, failing_since, last_changed";

fn feed_from_row(row: &SqliteRow) -> Feed {
    Feed {
        id: row.get("id"),
        url: row.get("url"),
        title: row.get("title"),
        etag: row.get("etag"),
        last_modified: row.get("last_modified"),
        last_fetched: parse_ts(row.get("last_fetched")),
        last_error: row.get("last_error"),
        error_count: row.get::<i64, _>("error_count").max(0) as u32,
        next_fetch: parse_ts(row.get("next_fetch")),
        interval_secs: row
            .get::<Option<i64>, _>("interval_secs")
            .map(|s| s.clamp(0, u32::MAX as i64) as u32),
        failing_since: parse_ts(row.get("failing_since")),
        last_changed: parse_ts(row.get("last_changed")),
    }
}

fn story_from_json(json: &str) -> Result<Story> {
    serde_json::from_str(json).map_err(|source| StoreError::Corrupt {
        context: "story",
        source,
    })
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert_article(&self, a: &Article) -> Result<Inserted> {
        let hash = a.content_hash();
        let canonical = a.canonical_url.as_deref().unwrap_or(&a.url);
        let mut tx = self.write().await?;
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM articles
             WHERE url = ?1 OR url = ?2 OR canonical_url = ?1 OR canonical_url = ?2
                OR content_hash = ?3
             LIMIT 1",
        )
        .bind(&a.url)
        .bind(canonical)
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db("looking up a duplicate article"))?;
        if let Some(id) = existing {
            tx.commit().await.map_err(db("ending a duplicate check"))?;
            return Ok(Inserted::Duplicate(id));
        }
        let spans: Vec<(usize, usize)> = a.sentences.iter().map(|s| (s.start, s.end)).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO articles (url, canonical_url, content_hash, outlet, title, byline,
                published, language, body, sentences, added, paywalled)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&a.url)
        .bind(&a.canonical_url)
        .bind(&hash)
        .bind(&a.outlet)
        .bind(&a.title)
        .bind(&a.byline)
        .bind(a.published.as_ref().map(ts))
        .bind(&a.language)
        .bind(&a.text)
        .bind(serde_json::to_string(&spans).expect("spans serialise"))
        .bind(ts(&Utc::now()))
        .bind(a.paywalled)
        .fetch_one(&mut *tx)
        .await
        .map_err(db("inserting an article"))?;
        tx.commit().await.map_err(db("committing an article"))?;
        Ok(Inserted::New(id))
    }

    async fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("reading an article"))?;
        row.as_ref().map(article_from_row).transpose()
    }

    async fn articles(&self, ids: &[ArticleId]) -> Result<Vec<Article>> {
        let mut by_id = std::collections::HashMap::with_capacity(ids.len());
        // Chunked to stay under SQLite's bound-parameter limit.
        for chunk in ids.chunks(500) {
            let placeholders = vec!["?"; chunk.len()].join(",");
            let sql =
                format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({placeholders})");
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for row in q
                .fetch_all(&self.pool)
                .await
                .map_err(db("reading articles"))?
            {
                let a = article_from_row(&row)?;
                by_id.insert(a.id, a);
            }
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    async fn story_of_article(&self, article: ArticleId) -> Result<Option<StoryId>> {
        let story: Option<Option<i64>> =
            sqlx::query_scalar("SELECT story_id FROM articles WHERE id = ?")
                .bind(article)
                .fetch_optional(&self.pool)
                .await
                .map_err(db("finding an article's story"))?;
        Ok(story.flatten())
    }

    async fn unassigned_articles(&self) -> Result<Vec<Article>> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE story_id IS NULL
             ORDER BY published IS NULL, published, id"
        );
        let rows = sqlx::query(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(db("reading unassigned articles"))?;
        rows.iter().map(article_from_row).collect()
    }

    async fn next_story_id(&self) -> Result<StoryId> {
        let max: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(m) FROM (SELECT MAX(id) AS m FROM stories
                                 UNION ALL SELECT MAX(story_id) FROM articles)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db("finding the next story id"))?;
        Ok(max.unwrap_or(0) + 1)
    }

    async fn assign(&self, assignments: &[(ArticleId, StoryId)]) -> Result<()> {
        let mut tx = self.write().await?;
        assign_in(&mut tx, assignments).await?;
        tx.commit().await.map_err(db("committing assignments"))
    }

    async fn story_members(&self, story: StoryId) -> Result<Vec<ArticleId>> {
        sqlx::query_scalar(
            "SELECT id FROM articles WHERE story_id = ? ORDER BY published IS NULL, published, id",
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
                 GROUP BY story_id HAVING MAX(published) >= ?)
             ORDER BY story_id, published IS NULL, published, id",
        )
        .bind(ts(&since))
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

    async fn save_story(&self, story: &Story) -> Result<u32> {
        let json = serde_json::to_string(story).expect("stories serialise");
        let summary =
            serde_json::to_string(&StorySummary::from(story)).expect("summaries serialise");
        let mut tx = self.write().await?;
        let stored: Option<(i64, String)> =
            sqlx::query_as("SELECT version, story FROM stories WHERE id = ?")
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
            Some((v, _)) if story.version as i64 == v + 1 => false,
            Some((v, old)) if story.version as i64 == *v => {
                if !only_related_differs(&story_from_json(old)?, story) {
                    return Err(conflict());
                }
                true
            }
            _ => return Err(conflict()),
        };
        sqlx::query(
            "INSERT INTO stories (id, version, updated, first_published, last_published,
                 sources, summary, story, topic)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET version = excluded.version,
                 updated = excluded.updated, first_published = excluded.first_published,
                 last_published = excluded.last_published, sources = excluded.sources,
                 summary = excluded.summary, story = excluded.story, topic = excluded.topic",
        )
        .bind(story.id)
        .bind(story.version as i64)
        .bind(ts(&story.updated))
        .bind(story.first_published.as_ref().map(ts))
        .bind(story.last_published.as_ref().map(ts))
        .bind(story.independent_sources as i64)
        .bind(&summary)
        .bind(&json)
        .bind(story.topic.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(db("saving a story"))?;
        let version_sql = if in_place {
            "UPDATE story_versions SET updated = ?3, change_note = ?4, story = ?5
             WHERE story_id = ?1 AND version = ?2"
        } else {
            "INSERT INTO story_versions (story_id, version, updated, change_note, story)
             VALUES (?1, ?2, ?3, ?4, ?5)"
        };
        sqlx::query(version_sql)
            .bind(story.id)
            .bind(story.version as i64)
            .bind(ts(&story.updated))
            .bind(&story.change_note)
            .bind(&json)
            .execute(&mut *tx)
            .await
            .map_err(db("saving a story version"))?;
        tx.commit().await.map_err(db("committing a story"))?;
        Ok(story.version)
    }

    async fn story(&self, id: StoryId) -> Result<Option<Story>> {
        let json: Option<String> = sqlx::query_scalar("SELECT story FROM stories WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("reading a story"))?;
        json.as_deref().map(story_from_json).transpose()
    }

    async fn story_version(&self, id: StoryId, version: u32) -> Result<Option<Story>> {
        let json: Option<String> = sqlx::query_scalar(
            "SELECT story FROM story_versions WHERE story_id = ? AND version = ?",
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
             WHERE story_id = ? ORDER BY version DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(db("reading story versions"))?;
        Ok(rows
            .iter()
            .map(|r| StoryVersionInfo {
                version: r.get::<i64, _>(0) as u32,
                updated: parse_ts(r.get(1)).unwrap_or_default(),
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
        sqlx::query("INSERT OR IGNORE INTO feeds (url, title, added) VALUES (?, ?, ?)")
            .bind(url)
            .bind(title)
            .bind(ts(&Utc::now()))
            .execute(&self.pool)
            .await
            .map_err(db("adding a feed"))?;
        let row = sqlx::query(&format!("SELECT {FEED_COLUMNS} FROM feeds WHERE url = ?"))
            .bind(url)
            .fetch_one(&self.pool)
            .await
            .map_err(db("reading a feed"))?;
        Ok(feed_from_row(&row))
    }

    async fn remove_feed(&self, url: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM feeds WHERE url = ?")
            .bind(url)
            .execute(&self.pool)
            .await
            .map_err(db("removing a feed"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn feeds(&self) -> Result<Vec<Feed>> {
        let rows = sqlx::query(&format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY id"))
            .fetch_all(&self.pool)
            .await
            .map_err(db("listing feeds"))?;
        Ok(rows.iter().map(feed_from_row).collect())
    }

    async fn update_feed(&self, f: &Feed) -> Result<()> {
        sqlx::query(
            "UPDATE feeds SET title = ?, etag = ?, last_modified = ?, last_fetched = ?,
                 last_error = ?, error_count = ?, next_fetch = ?, interval_secs = ?,
                 failing_since = ?, last_changed = ?, lease_owner = NULL, lease_until = NULL
             WHERE id = ?",
        )
        .bind(&f.title)
        .bind(&f.etag)
        .bind(&f.last_modified)
        .bind(f.last_fetched.as_ref().map(ts))
        .bind(&f.last_error)
        .bind(f.error_count as i64)
        .bind(f.next_fetch.as_ref().map(ts))
        .bind(f.interval_secs.map(i64::from))
        .bind(f.failing_since.as_ref().map(ts))
        .bind(f.last_changed.as_ref().map(ts))
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
        // `added` is RFC 3339 text: its first 13 characters name the hour.
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT substr(added, 1, 13) AS hour, COUNT(*) FROM articles
             WHERE added >= ? GROUP BY hour ORDER BY hour",
        )
        .bind(ts(&since))
        .fetch_all(&self.pool)
        .await
        .map_err(db("counting articles per hour"))?;
        Ok(rows
            .into_iter()
            .filter_map(|(hour, n)| {
                let t = chrono::NaiveDateTime::parse_from_str(
                    &format!("{hour}:00:00"),
                    "%Y-%m-%dT%H:%M:%S",
                )
                .ok()?;
                Some((t.and_utc(), n as u64))
            })
            .collect())
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
        let mut tx = self.write().await?;
        let sql = format!(
            "UPDATE feeds SET lease_owner = ?1, lease_until = ?2
             WHERE id IN (
                 SELECT id FROM feeds
                 WHERE (next_fetch IS NULL OR next_fetch <= ?3)
                   AND (lease_until IS NULL OR lease_until <= ?4)
                 ORDER BY next_fetch IS NOT NULL, next_fetch, id
                 LIMIT ?5)
             RETURNING {FEED_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(worker)
            .bind(lease_ts(&lease_end(now, lease)))
            .bind(ts(&now))
            .bind(lease_ts(&now))
            .bind(limit.min(i64::MAX as usize) as i64)
            .fetch_all(&mut *tx)
            .await
            .map_err(db("claiming due feeds"))?;
        tx.commit().await.map_err(db("committing feed claims"))?;
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
        let mut tx = self.write().await?;
        // The upsert's WHERE leaves a live lease of another worker untouched,
        // and then RETURNING gives no row.
        let held: Option<String> = sqlx::query_scalar(
            "INSERT INTO leases (name, owner, expires) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires
             WHERE leases.owner = excluded.owner OR leases.expires <= ?4
             RETURNING owner",
        )
        .bind(name)
        .bind(worker)
        .bind(lease_ts(&lease_end(now, ttl)))
        .bind(lease_ts(&now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db("taking a lease"))?;
        tx.commit().await.map_err(db("committing a lease"))?;
        Ok(held.is_some())
    }

    async fn renew_lease(
        &self,
        name: &str,
        worker: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        let renewed = sqlx::query(
            "UPDATE leases SET expires = ?1 WHERE name = ?2 AND owner = ?3 AND expires > ?4",
        )
        .bind(lease_ts(&lease_end(now, ttl)))
        .bind(name)
        .bind(worker)
        .bind(lease_ts(&now))
        .execute(&mut *tx)
        .await
        .map_err(db("renewing a lease"))?
        .rows_affected();
        tx.commit().await.map_err(db("committing a lease"))?;
        Ok(renewed == 1)
    }

    async fn assign_under_lease(
        &self,
        name: &str,
        worker: &str,
        now: DateTime<Utc>,
        assignments: &[(ArticleId, StoryId)],
    ) -> Result<bool> {
        // BEGIN IMMEDIATE holds SQLite's write lock from here to the commit, so
        // the lease cannot change hands between the check and the assignments.
        let mut tx = self.write().await?;
        let held: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM leases WHERE name = ?1 AND owner = ?2 AND expires > ?3",
        )
        .bind(name)
        .bind(worker)
        .bind(lease_ts(&now))
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
        sqlx::query("DELETE FROM leases WHERE name = ? AND owner = ?")
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
        let mut tx = self.write().await?;
        let mut claimed: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE story_work SET lease_owner = ?1, lease_until = ?2,
                 lease_generation = generation
             WHERE story_id IN (
                 SELECT story_id FROM story_work
                 WHERE generation > done_generation
                   AND (lease_until IS NULL OR lease_until <= ?3)
                 ORDER BY story_id
                 LIMIT ?4)
             RETURNING story_id, generation",
        )
        .bind(worker)
        .bind(lease_ts(&lease_end(now, lease)))
        .bind(lease_ts(&now))
        .bind(limit.min(i64::MAX as usize) as i64)
        .fetch_all(&mut *tx)
        .await
        .map_err(db("claiming stories to write"))?;
        tx.commit().await.map_err(db("committing story claims"))?;
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
                 done_generation = MAX(done_generation, MIN(?2, generation)),
                 lease_owner = CASE WHEN lease_generation <= ?2 THEN NULL ELSE lease_owner END,
                 lease_until = CASE WHEN lease_generation <= ?2 THEN NULL ELSE lease_until END,
                 lease_generation =
                     CASE WHEN lease_generation <= ?2 THEN NULL ELSE lease_generation END
             WHERE story_id = ?1",
        )
        .bind(story)
        .bind(generation)
        .execute(&self.pool)
        .await
        .map_err(db("completing a story"))?;
        Ok(())
    }

    async fn release_all_leases(&self) -> Result<usize> {
        let mut tx = self.write().await?;
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
            "SELECT (SELECT COUNT(*) FROM leases WHERE expires > ?1)
                  + (SELECT COUNT(*) FROM feeds WHERE lease_until > ?1)
                  + (SELECT COUNT(*) FROM story_work WHERE lease_until > ?1)",
        )
        .bind(lease_ts(&now))
        .fetch_one(&self.pool)
        .await
        .map_err(db("counting live leases"))?;
        Ok(n.max(0) as usize)
    }
}

/// Assign articles to stories and mark the stories touched dirty, inside `tx`.
async fn assign_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    assignments: &[(ArticleId, StoryId)],
) -> Result<()> {
    let mut touched = std::collections::BTreeSet::new();
    for (article, story) in assignments {
        sqlx::query("UPDATE articles SET story_id = ? WHERE id = ?")
            .bind(story)
            .bind(article)
            .execute(&mut **tx)
            .await
            .map_err(db("assigning an article to a story"))?;
        touched.insert(*story);
    }
    for story in touched {
        sqlx::query(
            "INSERT INTO story_work (story_id, generation) VALUES (?, 1)
             ON CONFLICT(story_id) DO UPDATE SET generation = story_work.generation + 1",
        )
        .bind(story)
        .execute(&mut **tx)
        .await
        .map_err(db("marking a story to write"))?;
    }
    Ok(())
}

fn summary_from_json(s: &str) -> Result<StorySummary> {
    serde_json::from_str(s).map_err(|source| StoreError::Corrupt {
        context: "story summary",
        source,
    })
}

impl SqliteStore {
    /// Written stories (of one topic), newest first: two statements rather
    /// than `topic = ? OR ? IS NULL`, so that each uses its own index.
    async fn list_stories(
        &self,
        topic: Option<&str>,
        min_sources: usize,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<StorySummary>> {
        let sql = match topic {
            Some(_) => {
                "SELECT summary FROM stories WHERE topic = ? AND sources >= ?
                 ORDER BY last_published DESC, id DESC LIMIT ? OFFSET ?"
            }
            None => {
                "SELECT summary FROM stories WHERE sources >= ?
                 ORDER BY last_published DESC, id DESC LIMIT ? OFFSET ?"
            }
        };
        let mut query = sqlx::query_scalar::<_, String>(sql);
        if let Some(t) = topic {
            query = query.bind(t);
        }
        let rows = query
            .bind(min_sources as i64)
            .bind(limit as i64)
            .bind(offset as i64)
            .fetch_all(&self.pool)
            .await
            .map_err(db("listing stories"))?;
        rows.iter().map(|s| summary_from_json(s)).collect()
    }
}
