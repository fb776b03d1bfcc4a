//! The headline: short, specific, naming who did what, and every word from
//! the sources it cites.
//!
//! When the story's outlets titled it differently, taking one outlet's title
//! would take that outlet's angle, so the headline is composed instead: the
//! most central lead sentences are compressed (dateline, leading time or place
//! phrase, day names, trailing attribution, asides between commas and the
//! clauses after the main one are cut) and the compression that keeps most
//! of what the sources jointly say, within a headline's length, wins. It cites
//! the sentence it was cut from. With a single outlet (or when all outlets
//! agree on the title) the title is used, cleaned of the outlet's name.

use std::sync::LazyLock;

use lede_model::{Article, ArticleId, Citation, CitedSentence};
use regex::Regex;

use crate::select::{ends_with_abbreviation, strip_dateline, Candidate, SentenceBank};

/// Longest composed headline, in words.
const MAX_WORDS: usize = 14;
/// Shortest composed headline, in words.
const MIN_WORDS: usize = 4;

/// Words that open a leading phrase which a headline leaves out ("On Sunday,",
/// "In a joint statement with Rusk,", "After two days of talks,").
const LEADING: &[&str] = &[
    "on",
    "in",
    "at",
    "after",
    "before",
    "despite",
    "while",
    "when",
    "as",
    "following",
    "amid",
    "during",
    "since",
    "although",
    "though",
    "earlier",
    "later",
    "last",
    "this",
    "late",
    "early",
    "meanwhile",
    "separately",
    "now",
    "today",
    "yesterday",
];

/// First words of a phrase or subordinate clause that cannot stand as a headline.
const OPENERS: &[&str] = &[
    "when",
    "although",
    "though",
    "as",
    "after",
    "before",
    "while",
    "if",
    "because",
    "since",
    "from",
    "for",
    "with",
    "despite",
    "during",
    "following",
    "amid",
    "in",
    "on",
    "at",
    "by",
    "of",
    "to",
    "unless",
    "until",
    "whether",
    "where",
];

/// Clause openers after which the rest of a sentence is always detail.
const STRONG_CUTS: &[&str] = &[
    ", saying ",
    ", according ",
    ", which ",
    ", who ",
    ", where ",
    " — ",
    " – ",
    " -- ",
    "; ",
];

/// Clause openers to cut at when the headline is still long.
const CLAUSE_CUTS: &[&str] = &[
    ", but ",
    ", and ",
    ", while ",
    ", as ",
    ", after ",
    ", when ",
    ", amid ",
    ", despite ",
    ", following ",
    ", with ",
    ": ",
    " after ",
    " amid ",
    " following ",
    " because ",
    " while ",
    " despite ",
    " as part of ",
    " in a bid ",
    " in an effort ",
];

/// Words before which a long sentence can end as a headline when no clause
/// boundary will do: the phrase they open adds detail.
const PHRASE_CUTS: &[&str] = &[
    "in",
    "on",
    "at",
    "for",
    "from",
    "with",
    "by",
    "into",
    "over",
    "after",
    "before",
    "during",
    "near",
    "since",
    "amid",
    "across",
    "against",
    "as",
    "because",
    "when",
    "while",
    "despite",
    "following",
    "including",
    "without",
    "under",
];

/// A participle clause after a comma (", encrypting her phone number ...").
static PARTICIPLE_CLAUSE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r", [a-z]+ing ").expect("participle regex"));

/// `t` cut at the earliest of `cuts` that leaves more than [`MIN_WORDS`].
fn cut_at(t: &mut String, cuts: &[&str]) {
    let mut cut: Option<usize> = None;
    for pat in cuts {
        let mut from = 0;
        while let Some(pos) = t[from..].find(pat) {
            let at = from + pos;
            if t[..at].split_whitespace().count() > MIN_WORDS {
                cut = Some(cut.map_or(at, |c: usize| c.min(at)));
                break;
            }
            from = at + pat.len();
        }
    }
    if let Some(at) = cut {
        t.truncate(at);
    }
}

static DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\s+(?:(?:on|late|early|last|this|next)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:night|morning|afternoon|evening))?\b|\s+(?:yesterday|today|tonight|this week|last week|earlier this week)\b",
    )
    .expect("day regex")
});

static TRAILING_ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r",\s*(?:according to [^,]+|[^,]{1,60}?\s(?:said|says|reported|reports|announced|told [^,]+|confirmed))$",
    )
    .expect("attribution regex")
});

/// An aside between commas: ", who ...,", ", which ...,".
static ASIDE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r",\s(?:who|which|whose)\s[^,]{1,90},").expect("aside regex"));

