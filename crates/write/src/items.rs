//! Key items, when the sources enumerate them: "The talks centred on four
//! documents: a quota schedule, a joint patrol agreement, a compensation fund
//! and a dispute tribunal." becomes a section "The four documents" with one
//! entry per item, each citing the sentence.
//!
//! Only clean enumerations qualify: a count before the colon ("four
//! documents") that matches the number of items after it, items of a few
//! words each, joined by commas and a final "and".

use std::collections::HashSet;

use lede_model::{ArticleId, Citation, CitedSentence, Paragraph, Section, SectionKind};

use crate::select::{Candidate, SentenceBank};

const COUNTS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
];

/// The first clean enumeration among the story's own sentences (`used`),
/// else among its ten most central sentences.
pub(crate) fn key_items(
    bank: &SentenceBank,
    used: &HashSet<(ArticleId, usize)>,
) -> Option<Section> {
    let mut ranked: Vec<&Candidate> = bank.candidates().iter().filter(|c| c.standalone).collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    let in_story = ranked
        .iter()
        .filter(|c| used.contains(&(c.article, c.sentence)));
    let central = ranked.iter().take(10);
    in_story.chain(central).find_map(|c| {
        let (what, items) = enumeration(&c.text)?;
        let cite = vec![Citation {
            article: c.article,
            sentence: c.sentence,
        }];
        Some(Section {
            heading: format!("The {what}"),
            kind: SectionKind::Body,
            paragraphs: items
                .into_iter()
                .map(|item| Paragraph {
                    date: None,
                    sentences: vec![CitedSentence::new(capitalise(&item), cite.clone())],
                })
                .collect(),
        })
    })
}

/// "four documents" and the items, when `sentence` enumerates cleanly.
pub(crate) fn enumeration(sentence: &str) -> Option<(String, Vec<String>)> {
    let (head, list) = sentence.split_once(": ")?;
    let list = list.trim().trim_end_matches(['.', ';']);
    // "a, b, c and d" or "a, b, c, and d".
    let (rest, last) = list.rsplit_once(" and ")?;
    let mut items: Vec<String> = rest
        .trim_end_matches(',')
        .split(", ")
        .map(|s| s.trim().to_string())
        .collect();
    items.push(last.trim().to_string());
    if items.len() < 3
        || items.iter().any(|i| {
            let n = i.split_whitespace().count();
            n == 0 || n > 8 || i.contains(" and ") || i.contains([';', ':', '"', '\u{201c}'])
        })
    {
        return None;
    }
    // The count and what it counts: the last number word before the colon.
    let words: Vec<&str> = head.split_whitespace().collect();
    let at = words.iter().rposition(|w| {
        let lower = w.to_lowercase();
        COUNTS.contains(&lower.as_str()) || lower.parse::<usize>().is_ok()
    })?;
    let count = words[at].to_lowercase();
    let n = COUNTS
        .iter()
        .position(|c| *c == count)
        .map(|i| i + 2)
        .or_else(|| count.parse().ok())?;
    let what = words[at..].join(" ");
    if n != items.len() || words.len() - at > 4 {
        return None;
    }
    Some((what, items))
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_enumerations_only() {
        let (what, items) = enumeration(
            "The talks centred on four documents: a quota schedule, a joint patrol agreement, a compensation fund for coastal towns and a dispute tribunal.",
        )
        .unwrap();
        assert_eq!(what, "four documents");
        assert_eq!(
            items,
            vec![
                "a quota schedule",
                "a joint patrol agreement",
                "a compensation fund for coastal towns",
                "a dispute tribunal"
            ]
        );
        // The count must match.
        assert_eq!(
            enumeration(
                "They agreed on three points: a truce, a map and a deadline for talks, and a fund."
            ),
            None
        );
        // No count, no section.
        assert_eq!(
            enumeration("The mayor said: roads, bridges and ferries all need work."),
            None
        );
        assert!(enumeration("The plan has 3 parts: a truce, a map, and a fund.").is_some());
    }
}
