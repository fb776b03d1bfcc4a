//! The pipeline, stage by stage: documents in, stories out.
//!
//! - [`import_paths`] / [`ingest`]: fetch (read) -> extract -> split sentences -> store.
//! - [`build`]: cluster new articles into stories -> analyze -> write -> verify -> store,
//!   then recompute related stories.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use lede_cluster::{wire_copies, ClusterConfig, ClusterDoc, Clusterer, StoryProfile};
use lede_model::{Analysis, Article, ArticleId, Document, RelatedStory, Story, StoryId};
use lede_store::{Inserted, Store};
use lede_write::{ExtractiveWriter, StoryInput, Writer};

use crate::progress::Progress;

/// Counts of one import.
#[derive(Debug, Default, Clone, Copy)]
pub struct ImportReport {
    pub added: usize,
    pub duplicates: usize,
    pub failed: usize,
}

/// Extract one document into an article with its sentences.
pub fn to_article(doc: &Document) -> Result<Article, lede_extract::ExtractError> {
    let mut article = lede_extract::extract(doc)?;
    article.sentences = lede_text::split_sentences(&article.text);
    Ok(article)
}

/// Extract and store one document.
pub async fn ingest(store: &dyn Store, doc: &Document) -> Result<Inserted> {
    let article = to_article(doc).map_err(|e| anyhow::anyhow!("{}: {e}", doc.url))?;
    Ok(store.insert_article(&article).await?)
}

/// Import every document under `paths`. Bad files and documents are reported
/// (path and reason) and skipped; the rest go on.
///
/// With `ack`, every document the store holds once its insert has committed is
/// acknowledged there as a line `stored<TAB>id<TAB>url` (new) or
/// `duplicate<TAB>id<TAB>url` (already held), flushed at once: a caller that
/// reads the lines knows exactly what survives a crash from then on.
pub async fn import_paths(
    store: &Arc<dyn Store>,
    paths: &[PathBuf],
    mut ack: Option<&mut dyn std::io::Write>,
) -> ImportReport {
    let mut report = ImportReport::default();
    let mut progress = Progress::new("importing", 0);
    for path in paths {
        if !path.exists() {
            eprintln!("{}: no such file or directory", path.display());
            report.failed += 1;
            continue;
        }
        for item in lede_fetch::files::read_path(path) {
            progress.inc();
            let doc = match item {
                Ok(doc) => doc,
                Err(e) => {
                    eprintln!("{e}");
                    report.failed += 1;
                    continue;
                }
            };
            let inserted = ingest(store.as_ref(), &doc).await;
            if let (Some(out), Ok(done)) = (ack.as_deref_mut(), &inserted) {
                let (what, id) = match done {
                    Inserted::New(id) => ("stored", id),
                    Inserted::Duplicate(id) => ("duplicate", id),
                };
                // One write call for the whole line: `writeln!` on a file
                // makes a system call per piece, and a kill between two
                // leaves half a line that the next run's lines continue.
                let line = format!("{what}\t{id}\t{}\n", doc.url);
                if let Err(e) = out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
                    eprintln!("cannot write the acknowledgement of {}: {e}", doc.url);
                }
            }
            match inserted {
                Ok(Inserted::New(_)) => report.added += 1,
                Ok(Inserted::Duplicate(_)) => report.duplicates += 1,
                Err(e) => {
                    eprintln!("{e:#}");
                    report.failed += 1;
                }
            }
        }
    }
    progress.finish();
    report
}

/// Counts of one build.
#[derive(Debug, Default, Clone, Copy)]
pub struct BuildReport {
    pub articles_clustered: usize,
    pub stories_written: usize,
    pub sentences_dropped: usize,
}

/// How far back a story stays open for new articles when resuming.
const RESUME_WINDOW_DAYS: i64 = 14;

fn cluster_doc(a: &Article) -> ClusterDoc<'_> {
    ClusterDoc {
        id: a.id,
        title: &a.title,
        text: &a.text,
        published: a.published,
    }
}

/// How stories are written: the extractive writer, and the LLM writer when one
/// is configured (its drafts are verified and fall back to the extractive
/// writer on error or a failed check).
pub struct StoryWriters {
    pub extractive: ExtractiveWriter,
    pub llm: Option<lede_write::LlmWriter>,
}

