//! Reading the model's reply: the chat completion envelope, then the labelled
//! story (`HEADLINE:`, `DEK:`, `LEDE:`, `BODY:`) with its sentence numbers.
//!
//! Models vary in how they follow a format, so the parser accepts what they
//! commonly do around it (Markdown bold or headings on the labels, labels in
//! any case, `[3, 7]` for `[3][7]`, the full stop after the numbers, a
//! `<think>` block before the answer) and refuses only what it cannot tie to a
//! source: a sentence without a valid number is dropped with the reason.

use std::sync::LazyLock;

use lede_model::{Citation, CitedSentence, DroppedSentence};
use regex::Regex;

use super::{citation_of, refused, LlmError, NumberedSentence};

/// The model's story, parsed and tied to the source sentences.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub headline: Option<CitedSentence>,
    pub dek: Option<CitedSentence>,
    pub lede: Vec<CitedSentence>,
    /// Body paragraphs in the model's order.
    pub body: Vec<Vec<CitedSentence>>,
    /// Sentences refused for want of a valid citation.
    pub dropped: Vec<DroppedSentence>,
}

/// `choices[0].message.content` of an OpenAI-style chat completion, without
/// a leading `<think>...</think>` block (reasoning models emit one).
pub(super) fn message_content(body: &str) -> Result<String, LlmError> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| LlmError::Malformed(format!("not JSON ({e})")))?;
    let content = value
        .pointer("/choices/0/message/content")
        .and_then(|c| c.as_str())
        .ok_or_else(|| LlmError::Malformed("no choices[0].message.content".into()))?;
    let content = match (content.find("<think>"), content.find("</think>")) {
        (Some(open), Some(close)) if open < close => &content[close + "</think>".len()..],
        _ => content,
    };
    Ok(content.trim().to_string())
}

/// A label at the start of a line, Markdown decoration allowed.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?mi)^[ \t#>*_]*(headline|dek|lede|lead|body)[ \t*_]*:[ \t*_]*")
        .expect("label regex")
});

/// A run of citation brackets: `[3]`, `[3][7]`, `[3, 7]`, with spaces between.
static CITES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+").expect("cites regex"));

static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d+").expect("number regex"));

/// Parse the model's answer. Fails when it has none of the labels or not a
/// single sentence with a valid citation.
pub fn parse_reply(content: &str, numbered: &[NumberedSentence]) -> Result<Draft, LlmError> {
    let labels: Vec<(usize, usize, String)> = LABEL
        .captures_iter(content)
        .map(|c| {
            let whole = c.get(0).expect("match");
            (whole.start(), whole.end(), c[1].to_lowercase())
        })
        .collect();
    if labels.is_empty() {
        return Err(LlmError::Malformed(format!(
            "no HEADLINE/DEK/LEDE/BODY labels in {:?}",
            content.chars().take(120).collect::<String>()
        )));
    }
    let mut draft = Draft::default();
    for (i, (_, end, label)) in labels.iter().enumerate() {
        let stop = labels.get(i + 1).map_or(content.len(), |l| l.0);
        let part = &content[*end..stop];
        match label.as_str() {
            "headline" => {
                let mut sentences = cited_sentences(part, numbered, &mut draft.dropped, true);
                if draft.headline.is_none() && !sentences.is_empty() {
                    draft.headline = Some(sentences.remove(0));
                }
            }
            "dek" => {
                let mut sentences = cited_sentences(part, numbered, &mut draft.dropped, false);
                if draft.dek.is_none() && !sentences.is_empty() {
                    draft.dek = Some(sentences.remove(0));
                }
                // A second sentence on the DEK line belongs to the lede.
                draft.lede.extend(sentences);
            }
            "lede" | "lead" => {
                draft
                    .lede
                    .extend(cited_sentences(part, numbered, &mut draft.dropped, false));
            }
            _ => {
                for paragraph in split_paragraphs(part) {
                    let sentences = cited_sentences(paragraph, numbered, &mut draft.dropped, false);
                    if !sentences.is_empty() {
                        draft.body.push(sentences);
                    }
                }
            }
        }
    }
    if draft.dek.is_none() && draft.lede.is_empty() && draft.body.is_empty() {
        return Err(LlmError::Malformed(
            "no sentence of the reply cites a source sentence".into(),
        ));
    }
    Ok(draft)
}

fn split_paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n")
        .flat_map(|p| p.split("\r\n\r\n"))
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The sentences of a part with their citations. Text before a run of
/// citation brackets is split into sentences: the last one takes the
/// citations, any before it had none and are dropped. A headline is one line
/// and is not split.
fn cited_sentences(
    part: &str,
    numbered: &[NumberedSentence],
    dropped: &mut Vec<DroppedSentence>,
    headline: bool,
) -> Vec<CitedSentence> {
    let mut out = Vec::new();
    let mut rest_start = 0;
    let uncited = |text: &str, dropped: &mut Vec<DroppedSentence>| {
        for s in sentences_of(text, headline) {
            dropped.push(refused(&s, "the model cited no source sentence".into()));
        }
    };
    for m in CITES.find_iter(part) {
        let before = &part[rest_start..m.start()];
        let mut after = m.end();
        let mut pieces = sentences_of(before, headline);
        let Some(mut text) = pieces.pop() else {
            rest_start = after;
            continue;
        };
        for p in pieces {
            dropped.push(refused(&p, "the model cited no source sentence".into()));
        }
        // "... Saturday [3]." puts the full stop after the numbers.
        if let Some(c) = part[after..].chars().next() {
            if ".!?".contains(c) {
                if !text.ends_with(['.', '!', '?', '"', '\u{201d}']) {
                    text.push(c);
                }
                after += c.len_utf8();
            }
        }
        rest_start = after;
        let mut citations: Vec<Citation> = Vec::new();
        let mut invalid: Vec<&str> = Vec::new();
        for n in NUMBER.find_iter(m.as_str()) {
            match n
                .as_str()
                .parse()
                .ok()
                .and_then(|n| citation_of(numbered, n))
            {
                Some(c) if !citations.contains(&c) => citations.push(c),
                Some(_) => {}
                None => invalid.push(n.as_str()),
            }
        }
        if citations.is_empty() {
            dropped.push(refused(
                &text,
                format!(
                    "the model cited [{}], which is not a numbered source sentence",
                    invalid.join("][")
                ),
            ));
            continue;
        }
        out.push(CitedSentence::new(text, citations));
    }
    uncited(&part[rest_start..], dropped);
    out
}

/// Sentences of a stretch of reply text, Markdown list marks and bold removed.
fn sentences_of(text: &str, headline: bool) -> Vec<String> {
    let clean = |s: &str| {
        let s = s
            .trim()
            .trim_start_matches(['-', '*', '#', '>', ' ', '\t'])
            .replace("**", "");
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    if headline {
        let s = clean(text);
        return if s.is_empty() { vec![] } else { vec![s] };
    }
    let text = text.trim();
    lede_text::split_sentences(text)
        .into_iter()
        .map(|span| clean(&text[span.start..span.end]))
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .collect()
}
