// Each example uses part of this module.
#![allow(dead_code)]
//! Shared by the `cluster_*` examples: data loading, stream orders and figures
//! exactly as `lede eval cluster` computes them.
//!
//! The readers, metrics and shuffle are lede-eval's own.

use std::path::{Path, PathBuf};

use lede_cluster::{ClusterConfig, JoinModel, FEATURES};

pub use lede_eval::{clustering, mean_std, shuffle};

use clustering::{ClusterScores, GoldDoc};

/// Data folder: `--data DIR` or /work/shared/data.
pub fn data_dir(args: &[String]) -> PathBuf {
    arg(args, "--data").map_or_else(|| PathBuf::from("/work/shared/data"), PathBuf::from)
}

/// The value after `flag`, if given.
pub fn arg(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Apply `--threshold X --penalty X --lead N --members N --model b,w1,..,w7`.
pub fn config_from(args: &[String]) -> ClusterConfig {
    let mut c = ClusterConfig::default();
    let num = |f: &str| arg(args, f).map(|v| v.parse::<f64>().expect("number"));
    if let Some(x) = num("--threshold") {
        c.threshold = x as f32;
    }
    if let Some(x) = num("--penalty") {
        c.time_penalty_per_day = x as f32;
    }
    if let Some(x) = num("--lead") {
        c.lead_words = x as usize;
    }
    if let Some(x) = num("--members") {
        c.members_kept = x as usize;
    }
    if let Some(x) = num("--shortlist") {
        c.shortlist = x as usize;
    }
    if let Some(x) = num("--span") {
        c.max_span_days = x;
    }
    if let Some(x) = num("--inactive") {
        c.inactive_days = x;
    }
    if let Some(m) = arg(args, "--model") {
        let v: Vec<f32> = m.split(',').map(|x| x.parse().expect("weight")).collect();
        assert_eq!(
            v.len(),
            FEATURES + 1,
            "--model takes bias and {FEATURES} weights"
        );
        let mut weights = [0.0; FEATURES];
        weights.copy_from_slice(&v[1..]);
        c.model = JoinModel {
            bias: v[0],
            weights,
        };
    }
    c
}

/// ECB+ topic number of a gold event id (`12_ecbplus` -> 12).
pub fn ecb_topic(gold: &str) -> u32 {
    gold.split('_')
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

/// ECB+ articles, all or only the odd- or even-numbered topics.
pub fn load_ecb(data: &Path, half: Option<&str>) -> Vec<GoldDoc> {
    let docs = clustering::read_jsonl(&data.join("ecbplus/docs.jsonl")).expect("ECB+");
    docs.into_iter()
        .filter(|d| match half {
            Some("odd") => !ecb_topic(&d.gold).is_multiple_of(2),
            Some("even") => ecb_topic(&d.gold).is_multiple_of(2),
            _ => true,
        })
        .collect()
}

/// The stream orders of `lede eval cluster`: shuffles with seeds 1..=5; a dated
/// stream is then put in time order (stable, so same-time articles stay shuffled).
pub fn orders(docs: &[GoldDoc], n: u64) -> Vec<Vec<GoldDoc>> {
    (0..n)
        .map(|seed| {
            let mut order = docs.to_vec();
            shuffle(&mut order, seed + 1);
            if order.iter().any(|d| d.published.is_some()) {
                order.sort_by_key(|d| d.published);
            }
            order
        })
        .collect()
}

/// Mean ± sd line of the figures over several runs.
pub fn summary(runs: &[ClusterScores]) -> String {
    let show = |f: fn(&ClusterScores) -> f64| {
        let (m, sd) = mean_std(&runs.iter().map(f).collect::<Vec<_>>());
        format!("{m:.3}±{sd:.3}")
    };
    format!(
        "pairwise P {} R {} F1 {} | BCubed P {} R {} F1 {} | stories {} | {} art/s",
        show(|s| s.pairwise_p),
        show(|s| s.pairwise_r),
        show(|s| s.pairwise_f1),
        show(|s| s.bcubed_p),
        show(|s| s.bcubed_r),
        show(|s| s.bcubed_f1),
        show(|s| s.clusters as f64),
        show(|s| s.articles_per_second),
    )
}

/// Figures over the 5 orders with `config`.
pub fn evaluate(docs: &[GoldDoc], config: &ClusterConfig) -> Vec<ClusterScores> {
    orders(docs, 5)
        .iter()
        .map(|o| clustering::run_with(o, config).0)
        .collect()
}