impl StoryWriters {
    /// The writers the configuration asks for.
    pub fn from_config(llm: Option<&lede_write::LlmConfig>) -> Result<Self> {
        let llm = match llm {
            Some(c) => Some(
                lede_write::LlmWriter::new(c.clone(), lede_write::WriterConfig::default())
                    .context("setting up the LLM writer ([llm] in the config file)")?,
            ),
            None => None,
        };
        Ok(StoryWriters {
            extractive: ExtractiveWriter::default(),
            llm,
        })
    }

    /// Analyze, write and verify one story.
    pub async fn write(
        &self,
        id: StoryId,
        articles: &[Article],
        previous: Option<&Story>,
    ) -> Story {
        let Some(llm) = &self.llm else {
            return write_story(&self.extractive, id, articles, previous);
        };
        let (analyses, copies) = analyze_all(articles);
        let input = StoryInput {
            id,
            articles,
            analyses: &analyses,
            copies: &copies,
            previous,
            now: Utc::now(),
        };
        let (mut story, fallback) = llm
            .write_verified(&input, |s| {
                lede_verify::verify_story(s, articles);
            })
            .await;
        if let Some(reason) = fallback {
            tracing::warn!(
                story = id,
                "LLM writer fell back to the extractive writer: {reason}"
            );
        }
        story.topic = topic_of(articles);
        story
    }
}

/// A process holding the data directory's lock is the only writer of the
/// embedded store: leases left by a killed earlier run are void, and their work
/// (clustering, dirty stories, feeds) is done by this one. Nothing to do on a
/// shared database, where leases expire instead.
pub async fn take_over_leases(config: &crate::config::Config, store: &dyn Store) -> Result<()> {
    if config.shared_store() {
        return Ok(());
    }
    let released = store.release_all_leases().await?;
    if released > 0 {
        tracing::info!(
            released,
            "released the leases of an earlier run that stopped"
        );
    }
    Ok(())
}

/// Who holds leases in this process: host name and process id.
pub fn worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_string());
    format!("{host}:{}", std::process::id())
}

/// The clusterer's singleton lease: one process clusters at a time.
const CLUSTER_LEASE: &str = "cluster";
/// How long a lease on clustering or on a story holds without renewal, in
/// seconds; a dead worker's work is taken over after this. `lede worker
/// --lease` changes it (tests use seconds, to see a takeover).
static LEASE_SECS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(300);

/// The lease duration in force.
pub fn lease() -> std::time::Duration {
    std::time::Duration::from_secs(LEASE_SECS.load(std::sync::atomic::Ordering::Relaxed))
}

/// Set the lease duration (at start-up, before any work).
pub fn set_lease(d: std::time::Duration) {
    LEASE_SECS.store(d.as_secs().max(1), std::sync::atomic::Ordering::Relaxed);
}
/// Articles assigned per transaction (and per lease renewal).
const CLUSTER_BATCH: usize = 256;
/// Stories claimed per round trip.
const STORY_BATCH: usize = 16;

/// Cluster new articles, then (re)write every story that gained articles, and
/// refresh related stories. `worker` names this process in leases.
///
/// Work is claimed through the store's leases, so several processes sharing
/// one database never cluster at once nor write the same story twice, and a
/// story whose writing was interrupted (a crash between assigning articles and
/// saving the story) stays dirty and is written by the next build.
pub async fn build(
    store: &Arc<dyn Store>,
    writers: &StoryWriters,
    worker: &str,
) -> Result<BuildReport> {
    let mut report = BuildReport {
        articles_clustered: cluster_new(store, worker).await?,
        ..BuildReport::default()
    };
    let (written, dropped) = write_dirty(store, writers, worker).await?;
    report.stories_written = written;
    report.sentences_dropped = dropped;
    if written > 0 {
        refresh_related(store).await?;
    }
    Ok(report)
}

/// Assign the articles not yet in a story (under the clusterer's lease; 0 when
/// another process holds it). Returns how many were assigned.
pub async fn cluster_new(store: &Arc<dyn Store>, worker: &str) -> Result<usize> {
    if !store
        .try_lease(CLUSTER_LEASE, worker, Utc::now(), lease())
        .await?
    {
        return Ok(0);
    }
    let result = cluster_unassigned(store, worker).await;
    store.release_lease(CLUSTER_LEASE, worker).await?;
    result
}

