//! The whole site as static files that any web server can serve.
//!
//! Pages are produced by the same router that serves the live site (driven
//! in-process), so the export cannot drift from it. Every page path becomes a
//! folder with an `index.html` (`/stories/7` → `stories/7/index.html`), which
//! is what web servers serve for `/stories/7/` (and redirect `/stories/7` to).
//! Search and admin actions need the live site: the exported search page says
//! search is off. The JSON API is exported with a `.json` suffix:
//!
//! | live | exported file |
//! | --- | --- |
//! | `/api/v1/stories` (every page at once) | `api/v1/stories.json` |
//! | `/api/v1/stories/{id}` | `api/v1/stories/{id}.json` |
//! | `/api/v1/stories/{id}/versions` | `api/v1/stories/{id}/versions.json` |
//! | `/api/v1/stories/{id}/versions/{v}` | `api/v1/stories/{id}/versions/{v}.json` |
//! | `/api/v1/stories/{id}/articles` | `api/v1/stories/{id}/articles.json` |
//! | `/api/v1/articles/{id}` | `api/v1/articles/{id}.json` |
//! | `/api/v1/feeds`, `/api/v1/openapi.json` | `api/v1/feeds.json`, `api/v1/openapi.json` |
//! | `/topics/{slug}.atom`, `.json` | `topics/{slug}.atom`, `topics/{slug}.json` |
//!
//! The export is written to a sibling folder first and moved into place at the
//! end, so a server never serves a half-written site, and files of stories
//! that no longer exist do not linger.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use lede_model::{ArticleId, Topic};
use tower::ServiceExt;

use crate::pages::Listing;
use crate::{router, AppState};

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ExportReport {
    /// Where the site was written.
    pub out: PathBuf,
    /// Files written, and their total size in bytes.
    pub files: usize,
    pub bytes: u64,
    /// Stories, story versions (old and current) and source articles exported.
    pub stories: usize,
    pub versions: usize,
    pub articles: usize,
    /// Pages of the front page and of the all-stories list.
    pub list_pages: usize,
}

struct Writer {
    root: PathBuf,
    app: axum::Router,
    host: String,
    report: ExportReport,
}

impl Writer {
    /// GET `path` from the router; anything but 200 is an error.
    async fn get(&self, path: &str) -> anyhow::Result<Vec<u8>> {
        let req = Request::get(path)
            .header(header::HOST, &self.host)
            .body(Body::empty())
            .with_context(|| format!("building the request for {path}"))?;
        let resp = self
            .app
            .clone()
            .oneshot(req)
            .await
            .with_context(|| format!("rendering {path}"))?;
        let status = resp.status();
        let body = axum::body::to_bytes(resp.into_body(), 256 << 20)
            .await
            .with_context(|| format!("reading {path}"))?;
        if status != StatusCode::OK {
            bail!("{path} answered {status}");
        }
        Ok(body.to_vec())
    }

    fn write(&mut self, rel: &str, body: &[u8]) -> anyhow::Result<()> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&path, body).with_context(|| format!("writing {}", path.display()))?;
        self.report.files += 1;
        self.report.bytes += body.len() as u64;
        Ok(())
    }

    /// GET `path` and write it to `rel`.
    async fn copy(&mut self, path: &str, rel: &str) -> anyhow::Result<Vec<u8>> {
        let body = self.get(path).await?;
        self.write(rel, &body)?;
        Ok(body)
    }

    /// A page at `path` as `path/index.html`.
    async fn page(&mut self, path: &str) -> anyhow::Result<Vec<u8>> {
        let rel = format!("{}/index.html", path.trim_matches('/'));
        let rel = rel.trim_start_matches('/').to_string();
        self.copy(path, &rel).await
    }

    /// Every page of a paged list, following `rel="next"` links.
    async fn list(&mut self, listing: crate::pages::Listing) -> anyhow::Result<()> {
        let mut page = 1;
        loop {
            let path = crate::pages::list_href(listing, page);
            let body = self.page(&path).await?;
            self.report.list_pages += 1;
            let has_next = String::from_utf8_lossy(&body).contains("rel=\"next\"");
            if !has_next || page >= 10_000 {
                return Ok(());
            }
            page += 1;
        }
    }
}

fn sibling(out: &Path, suffix: &str) -> anyhow::Result<PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("{} has no folder name", out.display()))?;
    let mut name = name.to_os_string();
    name.push(suffix);
    Ok(out.with_file_name(name))
}

