//! The SQLite backend: one database file, WAL journal, versioned migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use lede_model::{Article, ArticleId, Feed, Span, Story, StoryId, StorySummary};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::Row;

use crate::{Inserted, Result, Store, StoreError, StoreStats, StoryVersionInfo};

/// Schema migrations, applied in order; each runs once, in its own transaction.
/// Never edit a released migration: add a new one.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/0001_init.sql"))];

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

fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
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
    pub async fn open_file(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL is durable against process crashes (kill -9); only an OS
            // crash may lose the last transactions.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Open {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
        let store = SqliteStore { pool };
        store.migrate().await?;
        Ok(store)
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
        let store = SqliteStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> Result<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(&self.pool)
            .await
            .map_err(db("reading schema version"))?;
        Ok(v.unwrap_or(0))
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

    async fn migrate(&self) -> Result<()> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, applied TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await
        .map_err(db("creating the migrations table"))?;
        let current = self.schema_version().await?;
        for &(version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            let mut tx = self
                .pool
                .begin()
                .await
                .map_err(db("starting a migration"))?;
            sqlx::raw_sql(sql)
                .execute(&mut *tx)
                .await
                .map_err(db("applying a migration"))?;
            sqlx::query("INSERT INTO schema_migrations (version, applied) VALUES (?, ?)")
                .bind(version)
                .bind(ts(&Utc::now()))
                .execute(&mut *tx)
                .await
                .map_err(db("recording a migration"))?;
            tx.commit().await.map_err(db("committing a migration"))?;
            tracing::info!(version, "applied schema migration");
        }
        Ok(())
    }
}

const ARTICLE_COLUMNS: &str =
    "id, url, canonical_url, outlet, title, byline, published, language, body, sentences";

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
    })
}

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
        ..Default::default()
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
        let mut tx = self.pool.begin().await.map_err(db("starting an insert"))?;
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
            return Ok(Inserted::Duplicate(id));
        }
        let spans: Vec<(usize, usize)> = a.sentences.iter().map(|s| (s.start, s.end)).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO articles (url, canonical_url, content_hash, outlet, title, byline,
                published, language, body, sentences, added)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
        let mut tx = self.pool.begin().await.map_err(db("starting assignment"))?;
        for (article, story) in assignments {
            sqlx::query("UPDATE articles SET story_id = ? WHERE id = ?")
                .bind(story)
                .bind(article)
                .execute(&mut *tx)
                .await
                .map_err(db("assigning an article to a story"))?;
        }
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
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(db("starting a story save"))?;
        sqlx::query(
            "INSERT INTO stories (id, version, updated, first_published, last_published,
                 sources, summary, story)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET version = excluded.version,
                 updated = excluded.updated, first_published = excluded.first_published,
                 last_published = excluded.last_published, sources = excluded.sources,
                 summary = excluded.summary, story = excluded.story",
        )
        .bind(story.id)
        .bind(story.version as i64)
        .bind(ts(&story.updated))
        .bind(story.first_published.as_ref().map(ts))
        .bind(story.last_published.as_ref().map(ts))
        .bind(story.independent_sources as i64)
        .bind(&summary)
        .bind(&json)
        .execute(&mut *tx)
        .await
        .map_err(db("saving a story"))?;
        sqlx::query(
            "INSERT OR REPLACE INTO story_versions (story_id, version, updated, change_note, story)
             VALUES (?, ?, ?, ?, ?)",
        )
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
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT summary FROM stories WHERE sources >= ?
             ORDER BY last_published DESC, id DESC LIMIT ? OFFSET ?",
        )
        .bind(min_sources as i64)
        .bind(limit as i64)
        .bind(offset as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(db("listing stories"))?;
        rows.iter()
            .map(|s| {
                serde_json::from_str(s).map_err(|source| StoreError::Corrupt {
                    context: "story summary",
                    source,
                })
            })
            .collect()
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
        let row = sqlx::query("SELECT * FROM feeds WHERE url = ?")
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
        let rows = sqlx::query("SELECT * FROM feeds ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db("listing feeds"))?;
        Ok(rows.iter().map(feed_from_row).collect())
    }

    async fn update_feed(&self, f: &Feed) -> Result<()> {
        sqlx::query(
            "UPDATE feeds SET title = ?, etag = ?, last_modified = ?, last_fetched = ?,
                 last_error = ?, error_count = ?, next_fetch = ? WHERE id = ?",
        )
        .bind(&f.title)
        .bind(&f.etag)
        .bind(&f.last_modified)
        .bind(f.last_fetched.as_ref().map(ts))
        .bind(&f.last_error)
        .bind(f.error_count as i64)
        .bind(f.next_fetch.as_ref().map(ts))
        .bind(f.id)
        .execute(&self.pool)
        .await
        .map_err(db("updating a feed"))?;
        Ok(())
    }

    async fn stats(&self) -> Result<StoreStats> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM stories),
                    (SELECT COUNT(*) FROM feeds)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db("counting"))?;
        Ok(StoreStats {
            articles: row.get::<i64, _>(0) as u64,
            stories: row.get::<i64, _>(1) as u64,
            feeds: row.get::<i64, _>(2) as u64,
        })
    }
}