async fn cluster_unassigned(store: &Arc<dyn Store>, worker: &str) -> Result<usize> {
    let new_articles = store.unassigned_articles().await?;
    if new_articles.is_empty() {
        return Ok(0);
    }

    // Resume: stories recent enough to take the new articles are seeded first.
    let earliest = new_articles
        .iter()
        .filter_map(|a| a.published)
        .min()
        .unwrap_or_else(Utc::now);
    let since = earliest - Duration::days(RESUME_WINDOW_DAYS);
    let mut clusterer = Clusterer::new(ClusterConfig::default(), store.next_story_id().await?);
    for (n, (story, members)) in store
        .recent_story_members(since)
        .await?
        .into_iter()
        .enumerate()
    {
        if n % CLUSTER_BATCH == CLUSTER_BATCH - 1 && !still_holds(store, worker).await? {
            return Ok(0);
        }
        let articles = store.articles(&members).await?;
        let docs: Vec<ClusterDoc> = articles.iter().map(cluster_doc).collect();
        clusterer.seed_story(story, &docs);
    }

    let mut progress = Progress::new("clustering", new_articles.len() as u64);
    let mut assigned = 0;
    // Batches, each assigned in one transaction; before each batch the lease is
    // renewed, and each batch is committed only while the lease is still held
    // (checked inside its transaction). A clusterer that lost it (it stalled
    // past its lease) stops: its story ids may now be another's.
    for batch in new_articles.chunks(CLUSTER_BATCH) {
        if !still_holds(store, worker).await? {
            break;
        }
        let mut assignments = Vec::with_capacity(batch.len());
        let docs: Vec<ClusterDoc> = batch.iter().map(cluster_doc).collect();
        // The whole batch counts into the word frequencies first, so that its
        // first articles are not compared under a nearly empty vocabulary.
        clusterer.anticipate(&docs);
        for doc in &docs {
            let assignment = clusterer.add(doc);
            assignments.push((doc.id, assignment.story));
            progress.inc();
        }
        // One transaction: the assignments and the stories' dirty marks.
        if !store
            .assign_under_lease(CLUSTER_LEASE, worker, Utc::now(), &assignments)
            .await?
        {
            tracing::warn!(%worker, "lost the clusterer's lease; another worker goes on");
            break;
        }
        assigned += assignments.len();
    }
    progress.finish();
    Ok(assigned)
}

/// Renew the clusterer's lease for `worker`; false, with a warning, when it
/// was lost.
async fn still_holds(store: &Arc<dyn Store>, worker: &str) -> Result<bool> {
    let held = store
        .renew_lease(CLUSTER_LEASE, worker, Utc::now(), lease())
        .await?;
    if !held {
        tracing::warn!(%worker, "lost the clusterer's lease; another worker goes on");
    }
    Ok(held)
}

