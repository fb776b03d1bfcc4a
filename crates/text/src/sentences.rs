//! Sentence splitting that survives abbreviations.
//!
//! Hand-written rather than taken from a crate: the crates we looked at either
//! return owned strings instead of byte spans, pull in large models, or do not
//! know news abbreviations ("Sen.", "Gen.", "U.S.", "No. 5"). The rules follow
//! the sentencex approach:
//!
//! - A sentence ends at a run of `.`, `!`, `?` or `…`, together with any closing
//!   quotes or brackets written right after it (`He said "go." Then` keeps the
//!   `"` with the first sentence), and only when whitespace or the end of the
//!   text follows (so "3.5", "U.S.A" and "example.com" never split).
//! - It does not end there when the next word starts with a lower-case letter
//!   ("Mr. and Mrs. Ortiz", `"Stop!" she said`).
//! - After a title that always precedes a name or number ("Dr.", "Sen.",
//!   "Gen.", "e.g.") it never ends. After an ambiguous abbreviation ("U.S.",
//!   "Jan.", "Inc.", "St.", "No.", an initial like "F.") it ends only when the
//!   next word is a typical sentence opener, i.e. a function word ("The",
//!   "He", "But"): "the U.S. President" stays whole, "in the U.S. The" splits.
//! - A blank line is always a boundary (paragraphs). A single newline is a
//!   boundary too, unless the next line starts with a lower-case letter (text
//!   wrapped mid-sentence).
//!
//! Spans are byte ranges into the input, trimmed of whitespace, in order,
//! never empty and never overlapping.

use crate::tokens::is_stopword;
use lede_model::Span;

/// Abbreviations after which a sentence never ends (they precede a name or number).
const NEVER_SPLIT: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "mme", "dr", "prof", "gen", "sen", "sens", "rep", "reps", "gov",
    "lt", "col", "capt", "sgt", "maj", "adm", "cmdr", "cpl", "pvt", "rev", "hon", "pres", "supt",
    "insp", "det", "amb", "atty", "fr", "e.g", "i.e", "cf", "vs", "viz", "approx", "fig", "figs",
    "vol", "nos", "pp", "mt", "ft", "ave", "blvd", "gens", "brig", "cmdt", "dept", "univ",
];

/// Abbreviations that may also end a sentence ("in the U.S.", "Acme Inc.").
const AMBIGUOUS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc",
    "corp", "ltd", "co", "llc", "plc", "jr", "sr", "st", "no", "etc", "al", "bros", "assn", "rd",
    "est", "min", "max", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
];

/// Capitalised words that typically open a sentence besides stop words.
const OPENERS: &[&str] = &[
    "however",
    "meanwhile",
    "but",
    "and",
    "yet",
    "still",
    "officials",
    "police",
    "it's",
    "he's",
    "she's",
    "they're",
    "we're",
    "i'm",
    "there's",
    "according",
    "although",
    "though",
    "since",
    "as",
    "after",
    "before",
    "earlier",
    "later",
    "many",
    "several",
    "some",
    "most",
    "both",
    "others",
    "instead",
    "now",
    "dr",
    "mr",
    "mrs",
    "ms",
];

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '}' | '”' | '’' | '»' | '›' | '\u{201F}'
    )
}

fn is_opener_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '“' | '‘' | '«' | '‹' | '`'
    )
}

/// Split text into sentences, returning byte spans (trimmed of surrounding whitespace).
pub fn split_sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let len = text.len();
    let mut start = 0;
    let mut i = 0;
    while i < len {
        // `i` is always on a char boundary.
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        if c == '\n' {
            let mut j = i + 1;
            let mut newlines = 1;
            while j < len {
                let b = text.as_bytes()[j];
                if b == b'\n' {
                    newlines += 1;
                } else if !b.is_ascii_whitespace() {
                    break;
                }
                j += 1;
            }
            let next_lower = text[j..].chars().next().is_some_and(char::is_lowercase);
            if newlines >= 2 || !next_lower {
                push_trimmed(text, start, i, &mut out);
                start = j;
            }
            i = j;
            continue;
        }
        if !is_terminator(c) {
            i += c.len_utf8();
            continue;
        }
        // Consume the run of terminators and closers: `?!`, `..."`, `.)`.
        let term_start = i;
        let mut end = i;
        let mut run_terms = 0usize;
        let mut only_dot = true;
        for d in text[i..].chars() {
            if is_terminator(d) {
                run_terms += 1;
                if d != '.' {
                    only_dot = false;
                }
            } else if !is_closer(d) {
                break;
            }
            end += d.len_utf8();
        }
        let single_dot = only_dot && run_terms == 1;
        let after = text[end..].chars().next();
        if after.is_some_and(|a| !a.is_whitespace()) {
            // "3.5", "U.S.A", "example.com", `"Go!"—he`.
            i = end;
            continue;
        }
        if ends_sentence(text, term_start, end, single_dot) {
            push_trimmed(text, start, end, &mut out);
            start = end;
        }
        i = end;
    }
    push_trimmed(text, start, len, &mut out);
    out
}

