//! Multi-News ROUGE of the extractive writer, run the way `lede eval summary`
//! runs it (analyze with the rule-based tagger -> wire copies -> write ->
//! verify), without building the whole binary:
//! `cargo run --release -p lede-eval --example summary_eval -- ../shared/data/multinews/validation.jsonl 300`.

use std::path::Path;

use chrono::Utc;
use lede_analyze::Analyzer;
use lede_cluster::wire_copies;
use lede_model::{Article, Story};
use lede_write::{ExtractiveWriter, StoryInput, Writer, WriterConfig};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = args
        .next()
        .unwrap_or_else(|| "../shared/data/multinews/validation.jsonl".into());
    let max_words: usize = match args.next() {
        Some(n) => n.parse()?,
        None => 300,
    };
    let analyzer = Analyzer::new(None);
    let writer = ExtractiveWriter::new(WriterConfig {
        max_words,
        ..WriterConfig::default()
    });
    let compose = |articles: &[Article]| -> Story {
        let analyses: Vec<_> = articles.iter().map(|a| analyzer.analyze(a)).collect();
        let copies = wire_copies(articles);
        let mut story = writer.write(&StoryInput {
            id: 1,
            articles,
            analyses: &analyses,
            copies: &copies,
            previous: None,
            now: Utc::now(),
        });
        lede_verify::verify_story(&mut story, articles);
        story
    };
    let report = lede_eval::summary::evaluate(Path::new(&data), max_words, &compose)?;
    println!("{report}");
    Ok(())
}
