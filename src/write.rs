//! `lede write --input clusters.jsonl`: stories from pre-clustered documents,
//! through the same analyze -> write -> verify path as the pipeline, printed
//! as one JSON object a line.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use lede_model::{Article, SectionKind, Story};
use lede_write::{ExtractiveWriter, WriterConfig};
use serde_json::{json, Value};

use crate::pipeline;

/// The extractive writer with a word budget for dek, lede and body.
pub fn writer(max_words: usize) -> ExtractiveWriter {
    ExtractiveWriter::new(WriterConfig {
        max_words,
        ..WriterConfig::default()
    })
}

/// Write one story from a cluster's articles (analyze, write, verify).
pub fn compose(writer: &ExtractiveWriter, articles: &[Article]) -> Story {
    pipeline::write_story(writer, 1, articles, None)
}

/// Run `lede write`; a bad line is reported on stderr and the rest go on.
pub fn write_clusters(input: &Path, max_words: usize) -> Result<ExitCode> {
    let records = lede_fetch::clusters::read_clusters(input).map_err(|e| anyhow::anyhow!("{e}"))?;
    let writer = writer(max_words);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
                continue;
            }
        };
        let articles = lede_eval::summary::cluster_articles(&record);
        if articles.is_empty() {
            eprintln!("error: story {}: no document has text", record.id);
            failed = true;
            continue;
        }
        let story = compose(&writer, &articles);
        let line = story_json(&record.id, &story, &articles, max_words);
        writeln!(out, "{line}")?;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The JSON shape of a story. `document` in citations is the 0-based
/// index of the input document, `sentence` the 0-based sentence in it.
fn story_json(id: &str, story: &Story, articles: &[Article], max_words: usize) -> Value {
    let text_of = |p: &lede_model::Paragraph| {
        p.sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let sections: Vec<Value> = story
        .sections
        .iter()
        .map(|s| {
            json!({
                "heading": s.heading,
                "kind": format!("{:?}", s.kind).to_lowercase(),
                "paragraphs": s.paragraphs.iter().map(text_of).collect::<Vec<_>>(),
            })
        })
        .collect();
    let timeline: Vec<Value> = story
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Timeline)
        .flat_map(|s| &s.paragraphs)
        .map(|p| json!({"date": p.date.map(|d| d.to_string()), "text": text_of(p)}))
        .collect();
    let quotes: Vec<Value> = story
        .sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Quotes | SectionKind::Stance))
        .flat_map(|section| {
            section
                .paragraphs
                .iter()
                .flat_map(|p| &p.sentences)
                // A party's section holds its stance sentences and its quotes.
                .filter(|s| s.text.contains('“') || s.text.contains('"'))
                .map(move |s| {
                    json!({
                        "party": section.heading,
                        "text": s.text,
                        "citations": citation_refs(s, articles),
                    })
                })
        })
        .collect();
    let citations: Vec<Value> = story
        .all_sentences()
        .filter(|s| !s.text.is_empty())
        .map(|s| {
            json!({
                "text": s.text,
                "sources": s.citations.iter().map(|c| {
                    let a = articles.iter().position(|a| a.id == c.article);
                    json!({
                        "document": a,
                        "sentence": c.sentence,
                        "source_text": a.map(|i| articles[i].sentence(c.sentence)),
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "id": id,
        "headline": story.headline.text,
        "dek": story.dek.text,
        "summary": lede_eval::summary::summary_words(story, max_words),
        "sections": sections,
        "timeline": timeline,
        "quotes": quotes,
        "citations": citations,
        "dropped": story.dropped.iter().map(|d| json!({"text": d.text, "reason": d.reason})).collect::<Vec<_>>(),
    })
}

fn citation_refs(s: &lede_model::CitedSentence, articles: &[Article]) -> Vec<Value> {
    s.citations
        .iter()
        .map(|c| {
            json!({
                "document": articles.iter().position(|a| a.id == c.article),
                "sentence": c.sentence,
            })
        })
        .collect()
}
