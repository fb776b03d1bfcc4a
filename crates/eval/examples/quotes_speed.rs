//! Splits the time of quote finding into its parts on a PolNeAR split:
//! `cargo run --release -p lede-eval --example quotes_speed -- DIR`.

use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/polnear/dev".into());
    let docs = lede_eval::quotes::load(std::path::Path::new(&dir))?;
    let articles: Vec<lede_model::Article> = docs
        .iter()
        .map(|d| lede_model::Article {
            text: d.text.clone(),
            ..Default::default()
        })
        .collect();
    let words: usize = docs.iter().map(|d| d.text.split_whitespace().count()).sum();
    let _ = lede_analyze::find_quotes(&articles[0]);
    let t = Instant::now();
    for a in &articles {
        let _ = lede_analyze::find_entities(a);
    }
    let ents = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for a in &articles {
        let _ = lede_analyze::find_quotes(a);
    }
    let cold = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for a in &articles {
        let _ = lede_analyze::find_quotes(a);
    }
    let quotes = t.elapsed().as_secs_f64();
    println!("first pass {:.0} words/s", words as f64 / cold);
    println!(
        "words={words} entities {:.0} words/s, quotes (with entities) {:.0} words/s",
        words as f64 / ents,
        words as f64 / quotes
    );
    Ok(())
}
