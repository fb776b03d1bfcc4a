//! Word tokens, stop words and stems.
//!
//! A word is a maximal run of alphanumeric characters, with inner apostrophes,
//! hyphens and dots between digits kept ("O'Neill", "U.S.", "3.5", "well-known").
//! Stemming uses the Snowball English stemmer (rust-stemmers).

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// A word token: its text and byte range in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Split `s` into word tokens.
pub fn words(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_alphanumeric() {
                end = j + d.len_utf8();
                chars.next();
                continue;
            }
            // Keep joiners that sit between two alphanumerics: O'Neill, well-known, 3.5, U.S
            if matches!(d, '\'' | '’' | '-' | '.' | ',') {
                let next = s[j + d.len_utf8()..].chars().next();
                let prev_digit = s[..j]
                    .chars()
                    .next_back()
                    .is_some_and(|p| p.is_ascii_digit());
                let ok = match (d, next) {
                    (_, None) => false,
                    ('.' | ',', Some(n)) => {
                        (prev_digit && n.is_ascii_digit())
                            || (d == '.' && n.is_alphabetic() && is_initialism(&s[start..j]))
                    }
                    (_, Some(n)) => n.is_alphanumeric(),
                };
                if ok {
                    chars.next();
                    end = j + d.len_utf8();
                    continue;
                }
            }
            break;
        }
        // A trailing dot of an initialism ("U.S.") belongs to the word.
        if s[end..].starts_with('.') && s[start..end].contains('.') {
            end += 1;
        }
        out.push(Token {
            text: &s[start..end],
            start,
            end,
        });
    }
    out
}

/// "U", "U.S", "e.g": single letters separated by dots.
fn is_initialism(w: &str) -> bool {
    w.split('.')
        .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
}

/// English stop words: function words that carry no topic.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "said",
    "same",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "s",
    "t",
    "would",
    "could",
    "may",
    "might",
    "must",
    "shall",
    "one",
    "two",
    "new",
    "like",
    "told",
    "say",
    "mr",
    "mrs",
    "ms",
    "per",
    "cent",
    "year",
    "years",
    "week",
    "day",
    "time",
    "last",
    "first",
    "yesterday",
    "today",
    "tomorrow",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "lrb",
    "rrb",
];

/// Whether `w` (any case) is an English stop word.
pub fn is_stopword(w: &str) -> bool {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    let set = SET.get_or_init(|| STOPWORDS.iter().copied().collect());
    if w.bytes().all(|b| b.is_ascii_lowercase()) {
        set.contains(w)
    } else {
        set.contains(w.to_lowercase().as_str())
    }
}

/// The Snowball English stem of a lower-cased word.
pub fn stem(lower: &str) -> String {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER
        .get_or_init(|| Stemmer::create(Algorithm::English))
        .stem(lower)
        .into_owned()
}

/// Lower-cased stems of the content words of `s` (stop words and 1-letter words removed),
/// in order, with repeats: the bag of words used for similarity.
pub fn content_stems(s: &str) -> Vec<String> {
    words(s)
        .into_iter()
        .filter_map(|t| {
            let lower = t.text.trim_end_matches('.').to_lowercase();
            let lower = lower.replace(['’', '\''], "");
            if lower.chars().count() < 2 || is_stopword(&lower) {
                None
            } else {
                Some(stem(&lower))
            }
        })
        .collect()
}

/// Weekdays, months and the days named relative to today (lowercase):
/// stop words for similarity, but facts to check and never a speaker.
pub fn is_calendar_word(w: &str) -> bool {
    matches!(
        w,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "yesterday"
            | "today"
            | "tomorrow"
            | "tonight"
            | "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        words(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn keeps_joined_words_and_numbers() {
        assert_eq!(
            texts("O'Neill's well-known plan cost $3.5bn, or 1,200 jobs."),
            vec![
                "O'Neill's",
                "well-known",
                "plan",
                "cost",
                "3.5bn",
                "or",
                "1,200",
                "jobs"
            ]
        );
    }

    #[test]
    fn initialisms_keep_their_dots() {
        assert_eq!(
            texts("The U.S. team won."),
            vec!["The", "U.S.", "team", "won"]
        );
    }

    #[test]
    fn offsets_point_into_input() {
        let s = "Ćevapi in Mostar";
        for t in words(s) {
            assert_eq!(&s[t.start..t.end], t.text);
        }
    }

    #[test]
    fn content_stems_drop_stopwords() {
        assert_eq!(
            content_stems("The ministers were meeting in Eastbrook"),
            vec!["minist", "meet", "eastbrook"]
        );
    }
}
