//! Sentence splitting (to be written).
use lede_model::Span;

/// Split text into sentences, returning byte spans (trimmed of surrounding whitespace).
pub fn split_sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '.' || c == '\n' {
            let s = text[start..=i].trim();
            if !s.is_empty() {
                let off = start + text[start..].find(s).unwrap_or(0);
                out.push(Span::new(off, off + s.len()));
            }
            start = i + 1;
        }
    }
    let s = text[start..].trim();
    if !s.is_empty() {
        let off = start + text[start..].find(s).unwrap_or(0);
        out.push(Span::new(off, off + s.len()));
    }
    out
}
