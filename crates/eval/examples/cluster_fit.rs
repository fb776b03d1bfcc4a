//! Fit the clusterer's join model ([`lede_cluster::JoinModel`]) on ECB+.
//!
//! Teacher forcing: the articles of the chosen topics are streamed in 5
//! shuffled orders; each article is compared with the gold stories built so far
//! (the candidates the inverted index finds), giving one example per
//! (article, candidate) pair, labelled by whether it is the article's gold event;
//! then the article is added to its gold story. An L2-regularised logistic
//! regression is fit by Newton's method (IRLS). Written out here rather than
//! taken from a crate: eight parameters, a few thousand examples, and no
//! runtime dependency. The fitted model is then run as a clusterer on both
//! halves, at several decision thresholds.
//!
//! ```text
//! cargo run --release -p lede-eval --example cluster_fit -- [--half odd|even|all]
//!     [--l2 X] [--data DIR] [--lead N] [--members N] [--use 0,1,2,...]
//! ```

#[path = "cluster_common/mod.rs"]
mod common;

use std::collections::HashMap;

use lede_cluster::{ClusterDoc, Clusterer, JoinModel, FEATURES, FEATURE_NAMES};

/// (features, label) pairs from teacher-forced streams.
fn examples(
    docs: &[common::clustering::GoldDoc],
    base: &lede_cluster::ClusterConfig,
) -> Vec<([f32; FEATURES], bool)> {
    let mut out = Vec::new();
    for order in common::orders(docs, 5) {
        let mut c = Clusterer::new(base.clone(), 1);
        let mut ids: HashMap<&str, i64> = HashMap::new();
        for (i, d) in order.iter().enumerate() {
            let next = ids.len() as i64 + 1;
            let gold = *ids.entry(d.gold.as_str()).or_insert(next);
            let p = c.prepare(&ClusterDoc {
                id: i as i64,
                title: &d.title,
                text: &d.text,
                published: d.published,
            });
            for cand in c.candidates(&p) {
                out.push((cand.features, cand.story == gold));
            }
            c.commit(p, gold);
        }
    }
    out
}

/// (features, label) pairs from the clusterer's own streams with `config`
/// (the states it really meets, fragments and mixtures included): a candidate
/// story is right when most of its articles so far are of the article's event.
fn online_examples(
    docs: &[common::clustering::GoldDoc],
    config: &lede_cluster::ClusterConfig,
) -> Vec<([f32; FEATURES], bool)> {
    let mut out = Vec::new();
    for order in common::orders(docs, 5) {
        let mut c = Clusterer::new(config.clone(), 1);
        let mut members: HashMap<i64, HashMap<&str, usize>> = HashMap::new();
        let mut next = 1;
        for (i, d) in order.iter().enumerate() {
            let p = c.prepare(&ClusterDoc {
                id: i as i64,
                title: &d.title,
                text: &d.text,
                published: d.published,
            });
            let cands = c.candidates(&p);
            for cand in &cands {
                let m = &members[&cand.story];
                let mine = m.get(d.gold.as_str()).copied().unwrap_or(0);
                let majority = m.values().copied().max().unwrap_or(0);
                out.push((cand.features, mine > 0 && mine == majority));
            }
            let best = cands
                .iter()
                .filter(|x| x.probability >= config.threshold)
                .max_by(|a, b| a.probability.total_cmp(&b.probability));
            let story = best.map_or_else(
                || {
                    next += 1;
                    next - 1
                },
                |b| b.story,
            );
            next = next.max(story + 1);
            *members
                .entry(story)
                .or_default()
                .entry(d.gold.as_str())
                .or_default() += 1;
            c.commit(p, story);
        }
    }
    out
}

