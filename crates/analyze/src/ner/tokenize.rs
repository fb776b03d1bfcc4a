//! Plain text to CoNLL-style tokens with byte offsets.
//!
//! The tagger is trained on CoNLL-2003, whose tokens follow the Penn Treebank
//! habit: punctuation marks are tokens of their own, the possessive "'s" is
//! split from its noun, and abbreviations keep their dot ("Mr.", "Corp.").
//! [`lede_text::words`] finds the words (with "U.S.", "3.5", "O'Neill" kept
//! whole) but drops punctuation, so this module adds the marks between words
//! back as tokens and applies the two splits above. Offsets are byte offsets
//! into the input, always on character boundaries.

/// One token: its byte range in the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSpan {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl TokenSpan {
    /// The token's text within `text` (the string it was found in).
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Abbreviations that keep their dot in CoNLL-style tokens.
fn keeps_dot(word: &str) -> bool {
    if word.chars().count() == 1 {
        // Initials: "J. Smith".
        return word.chars().all(char::is_uppercase);
    }
    matches!(
        word.to_ascii_lowercase().as_str(),
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "st"
            | "jr"
            | "sr"
            | "inc"
            | "corp"
            | "co"
            | "ltd"
            | "plc"
            | "bros"
            | "gen"
            | "gov"
            | "sen"
            | "rep"
            | "lt"
            | "col"
            | "capt"
            | "sgt"
            | "maj"
            | "prof"
            | "rev"
            | "mt"
            | "ft"
            | "no"
            | "vs"
            | "jan"
            | "feb"
            | "aug"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

/// Split `text` into CoNLL-style tokens.
pub fn tokenize(text: &str) -> Vec<TokenSpan> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut pos = 0;
    for w in lede_text::words(text) {
        punctuation(text, pos, w.start, &mut out);
        let mut end = w.end;
        // Possessive: "Ortiz's" -> "Ortiz" "'s".
        let lower_tail = |suffix: &str| {
            w.text.len() > suffix.len()
                && w.text
                    .get(w.text.len() - suffix.len()..)
                    .is_some_and(|t| t.eq_ignore_ascii_case(suffix))
        };
        let split = ["'s", "’s"].into_iter().find(|s| lower_tail(s));
        if let Some(suffix) = split {
            let cut = w.end - suffix.len();
            out.push(TokenSpan {
                start: w.start,
                end: cut,
            });
            out.push(TokenSpan {
                start: cut,
                end: w.end,
            });
        } else {
            if text[end..].starts_with('.') && !w.text.ends_with('.') && keeps_dot(w.text) {
                end += 1;
            }
            out.push(TokenSpan {
                start: w.start,
                end,
            });
        }
        pos = end;
    }
    punctuation(text, pos, text.len(), &mut out);
    out
}

/// Each non-space character of `text[from..to]` as a token of its own.
fn punctuation(text: &str, from: usize, to: usize, out: &mut Vec<TokenSpan>) {
    if from >= to {
        return;
    }
    for (i, c) in text[from..to].char_indices() {
        if !c.is_whitespace() {
            out.push(TokenSpan {
                start: from + i,
                end: from + i + c.len_utf8(),
            });
        }
    }
}

/// The form the tagger sees for a token: typographic quotes and dashes as
/// the ASCII marks CoNLL-2003 uses.
pub fn normalize(token: &str) -> std::borrow::Cow<'_, str> {
    if token.is_ascii() {
        return std::borrow::Cow::Borrowed(token);
    }
    let mapped: String = token
        .chars()
        .map(|c| match c {
            '“' | '”' | '„' | '«' | '»' => '"',
            '‘' | '’' | '‚' => '\'',
            '–' | '—' => '-',
            c => c,
        })
        .collect();
    std::borrow::Cow::Owned(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn splits_punctuation_and_possessives() {
        assert_eq!(
            texts("Mr. Tarn's firm, Velloway Corp., paid $3.5 million (U.S.)."),
            vec![
                "Mr.", "Tarn", "'s", "firm", ",", "Velloway", "Corp.", ",", "paid", "$", "3.5",
                "million", "(", "U.S.", ")", "."
            ]
        );
    }

    #[test]
    fn offsets_are_char_boundaries() {
        let s = "“Ósk Brennan” – in Reykjavík’s port.";
        for t in tokenize(s) {
            assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
        }
        assert_eq!(
            texts(s),
            vec![
                "“",
                "Ósk",
                "Brennan",
                "”",
                "–",
                "in",
                "Reykjavík",
                "’s",
                "port",
                "."
            ]
        );
        assert_eq!(normalize("“"), "\"");
    }
}
