//! Topic filing on Timeline17: each theme folder belongs in a known section
//! (the BP oil spill under Environment, the wars and uprisings and the Haiti
//! earthquake under World, the financial crisis under Business, H1N1 under
//! Health, Michael Jackson's death under Culture). Every article is filed from
//! its title and words alone (the corpus has no section URLs), and so is each
//! folder as one story (the majority of its articles).
//!
//! Reported: coverage (articles given a topic at all), precision (of those,
//! filed in their theme's section), and the folders filed right.

use std::fmt;
use std::path::Path;

use anyhow::Result;
use lede_analyze::topic::{story_topic, topic_from_text, Topic};

/// The section each Timeline17 theme belongs in (by folder-name prefix).
fn gold(folder: &str) -> Option<Topic> {
    let theme = folder.split('_').next()?.to_ascii_lowercase();
    Some(match theme.as_str() {
        "bpoil" => Topic::Environment,
        "egyptianprotest" | "iraqwar" | "libyawar" | "syriancrisis" | "haiti" => Topic::World,
        "finan" => Topic::Business,
        "h1n1" => Topic::Health,
        "mj" => Topic::Culture,
        _ => return None,
    })
}

/// One folder's figures.
#[derive(Debug, Clone)]
pub struct FolderRow {
    pub folder: String,
    pub gold: Topic,
    pub articles: usize,
    pub filed: usize,
    pub correct: usize,
    pub story: Option<Topic>,
}

/// The evaluation's figures.
#[derive(Debug, Clone, Default)]
pub struct TopicReport {
    pub rows: Vec<FolderRow>,
}

impl TopicReport {
    fn sum(&self, f: impl Fn(&FolderRow) -> usize) -> usize {
        self.rows.iter().map(f).sum()
    }
    /// Share of articles given a topic.
    pub fn coverage(&self) -> f64 {
        ratio(self.sum(|r| r.filed), self.sum(|r| r.articles))
    }
    /// Share of filed articles filed in their theme's section.
    pub fn precision(&self) -> f64 {
        ratio(self.sum(|r| r.correct), self.sum(|r| r.filed))
    }
    /// Share of folders (as whole stories) filed in their theme's section.
    pub fn story_accuracy(&self) -> f64 {
        ratio(
            self.rows.iter().filter(|r| r.story == Some(r.gold)).count(),
            self.rows.len(),
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl fmt::Display for TopicReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<24} {:<12} {:>8} {:>7} {:>8} {:<12}",
            "folder", "section", "articles", "filed", "correct", "as a story"
        )?;
        for r in &self.rows {
            writeln!(
                f,
                "{:<24} {:<12} {:>8} {:>7} {:>8} {:<12}",
                r.folder,
                r.gold.label(),
                r.articles,
                r.filed,
                r.correct,
                r.story.map_or("none", |t| t.label())
            )?;
        }
        writeln!(
            f,
            "articles {}: coverage {:.4}, precision {:.4}; folders filed right as stories {:.4}",
            self.sum(|r| r.articles),
            self.coverage(),
            self.precision(),
            self.story_accuracy()
        )
    }
}

/// File every article of every theme folder under `data_dir`.
pub fn evaluate(data_dir: &Path) -> Result<TopicReport> {
    let folders = lede_fetch::t17::topic_folders(data_dir)?;
    let mut report = TopicReport::default();
    for dir in folders {
        let folder = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let Some(gold) = gold(&folder) else { continue };
        let mut docs = Vec::new();
        for (_, date, file) in lede_fetch::t17::topic_files(&dir)? {
            // Empty files are skipped, as `lede import` skips them.
            let Ok(doc) = lede_fetch::t17::read_file(&dir, date, &file) else {
                continue;
            };
            docs.push((
                doc.url,
                doc.title.unwrap_or_default(),
                doc.text.unwrap_or_default(),
            ));
        }
        let filed: Vec<Option<Topic>> = docs
            .iter()
            .map(|(_, title, text)| topic_from_text(title, text))
            .collect();
        report.rows.push(FolderRow {
            articles: docs.len(),
            filed: filed.iter().flatten().count(),
            correct: filed.iter().filter(|t| **t == Some(gold)).count(),
            story: story_topic(
                docs.iter()
                    .map(|(u, t, x)| (u.as_str(), t.as_str(), x.as_str())),
            ),
            folder,
            gold,
        });
    }
    Ok(report)
}
