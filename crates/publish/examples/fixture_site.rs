//! Serve (or export) the test fixture: a site with fictional stories from an
//! invented town, one article full of hostile markup, search on and an admin
//! token, for browser tests and load tests.
//!
//! ```sh
//! cargo run -p lede-publish --example fixture_site -- --addr 127.0.0.1:8090
//! cargo run -p lede-publish --example fixture_site -- --export /tmp/site
//! ```
//!
//! The data lives in a fresh temporary folder (SQLite store, in-memory search
//! index) that is removed on exit. The admin token is `fixture-token`.

#[path = "../src/testdata.rs"]
mod testdata;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use lede_publish::{export, refresh_search, serve, AppState};
use lede_search::SearchIndex;
use lede_store::{SqliteStore, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let addr: SocketAddr = value("--addr")
        .unwrap_or_else(|| "127.0.0.1:8090".to_string())
        .parse()
        .context("--addr must be HOST:PORT")?;

    let dir = tempfile::tempdir().context("creating a temporary data folder")?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).await?);
    testdata::populate(store.as_ref()).await;
    testdata::populate_festival(store.as_ref()).await;
    let index = Arc::new(SearchIndex::in_memory()?);
    let report = refresh_search(store.as_ref(), &index).await?;
    eprintln!(
        "fixture: {} stories, {} articles indexed",
        report.stories, report.articles
    );
    // The same page micro-cache as `lede serve` (config `page_cache_secs`, default 2).
    let cache_secs: u64 = value("--page-cache-secs")
        .map(|v| v.parse())
        .transpose()
        .context("--page-cache-secs must be a number of seconds")?
        .unwrap_or(2);
    let state = AppState::new(store, "Eastbrook Desk")
        .with_search(index)
        .with_admin_token("fixture-token")
        .with_page_cache(std::time::Duration::from_secs(cache_secs));
    if let Some(out) = value("--export") {
        let r = export(&state, std::path::Path::new(&out)).await?;
        eprintln!("exported {} files ({} bytes) to {out}", r.files, r.bytes);
        return Ok(());
    }
    serve(state, addr).await
}
