//! Keeping the search index in step with the store.
//!
//! Only the process that serves the site writes the index (see `lede-search`).
//! It calls [`refresh_search`] after each build, or runs
//! [`spawn_search_refresher`] when another process builds. A refresh indexes
//! the stories whose version changed since they were indexed, with their
//! member articles, and drops stories the store no longer has; unchanged
//! stories cost one comparison each.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use lede_model::{Article, Story, StoryId};
use lede_search::{majority_language, SearchIndex};
use lede_store::Store;

/// Stories indexed per blocking batch.
const BATCH: usize = 64;

/// What a refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RefreshReport {
    /// Stories (re-)indexed.
    pub stories: usize,
    /// Articles (re-)indexed with them.
    pub articles: usize,
    /// Stories removed from the index because the store no longer has them.
    pub removed: usize,
}

/// Index `stories` and their articles (loaded from `store`), without committing.
async fn index_batch(
    store: &dyn Store,
    index: &Arc<SearchIndex>,
    stories: Vec<Story>,
) -> anyhow::Result<RefreshReport> {
    let mut work: Vec<(Story, Vec<Article>)> = Vec::with_capacity(stories.len());
    for story in stories {
        let articles = store
            .articles(&story.articles)
            .await
            .with_context(|| format!("loading the articles of story {}", story.id))?;
        work.push((story, articles));
    }
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || -> anyhow::Result<RefreshReport> {
        let mut report = RefreshReport::default();
        for (story, articles) in &work {
            for a in articles {
                index
                    .index_article(a)
                    .with_context(|| format!("indexing article {}", a.id))?;
            }
            let lang = majority_language(articles);
            index
                .index_story(story, lang.as_deref())
                .with_context(|| format!("indexing story {}", story.id))?;
            report.stories += 1;
            report.articles += articles.len();
        }
        Ok(report)
    })
    .await
    .context("the indexing task failed")?
}

async fn commit(index: &Arc<SearchIndex>) -> anyhow::Result<()> {
    let index = Arc::clone(index);
    tokio::task::spawn_blocking(move || index.commit())
        .await
        .context("the commit task failed")?
        .context("committing the search index")
}

/// Bring the index up to date with the store: index every story whose version
/// differs from the indexed one (and its articles), remove stories that are
/// gone, and commit.
pub async fn refresh_search(
    store: &dyn Store,
    index: &Arc<SearchIndex>,
) -> anyhow::Result<RefreshReport> {
    let indexed = {
        let index = Arc::clone(index);
        tokio::task::spawn_blocking(move || index.story_versions())
            .await
            .context("the search task failed")?
            .context("reading the indexed story versions")?
    };
    let stories = store
        .all_stories()
        .await
        .context("loading the stories to index")?;
    let present: HashSet<StoryId> = stories.iter().map(|s| s.id).collect();
    let gone: Vec<StoryId> = indexed
        .keys()
        .filter(|id| !present.contains(id))
        .copied()
        .collect();
    let changed: Vec<Story> = stories
        .into_iter()
        .filter(|s| indexed.get(&s.id) != Some(&s.version))
        .collect();
    let mut report = RefreshReport {
        removed: gone.len(),
        ..Default::default()
    };
    if changed.is_empty() && gone.is_empty() {
        return Ok(report);
    }
    for id in &gone {
        index.delete_story(*id).context("removing a story")?;
    }
    let mut changed = changed.into_iter().peekable();
    while changed.peek().is_some() {
        let batch: Vec<Story> = changed.by_ref().take(BATCH).collect();
        let done = index_batch(store, index, batch).await?;
        report.stories += done.stories;
        report.articles += done.articles;
    }
    commit(index).await?;
    Ok(report)
}

/// Index the given stories now (e.g. right after an admin rewrite) and commit.
pub(crate) async fn index_stories(
    store: &dyn Store,
    index: &Arc<SearchIndex>,
    ids: &[StoryId],
) -> anyhow::Result<RefreshReport> {
    let mut stories = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(s) = store.story(*id).await.context("loading a story")? {
            stories.push(s);
        }
    }
    let report = index_batch(store, index, stories).await?;
    commit(index).await?;
    Ok(report)
}

/// Refresh the index now and then every `every`, until the task is aborted.
/// Failures are logged and retried at the next tick.
pub fn spawn_search_refresher(
    store: Arc<dyn Store>,
    index: Arc<SearchIndex>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match refresh_search(store.as_ref(), &index).await {
                Ok(r) if r.stories + r.removed > 0 => tracing::info!(
                    stories = r.stories,
                    articles = r.articles,
                    removed = r.removed,
                    "search index refreshed"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!("search index refresh failed: {e:#}"),
            }
            tokio::time::sleep(every).await;
        }
    })
}
