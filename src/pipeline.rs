//! The pipeline, stage by stage: documents in, stories out.
//!
//! - [`import_paths`] / [`ingest`]: fetch (read) -> extract -> split sentences -> store.
//! - [`build`]: cluster new articles into stories -> analyze -> write -> verify -> store,
//!   then recompute related stories.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use chrono::{Duration, Utc};
use lede_cluster::{ClusterConfig, ClusterDoc, Clusterer, NearDuplicates, StoryProfile};
use lede_model::{Article, ArticleId, Document, Feed, RelatedStory, Story, StoryId};
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
                if let Err(e) =
                    writeln!(out, "{what}\t{id}\t{}", doc.url).and_then(|()| out.flush())
                {
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

/// Cluster the articles not yet in a story, then rewrite every story that
/// gained articles, and refresh related stories.
pub async fn build(store: &Arc<dyn Store>) -> Result<BuildReport> {
    let mut report = BuildReport::default();
    let new_articles = store.unassigned_articles().await?;
    if new_articles.is_empty() {
        return Ok(report);
    }

    // Resume: stories recent enough to take the new articles are seeded first.
    let earliest = new_articles
        .iter()
        .filter_map(|a| a.published)
        .min()
        .unwrap_or_else(Utc::now);
    let since = earliest - Duration::days(RESUME_WINDOW_DAYS);
    let mut clusterer = Clusterer::new(ClusterConfig::default(), store.next_story_id().await?);
    for (story, members) in store.recent_story_members(since).await? {
        let articles = store.articles(&members).await?;
        let docs: Vec<ClusterDoc> = articles.iter().map(cluster_doc).collect();
        clusterer.seed_story(story, &docs);
    }

    let mut progress = Progress::new("clustering", new_articles.len() as u64);
    let mut touched: Vec<StoryId> = Vec::new();
    let mut seen: HashSet<StoryId> = HashSet::new();
    let mut assignments = Vec::with_capacity(new_articles.len());
    for a in &new_articles {
        let assignment = clusterer.add(&cluster_doc(a));
        assignments.push((a.id, assignment.story));
        if seen.insert(assignment.story) {
            touched.push(assignment.story);
        }
        progress.inc();
    }
    progress.finish();
    store.assign(&assignments).await?;
    report.articles_clustered = assignments.len();
    drop(new_articles);

    let writer = ExtractiveWriter::default();
    let mut progress = Progress::new("writing", touched.len() as u64);
    for story_id in touched {
        let members = store.story_members(story_id).await?;
        let articles = store.articles(&members).await?;
        let previous = store.story(story_id).await?;
        let mut story = write_story(&writer, story_id, &articles, previous.as_ref());
        report.sentences_dropped += story.dropped.len();
        if let Some(prev) = &previous {
            story.related = prev.related.clone();
        }
        store.save_story(&story).await?;
        report.stories_written += 1;
        progress.inc();
    }
    progress.finish();

    refresh_related(store).await?;
    Ok(report)
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
    let analyzer = crate::analyze::analyzer();
    let analyses: Vec<_> = articles.iter().map(|a| analyzer.analyze(a)).collect();
    let copies = wire_copies(articles);
    writer.write(&StoryInput {
        id,
        articles,
        analyses: &analyses,
        copies: &copies,
        previous,
        now: Utc::now(),
    })
}

/// Wire copies among a story's articles (oldest first): article -> the earlier
/// article it nearly duplicates.
pub fn wire_copies(articles: &[Article]) -> HashMap<ArticleId, ArticleId> {
    let mut sorted: Vec<&Article> = articles.iter().collect();
    sorted.sort_by_key(|a| (a.published, a.id));
    let mut index = NearDuplicates::new();
    let mut copies = HashMap::new();
    for a in sorted {
        if let Some(original) = index.check_and_insert(a.id, &a.text) {
            copies.insert(a.id, original);
        }
    }
    copies
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
            store.save_story(&updated).await?;
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

/// Subscriptions as an OPML document.
pub fn opml(feeds: &[Feed]) -> String {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head><title>lede subscriptions</title></head>\n  <body>\n",
    );
    for f in feeds {
        let title = esc(f.title.as_deref().unwrap_or(&f.url));
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{title}\" title=\"{title}\" xmlUrl=\"{}\"/>\n",
            esc(&f.url)
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}
