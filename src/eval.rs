//! `lede eval ...` and `lede cluster`: the stages measured on public data sets.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use lede_cluster::{ClusterConfig, ClusterDoc, Clusterer};
use lede_eval::clustering::{self, ClusterScores, GoldDoc};
use lede_eval::{mean_std, shuffle};

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Body-text extraction on the article-extraction benchmark (`ground-truth.json`, `html/`).
    Extract {
        #[arg(long, default_value = "../shared/data/extraction")]
        data: PathBuf,
        /// Extract every page this many times for the timing.
        #[arg(long, default_value_t = 1)]
        repeat: usize,
        /// Exit non-zero when F1 is below this floor.
        #[arg(long)]
        min_f1: Option<f64>,
        /// Print each page's precision and recall, worst first.
        #[arg(long)]
        pages: bool,
    },
    /// Story clustering on ECB+ (`docs.jsonl`) or Timeline17 (a folder; topics as coarse gold).
    Cluster {
        #[arg(long, default_value = "../shared/data/ecbplus/docs.jsonl")]
        data: PathBuf,
        /// Number of shuffled stream orders to average over.
        #[arg(long, default_value_t = 5)]
        orders: u64,
        /// Exit non-zero when the mean BCubed F1 is below this floor.
        #[arg(long)]
        min_bcubed_f1: Option<f64>,
        /// Exit non-zero when the mean BCubed precision is below this floor.
        #[arg(long)]
        min_bcubed_p: Option<f64>,
    },
}

fn below(name: &str, value: f64, floor: Option<f64>) -> bool {
    match floor {
        Some(f) if value < f => {
            eprintln!("FAIL: {name} {value:.4} is below the floor {f:.4}");
            true
        }
        _ => false,
    }
}

pub fn run(what: EvalCommand) -> Result<ExitCode> {
    let mut failed = false;
    match what {
        EvalCommand::Extract {
            data,
            repeat,
            min_f1,
            pages,
        } => {
            let s = lede_eval::extraction::evaluate(&data, repeat)?;
            if pages {
                let mut per = s.per_page.clone();
                per.sort_by(|a, b| {
                    let fa = a.1.unwrap_or(0.0).min(a.2);
                    let fb = b.1.unwrap_or(0.0).min(b.2);
                    fa.total_cmp(&fb)
                });
                for (id, p, r) in per {
                    let p = p.map_or("-".to_string(), |p| format!("{p:.3}"));
                    println!("{id}\tP {p}\tR {r:.3}");
                }
            }
            println!(
                "extraction: pages {} precision {:.4} recall {:.4} F1 {:.4} failures {} pages/s {:.1}",
                s.pages, s.precision, s.recall, s.f1, s.failures, s.pages_per_second
            );
            failed |= below("F1", s.f1, min_f1);
        }
        EvalCommand::Cluster {
            data,
            orders,
            min_bcubed_f1,
            min_bcubed_p,
        } => {
            let t17 = data.is_dir();
            let docs = if t17 {
                clustering::read_t17(&data)?
            } else {
                clustering::read_jsonl(&data)?
            };
            let runs: Vec<ClusterScores> = (0..orders.max(1))
                .map(|seed| {
                    let mut order: Vec<GoldDoc> = docs.clone();
                    shuffle(&mut order, seed + 1);
                    // A dated stream keeps its time order; the shuffle only
                    // reorders articles of the same time.
                    if t17 {
                        order.sort_by_key(|d| d.published);
                    }
                    clustering::run(&order)
                })
                .collect();
            let stat =
                |f: fn(&ClusterScores) -> f64| mean_std(&runs.iter().map(f).collect::<Vec<_>>());
            let show = |name: &str, f: fn(&ClusterScores) -> f64| {
                let (m, sd) = stat(f);
                format!("{name} {m:.4} ±{sd:.4}")
            };
            println!(
                "clustering: articles {} orders {} | pairwise {} {} {} | bcubed {} {} {} | {} | {}",
                docs.len(),
                runs.len(),
                show("P", |s| s.pairwise_p),
                show("R", |s| s.pairwise_r),
                show("F1", |s| s.pairwise_f1),
                show("P", |s| s.bcubed_p),
                show("R", |s| s.bcubed_r),
                show("F1", |s| s.bcubed_f1),
                show("stories", |s| s.clusters as f64),
                show("articles/s", |s| s.articles_per_second),
            );
            failed |= below("BCubed F1", stat(|s| s.bcubed_f1).0, min_bcubed_f1);
            failed |= below("BCubed precision", stat(|s| s.bcubed_p).0, min_bcubed_p);
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `lede cluster --input docs.jsonl`: the online clusterer over a stream, in order.
pub fn cluster_stream(input: &Path) -> Result<()> {
    let text = std::fs::read_to_string(input)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", input.display()))?;
    let mut clusterer = Clusterer::new(ClusterConfig::default(), 1);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("{}:{}: invalid JSON: {e}", input.display(), i + 1))?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("");
        let id = match v.get("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => (i + 1).to_string(),
        };
        let published = lede_extract::parse_date(s("published"));
        let a = clusterer.add(&ClusterDoc {
            id: i as i64 + 1,
            title: s("title"),
            text: s("text"),
            published,
        });
        writeln!(out, "{id}\t{}", a.story)?;
    }
    Ok(())
}
