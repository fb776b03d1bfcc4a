//! Trains the entity tagger on CoNLL-2003 train and reports conlleval on
//! valid and the MEANTIME figures, for the model and for the rules, with the
//! training time, the model file size and words per second.
//!
//! `cargo run --release -p lede-eval --example entities_eval -- DATA_DIR [--epochs N] [--bits B] [--folds K] [--save FILE] [--load FILE]`
//!
//! `DATA_DIR` is `../shared/data` (it holds `conll2003/` and `meantime/`).

use anyhow::{Context, Result};
use lede_analyze::{read_conll, EntityModel, TrainOptions};
use lede_eval::entities::{evaluate_conll, evaluate_meantime};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let data = PathBuf::from(
        args.next()
            .context("usage: entities_eval DATA_DIR [options]")?,
    );
    let mut options = TrainOptions::default();
    let mut save = None;
    let mut load = None;
    while let Some(a) = args.next() {
        let mut value = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--epochs" => options.epochs = value()?.parse()?,
            "--bits" => options.hash_bits = value()?.parse()?,
            "--folds" => options.folds = value()?.parse()?,
            "--save" => save = Some(PathBuf::from(value()?)),
            "--load" => load = Some(PathBuf::from(value()?)),
            other => anyhow::bail!("unknown option {other}"),
        }
    }
    let valid = data.join("conll2003/valid.txt");
    let meantime = data.join("meantime");
    let model = match load {
        Some(p) => EntityModel::load(&p)?,
        None => {
            let train = data.join("conll2003/train.txt");
            let docs = read_conll(&std::fs::read_to_string(&train)?)?;
            let started = Instant::now();
            let model = EntityModel::train(&docs, &options);
            println!(
                "trained on {} documents in {:.1}s ({options:?})",
                docs.len(),
                started.elapsed().as_secs_f64()
            );
            model
        }
    };
    let bytes = model.to_bytes();
    println!("model file: {} bytes", bytes.len());
    if let Some(p) = save {
        model.save(&p)?;
    }
    println!("conll valid  {}", evaluate_conll(Some(&model), &valid)?);
    println!("conll valid  {}", evaluate_conll(None, &valid)?);
    println!(
        "meantime     {}",
        evaluate_meantime(Some(&model), &meantime)?
    );
    println!("meantime     {}", evaluate_meantime(None, &meantime)?);
    // Tagging speed alone, best of five passes over valid (the machine may be shared).
    let docs = read_conll(&std::fs::read_to_string(&valid)?)?;
    let docs: Vec<Vec<Vec<&str>>> = docs
        .iter()
        .map(|d| {
            d.iter()
                .map(|s| s.tokens.iter().map(String::as_str).collect())
                .collect()
        })
        .collect();
    let words: usize = docs.iter().flatten().map(Vec::len).sum();
    let mut best = f64::MAX;
    let mut names = 0;
    for _ in 0..5 {
        let started = Instant::now();
        names = docs
            .iter()
            .map(|d| model.spans_document(d).iter().map(Vec::len).sum::<usize>())
            .sum();
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "speed: {words} words, {names} names, best of 5 {:.0} words/s on one thread",
        words as f64 / best
    );
    Ok(())
}