/// Write the whole site under `out` (replaced if it exists): every page, the
/// feeds, the stylesheet and the JSON API (see the module docs for the file
/// layout). Absolute links in feeds use [`AppState::base_url`], or
/// `http://localhost` when it is not set.
pub async fn export(state: &AppState, out: &Path) -> anyhow::Result<ExportReport> {
    let partial = sibling(out, ".partial")?;
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .with_context(|| format!("removing the leftover {}", partial.display()))?;
    }
    std::fs::create_dir_all(&partial).with_context(|| format!("creating {}", partial.display()))?;

    let base = state
        .base_url
        .clone()
        .unwrap_or_else(|| "http://localhost".to_string());
    let host = url::Url::parse(&base)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| {
                format!(
                    "{h}{}",
                    u.port().map(|p| format!(":{p}")).unwrap_or_default()
                )
            })
        })
        .unwrap_or_else(|| "localhost".to_string());
    // A copy of the state without the parts a static site cannot offer.
    let mut static_state = state.clone();
    static_state.search = None;
    static_state.admin = None;
    static_state.admin_token = None;
    static_state.page_cache = None;
    static_state.base_url = Some(base);
    let mut w = Writer {
        root: partial.clone(),
        app: router(static_state),
        host,
        report: ExportReport::default(),
    };

    w.list(Listing::Front).await?;
    w.list(Listing::All).await?;
    for topic in Topic::ALL {
        w.list(Listing::Topic(topic)).await?;
        let slug = topic.slug();
        w.copy(
            &format!("/topics/{slug}.atom"),
            &format!("topics/{slug}.atom"),
        )
        .await?;
        w.copy(
            &format!("/topics/{slug}.json"),
            &format!("topics/{slug}.json"),
        )
        .await?;
    }
    w.page("/search").await?;
    // A snapshot of the status page as of the export.
    w.page("/status").await?;
    w.copy("/feed.atom", "feed.atom").await?;
    w.copy("/feed.json", "feed.json").await?;
    w.copy("/static/style.css", "static/style.css").await?;
    w.copy("/api/v1/openapi.json", "api/v1/openapi.json")
        .await?;
    w.copy("/api/v1/feeds", "api/v1/feeds.json").await?;
    // The not-found page, for servers that can show one (nginx: error_page 404 /404.html).
    let missing = w
        .app
        .clone()
        .oneshot(
            Request::get("/404")
                .header(header::HOST, &w.host)
                .body(Body::empty())?,
        )
        .await?;
    let missing = axum::body::to_bytes(missing.into_body(), 1 << 20).await?;
    w.write("404.html", &missing)?;

    let list = crate::api::story_list(state, None, 0, usize::MAX / 4, 0)
        .await
        .map_err(|e| anyhow::anyhow!("listing stories: {}", e.message))?;
    w.write("api/v1/stories.json", &serde_json::to_vec_pretty(&list)?)?;

    let stories = state
        .store
        .all_stories()
        .await
        .context("loading the stories")?;
    let mut articles: BTreeSet<ArticleId> = BTreeSet::new();
    for story in &stories {
        let id = story.id;
        w.page(&format!("/stories/{id}")).await?;
        w.page(&format!("/stories/{id}/history")).await?;
        w.copy(
            &format!("/api/v1/stories/{id}"),
            &format!("api/v1/stories/{id}.json"),
        )
        .await?;
        w.copy(
            &format!("/api/v1/stories/{id}/versions"),
            &format!("api/v1/stories/{id}/versions.json"),
        )
        .await?;
        w.copy(
            &format!("/api/v1/stories/{id}/articles"),
            &format!("api/v1/stories/{id}/articles.json"),
        )
        .await?;
        let versions = state
            .store
            .story_versions(id)
            .await
            .with_context(|| format!("listing the versions of story {id}"))?;
        for v in versions {
            let version = v.version;
            w.page(&format!("/stories/{id}/versions/{version}")).await?;
            w.copy(
                &format!("/api/v1/stories/{id}/versions/{version}"),
                &format!("api/v1/stories/{id}/versions/{version}.json"),
            )
            .await?;
            w.report.versions += 1;
        }
        articles.extend(story.articles.iter().copied());
        articles.extend(crate::views::cited_article_ids(story));
        articles.extend(story.sources.iter().map(|s| s.article));
        w.report.stories += 1;
    }
    for id in articles {
        // A cited article the store lacks has no page; the story says so.
        match w.page(&format!("/articles/{id}")).await {
            Ok(_) => {
                w.copy(
                    &format!("/api/v1/articles/{id}"),
                    &format!("api/v1/articles/{id}.json"),
                )
                .await?;
                w.report.articles += 1;
            }
            Err(e) => tracing::warn!("export: article {id} skipped: {e:#}"),
        }
    }

    // Swap the finished export into place.
    let old = sibling(out, ".old")?;
    if old.exists() {
        std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    }
    if out.exists() {
        std::fs::rename(out, &old)
            .with_context(|| format!("moving the previous export {} aside", out.display()))?;
    }
    std::fs::rename(&partial, out)
        .with_context(|| format!("moving the export into {}", out.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    }
    w.report.out = out.to_path_buf();
    Ok(w.report)
}
