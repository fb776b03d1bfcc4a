//! The backends the storage suite runs on, each test in a database of its own.
//!
//! SQLite runs always: in memory (one connection) and as a file in a temporary
//! directory (a pool, as `lede` opens it). PostgreSQL runs when
//! `LEDE_TEST_POSTGRES` holds a server URL whose role may create databases
//! (`.ci/postgres.sh` prints one): each test creates a uniquely named database,
//! and drops it afterwards, also when the test fails. With the variable set, a
//! server that does not answer fails the tests rather than skipping them.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use futures_util::FutureExt;
use lede_store::{SqliteStore, Store};
use sqlx::postgres::PgConnection;
use sqlx::Connection;
use tokio::sync::OnceCell;

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "LEDE_TEST_POSTGRES";

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    SqliteMemory,
    SqliteFile,
    Postgres,
}

enum Target {
    Memory(OnceCell<Arc<dyn Store>>),
    File(tempfile::TempDir),
    Postgres {
        admin_url: String,
        url: String,
        name: String,
    },
}

/// A fresh, empty database for one test.
pub struct TestDb {
    target: Target,
}

impl TestDb {
    /// A new handle on the database, with connections of its own, as another
    /// worker process would open it (the in-memory database has one handle).
    /// The first open creates the schema.
    pub async fn open(&self) -> Arc<dyn Store> {
        match &self.target {
            Target::Memory(cell) => cell
                .get_or_init(|| async {
                    Arc::new(SqliteStore::in_memory().await.unwrap()) as Arc<dyn Store>
                })
                .await
                .clone(),
            Target::File(dir) => lede_store::connect(None, dir.path()).await.unwrap(),
            Target::Postgres { url, .. } => {
                lede_store::connect(Some(url), std::path::Path::new(""))
                    .await
                    .unwrap_or_else(|e| panic!("opening the test database: {e}"))
            }
        }
    }

    async fn create(kind: Kind) -> Option<TestDb> {
        let target = match kind {
            Kind::SqliteMemory => Target::Memory(OnceCell::new()),
            Kind::SqliteFile => Target::File(tempfile::tempdir().unwrap()),
            Kind::Postgres => {
                let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
                    eprintln!("{POSTGRES_ENV} is not set: PostgreSQL test skipped");
                    return None;
                };
                let name = unique_name();
                let mut admin = admin(&admin_url).await;
                sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
                let _ = admin.close().await;
                let mut url = url::Url::parse(&admin_url)
                    .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is not a URL: {e}"));
                url.set_path(&format!("/{name}"));
                Target::Postgres {
                    admin_url,
                    url: url.to_string(),
                    name,
                }
            }
        };
        Some(TestDb { target })
    }

    async fn destroy(self) {
        if let Target::Postgres {
            admin_url, name, ..
        } = &self.target
        {
            let mut admin = admin(admin_url).await;
            // FORCE ends the test's pooled connections still open.
            sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .unwrap_or_else(|e| panic!("dropping test database {name}: {e}"));
            let _ = admin.close().await;
        }
    }
}

async fn admin(url: &str) -> PgConnection {
    PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!("{POSTGRES_ENV} is set but the server does not answer or refuses: {e}")
    })
}

/// A database name unique across test threads and concurrent test processes.
fn unique_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "lede_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Run `test` on a fresh database of `kind`, then drop the database; a failing
/// test still has its database dropped, and then fails.
pub async fn run<F, Fut>(kind: Kind, test: F)
where
    F: FnOnce(Arc<TestDb>) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(db) = TestDb::create(kind).await else {
        return;
    };
    let db = Arc::new(db);
    // A panic comes back as a value, so the clean-up still runs.
    let outcome = AssertUnwindSafe(test(db.clone())).catch_unwind().await;
    let db = Arc::try_unwrap(db).unwrap_or_else(|_| panic!("a test kept its database handle"));
    db.destroy().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
