//! Multi-document summaries scored with ROUGE as Google's `rouge-score`
//! computes it (lowercase, non-`[a-z0-9]` to spaces, NLTK's Porter stemmer),
//! through the `rougers` crate, which reproduces that package exactly.
//!
//! The writer is passed in as a closure so this crate measures exactly what
//! the pipeline runs (analyze -> write -> verify) without owning it.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use lede_fetch::clusters::{read_clusters, ClusterRecord};
use lede_model::{Article, Story};
use rougers::RougeScorer;

/// ROUGE F1 means over the clusters of one run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SummaryReport {
    pub clusters: usize,
    pub rouge1: f64,
    pub rouge2: f64,
    pub rouge_l: f64,
    /// Mean words per written summary.
    pub mean_words: f64,
    /// Source words read per second (whole pipeline: extract, analyze, write, verify).
    pub words_per_second: f64,
    /// Story sentences the verifier dropped, over all clusters.
    pub dropped: usize,
}

impl std::fmt::Display for SummaryReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "summary: clusters {} ROUGE-1 {:.4} ROUGE-2 {:.4} ROUGE-L {:.4} words/summary {:.0} dropped {} source words/s {:.0}",
            self.clusters,
            self.rouge1,
            self.rouge2,
            self.rouge_l,
            self.mean_words,
            self.dropped,
            self.words_per_second
        )
    }
}

/// The articles of one cluster record: each document through the extract
/// stage's plain-text path, with ids 1..=n and sentences split.
pub fn cluster_articles(record: &ClusterRecord) -> Vec<Article> {
    record
        .documents
        .iter()
        .filter_map(|d| lede_extract::extract(d).ok())
        .enumerate()
        .map(|(i, mut a)| {
            a.id = i as i64 + 1;
            a.sentences = lede_text::split_sentences(&a.text);
            a
        })
        .collect()
}

/// The first `max_words` words of a story's dek, lede and body.
pub fn summary_words(story: &Story, max_words: usize) -> String {
    story
        .summary_text()
        .split_whitespace()
        .take(max_words)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Score `write` on a clusters file with references (`{"id","documents","summary"}`).
pub fn evaluate(
    path: &Path,
    max_words: usize,
    write: &dyn Fn(&[Article]) -> Story,
) -> Result<SummaryReport> {
    let records = read_clusters(path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let references = read_references(path)?;
    let scorer = RougeScorer::new(["rouge1", "rouge2", "rougeL"], true)
        .map_err(|e| anyhow::anyhow!("ROUGE scorer: {e}"))?;
    let (mut r1, mut r2, mut rl, mut words, mut n, mut dropped) = (0.0, 0.0, 0.0, 0.0, 0, 0);
    let mut source_words = 0usize;
    let start = Instant::now();
    for (i, record) in records.into_iter().enumerate() {
        let record = record.map_err(|e| anyhow::anyhow!("{e}"))?;
        let reference = references
            .get(i)
            .with_context(|| format!("cluster {} has no reference summary", record.id))?;
        let articles = cluster_articles(&record);
        source_words += articles
            .iter()
            .map(|a| a.text.split_whitespace().count())
            .sum::<usize>();
        let story = write(&articles);
        dropped += story.dropped.len();
        let summary = summary_words(&story, max_words);
        words += summary.split_whitespace().count() as f64;
        let scores = scorer.score(reference, &summary);
        let mut it = scores.iter().map(|(_, s)| s.fmeasure);
        r1 += it.next().unwrap_or(0.0);
        r2 += it.next().unwrap_or(0.0);
        rl += it.next().unwrap_or(0.0);
        n += 1;
    }
    anyhow::ensure!(n > 0, "{}: no clusters", path.display());
    let nf = n as f64;
    Ok(SummaryReport {
        clusters: n,
        rouge1: r1 / nf,
        rouge2: r2 / nf,
        rouge_l: rl / nf,
        mean_words: words / nf,
        words_per_second: source_words as f64 / start.elapsed().as_secs_f64().max(1e-9),
        dropped,
    })
}

/// The `summary` field of each line, in order; the Multi-News references
/// start with an en dash that is not part of the summary.
fn read_references(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l)
                .with_context(|| format!("{}:{}: invalid JSON", path.display(), i + 1))?;
            let s = v
                .get("summary")
                .and_then(|s| s.as_str())
                .with_context(|| format!("{}:{}: no \"summary\"", path.display(), i + 1))?;
            Ok(s.trim_start_matches(['\u{2013}', ' ']).to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lede_model::{CitedSentence, Paragraph};

    #[test]
    fn summary_is_cut_at_max_words() {
        let story = Story {
            dek: CitedSentence::new("One two three.", vec![]),
            lede: Paragraph {
                date: None,
                sentences: vec![CitedSentence::new("Four five six seven.", vec![])],
            },
            ..Default::default()
        };
        assert_eq!(summary_words(&story, 5), "One two three. Four five");
        assert_eq!(summary_words(&story, 50).split_whitespace().count(), 7);
    }

    #[test]
    fn scores_a_file_with_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        std::fs::write(
            &path,
            concat!(
                r#"{"id":"a","documents":["The Eastbrook bridge reopened on Monday after repairs. Crews worked for nine weeks."],"summary":"– The Eastbrook bridge reopened on Monday."}"#,
                "\n"
            ),
        )
        .unwrap();
        // A writer that returns the first sentence of the first article.
        let first = |articles: &[Article]| Story {
            dek: CitedSentence::new(articles[0].sentence(0), vec![]),
            ..Default::default()
        };
        let r = evaluate(&path, 300, &first).unwrap();
        assert_eq!(r.clusters, 1);
        assert!(r.rouge1 > 0.8, "{r}");
        assert!(r.rouge2 > 0.6, "{r}");
        // A writer that says nothing scores zero.
        let empty = |_: &[Article]| Story::default();
        assert_eq!(evaluate(&path, 300, &empty).unwrap().rouge1, 0.0);
    }
}
