//! What the model is sent: the story's source sentences, numbered, and the
//! instructions that make it cite them.

use std::collections::HashMap;

use lede_model::{Article, ArticleId, Citation};
use serde_json::{json, Value};

use crate::select::SentenceBank;
use crate::StoryInput;

/// One source sentence as the model sees it: `[number] text`.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberedSentence {
    /// The number the model cites (1-based, in prompt order).
    pub number: usize,
    /// The source sentence it stands for.
    pub citation: Citation,
    pub text: String,
}

/// The source sentences sent to the model: the `max` most central sentences
/// of the story's original articles (wire copies add nothing), numbered in
/// source order (articles oldest first, sentences in article order) so the
/// model reads each article's sentences together.
pub fn numbered_sentences(input: &StoryInput, max: usize) -> Vec<NumberedSentence> {
    let mut articles: Vec<&Article> = input.articles.iter().collect();
    articles.sort_by_key(|a| (a.published, a.id));
    let bank = SentenceBank::new(&articles, input.copies);
    let mut ranked: Vec<_> = bank.candidates().iter().collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.article.cmp(&b.article))
            .then(a.sentence.cmp(&b.sentence))
    });
    ranked.truncate(max);
    let order: HashMap<ArticleId, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i))
        .collect();
    ranked.sort_by_key(|c| (order[&c.article], c.sentence));
    ranked
        .into_iter()
        .enumerate()
        .map(|(i, c)| NumberedSentence {
            number: i + 1,
            citation: Citation {
                article: c.article,
                sentence: c.sentence,
            },
            text: c.text.clone(),
        })
        .collect()
}

const SYSTEM: &str = "You are a careful news editor. You write a news story using only the \
numbered source sentences you are given, and you cite them. You never add a fact, name, number, \
date or quote that the cited sentences do not contain.";

/// The chat messages for one story: system instructions, then the task with
/// the numbered sentences grouped under their article's outlet and date.
pub(super) fn messages(
    numbered: &[NumberedSentence],
    max_words: usize,
    articles: &[&Article],
) -> Value {
    let mut sources = String::new();
    let mut current: Option<ArticleId> = None;
    for s in numbered {
        if current != Some(s.citation.article) {
            current = Some(s.citation.article);
            if let Some(a) = articles.iter().find(|a| a.id == s.citation.article) {
                let date = a
                    .published
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "date unknown".into());
                let outlet = if a.outlet.is_empty() {
                    "unknown outlet"
                } else {
                    a.outlet.as_str()
                };
                sources.push_str(&format!("\nArticle: {outlet}, {date}\n"));
            }
        }
        sources.push_str(&format!("[{}] {}\n", s.number, s.text));
    }
    let task = format!(
        "Write one news story about the event these source sentences report.\n\
\n\
Rules:\n\
- Use only what the source sentences say. Every name, number, date and quote must appear in the sentences you cite.\n\
- End every sentence with the numbers of the source sentences it rests on, in square brackets, for example: The bridge closed on Saturday. [3][7]\n\
- Quote people only word for word, inside double quotes, and say who said it as the sources do.\n\
- Do not say the same thing twice. Most important first.\n\
- DEK, LEDE and BODY together: at most {max_words} words.\n\
\n\
Answer in exactly this format and nothing else:\n\
HEADLINE: <at most 12 words naming who did what> [n]\n\
DEK: <one sentence: what happened and where things stand> [n]\n\
LEDE: <two or three sentences, each ending with its citations>\n\
BODY:\n\
<paragraphs of two to four sentences, each sentence ending with its citations, separated by blank lines>\n\
\n\
Source sentences:\n{sources}"
    );
    json!([
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": task},
    ])
}