/// Write every dirty story this worker can claim. Returns (stories written,
/// sentences the verifier dropped).
pub async fn write_dirty(
    store: &Arc<dyn Store>,
    writers: &StoryWriters,
    worker: &str,
) -> Result<(usize, usize)> {
    let mut written = 0;
    let mut dropped = 0;
    let mut progress = Progress::new("writing", 0);
    loop {
        let claimed = store
            .claim_dirty_stories(worker, Utc::now(), lease(), STORY_BATCH)
            .await?;
        if claimed.is_empty() {
            break;
        }
        for (story_id, generation) in claimed {
            let members = store.story_members(story_id).await?;
            let articles = store.articles(&members).await?;
            let previous = store.story(story_id).await?;
            let mut story = writers.write(story_id, &articles, previous.as_ref()).await;
            dropped += story.dropped.len();
            if let Some(prev) = &previous {
                story.related = prev.related.clone();
            }
            match store.save_story(&story).await {
                Ok(_) => {}
                // Another writer saved this version first (it held an expired
                // lease): its story stands, and ours is the newer generation's
                // job if the story is still dirty.
                Err(e) if e.is_version_conflict() => {
                    tracing::warn!(story = story_id, "skipped a story saved meanwhile: {e}");
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            store.complete_story(story_id, generation).await?;
            written += 1;
            progress.inc();
        }
    }
    progress.finish();
    Ok((written, dropped))
}

/// Analyze, write and verify one story from its articles.
pub fn write_story(
    writer: &dyn Writer,
    id: StoryId,
    articles: &[Article],
    previous: Option<&Story>,
) -> Story {
    let mut story = draft_story(writer, id, articles, previous);
    lede_verify::verify_story(&mut story, articles);
    story
}

/// Analyze and write one story, before verification (the verifier benchmark
/// checks drafts).
pub fn draft_story(
    writer: &dyn Writer,
    id: StoryId,
    articles: &[Article],
    previous: Option<&Story>,
) -> Story {
    let (analyses, copies) = analyze_all(articles);
    let mut story = writer.write(&StoryInput {
        id,
        articles,
        analyses: &analyses,
        copies: &copies,
        previous,
        now: Utc::now(),
    });
    story.topic = topic_of(articles);
    story
}

/// What every writer reads besides the articles: each one's analysis, and
/// which are wire copies of which.
fn analyze_all(articles: &[Article]) -> (Vec<Analysis>, HashMap<ArticleId, ArticleId>) {
    let analyzer = crate::analyze::analyzer();
    let analyses = articles.iter().map(|a| analyzer.analyze(a)).collect();
    (analyses, wire_copies(articles))
}

/// The front-page section a story's articles put it in (a topic slug).
fn topic_of(articles: &[Article]) -> Option<String> {
    lede_analyze::topic::story_topic(
        articles
            .iter()
            .map(|a| (a.url.as_str(), a.title.as_str(), a.text.as_str())),
    )
    .map(|t| t.slug().to_string())
}

/// Whether a rewrite changed nothing a reader sees (version, time and change
/// note aside).
pub fn same_content(old: &Story, new: &Story) -> bool {
    let mut new = new.clone();
    new.version = old.version;
    new.updated = old.updated;
    new.change_note = old.change_note.clone();
    new == *old
}

/// [`refresh_related`] under a singleton lease, for workers sharing a database
/// (one refresh at a time; skipped when another worker is doing it).
pub async fn refresh_related_leased(store: &Arc<dyn Store>, worker: &str) -> Result<()> {
    const RELATED_LEASE: &str = "related";
    if !store
        .try_lease(RELATED_LEASE, worker, Utc::now(), lease())
        .await?
    {
        return Ok(());
    }
    let result = refresh_related(store).await;
    store.release_lease(RELATED_LEASE, worker).await?;
    result
}

/// Recompute related stories for every story and save those whose list changed
/// (same version: related stories are navigation, not content).
async fn refresh_related(store: &Arc<dyn Store>) -> Result<()> {
    let stories = store.all_stories().await?;
    let profiles: Vec<StoryProfile> = stories
        .iter()
        .map(|s| StoryProfile {
            id: s.id,
            text: format!(
                "{}\n{}\n{}",
                s.headline.text,
                s.dek.text,
                s.lede
                    .sentences
                    .iter()
                    .map(|x| x.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            entities: s.entities.clone(),
            // Wire copies repeat their original's title: counted once.
            members: s
                .sources
                .iter()
                .filter(|r| r.copy_of.is_none())
                .map(|r| lede_write::clean_title(&r.title, &r.outlet))
                .collect(),
            last_published: s.last_published,
        })
        .collect();
    let related = lede_cluster::related_stories(&profiles, 5);
    let by_id: HashMap<StoryId, &Story> = stories.iter().map(|s| (s.id, s)).collect();
    for story in &stories {
        let list: Vec<RelatedStory> = related
            .get(&story.id)
            .into_iter()
            .flatten()
            .filter_map(|id| by_id.get(id))
            .map(|r| RelatedStory {
                id: r.id,
                headline: r.headline.text.clone(),
                teaser: r.dek.text.clone(),
            })
            .collect();
        if list != story.related {
            let mut updated = story.clone();
            updated.related = list;
            match store.save_story(&updated).await {
                Ok(_) => {}
                // Rewritten meanwhile by a worker: the next refresh links it.
                Err(e) if e.is_version_conflict() => {
                    tracing::debug!(story = story.id, "related stories refresh skipped: {e}")
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

/// `lede extract`: one JSON line per file, `"error"` for files that fail.
pub fn extract_files(files: &[PathBuf], url: Option<String>) -> ExitCode {
    let mut failed = false;
    for path in files {
        let line = match extract_file(path, url.as_deref()) {
            Ok(a) => serde_json::json!({
                "path": path.display().to_string(),
                "url": a.link(),
                "title": a.title,
                "byline": a.byline,
                "published": a.published.map(|t| t.to_rfc3339()),
                "outlet": a.outlet,
                "language": a.language,
                "text": a.text,
            }),
            Err(e) => {
                failed = true;
                serde_json::json!({"path": path.display().to_string(), "error": format!("{e:#}")})
            }
        };
        println!("{line}");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn extract_file(path: &Path, url: Option<&str>) -> Result<Article> {
    let html = lede_fetch::files::read_html_file(path)?;
    let url = match url {
        Some(u) => u.to_string(),
        None => format!("file://{}", std::path::absolute(path)?.display()),
    };
    let doc = Document {
        url,
        html: Some(html),
        ..Default::default()
    };
    Ok(lede_extract::extract(&doc)?)
}