/// Logistic regression by Newton's method with an L2 penalty on the weights
/// (not the bias); features outside `used` are fixed at 0.
fn fit(data: &[([f32; FEATURES], bool)], l2: f64, used: &[usize]) -> JoinModel {
    let k = used.len() + 1;
    let row = |f: &[f32; FEATURES]| {
        let mut x = vec![1.0f64];
        x.extend(used.iter().map(|&i| f[i] as f64));
        x
    };
    let mut w = vec![0.0f64; k];
    for _ in 0..50 {
        let mut grad = vec![0.0; k];
        let mut hess = vec![vec![0.0; k]; k];
        for (f, y) in data {
            let x = row(f);
            let z: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let y = if *y { 1.0 } else { 0.0 };
            for i in 0..k {
                grad[i] += (p - y) * x[i];
                for j in 0..k {
                    hess[i][j] += p * (1.0 - p) * x[i] * x[j];
                }
            }
        }
        for i in 1..k {
            grad[i] += l2 * w[i];
            hess[i][i] += l2;
        }
        let step = solve(hess, grad);
        let mut change = 0.0;
        for i in 0..k {
            w[i] -= step[i];
            change += step[i].abs();
        }
        if change < 1e-8 {
            break;
        }
    }
    let mut weights = [0.0f32; FEATURES];
    for (n, &i) in used.iter().enumerate() {
        weights[i] = w[n + 1] as f32;
    }
    JoinModel {
        bias: w[0] as f32,
        weights,
    }
}

/// Solve `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap_or(c);
        a.swap(c, p);
        b.swap(c, p);
        let d = a[c][c];
        if d.abs() < 1e-12 {
            continue;
        }
        let (top, below) = a.split_at_mut(c + 1);
        let pivot = &top[c];
        for (k, row) in below.iter_mut().enumerate() {
            let f = row[c] / d;
            for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                *x -= f * p;
            }
            b[c + 1 + k] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = if a[c][c].abs() < 1e-12 {
            0.0
        } else {
            (b[c] - s) / a[c][c]
        };
    }
    x
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = common::data_dir(&args);
    let base = common::config_from(&args);
    let half = common::arg(&args, "--half").unwrap_or_else(|| "odd".into());
    let l2: f64 = common::arg(&args, "--l2").map_or(1.0, |v| v.parse().expect("number"));
    let used: Vec<usize> = common::arg(&args, "--use").map_or_else(
        || (0..FEATURES).collect(),
        |v| v.split(',').map(|x| x.parse().expect("index")).collect(),
    );
    let train = common::load_ecb(&data, Some(half.as_str()));
    let ex = examples(&train, &base);
    let pos = ex.iter().filter(|e| e.1).count();
    println!(
        "fit on ECB+ {half} topics: {} articles, {} pairs ({pos} positive), l2 {l2}",
        train.len(),
        ex.len()
    );
    let mut model = fit(&ex, l2, &used);
    // `--online N`: N rounds of adding the clusterer's own states (run with
    // the model so far) to the examples and refitting.
    let rounds: usize = common::arg(&args, "--online").map_or(0, |v| v.parse().expect("rounds"));
    let mut ex = ex;
    for round in 0..rounds {
        let mut config = base.clone();
        config.model = model;
        let more = online_examples(&train, &config);
        println!(
            "round {round}: +{} pairs from the clusterer's own states",
            more.len()
        );
        ex.extend(more);
        model = fit(&ex, l2, &used);
    }
    println!("bias {:.3}", model.bias);
    for (n, w) in FEATURE_NAMES.iter().zip(model.weights) {
        println!("  {n:<16} {w:.3}");
    }
    let csv: Vec<String> = std::iter::once(model.bias)
        .chain(model.weights)
        .map(|x| format!("{x:.2}"))
        .collect();
    println!("--model {}", csv.join(","));
    for threshold in [0.2, 0.25, 0.3, 0.4, 0.5] {
        let mut config = base.clone();
        config.model = model;
        config.threshold = threshold;
        for h in ["odd", "even"] {
            let docs = common::load_ecb(&data, Some(h));
            let runs = common::evaluate(&docs, &config);
            println!("threshold {threshold} {h:<4}: {}", common::summary(&runs));
        }
    }
}
