//! Evaluate the story clusterer on ECB+ and Timeline17 (read from ../shared/data).
//!
//! ```text
//! cargo run --release -p lede-cluster --example eval_cluster -- [options]
//!   --data DIR          data folder (default /work/shared/data)
//!   --only ecb|t17      run one data set
//!   --threshold X --title X --entity X --decay X --inactive X --span X
//!   --doc-terms N --centroid-terms N
//!   --sweep             ECB+ and t17 figures for thresholds 0.10..0.50
//! ```
//!
//! ECB+: mean over 5 shuffles (fixed seed) of pairwise and BCubed P/R/F1 against
//! the gold events; no dates. Timeline17: all outlets merged in date order
//! (folder date at noon UTC); BCubed precision against the topic (folder name
//! before `_`), which must stay >= 0.98, and the story size distribution.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use lede_cluster::{ClusterConfig, ClusterDoc, Clusterer};

struct Doc {
    title: String,
    text: String,
    gold: String,
    published: Option<chrono::DateTime<Utc>>,
    outlet: String,
    name: String,
}

fn split_title(raw: &str) -> (String, String) {
    let raw = raw.trim_start();
    match raw.split_once('\n') {
        Some((t, rest)) => (t.trim().to_string(), rest.to_string()),
        None => (String::new(), raw.to_string()),
    }
}

