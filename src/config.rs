//! Configuration: where the data lives and how the site is served.
//!
//! Precedence, highest first: command-line flag, environment variable
//! (`LEDE_DATA_DIR`), config file (`--config`, else `./lede.toml` when present),
//! built-in default (`./lede-data`, `127.0.0.1:8080`).

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use lede_store::Store;
use serde::Deserialize;

/// The config file's contents; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    addr: Option<SocketAddr>,
    site_title: Option<String>,
    database: Option<String>,
    admin_token: Option<String>,
    base_url: Option<String>,
    page_cache_secs: Option<u64>,
    llm: Option<lede_write::LlmConfig>,
}

/// Resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub addr: SocketAddr,
    pub site_title: String,
    /// A PostgreSQL URL (`postgres://...`) for many workers; `None`: SQLite in the data directory.
    pub database: Option<String>,
    /// Bearer token for admin actions through the web; `None`: admin off.
    pub admin_token: Option<String>,
    /// The site's public address, for absolute links in feeds and exports.
    pub base_url: Option<String>,
    /// How long the site keeps a rendered page in memory before rendering it
    /// again (0: never kept). Default 2 s.
    pub page_cache: std::time::Duration,
    /// The optional LLM writer (`[llm]` table); `None`: the extractive writer alone.
    pub llm: Option<lede_write::LlmConfig>,
}

impl Config {
    /// Resolve the configuration from the flag/env value and the config file.
    pub fn load(
        config_file: Option<&Path>,
        data_dir: Option<PathBuf>,
        database: Option<String>,
    ) -> Result<Self> {
        let file = match config_file {
            Some(p) => Some(read_file(p)?),
            None if Path::new("lede.toml").exists() => Some(read_file(Path::new("lede.toml"))?),
            None => None,
        }
        .unwrap_or_default();
        Ok(Config {
            data_dir: data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("lede-data")),
            addr: file
                .addr
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            site_title: file.site_title.unwrap_or_else(|| "lede".to_string()),
            database: database.or(file.database),
            admin_token: std::env::var("LEDE_ADMIN_TOKEN")
                .ok()
                .or(file.admin_token)
                .filter(|t| !t.is_empty()),
            base_url: file.base_url,
            page_cache: std::time::Duration::from_secs(file.page_cache_secs.unwrap_or(2)),
            llm: file.llm,
        })
    }

    /// Open the store: PostgreSQL when a database URL is set, else SQLite in the data directory.
    pub async fn open_store(&self) -> Result<Arc<dyn Store>> {
        lede_store::connect(self.database.as_deref(), &self.data_dir)
            .await
            .with_context(|| match &self.database {
                Some(_) => "connecting to the database".to_string(),
                None => format!("opening the data directory {}", self.data_dir.display()),
            })
    }

    /// Whether the store is shared by many processes (PostgreSQL): then no
    /// process may take the data directory's single-writer lock or void leases.
    pub fn shared_store(&self) -> bool {
        self.database.is_some()
    }

    /// The web app's state over a store.
    pub fn app_state(&self, store: Arc<dyn Store>) -> lede_publish::AppState {
        let mut state = lede_publish::AppState::new(store, self.site_title.clone())
            .with_page_cache(self.page_cache);
        if let Some(token) = &self.admin_token {
            state = state.with_admin_token(token.clone());
        }
        if let Some(url) = &self.base_url {
            state = state.with_base_url(url.clone());
        }
        state
    }

    /// Take the data directory's writer lock: one writing process at a time.
    /// The lock is released when the returned file is dropped or the process dies.
    pub fn lock(&self) -> Result<File> {
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        let path = self.data_dir.join("lede.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "another lede process is writing to {} (lock held on {}); stop it first",
                self.data_dir.display(),
                path.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("locking {}", path.display()))
            }
        }
    }
}

fn read_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing config file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_file_beats_default() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("lede.toml");
        std::fs::write(
            &file,
            "data_dir = \"from-file\"\naddr = \"127.0.0.1:9999\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&file), None, None).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("from-file"));
        assert_eq!(c.addr.port(), 9999);
        let c = Config::load(Some(&file), Some("from-flag".into()), None).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("from-flag"));
    }

    #[test]
    fn unknown_keys_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("lede.toml");
        std::fs::write(&file, "dta_dir = \"typo\"\n").unwrap();
        let e = Config::load(Some(&file), None, None).unwrap_err();
        assert!(format!("{e:#}").contains("dta_dir"));
    }

    #[test]
    fn second_writer_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let c = Config::load(None, Some(dir.path().to_path_buf()), None).unwrap();
        let _held = c.lock().unwrap();
        let e = c.lock().unwrap_err();
        assert!(e.to_string().contains("another lede process"));
    }
}
