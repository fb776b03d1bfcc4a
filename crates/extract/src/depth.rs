//! Cheap guards against pathological HTML before it reaches a real parser.
//!
//! The HTML parser and rs-trafilatura walk the element tree recursively; a page
//! nested tens of thousands of elements deep overflows a thread's stack (seen at
//! ~20,000 nested `<div>`s on a 2 MiB stack) and makes html5ever slow. This module
//! scans the markup with a tiny tokenizer (no tree), measures how deep
//! elements nest, and can flatten the markup by dropping the tags of elements
//! nested deeper than a limit (their text is kept).

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "command", "basefont", "bgsound", "frame", "image", "isindex",
];

/// Elements whose end tag is optional: the parser closes them implicitly, so
/// an unclosed run of them does not nest. Not counted.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb",
    "rt", "rtc", "rp", "colgroup", "caption", "html", "head", "body",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "noscript",
];

#[derive(Debug, PartialEq)]
enum Token<'a> {
    /// Open tag with its lower-cased name; `self_closing` for `<x/>`.
    Open {
        name: String,
        self_closing: bool,
        raw: &'a str,
    },
    Close {
        name: String,
        raw: &'a str,
    },
    /// Text, comments, doctype, raw-text content: passed through untouched.
    Other(&'a str),
}

/// A minimal tokenizer: enough to track nesting, not to build a tree.
struct Tokens<'a> {
    s: &'a str,
    pos: usize,
    /// Pending raw-text element whose content must be skipped next.
    raw_until: Option<String>,
}

impl<'a> Tokens<'a> {
    fn new(s: &'a str) -> Self {
        Tokens {
            s,
            pos: 0,
            raw_until: None,
        }
    }
}

fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len())
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// End of a tag starting at `start` (index just past the closing `>`), honouring quotes.
fn tag_end(b: &[u8], start: usize) -> usize {
    let mut i = start;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    b.len()
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let b = self.s.as_bytes();
        let start = self.pos;
        if start >= b.len() {
            return None;
        }
        if let Some(name) = self.raw_until.take() {
            let needle = format!("</{name}");
            let end = find_ci(b, start, needle.as_bytes()).unwrap_or(b.len());
            self.pos = end;
            if end > start {
                return Some(Token::Other(&self.s[start..end]));
            }
            return self.next();
        }
        if b[start] != b'<' {
            let end = memchr_lt(b, start + 1);
            self.pos = end;
            return Some(Token::Other(&self.s[start..end]));
        }
        // b[start] == '<'
        let rest = &b[start..];
        if rest.starts_with(b"<!--") {
            let end = find_ci(b, start + 4, b"-->")
                .map(|i| i + 3)
                .unwrap_or(b.len());
            self.pos = end;
            return Some(Token::Other(&self.s[start..end]));
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            let end = tag_end(b, start + 1);
            self.pos = end;
            return Some(Token::Other(&self.s[start..end]));
        }
        let (closing, name_start) = if rest.starts_with(b"</") {
            (true, start + 2)
        } else {
            (false, start + 1)
        };
        let mut i = name_start;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
            i += 1;
        }
        if i == name_start || !b[name_start].is_ascii_alphabetic() {
            // A lone '<' in text.
            let end = memchr_lt(b, start + 1);
            self.pos = end;
            return Some(Token::Other(&self.s[start..end]));
        }
        let name = self.s[name_start..i].to_ascii_lowercase();
        let end = tag_end(b, i);
        self.pos = end;
        let raw = &self.s[start..end];
        if closing {
            return Some(Token::Close { name, raw });
        }
        let self_closing = raw.ends_with("/>");
        if !self_closing && RAW_TEXT.contains(&name.as_str()) {
            self.raw_until = Some(name.clone());
        }
        Some(Token::Open {
            name,
            self_closing,
            raw,
        })
    }
}

fn memchr_lt(b: &[u8], from: usize) -> usize {
    b[from.min(b.len())..]
        .iter()
        .position(|&c| c == b'<')
        .map(|p| p + from)
        .unwrap_or(b.len())
}

fn counts(name: &str) -> bool {
    !VOID.contains(&name) && !OPTIONAL_END.contains(&name)
}

/// How deep elements nest in `html`, approximately (void elements and elements
/// with optional end tags are not counted; stray end tags never go below zero).
pub fn max_depth(html: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    for t in Tokens::new(html) {
        match t {
            Token::Open {
                name, self_closing, ..
            } if !self_closing && counts(&name) => {
                depth += 1;
                max = max.max(depth);
            }
            Token::Close { name, .. } if counts(&name) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Drop the tags (not the text) of elements nested deeper than `keep`.
/// Dropped tags become a single space so words on either side stay apart.
pub fn flatten(html: &str, keep: usize) -> String {
    let mut out = String::with_capacity(html.len());
    let mut depth = 0usize;
    for t in Tokens::new(html) {
        match t {
            Token::Open {
                name,
                self_closing,
                raw,
            } => {
                if !self_closing && counts(&name) {
                    depth += 1;
                    if depth > keep {
                        out.push(' ');
                        continue;
                    }
                }
                out.push_str(raw);
            }
            Token::Close { name, raw } => {
                if counts(&name) {
                    let was = depth;
                    depth = depth.saturating_sub(1);
                    if was > keep {
                        out.push(' ');
                        continue;
                    }
                }
                out.push_str(raw);
            }
            Token::Other(s) => out.push_str(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_of_simple_pages() {
        assert_eq!(
            max_depth("<html><body><div><p>a<p>b<br></div></body></html>"),
            1
        );
        assert_eq!(max_depth("<div><div><span>x</span></div></div>"), 3);
        assert_eq!(
            max_depth("<script>if (a < b) { x = '<div><div>'; }</script><div>"),
            1
        );
        assert_eq!(max_depth("<!-- <div><div> --><img src='a>b'/>"), 0);
        assert_eq!(max_depth("a < b and 3<4"), 0);
    }

    #[test]
    fn flatten_keeps_text_and_bounds_depth() {
        let mut s = String::new();
        for _ in 0..50 {
            s.push_str("<div>");
        }
        s.push_str("deep words");
        for _ in 0..50 {
            s.push_str("</div>");
        }
        s.push_str("<p>after</p>");
        let f = flatten(&s, 10);
        assert_eq!(max_depth(&f), 10);
        assert!(f.contains("deep words"));
        assert!(f.contains("<p>after</p>"));
    }
}
