//! Time expressions evaluated on TimeML (TempEval-3 task A).
//!
//! Each `.tml` file under the data directory is one document: the text inside
//! `<TEXT>` with its `<TIMEX3 type= value=>` annotations, and the document
//! creation time (the TIMEX3 with `functionInDocument="CREATION_TIME"`, which
//! sits outside `<TEXT>` and is therefore neither gold nor predicted).
//! [`lede_analyze::find_timexes`] runs on the plain text with the DCT's date.
//!
//! Metrics as TempEval-3 defines them for task A:
//! - strict extent P/R/F1: a prediction matches a gold expression with the
//!   same start and end;
//! - relaxed extent P/R/F1: any overlap;
//! - value accuracy: of the relaxed matches, the share whose value equals the
//!   gold `value` (likewise type accuracy); value F1 = relaxed F1 x value accuracy.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use lede_analyze::{find_timexes, Timex};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One gold TIMEX3: byte offsets into the document's plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldTimex {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset past the last character.
    pub end: usize,
    /// TIMEX3 type (`DATE`, `TIME`, `DURATION`, `SET`).
    pub kind: String,
    /// TIMEX3 value.
    pub value: String,
}

/// One TimeML document: plain text of `<TEXT>`, its DCT and gold expressions.
#[derive(Debug, Clone)]
pub struct TimeMlDoc {
    /// File name without directory.
    pub name: String,
    /// The text inside `<TEXT>` with markup removed and entities decoded.
    pub text: String,
    /// Date of the document creation time.
    pub dct: NaiveDate,
    /// Gold TIMEX3 inside `<TEXT>`, in text order.
    pub gold: Vec<GoldTimex>,
    /// Where the creation time itself is written in the text, if it is
    /// (MEANTIME's dateline); predictions there are not scored.
    pub dct_span: Option<(usize, usize)>,
}

/// TempEval-3 task A figures over a set of documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimexReport {
    /// Documents read.
    pub docs: usize,
    /// Gold expressions.
    pub gold: usize,
    /// Predicted expressions.
    pub predicted: usize,
    /// Strict (same extent) precision.
    pub strict_p: f64,
    /// Strict recall.
    pub strict_r: f64,
    /// Strict F1.
    pub strict_f1: f64,
    /// Relaxed (overlap) precision.
    pub relaxed_p: f64,
    /// Relaxed recall.
    pub relaxed_r: f64,
    /// Relaxed F1.
    pub relaxed_f1: f64,
    /// Share of relaxed matches with the gold type.
    pub type_accuracy: f64,
    /// Share of relaxed matches with the gold value.
    pub value_accuracy: f64,
    /// Relaxed F1 x value accuracy.
    pub value_f1: f64,
    /// Whitespace-separated words in the texts.
    pub words: usize,
    /// Words tagged per second (tagging only, one thread).
    pub words_per_sec: f64,
}

impl fmt::Display for TimexReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "timex docs={} gold={} pred={} strict P={:.3} R={:.3} F1={:.3} relaxed P={:.3} R={:.3} F1={:.3} type_acc={:.3} value_acc={:.3} value_F1={:.3} words/s={:.0}",
            self.docs,
            self.gold,
            self.predicted,
            self.strict_p,
            self.strict_r,
            self.strict_f1,
            self.relaxed_p,
            self.relaxed_r,
            self.relaxed_f1,
            self.type_accuracy,
            self.value_accuracy,
            self.value_f1,
            self.words_per_sec
        )
    }
}

/// Parse the attributes of a tag body (`TIMEX3 tid="t1" type="DATE" ...`).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let after = &rest[i + name.len()..];
        if before_ok {
            if let Some(v) = after.strip_prefix("=\"") {
                return v.split('"').next();
            }
        }
        rest = &rest[i + name.len()..];
    }
    None
}

