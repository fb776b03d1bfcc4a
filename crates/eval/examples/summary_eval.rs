//! Multi-News ROUGE of the extractive writer, run the way `lede eval summary`
//! runs it (analyze with the rule-based tagger -> wire copies -> write ->
//! verify), without building the whole binary:
//! `cargo run --release -p lede-eval --example summary_eval -- ../shared/data/multinews/validation.jsonl 300`.

use std::collections::HashMap;
use std::path::Path;

use chrono::Utc;
use lede_analyze::Analyzer;
use lede_cluster::NearDuplicates;
use lede_model::{Article, ArticleId, Story};
use lede_write::{ExtractiveWriter, StoryInput, Writer, WriterConfig};

/// Wire copies among a story's articles (oldest first): article -> the earlier
/// article it nearly duplicates. The same rule as the pipeline's.
fn wire_copies(articles: &[Article]) -> HashMap<ArticleId, ArticleId> {
    let mut sorted: Vec<&Article> = articles.iter().collect();
    sorted.sort_by_key(|a| (a.published, a.id));
    let mut index = NearDuplicates::new();
    let mut copies = HashMap::new();
    for a in sorted {
        if let Some(original) = index.check_and_insert(a.id, &a.text) {
            copies.insert(a.id, original);
        }
    }
    copies
}

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