fn load_ecb(dir: &Path) -> Vec<Doc> {
    let path = dir.join("ecbplus/docs.jsonl");
    let s = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            let (title, text) = split_title(v["text"].as_str().unwrap_or(""));
            Doc {
                title,
                text,
                gold: v["cluster"].as_str().unwrap_or("").to_string(),
                published: None,
                outlet: String::new(),
                name: v["id"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect()
}

fn load_t17(dir: &Path) -> Vec<Doc> {
    let root = dir.join("t17");
    let mut files: Vec<(NaiveDate, u64, String, PathBuf)> = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .collect();
    folders.sort_by_key(|e| e.file_name());
    for folder in folders {
        let name = folder.file_name().to_string_lossy().to_string();
        let Ok(days) = std::fs::read_dir(folder.path().join("InputDocs")) else {
            continue;
        };
        for day in days.flatten() {
            let Ok(date) =
                NaiveDate::parse_from_str(&day.file_name().to_string_lossy(), "%Y-%m-%d")
            else {
                continue;
            };
            for f in std::fs::read_dir(day.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let fname = f.file_name().to_string_lossy().to_string();
                // Interleave outlets within a day by a hash of the name.
                let key = fname
                    .bytes()
                    .chain(name.bytes())
                    .fold(0xcbf29ce484222325u64, |h, b| {
                        (h ^ b as u64).wrapping_mul(0x100000001b3)
                    });
                files.push((date, key, name.clone(), f.path()));
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|(date, _, folder, path)| {
            let raw = std::fs::read_to_string(&path).unwrap_or_default();
            let (title, text) = split_title(&raw);
            let (topic, outlet) = folder.split_once('_').unwrap_or((&folder, ""));
            Doc {
                title,
                text,
                gold: topic.to_string(),
                published: Some(Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap())),
                outlet: outlet.to_string(),
                name: path.display().to_string(),
            }
        })
        .collect()
}

/// xorshift64* shuffle, so runs are reproducible without a rand dependency.
fn shuffle<T>(v: &mut [T], seed: u64) {
    let mut x = seed | 1;
    for i in (1..v.len()).rev() {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        let r = x.wrapping_mul(0x2545F4914F6CDD1D);
        v.swap(i, (r % (i as u64 + 1)) as usize);
    }
}

#[derive(Default, Clone, Copy)]
struct Scores {
    pp: f64,
    pr: f64,
    pf: f64,
    bp: f64,
    br: f64,
    bf: f64,
    clusters: f64,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn c2(n: usize) -> f64 {
    (n * n.saturating_sub(1) / 2) as f64
}

fn score(gold: &[&str], pred: &[i64]) -> Scores {
    let mut cell: HashMap<(&str, i64), usize> = HashMap::new();
    let mut gsize: HashMap<&str, usize> = HashMap::new();
    let mut psize: HashMap<i64, usize> = HashMap::new();
    for (g, p) in gold.iter().zip(pred) {
        *cell.entry((g, *p)).or_default() += 1;
        *gsize.entry(g).or_default() += 1;
        *psize.entry(*p).or_default() += 1;
    }
    let tp: f64 = cell.values().map(|&n| c2(n)).sum();
    let pp_den: f64 = psize.values().map(|&n| c2(n)).sum();
    let pr_den: f64 = gsize.values().map(|&n| c2(n)).sum();
    let pp = if pp_den > 0.0 { tp / pp_den } else { 1.0 };
    let pr = if pr_den > 0.0 { tp / pr_den } else { 1.0 };
    let n = gold.len() as f64;
    // BCubed: each item's precision n_ij/|pred_j|, recall n_ij/|gold_i|.
    let (mut bp, mut br) = (0.0, 0.0);
    for (&(g, p), &nij) in &cell {
        bp += nij as f64 * nij as f64 / psize[&p] as f64;
        br += nij as f64 * nij as f64 / gsize[g] as f64;
    }
    bp /= n;
    br /= n;
    Scores {
        pp,
        pr,
        pf: f1(pp, pr),
        bp,
        br,
        bf: f1(bp, br),
        clusters: psize.len() as f64,
    }
}

fn run(config: &ClusterConfig, docs: &[&Doc]) -> (Vec<i64>, f64) {
    let (pred, rate, _) = run_sims(config, docs);
    (pred, rate)
}

/// Story per doc, articles/s, and for each new story the best rejected similarity.
fn run_sims(config: &ClusterConfig, docs: &[&Doc]) -> (Vec<i64>, f64, Vec<f32>) {
    let mut rejected = Vec::new();
    // EVAL_DUMP=file writes each doc's assignment (debugging).
    let mut dump = std::env::var("EVAL_DUMP")
        .ok()
        .map(|p| std::fs::File::create(p).expect("dump file"));
    let mut c = Clusterer::new(config.clone(), 1);
    let start = Instant::now();
    let pred: Vec<i64> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let a = c.add(&ClusterDoc {
                id: i as i64,
                title: &d.title,
                text: &d.text,
                published: d.published,
            });
            if a.new_story {
                rejected.push(a.similarity);
            }
            if let Some(dump) = dump.as_mut() {
                use std::io::Write;
                let _ = writeln!(
                    dump,
                    "{}\t{}\t{}\t{:.3}",
                    d.name, a.story, a.new_story, a.similarity
                );
            }
            a.story
        })
        .collect();
    let rate = docs.len() as f64 / start.elapsed().as_secs_f64();
    (pred, rate, rejected)
}

fn eval_ecb(config: &ClusterConfig, docs: &[Doc], verbose: bool) -> Scores {
    let mut mean = Scores::default();
    let mut rates = 0.0;
    const RUNS: u64 = 5;
    for seed in 0..RUNS {
        let mut order: Vec<&Doc> = docs.iter().collect();
        shuffle(&mut order, 0x5eed_0000 + seed * 7919);
        let (pred, rate) = run(config, &order);
        let gold: Vec<&str> = order.iter().map(|d| d.gold.as_str()).collect();
        let s = score(&gold, &pred);
        rates += rate / RUNS as f64;
        for (m, x) in [
            (&mut mean.pp, s.pp),
            (&mut mean.pr, s.pr),
            (&mut mean.pf, s.pf),
            (&mut mean.bp, s.bp),
            (&mut mean.br, s.br),
            (&mut mean.bf, s.bf),
            (&mut mean.clusters, s.clusters),
        ] {
            *m += x / RUNS as f64;
        }
    }
    if verbose {
        println!(
            "ECB+ ({} docs, {} gold events, mean of {RUNS} shuffles)",
            docs.len(),
            docs.iter()
                .map(|d| &d.gold)
                .collect::<std::collections::HashSet<_>>()
                .len()
        );
        println!(
            "  pairwise P/R/F1 {:.3} / {:.3} / {:.3}",
            mean.pp, mean.pr, mean.pf
        );
        println!(
            "  BCubed   P/R/F1 {:.3} / {:.3} / {:.3}",
            mean.bp, mean.br, mean.bf
        );
        println!("  clusters {:.1}; {:.0} articles/s", mean.clusters, rates);
    }
    mean
}

fn eval_t17(config: &ClusterConfig, docs: &[Doc], verbose: bool) -> (Scores, usize) {
    let order: Vec<&Doc> = docs.iter().collect();
    let (pred, rate, rejected) = run_sims(config, &order);
    let gold: Vec<&str> = order.iter().map(|d| d.gold.as_str()).collect();
    let s = score(&gold, &pred);
    let mut sizes: HashMap<i64, usize> = HashMap::new();
    for p in &pred {
        *sizes.entry(*p).or_default() += 1;
    }
    let big = sizes.values().copied().max().unwrap_or(0);
    if verbose {
        println!(
            "Timeline17 ({} docs, {} topics, date order)",
            docs.len(),
            gold.iter().collect::<std::collections::HashSet<_>>().len()
        );
        println!(
            "  topic-level BCubed P {:.4} (pairwise P {:.4}); {} stories; {:.0} articles/s",
            s.bp,
            s.pp,
            sizes.len(),
            rate
        );
        let bins = [
            (1, 1),
            (2, 3),
            (4, 10),
            (11, 30),
            (31, 100),
            (101, usize::MAX),
        ];
        let mut line = String::from("  story sizes:");
        for (lo, hi) in bins {
            let n = sizes.values().filter(|&&x| x >= lo && x <= hi).count();
            let docs_in: usize = sizes.values().filter(|&&x| x >= lo && x <= hi).sum();
            let label = if hi == usize::MAX {
                format!("{lo}+")
            } else if lo == hi {
                format!("{lo}")
            } else {
                format!("{lo}-{hi}")
            };
            line += &format!(" [{label}: {n} stories, {docs_in} docs]");
        }
        println!("{line}; largest {big}");
        // Span and outlets of multi-article stories.
        let mut span: HashMap<i64, (i64, i64)> = HashMap::new();
        let mut outlets: HashMap<i64, std::collections::HashSet<&str>> = HashMap::new();
        for (d, p) in order.iter().zip(&pred) {
            let t = d.published.map(|t| t.timestamp()).unwrap_or(0);
            let e = span.entry(*p).or_insert((t, t));
            e.0 = e.0.min(t);
            e.1 = e.1.max(t);
            outlets.entry(*p).or_default().insert(&d.outlet);
        }
        let multi: Vec<i64> = sizes
            .iter()
            .filter(|(_, &n)| n > 1)
            .map(|(p, _)| *p)
            .collect();
        let mean_span = multi
            .iter()
            .map(|p| (span[p].1 - span[p].0) as f64 / 86400.0)
            .sum::<f64>()
            / multi.len().max(1) as f64;
        let cross = multi.iter().filter(|p| outlets[p].len() > 1).count();
        println!(
            "  stories of 2+: {}, mean span {:.1} days, {} with 2+ outlets; singletons {}",
            multi.len(),
            mean_span,
            cross,
            sizes.len() - multi.len()
        );
        let mut hist = [0usize; 6];
        for x in &rejected {
            hist[((x / config.threshold.max(1e-6) * 5.0) as usize).min(5)] += 1;
        }
        println!("  new stories by best rejected similarity (fifths of the threshold): {hist:?}");
        let mut per_topic: HashMap<&str, (usize, std::collections::HashSet<i64>)> = HashMap::new();
        for (d, p) in order.iter().zip(&pred) {
            let e = per_topic.entry(&d.gold).or_default();
            e.0 += 1;
            e.1.insert(*p);
        }
        let mut pt: Vec<_> = per_topic
            .iter()
            .map(|(k, v)| (*k, v.0, v.1.len()))
            .collect();
        pt.sort();
        println!("  (topic, docs, stories): {pt:?}");
        // Impure stories.
        let mut per: HashMap<i64, HashMap<&str, usize>> = HashMap::new();
        for (g, p) in gold.iter().zip(&pred) {
            *per.entry(*p).or_default().entry(g).or_default() += 1;
        }
        for (p, m) in per.iter().filter(|(_, m)| m.len() > 1) {
            println!("  mixed story {p}: {m:?}");
        }
    }
    (s, big)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = ClusterConfig::default();
    let mut data = PathBuf::from("/work/shared/data");
    let mut only: Option<String> = None;
    let mut sweep = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let val = || args.get(i + 1).cloned().unwrap_or_default();
        let num = || val().parse::<f64>().expect("number");
        match a {
            "--data" => data = PathBuf::from(val()),
            "--only" => only = Some(val()),
            "--threshold" => config.threshold = num() as f32,
            "--title" => config.title_weight = num() as f32,
            "--entity" => config.entity_boost = num() as f32,
            "--decay" => config.decay_days = num(),
            "--inactive" => config.inactive_days = num(),
            "--span" => config.max_span_days = num(),
            "--query-terms" => config.query_terms = num() as usize,
            "--index-terms" => config.index_terms = num() as usize,
            "--lead" => config.lead_words = num() as usize,
            "--tail" => config.tail_weight = num() as f32,
            "--doc-terms" => config.doc_terms = num() as usize,
            "--centroid-terms" => config.centroid_terms = num() as usize,
            "--sweep" => {
                sweep = true;
                i += 1;
                continue;
            }
            _ => panic!("unknown argument {a}"),
        }
        i += 2;
    }
    println!("{config:?}");
    let want = |s: &str| only.as_deref().is_none_or(|o| o == s);
    let ecb = if want("ecb") {
        load_ecb(&data)
    } else {
        Vec::new()
    };
    let t17 = if want("t17") {
        load_t17(&data)
    } else {
        Vec::new()
    };
    if sweep {
        println!("threshold  ECB+ BCubed P/R/F1  pairF1  clusters | t17 topicP  stories  largest");
        for k in 2..=10 {
            let mut c = config.clone();
            c.threshold = k as f32 * 0.05;
            let e = if ecb.is_empty() {
                Scores::default()
            } else {
                eval_ecb(&c, &ecb, false)
            };
            let (t, big) = if t17.is_empty() {
                (Scores::default(), 0)
            } else {
                eval_t17(&c, &t17, false)
            };
            println!(
                "  {:.2}     {:.3}/{:.3}/{:.3}    {:.3}  {:6.1}  | {:.4}  {:6.0}  {big}",
                c.threshold, e.bp, e.br, e.bf, e.pf, e.clusters, t.bp, t.clusters
            );
        }
        return;
    }
    if !ecb.is_empty() {
        eval_ecb(&config, &ecb, true);
    }
    if !t17.is_empty() {
        eval_t17(&config, &t17, true);
    }
}