fn decode_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix('x') {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

/// Parse one TimeML document. Hand-written rather than through an XML crate:
/// only inline tags need dropping and five entities decoding, while byte
/// offsets into the resulting text are tracked, which a DOM would not give.
pub fn parse_tml(name: &str, src: &str) -> Result<TimeMlDoc> {
    let dct_value = src
        .match_indices("<TIMEX3")
        .filter_map(|(i, _)| {
            let tag = &src[i..i + src[i..].find('>')?];
            (attr(tag, "functionInDocument") == Some("CREATION_TIME"))
                .then(|| attr(tag, "value"))
                .flatten()
        })
        .next()
        .context("no CREATION_TIME TIMEX3")?;
    let dct = NaiveDate::parse_from_str(dct_value.get(..10).unwrap_or(dct_value), "%Y-%m-%d")
        .with_context(|| format!("bad DCT {dct_value}"))?;
    let body_start = src.find("<TEXT>").context("no <TEXT>")? + "<TEXT>".len();
    let body_end = src[body_start..]
        .find("</TEXT>")
        .map_or(src.len(), |e| body_start + e);
    let body = &src[body_start..body_end];
    let mut text = String::with_capacity(body.len());
    let mut gold = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    let mut i = 0;
    while i < body.len() {
        let rest = &body[i..];
        if rest.starts_with('<') {
            let close = rest.find('>').context("unclosed tag")?;
            let tag = &rest[1..close];
            if tag.starts_with("TIMEX3") {
                open = Some((
                    text.len(),
                    attr(tag, "type").unwrap_or("").to_string(),
                    attr(tag, "value").unwrap_or("").to_string(),
                ));
            } else if tag.starts_with("/TIMEX3") {
                if let Some((start, kind, value)) = open.take() {
                    gold.push(GoldTimex {
                        start,
                        end: text.len(),
                        kind,
                        value,
                    });
                }
            }
            i += close + 1;
        } else if let Some(entity) = rest.strip_prefix('&') {
            match entity
                .find(';')
                .filter(|&e| e < 10)
                .and_then(|e| Some((e, decode_entity(&entity[..e])?)))
            {
                Some((e, ch)) => {
                    text.push(ch);
                    i += e + 2;
                }
                None => {
                    text.push('&');
                    i += 1;
                }
            }
        } else {
            let ch = rest.chars().next().expect("non-empty");
            text.push(ch);
            i += ch.len_utf8();
        }
    }
    Ok(TimeMlDoc {
        name: name.to_string(),
        text,
        dct,
        gold,
        dct_span: None,
    })
}

/// All `.tml` files under `dir` (recursively), sorted by path.
fn tml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).with_context(|| format!("read {}", d.display()))? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "tml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Read every TimeML document under `dir`.
pub fn load(dir: &Path) -> Result<Vec<TimeMlDoc>> {
    tml_files(dir)?
        .iter()
        .map(|p| {
            let src =
                std::fs::read_to_string(p).with_context(|| format!("read {}", p.display()))?;
            let name = p
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
            parse_tml(&name, &src).with_context(|| format!("parse {}", p.display()))
        })
        .collect()
}

/// Counts behind a [`TimexReport`], so documents can be scored one at a time.
#[derive(Debug, Clone, Default)]
pub struct TimexCounts {
    docs: usize,
    gold: usize,
    predicted: usize,
    strict_tp: usize,
    relaxed_gold_found: usize,
    relaxed_pred_ok: usize,
    type_ok: usize,
    value_ok: usize,
    words: usize,
    elapsed: Duration,
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

impl TimexCounts {
    /// Score the predictions for one document.
    pub fn add(&mut self, doc: &TimeMlDoc, pred: &[Timex]) {
        self.docs += 1;
        self.gold += doc.gold.len();
        self.predicted += pred.len();
        self.words += doc.text.split_whitespace().count();
        for g in &doc.gold {
            if pred.iter().any(|p| p.start == g.start && p.end == g.end) {
                self.strict_tp += 1;
            }
            // The best overlapping prediction: same extent first, else the first.
            let hit = pred
                .iter()
                .find(|p| p.start == g.start && p.end == g.end)
                .or_else(|| {
                    pred.iter()
                        .find(|p| overlaps((p.start, p.end), (g.start, g.end)))
                });
            if let Some(p) = hit {
                self.relaxed_gold_found += 1;
                if p.kind.as_str() == g.kind {
                    self.type_ok += 1;
                }
                if p.value == g.value {
                    self.value_ok += 1;
                }
            }
        }
        self.relaxed_pred_ok += pred
            .iter()
            .filter(|p| {
                doc.gold
                    .iter()
                    .any(|g| overlaps((p.start, p.end), (g.start, g.end)))
            })
            .count();
    }