/// The story's headline. `ranked` are the bank's candidates as selected for
/// the story (dek first); `dek` stands in when nothing else will do.
pub(crate) fn headline(
    articles: &[&Article],
    bank: &SentenceBank,
    copies: &std::collections::HashMap<ArticleId, ArticleId>,
    dek: &CitedSentence,
) -> CitedSentence {
    let titles = usable_titles(articles, copies);
    let mut distinct: Vec<String> = titles.iter().map(|(_, t)| t.to_lowercase()).collect();
    distinct.sort();
    distinct.dedup();
    let composed = composed(bank);
    if distinct.len() > 1 {
        if let Some((_, h)) = composed {
            return h;
        }
    }
    // One outlet's title (or one title for all): used when it says about as
    // much of the story as the composed headline would.
    match (best_title(&titles, bank), composed) {
        (Some((t, title)), Some((c, _))) if t >= 0.5 * c => title,
        (Some((_, title)), None) => title,
        (_, Some((_, h))) => h,
        (None, None) => dek.clone(),
    }
}

/// The original articles' titles, cleaned, that read as headlines (not cut
/// off with an ellipsis, not too short or long).
fn usable_titles<'a>(
    articles: &[&'a Article],
    copies: &std::collections::HashMap<ArticleId, ArticleId>,
) -> Vec<(&'a Article, String)> {
    articles
        .iter()
        .filter(|a| !copies.contains_key(&a.id))
        .map(|a| (*a, crate::clean_title(&a.title, &a.outlet)))
        .map(|(a, t)| (a, strip_dateline(&t).to_string()))
        .filter(|(_, t)| {
            let words = t.split_whitespace().count();
            (4..=20).contains(&words)
                && !t.ends_with(['\u{2026}', ',', ':', ';'])
                && !t.ends_with("...")
                && !ends_with_abbreviation(t)
        })
        .collect()
}

/// The title closest to what the sources jointly say.
fn best_title(titles: &[(&Article, String)], bank: &SentenceBank) -> Option<(f32, CitedSentence)> {
    let mut best: Option<(f32, &Article, &str)> = None;
    for (a, title) in titles {
        let words = title.split_whitespace().count();
        let mut score = bank.centrality(&lede_text::content_stems(title));
        if words > 14 {
            score *= 0.8;
        }
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, a, title));
        }
    }
    best.map(|(score, a, title)| {
        (
            score,
            CitedSentence::new(
                title,
                vec![Citation {
                    article: a.id,
                    sentence: 0,
                }],
            ),
        )
    })
}

/// The best compression of the story's most central lead sentences.
fn composed(bank: &SentenceBank) -> Option<(f32, CitedSentence)> {
    let mut leads: Vec<&Candidate> = bank
        .candidates()
        .iter()
        .filter(|c| c.standalone && c.position <= 3)
        .collect();
    leads.sort_by(|a, b| b.score.total_cmp(&a.score));
    let top = leads.first().map_or(1.0, |c| c.score.max(1e-6));
    let mut best: Option<(f32, &Candidate, String)> = None;
    for c in leads.into_iter().take(10) {
        let Some(h) = compress(&c.text) else {
            continue;
        };
        let stems = lede_text::content_stems(&h);
        // Central, and naming someone or something.
        let mut score = bank.centrality(&stems) * (0.5 + 0.5 * c.score / top);
        if !names_someone(&h) {
            score *= 0.5;
        }
        if h.split_whitespace().count() > 12 {
            score *= 0.9;
        }
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, c, h));
        }
    }
    best.map(|(_, c, h)| {
        (
            bank.centrality(&lede_text::content_stems(&h)),
            CitedSentence::new(
                h,
                vec![Citation {
                    article: c.article,
                    sentence: c.sentence,
                }],
            ),
        )
    })
}

