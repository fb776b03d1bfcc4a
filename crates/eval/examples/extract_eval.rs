//! Runs the extraction benchmark and prints the scores, the worst pages, and
//! (with `--dump DIR`) writes each page's extracted text to `DIR/<id>.txt`.
//!
//! `cargo run --release -p lede-eval --example extract_eval -- DATA [--repeat N] [--dump DIR] [--worst K]`
//! `... -- DATA --predictions DIR` scores another extractor's `<id>.txt` files instead.

use std::path::PathBuf;

use anyhow::{Context, Result};
use lede_eval::extraction;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut data = PathBuf::from("../shared/data/extraction");
    let mut repeat = 1usize;
    let mut dump: Option<PathBuf> = None;
    let mut predictions: Option<PathBuf> = None;
    let mut worst = 15usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeat" => repeat = args.next().context("--repeat N")?.parse()?,
            "--dump" => dump = Some(args.next().context("--dump DIR")?.into()),
            "--predictions" => predictions = Some(args.next().context("--predictions DIR")?.into()),
            "--worst" => worst = args.next().context("--worst K")?.parse()?,
            _ => data = a.into(),
        }
    }
    if let Some(dir) = &dump {
        let n = extraction::write_predictions(&data, dir)?;
        eprintln!("wrote {n} predictions to {}", dir.display());
    }
    let score = match &predictions {
        Some(p) => extraction::score_predictions(&data, p)?,
        None => extraction::evaluate(&data, repeat)?,
    };
    let mut pages = score.per_page.clone();
    pages.sort_by(|a, b| {
        let fa = f1(a.1, a.2);
        let fb = f1(b.1, b.2);
        fa.total_cmp(&fb)
    });
    for (id, p, r) in pages.iter().take(worst) {
        println!(
            "{id}  P {}  R {r:.3}  F {:.3}",
            p.map_or("  -  ".to_string(), |p| format!("{p:.3}")),
            f1(*p, *r)
        );
    }
    println!(
        "pages {}  failures {}  P {:.4}  R {:.4}  F1 {:.4}  pages/s {:.1}",
        score.pages,
        score.failures,
        score.precision,
        score.recall,
        score.f1,
        score.pages_per_second
    );
    Ok(())
}

fn f1(p: Option<f64>, r: f64) -> f64 {
    let p = p.unwrap_or(0.0);
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}
