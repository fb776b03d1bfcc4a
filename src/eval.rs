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
        /// Score another extractor's output instead: a folder of `<id>.txt` files.
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
    /// Quote attribution on PolNeAR (brat `.ann`): content found at 30%/80% cover, speaker accuracy.
    Quotes {
        #[arg(long, default_value = "../shared/data/polnear/dev")]
        data: PathBuf,
        /// Exit non-zero when content F1 at 30% is below this floor.
        #[arg(long)]
        min_f1: Option<f64>,
        /// Exit non-zero when speaker accuracy is below this floor.
        #[arg(long)]
        min_speaker: Option<f64>,
    },
    /// Time expressions (TempEval-3 task A) on TimeML `.tml` files, or MEANTIME with `--meantime`.
    Timex {
        #[arg(long, default_value = "../shared/data/timeml")]
        data: PathBuf,
        /// The data is MEANTIME (CAT XML).
        #[arg(long)]
        meantime: bool,
        /// Exit non-zero when relaxed F1 is below this floor.
        #[arg(long)]
        min_relaxed_f1: Option<f64>,
        /// Exit non-zero when value F1 is below this floor.
        #[arg(long)]
        min_value_f1: Option<f64>,
    },
    /// Named entities (conlleval) on CoNLL-2003, and optionally MEANTIME; uses the data directory's model.
    Entities {
        #[arg(long, default_value = "../shared/data/conll2003/valid.txt")]
        data: PathBuf,
        /// Also score MEANTIME (its corpus folder).
        #[arg(long)]
        meantime: Option<PathBuf>,
        /// Exit non-zero when the CoNLL F1 is below this floor.
        #[arg(long)]
        min_f1: Option<f64>,
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
    /// The verifier against errors injected into the writer's drafts of Timeline17 stories.
    Verify {
        #[arg(long, default_value = "../shared/data/t17")]
        data: PathBuf,
        /// Stories to draft at most (largest first).
        #[arg(long, default_value_t = 400)]
        stories: usize,
        /// Exit non-zero when the share of injected errors caught is below this floor.
        #[arg(long)]
        min_caught: Option<f64>,
        /// Exit non-zero when the share of clean sentences flagged is above this ceiling.
        #[arg(long)]
        max_flagged: Option<f64>,
        /// Print the reasons given for flagged clean sentences.
        #[arg(long)]
        show_flags: bool,
    },
    /// Timeline summarization on Timeline17: date F1 and alignment-based ROUGE-1/2
    /// (many-to-one date alignment, as tilse computes them).
    Timeline {
        #[arg(long, default_value = "../shared/data/t17")]
        data: PathBuf,
        /// Exit non-zero when alignment ROUGE-1 F1 is below this floor.
        #[arg(long)]
        min_rouge1: Option<f64>,
        /// Exit non-zero when alignment ROUGE-2 F1 is below this floor.
        #[arg(long)]
        min_rouge2: Option<f64>,
        /// Exit non-zero when date F1 is below this floor.
        #[arg(long)]
        min_date_f1: Option<f64>,
    },
    /// Topic filing (front-page sections) on Timeline17, whose themes belong in known sections.
    Topics {
        #[arg(long, default_value = "../shared/data/t17")]
        data: PathBuf,
        /// Exit non-zero when the precision of filed articles is below this floor.
        #[arg(long)]
        min_precision: Option<f64>,
        /// Exit non-zero when the share of folders filed right as stories is below this floor.
        #[arg(long)]
        min_story_accuracy: Option<f64>,
    },
    /// Multi-document summaries on Multi-News (`{"id","documents","summary"}` lines): ROUGE-1/2/L F1.
    Summary {
        #[arg(long, default_value = "../shared/data/multinews/validation.jsonl")]
        data: PathBuf,
        #[arg(long, default_value_t = 300)]
        max_words: usize,
        /// Exit non-zero when ROUGE-2 F1 is below this floor.
        #[arg(long)]
        min_rouge2: Option<f64>,
        /// Exit non-zero when ROUGE-1 F1 is below this floor.
        #[arg(long)]
        min_rouge1: Option<f64>,
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
            predictions,
        } => {
            let s = match predictions {
                Some(dir) => lede_eval::extraction::score_predictions(&data, &dir)?,
                None => lede_eval::extraction::evaluate(&data, repeat)?,
            };
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
        EvalCommand::Quotes {
            data,
            min_f1,
            min_speaker,
        } => {
            let r = lede_eval::quotes::evaluate(&data)?;
            println!("{r}");
            failed |= below("quote content F1 at 30%", r.f1_30, min_f1);
            failed |= below("speaker accuracy", r.speaker_accuracy, min_speaker);
        }
        EvalCommand::Timex {
            data,
            meantime,
            min_relaxed_f1,
            min_value_f1,
        } => {
            let r = if meantime {
                lede_eval::timex::evaluate_meantime(&data)?
            } else {
                lede_eval::timex::evaluate(&data)?
            };
            println!("{r}");
            failed |= below("relaxed F1", r.relaxed_f1, min_relaxed_f1);
            failed |= below("value F1", r.value_f1, min_value_f1);
        }
        EvalCommand::Entities {
            data,
            meantime,
            min_f1,
        } => {
            let model = crate::analyze::analyzer().model();
            if model.is_none() {
                eprintln!(
                    "note: no trained entity model in the data directory (`lede train entities`); scoring the rule-based tagger"
                );
            }
            let r = lede_eval::entities::evaluate_conll(model, &data)?;
            println!("{r}");
            failed |= below("entity F1", r.f1, min_f1);
            if let Some(dir) = meantime {
                println!("{}", lede_eval::entities::evaluate_meantime(model, &dir)?);
            }
        }
        EvalCommand::Verify {
            data,
            stories,
            min_caught,
            max_flagged,
            show_flags,
        } => {
            let cases = verifier_cases(&data, stories)?;
            let r = lede_eval::verifier::benchmark(&cases);
            if show_flags {
                for (text, reason) in &r.false_flags {
                    println!("FLAGGED\t{reason}\t{text}");
                }
                for (kind, original, mutated) in &r.misses {
                    println!("MISSED\t{}\t{original}\t{mutated}", kind.name());
                }
            }
            println!("{r}");
            failed |= below("caught", r.catch_rate(), min_caught);
            if let Some(max) = max_flagged {
                if r.false_flag_rate() > max {
                    eprintln!(
                        "FAIL: clean sentences flagged {:.4} is above the ceiling {max:.4}",
                        r.false_flag_rate()
                    );
                    failed = true;
                }
            }
        }
        EvalCommand::Timeline {
            data,
            min_rouge1,
            min_rouge2,
            min_date_f1,
        } => {
            let r = lede_eval::timeline::evaluate(&data, lede_eval::timeline::Split::All)?;
            println!("{r}");
            failed |= below("alignment ROUGE-1", r.rouge1.f1, min_rouge1);
            failed |= below("alignment ROUGE-2", r.rouge2.f1, min_rouge2);
            failed |= below("date F1", r.date.f1, min_date_f1);
        }
        EvalCommand::Topics {
            data,
            min_precision,
            min_story_accuracy,
        } => {
            let r = lede_eval::topics::evaluate(&data)?;
            print!("{r}");
            failed |= below("topic precision", r.precision(), min_precision);
            failed |= below(
                "stories filed right",
                r.story_accuracy(),
                min_story_accuracy,
            );
        }
        EvalCommand::Summary {
            data,
            max_words,
            min_rouge2,
            min_rouge1,
        } => {
            let writer = crate::write::writer(max_words);
            let compose =
                |articles: &[lede_model::Article]| crate::write::compose(&writer, articles);
            let r = lede_eval::summary::evaluate(&data, max_words, &compose)?;
            println!("{r}");
            failed |= below("ROUGE-2", r.rouge2, min_rouge2);
            failed |= below("ROUGE-1", r.rouge1, min_rouge1);
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Draft stories from a corpus the way the pipeline does (extract, cluster in
/// time order, analyze, write), without verifying them: the largest `max` stories.
fn verifier_cases(
    data: &Path,
    max: usize,
) -> Result<Vec<(Vec<lede_model::Article>, lede_model::Story)>> {
    let mut articles: Vec<lede_model::Article> = lede_fetch::read_path(data)
        .filter_map(|d| d.ok())
        .filter_map(|d| crate::pipeline::to_article(&d).ok())
        .collect();
    anyhow::ensure!(!articles.is_empty(), "{}: no articles", data.display());
    articles.sort_by(|a, b| (a.published, &a.url).cmp(&(b.published, &b.url)));
    for (i, a) in articles.iter_mut().enumerate() {
        a.id = i as i64 + 1;
    }
    let mut clusterer = Clusterer::new(ClusterConfig::default(), 1);
    let mut groups: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
    for (i, a) in articles.iter().enumerate() {
        let story = clusterer
            .add(&ClusterDoc {
                id: a.id,
                title: &a.title,
                text: &a.text,
                published: a.published,
            })
            .story;
        groups.entry(story).or_default().push(i);
    }
    let mut groups: Vec<(i64, Vec<usize>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    groups.truncate(max);
    let writer = lede_write::ExtractiveWriter::default();
    Ok(groups
        .into_iter()
        .map(|(id, members)| {
            let arts: Vec<lede_model::Article> =
                members.iter().map(|&i| articles[i].clone()).collect();
            let story = crate::pipeline::draft_story(&writer, id, &arts, None);
            (arts, story)
        })
        .collect())
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