/// Decide whether the terminator run `text[term_start..end]` (followed by
/// whitespace or the end of the text) closes a sentence.
fn ends_sentence(text: &str, term_start: usize, end: usize, single_dot: bool) -> bool {
    let rest = text[end..].trim_start();
    // The first character of the next sentence, past opening quotes/brackets.
    let next_word_start = rest.trim_start_matches(is_opener_punct);
    let Some(next) = next_word_start.chars().next() else {
        return true;
    };
    if next.is_lowercase() {
        return false;
    }
    if !single_dot {
        return true;
    }
    // The word right before the dot: letters, digits and inner dots ("U.S", "e.g", "Dr").
    let before = &text[..term_start];
    let wstart = before
        .char_indices()
        .rev()
        .take_while(|&(_, ch)| ch.is_alphanumeric() || ch == '.')
        .last()
        .map_or(term_start, |(k, _)| k);
    let word = before[wstart..].trim_start_matches('.');
    if word.is_empty() || word.chars().all(|ch| ch.is_ascii_digit()) {
        return true;
    }
    let lower = word.to_lowercase();
    if NEVER_SPLIT.contains(&lower.as_str()) {
        return false;
    }
    let single_letter = {
        let mut cs = word.chars();
        matches!((cs.next(), cs.next()), (Some(c), None) if c.is_alphabetic())
    };
    let initialism = word.contains('.')
        && word
            .split('.')
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic));
    if single_letter || initialism || AMBIGUOUS.contains(&lower.as_str()) {
        // Split only when the next word looks like a sentence opener.
        if !next.is_alphabetic() {
            // A digit after "No." / "Jan." continues; an opening quote starts anew.
            return rest.starts_with(is_opener_punct) && !next.is_ascii_digit();
        }
        let nw: String = next_word_start
            .chars()
            .take_while(|ch| ch.is_alphabetic() || *ch == '\'' || *ch == '’')
            .collect::<String>()
            .to_lowercase()
            .replace('’', "'");
        let weekday = matches!(
            nw.as_str(),
            "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
        );
        // Another initial follows ("Oliver J. T. O'Grady"): still the name.
        let next_initial =
            nw.chars().count() == 1 && next_word_start[next.len_utf8()..].starts_with('.');
        return !weekday && !next_initial && (is_stopword(&nw) || OPENERS.contains(&nw.as_str()));
    }
    true
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    if start >= end {
        return;
    }
    let s = &text[start..end];
    let trimmed_start = s.trim_start();
    let lead = s.len() - trimmed_start.len();
    let t = trimmed_start.trim_end();
    if t.is_empty() {
        return;
    }
    out.push(Span::new(start + lead, start + lead + t.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        split_sentences(s).iter().map(|sp| sp.slice(s)).collect()
    }

    #[test]
    fn empty_and_blank() {
        assert!(split("").is_empty());
        assert!(split("   \n\n  ").is_empty());
        assert_eq!(split("No period here"), vec!["No period here"]);
    }

    #[test]
    fn simple_sentences_and_marks() {
        assert_eq!(
            split("The bridge opened. Was it safe? Nobody knew! Then it rained."),
            vec![
                "The bridge opened.",
                "Was it safe?",
                "Nobody knew!",
                "Then it rained."
            ]
        );
    }

    #[test]
    fn abbreviations_and_titles() {
        assert_eq!(
            split("Dr. Lena Ortiz met Sen. Paul Brandt and Gen. Ivo Marsh in St. Aldric. They talked."),
            vec!["Dr. Lena Ortiz met Sen. Paul Brandt and Gen. Ivo Marsh in St. Aldric.", "They talked."]
        );
        assert_eq!(
            split("The U.S. President visited Eastbrook. Mr. Hale stayed home."),
            vec![
                "The U.S. President visited Eastbrook.",
                "Mr. Hale stayed home."
            ]
        );
        assert_eq!(
            split("Troops returned to the U.S. The mayor was pleased."),
            vec!["Troops returned to the U.S.", "The mayor was pleased."]
        );
    }

    #[test]
    fn dates_numbers_initials() {
        assert_eq!(
            split("On Jan. 5 the No. 5 line cost 3.5 million. John F. Kennedy Airport shut."),
            vec![
                "On Jan. 5 the No. 5 line cost 3.5 million.",
                "John F. Kennedy Airport shut."
            ]
        );
        assert_eq!(
            split("\"It holds,\" said Ada J. T. Fenwick, the harbour master. Then it rained."),
            vec![
                "\"It holds,\" said Ada J. T. Fenwick, the harbour master.",
                "Then it rained."
            ]
        );
        assert_eq!(
            split("Bring tools, e.g. Hammers and saws. Done."),
            vec!["Bring tools, e.g. Hammers and saws.", "Done."]
        );
        assert_eq!(
            split("Acme Inc. The company fell 2.5%. It recovered at 9 a.m. Tuesday."),
            vec![
                "Acme Inc.",
                "The company fell 2.5%.",
                "It recovered at 9 a.m. Tuesday."
            ]
        );
    }

    #[test]
    fn lowercase_after_abbreviation_continues() {
        assert_eq!(
            split("She works for Acme Corp. and lives in Eastbrook. Fine."),
            vec!["She works for Acme Corp. and lives in Eastbrook.", "Fine."]
        );
        assert_eq!(
            split("\"Stop!\" she shouted. He did."),
            vec!["\"Stop!\" she shouted.", "He did."]
        );
    }

    #[test]
    fn closing_quotes_stay() {
        assert_eq!(
            split("He said \"go.\" Then he left."),
            vec!["He said \"go.\"", "Then he left."]
        );
        assert_eq!(
            split("Ortiz said: “We will rebuild.” The crowd cheered. (It was late.) Done."),
            vec![
                "Ortiz said: “We will rebuild.”",
                "The crowd cheered.",
                "(It was late.)",
                "Done."
            ]
        );
        assert_eq!(
            split("She called it ‘absurd.’ He agreed."),
            vec!["She called it ‘absurd.’", "He agreed."]
        );
    }

    #[test]
    fn paragraphs_and_lines() {
        assert_eq!(
            split(
                "Storm hits Eastbrook\n\nThe storm hit at dawn\nResidents fled.\nthe wrapped line."
            ),
            vec![
                "Storm hits Eastbrook",
                "The storm hit at dawn",
                "Residents fled.\nthe wrapped line."
            ]
        );
    }

    #[test]
    fn ellipsis_and_multibyte() {
        assert_eq!(
            split("Wait… Then Ćiro spoke. Ünal left?! Zoë stayed."),
            vec!["Wait…", "Then Ćiro spoke.", "Ünal left?!", "Zoë stayed."]
        );
    }

    #[test]
    fn spans_are_ordered_and_on_boundaries() {
        let inputs = [
            "“",
            "...",
            ". . .",
            "\"\"\"",
            "a.b.c. D",
            "Ž. Ž. Ž.",
            "?\n\n!",
            "Mr.",
            "U.S. ",
            "  x  ",
            "’’. ‘‘",
            "é.\u{301} É",
            "\n\n\n",
            "1. 2. 3.",
        ];
        for s in inputs {
            let spans = split_sentences(s);
            let mut last = 0;
            for sp in spans {
                assert!(
                    sp.start >= last && sp.start < sp.end && sp.end <= s.len(),
                    "{s:?}"
                );
                assert!(s.is_char_boundary(sp.start) && s.is_char_boundary(sp.end));
                assert_eq!(sp.slice(s).trim(), sp.slice(s));
                last = sp.end;
            }
        }
    }
}