    /// The figures so far.
    pub fn report(&self) -> TimexReport {
        let div = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let f1 = |p: f64, r: f64| {
            if p + r == 0.0 {
                0.0
            } else {
                2.0 * p * r / (p + r)
            }
        };
        let (sp, sr) = (
            div(self.strict_tp, self.predicted),
            div(self.strict_tp, self.gold),
        );
        let (rp, rr) = (
            div(self.relaxed_pred_ok, self.predicted),
            div(self.relaxed_gold_found, self.gold),
        );
        let value_accuracy = div(self.value_ok, self.relaxed_gold_found);
        let relaxed_f1 = f1(rp, rr);
        let secs = self.elapsed.as_secs_f64();
        TimexReport {
            docs: self.docs,
            gold: self.gold,
            predicted: self.predicted,
            strict_p: sp,
            strict_r: sr,
            strict_f1: f1(sp, sr),
            relaxed_p: rp,
            relaxed_r: rr,
            relaxed_f1,
            type_accuracy: div(self.type_ok, self.relaxed_gold_found),
            value_accuracy,
            value_f1: relaxed_f1 * value_accuracy,
            words: self.words,
            words_per_sec: if secs > 0.0 {
                self.words as f64 / secs
            } else {
                0.0
            },
        }
    }
}

/// Evaluate [`lede_analyze::find_timexes`] on every `.tml` file under `dir`
/// (e.g. `../shared/data/timeml` or its `TBAQ-cleaned/TimeBank`).
pub fn evaluate(dir: &Path) -> Result<TimexReport> {
    let docs = load(dir)?;
    anyhow::ensure!(!docs.is_empty(), "no .tml files under {}", dir.display());
    score(&docs)
}

/// Tag every document and score the tags.
fn score(docs: &[TimeMlDoc]) -> Result<TimexReport> {
    // Compile the rules once before timing: a process does that once.
    let _ = find_timexes("warm up on Monday", docs[0].dct);
    let mut counts = TimexCounts::default();
    for doc in docs {
        let t0 = Instant::now();
        let mut pred = find_timexes(&doc.text, doc.dct);
        counts.elapsed += t0.elapsed();
        if let Some(d) = doc.dct_span {
            pred.retain(|p| !overlaps((p.start, p.end), d));
        }
        counts.add(doc, &pred);
    }
    Ok(counts.report())
}

/// Decode the XML entities of a text node.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        match tail
            .find(';')
            .filter(|&e| e < 10)
            .and_then(|e| Some((e, decode_entity(&tail[..e])?)))
        {
            Some((e, ch)) => {
                out.push(ch);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// MEANTIME annotates sentences 0 (title) to 5 (dateline, then four more).
const ANNOTATED_SENTENCES: usize = 5;

/// Whether a token attaches to the one before it without a space.
fn glues_left(tok: &str) -> bool {
    matches!(
        tok,
        "," | "." | ";" | ":" | "?" | "!" | ")" | "]" | "%" | "'s" | "'" | "n't" | "''" | "’s"
    )
}

/// Parse one MEANTIME CAT document (`<token t_id= sentence=>` elements and
/// `<TIMEX3>` markables anchored to tokens). The text is the tokens joined
/// with spaces (none before closing punctuation), one sentence a line, up to
/// the last annotated sentence; the creation-time TIMEX3 gives the DCT and is
/// left out of the gold.
/// Hand-parsed like [`parse_tml`]: the format is flat and regular.
pub fn parse_cat(name: &str, src: &str) -> Result<TimeMlDoc> {
    let mut text = String::new();
    let mut spans: std::collections::HashMap<String, (usize, usize)> = Default::default();
    let mut last_sentence: Option<String> = None;
    let mut prev_tok = String::new();
    for (i, _) in src.match_indices("<token ") {
        let head_end = i + src[i..].find('>').context("unclosed token")?;
        let head = &src[i..head_end];
        let body_end = head_end + src[head_end..].find("</token>").context("unclosed token")?;
        let tok = unescape(&src[head_end + 1..body_end]);
        let id = attr(head, "t_id").unwrap_or("").to_string();
        let sentence = attr(head, "sentence").map(str::to_string);
        // Only the title, dateline and first sentences are annotated.
        if sentence
            .as_deref()
            .and_then(|n| n.parse::<usize>().ok())
            .is_some_and(|n| n > ANNOTATED_SENTENCES)
        {
            continue;
        }
        if last_sentence.is_some() && sentence != last_sentence {
            text.push('\n');
        } else if !text.is_empty()
            && !text.ends_with('\n')
            && !glues_left(&tok)
            && !matches!(prev_tok.as_str(), "(" | "[" | "$" | "``" | "`")
        {
            text.push(' ');
        }
        last_sentence = sentence;
        let start = text.len();
        text.push_str(&tok);
        spans.insert(id, (start, text.len()));
        prev_tok = tok;
    }
    let mut gold = Vec::new();
    let mut dct: Option<(NaiveDate, Option<(usize, usize)>)> = None;
    for (i, _) in src.match_indices("<TIMEX3 ") {
        let head_end = i + src[i..].find('>').context("unclosed TIMEX3")?;
        let head = &src[i..head_end];
        let end = src[head_end..]
            .find("</TIMEX3>")
            .map_or(head_end, |e| head_end + e);
        let anchors: Vec<(usize, usize)> = src[head_end..end]
            .match_indices("t_id=\"")
            .filter_map(|(j, _)| {
                let v = &src[head_end + j + 6..];
                spans.get(v.split('"').next()?).copied()
            })
            .collect();
        let extent = anchors
            .iter()
            .map(|a| a.0)
            .min()
            .zip(anchors.iter().map(|a| a.1).max());
        let value = attr(head, "value").unwrap_or("").to_string();
        if attr(head, "functionInDocument") == Some("CREATION_TIME") {
            // A malformed value falls back to the dateline below.
            if let Ok(d) = NaiveDate::parse_from_str(value.get(..10).unwrap_or(&value), "%Y-%m-%d")
            {
                dct = Some((d, extent));
            }
            continue;
        }
        if let Some((start, end)) = extent {
            gold.push(GoldTimex {
                start,
                end,
                kind: attr(head, "type").unwrap_or("").to_string(),
                value,
            });
        }
    }
    // A few files lack the creation-time markable; their dateline (a full
    // date in the first two lines) is the creation time then.
    let dateline_end = text
        .match_indices('\n')
        .nth(1)
        .map_or(text.len(), |(i, _)| i);
    let dct = dct.or_else(|| {
        let g = gold
            .iter()
            .filter(|g| g.start < dateline_end && g.value.len() == 10)
            .min_by_key(|g| g.start)?;
        let d = NaiveDate::parse_from_str(&g.value, "%Y-%m-%d").ok()?;
        Some((d, Some((g.start, g.end))))
    });
    let (dct, dct_span) = dct.context("no CREATION_TIME TIMEX3 and no dateline")?;
    // The creation time is neither gold nor to be predicted.
    if let Some((a, b)) = dct_span {
        gold.retain(|g| !overlaps((g.start, g.end), (a, b)));
    }
    gold.sort_by_key(|g| g.start);
    Ok(TimeMlDoc {
        name: name.to_string(),
        text,
        dct,
        gold,
        dct_span,
    })
}

/// Evaluate [`lede_analyze::find_timexes`] on the MEANTIME CAT files under
/// `dir` (e.g. `../shared/data/meantime/intra-doc_annotation`), with the
/// same metrics as [`evaluate`].
pub fn evaluate_meantime(dir: &Path) -> Result<TimexReport> {
    let docs = load_meantime(dir)?;
    anyhow::ensure!(!docs.is_empty(), "no .xml files under {}", dir.display());
    score(&docs)
}

/// Read the MEANTIME CAT files under `dir` (files whose creation time cannot
/// be read are left out).
pub fn load_meantime(dir: &Path) -> Result<Vec<TimeMlDoc>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).with_context(|| format!("read {}", d.display()))? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "xml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut docs = Vec::new();
    for p in &files {
        let src = std::fs::read_to_string(p)?;
        let name = p
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        if let Ok(doc) = parse_cat(&name, &src) {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// Time expressions of `text` against the document date `dct`, as JSON
/// objects `{"start","end","type","value"}` with code-point offsets.
pub fn annotate(text: &str, dct: NaiveDate) -> Vec<serde_json::Value> {
    let timexes = find_timexes(text, dct);
    let mut cp = CodePoints::new(text);
    timexes
        .iter()
        .map(|t| {
            serde_json::json!({
                "start": cp.at(t.start),
                "end": cp.at(t.end),
                "type": t.kind.as_str(),
                "value": t.value,
            })
        })
        .collect()
}

/// Byte-to-code-point conversion for offsets visited in increasing order
/// (linear overall; falls back to counting from the start when not).
pub(crate) struct CodePoints<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CodePoints<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        CodePoints {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// Code-point offset of byte offset `byte` (clamped to the text).
    pub(crate) fn at(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_strips_markup_and_keeps_offsets() {
        let src = "<TimeML><DCT><TIMEX3 tid=\"t0\" type=\"DATE\" value=\"2031-04-09\" functionInDocument=\"CREATION_TIME\">April 9</TIMEX3></DCT>\
                   <TEXT>Harbour &amp; rail <EVENT eid=\"e1\">closed</EVENT> <TIMEX3 tid=\"t1\" type=\"DATE\" value=\"2031-04-08\">Tuesday</TIMEX3> for <TIMEX3 tid=\"t2\" type=\"DURATION\" value=\"P2D\">two days</TIMEX3>.</TEXT></TimeML>";
        let doc = parse_tml("x.tml", src).unwrap();
        assert_eq!(doc.dct, NaiveDate::from_ymd_opt(2031, 4, 9).unwrap());
        assert_eq!(doc.text, "Harbour & rail closed Tuesday for two days.");
        assert_eq!(doc.gold.len(), 2);
        assert_eq!(&doc.text[doc.gold[0].start..doc.gold[0].end], "Tuesday");
        assert_eq!(doc.gold[1].value, "P2D");
        // Scored against the tagger: both found with their values.
        let mut c = TimexCounts::default();
        c.add(&doc, &find_timexes(&doc.text, doc.dct));
        let r = c.report();
        assert_eq!((r.gold, r.predicted), (2, 2));
        assert!((r.value_f1 - 1.0).abs() < 1e-9, "{r}");
    }

    #[test]
    fn relaxed_and_strict_differ_on_extent() {
        let doc = TimeMlDoc {
            name: "d".into(),
            text: "It rained for the past three days here.".into(),
            dct: NaiveDate::from_ymd_opt(2031, 4, 9).unwrap(),
            dct_span: None,
            gold: vec![GoldTimex {
                start: 18,
                end: 33,
                kind: "DURATION".into(),
                value: "P3D".into(),
            }],
        };
        let pred = vec![Timex {
            start: 14,
            end: 33,
            kind: lede_analyze::TimexKind::Duration,
            value: "P3D".into(),
        }];
        let mut c = TimexCounts::default();
        c.add(&doc, &pred);
        let r = c.report();
        assert_eq!(r.strict_f1, 0.0);
        assert_eq!(r.relaxed_f1, 1.0);
        assert_eq!(r.value_accuracy, 1.0);
    }

    #[test]
    fn parse_cat_joins_tokens_and_drops_the_dateline() {
        let tok = |id: usize, sent: usize, t: &str| {
            format!("<token t_id=\"{id}\" sentence=\"{sent}\" number=\"{id}\">{t}</token>\n")
        };
        let mut src = String::from("<Document>");
        for (id, sent, t) in [
            (1, 0, "Harbour"),
            (2, 0, "reopens"),
            (3, 1, "April"),
            (4, 1, "9"),
            (5, 1, ","),
            (6, 1, "2031"),
            (7, 2, "It"),
            (8, 2, "shut"),
            (9, 2, "on"),
            (10, 2, "Tuesday"),
            (11, 2, "."),
            (12, 9, "Unannotated"),
        ] {
            src.push_str(&tok(id, sent, t));
        }
        src.push_str(
            "<Markables><TIMEX3 m_id=\"1\" type=\"DATE\" value=\"2031-04-08\" functionInDocument=\"NONE\">\
             <token_anchor t_id=\"10\"/></TIMEX3>\
             <TIMEX3 m_id=\"2\" type=\"DATE\" value=\"2031-04-09\" functionInDocument=\"CREATION_TIME\">\
             <token_anchor t_id=\"3\"/><token_anchor t_id=\"6\"/></TIMEX3></Markables></Document>",
        );
        let doc = parse_cat("d.xml", &src).unwrap();
        assert_eq!(
            doc.text,
            "Harbour reopens\nApril 9, 2031\nIt shut on Tuesday."
        );
        assert_eq!(doc.dct, NaiveDate::from_ymd_opt(2031, 4, 9).unwrap());
        assert_eq!(doc.gold.len(), 1);
        assert_eq!(&doc.text[doc.gold[0].start..doc.gold[0].end], "Tuesday");
        assert_eq!(doc.dct_span, Some((16, 29)));
    }

    #[test]
    fn annotate_uses_code_points() {
        let dct = NaiveDate::from_ymd_opt(2031, 4, 9).unwrap();
        let out = annotate("Čeněk left – yesterday.", dct);
        assert_eq!(out.len(), 1);
        // "Čeněk left – " is 13 code points (but 17 bytes).
        assert_eq!(out[0]["start"], 13);
        assert_eq!(out[0]["end"], 22);
        assert_eq!(out[0]["value"], "2031-04-08");
        assert_eq!(out[0]["type"], "DATE");
    }
}