/// Whether a headline has a proper name (a capitalised word other than its
/// first, or a first word that is not a common word).
fn names_someone(h: &str) -> bool {
    let words: Vec<&str> = h.split_whitespace().collect();
    let first_is_name = words
        .first()
        .is_some_and(|w| !lede_text::is_stopword(&w.to_lowercase()) && w.len() > 1)
        && words.first().is_some_and(|w| {
            w.chars().skip(1).any(char::is_uppercase) || words.len() > 1 && !w.ends_with('s')
        });
    first_is_name
        || words
            .iter()
            .skip(1)
            .any(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// A source sentence cut down to a headline, or None when it will not go
/// below [`MAX_WORDS`] cleanly.
pub(crate) fn compress(sentence: &str) -> Option<String> {
    let mut t = strip_dateline(sentence.trim()).trim().to_string();
    t = t.trim_end_matches(['.', '!']).trim().to_string();
    if t.ends_with('?') {
        return None;
    }
    // Trailing attribution: ", officials said".
    if let Some(m) = TRAILING_ATTRIBUTION.find(&t) {
        if t[..m.start()].split_whitespace().count() > MIN_WORDS {
            t.truncate(m.start());
        }
    }
    // A leading time, place or circumstance phrase up to the first comma.
    if let Some(comma) = t.find(", ") {
        let head = &t[..comma];
        let first = head.split_whitespace().next().unwrap_or("").to_lowercase();
        // "Excavated in 1998 by ...," and "Speaking on Sunday," too.
        let participle = first.len() > 4 && (first.ends_with("ed") || first.ends_with("ing"));
        if (LEADING.contains(&first.as_str()) || participle)
            && head.split_whitespace().count() <= 10
        {
            t = capitalise(&t[comma + 2..]);
        }
    }
    t = DAY.replace_all(&t, "").into_owned();
    t = ASIDE.replace_all(&t, "").into_owned();
    // Cut at the earliest clause boundary that leaves a headline.
    cut_at(&mut t, STRONG_CUTS);
    if let Some(m) = PARTICIPLE_CLAUSE.find(&t) {
        if t[..m.start()].split_whitespace().count() > MIN_WORDS {
            t.truncate(m.start());
        }
    }
    if t.split_whitespace().count() > 10 {
        cut_at(&mut t, CLAUSE_CUTS);
    }
    // Still long: end before the last phrase that fits.
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.len() > MAX_WORDS {
        let end = (MIN_WORDS + 1..=MAX_WORDS).rev().find(|&i| {
            PHRASE_CUTS.contains(&words[i].to_lowercase().as_str())
                && !lede_text::is_stopword(&words[i - 1].to_lowercase())
        });
        if let Some(end) = end {
            t = words[..end].join(" ");
        }
    }
    let t = t
        .trim()
        .trim_end_matches([',', ';', ':', ' ', '-'])
        .to_string();
    let words: Vec<&str> = t.split_whitespace().collect();
    if !(MIN_WORDS..=MAX_WORDS).contains(&words.len()) {
        return None;
    }
    // A cut inside a quotation would misquote; a trailing "of" or "the" is a
    // cut in the wrong place.
    let straight = t.matches('"').count();
    if straight % 2 == 1 || t.matches('\u{201c}').count() != t.matches('\u{201d}').count() {
        return None;
    }
    // A subordinate clause or a phrase is not a headline ("When the body
    // was found", "For fans of the band").
    let first = words[0].to_lowercase();
    if OPENERS.contains(&first.as_str()) {
        return None;
    }
    let last = words.last().map(|w| w.to_lowercase()).unwrap_or_default();
    if lede_text::is_stopword(&last) && !last.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(t)
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
    fn compresses_to_a_headline() {
        assert_eq!(
            compress("PORT ARDEN (Harbor Wire) — Valdoria rejected the quota plan on Sunday, saying it would ruin the northern fleet.")
                .as_deref(),
            Some("Valdoria rejected the quota plan")
        );
        assert_eq!(
            compress("On Sunday, Kestrel President Ivo Marek said the talks were moving at a fair pace, officials said.")
                .as_deref(),
            Some("Kestrel President Ivo Marek said the talks were moving at a fair pace")
        );
        assert_eq!(
            compress("Eastbrook closed the Miller Bridge to all traffic on Saturday after inspectors found deep cracks in two of its steel supports.")
                .as_deref(),
            Some("Eastbrook closed the Miller Bridge to all traffic")
        );
        // An aside between commas goes.
        assert_eq!(
            compress("Anton Rusk, who led the Kestrel delegation, will return to Kestrel City.")
                .as_deref(),
            Some("Anton Rusk will return to Kestrel City")
        );
    }

    #[test]
    fn refuses_bad_cuts() {
        // Too long with no clause or phrase to end at.
        assert_eq!(
            compress("Thousands of cheering supporters lined the long seafront promenade waving flags and singing songs and chanting slogans all afternoon long."),
            None
        );
        // A leading clause set off by a comma goes; one that is not cannot
        // be told from the main clause, and the sentence is refused.
        assert_eq!(
            compress("When the ferry finally docked, the crowd had gone home.").as_deref(),
            Some("The crowd had gone home")
        );
        assert_eq!(
            compress("When the ferry docked the crowd had gone home."),
            None
        );
        // A cut would split a quotation.
        assert_eq!(
            compress("Castell called the talks \"productive, constructive and, above all, honest in every way that matters to us\" on Sunday."),
            None
        );
        assert_eq!(compress("Was the bridge safe?"), None);
    }
}
