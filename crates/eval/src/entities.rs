//! Named entities evaluated on CoNLL-2003 and MEANTIME.
//!
//! - CoNLL-2003 (`token POS chunk NER` lines): conlleval's metric, exact span
//!   and type, micro P/R/F1 over PER/ORG/LOC/MISC, and the same per type.
//! - MEANTIME (CAT XML): the gold names are the entity mentions written as a
//!   name (`syntactic_type` `NAM`, or `PRE.NAM` for a name used as a modifier,
//!   "the US market") that refer to a PER, ORG or LOC entity; its PRO
//!   (products) and FIN (financial) entities have no CoNLL counterpart and are
//!   left out, and so are predicted MISC names. MEANTIME extents take in
//!   determiners and descriptions ("the United States", "U.S. automaker
//!   Chrysler"), so for the exact figure each gold extent is cut to its last
//!   run of capitalised words ("United States", "Chrysler"), less a leading
//!   determiner, honorific or (for people) title, as CoNLL marks names; the `overlap`
//!   figure instead counts a name found when a predicted name of the same type
//!   overlaps it. Only the sentences the annotators covered (each article's
//!   first ones, up to the last holding any entity mention) are scored.
//!
//! Both evaluations tag whole documents, with the trained [`EntityModel`] or,
//! without one, the rule-based [`lede_analyze::find_entities`] on the tokens
//! joined by spaces, and report words per second of the tagging alone.

use anyhow::{Context, Result};
use lede_analyze::{entity_spans, Analyzer, EntityModel, TrainOptions};
use lede_model::{Article, EntityKind, Span};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;
use std::time::Instant;

/// Counts and scores of one type (or of all types together).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TypeScore {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl TypeScore {
    fn from_counts(gold: usize, predicted: usize, correct: usize) -> TypeScore {
        let precision = ratio(correct, predicted);
        let recall = ratio(correct, gold);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        TypeScore {
            gold,
            predicted,
            correct,
            precision,
            recall,
            f1,
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Scores of one entity evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityReport {
    /// Which tagger: `model` or `rules`.
    pub tagger: &'static str,
    pub documents: usize,
    pub words: usize,
    /// Micro-averaged exact span-and-type scores.
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
    /// The same per type (`PER`, `ORG`, `LOC`, `MISC`).
    pub per_type: BTreeMap<String, TypeScore>,
    /// MEANTIME only: a gold name counts as found when a predicted name of
    /// its type overlaps it (and a predicted name is right when it overlaps a
    /// gold name of its type).
    pub overlap: Option<TypeScore>,
    /// Seconds spent tagging (reading and scoring excluded).
    pub seconds: f64,
    pub words_per_second: f64,
}

impl fmt::Display for EntityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "entities ({}): P {:.4} R {:.4} F1 {:.4} (gold {}, predicted {}, correct {})",
            self.tagger,
            self.precision,
            self.recall,
            self.f1,
            self.gold,
            self.predicted,
            self.correct
        )?;
        for (ty, s) in &self.per_type {
            write!(f, " | {ty} F1 {:.4}", s.f1)?;
        }
        if let Some(o) = &self.overlap {
            write!(f, " | overlap F1 {:.4}", o.f1)?;
        }
        write!(
            f,
            " | {} docs, {} words, {:.0} words/s",
            self.documents, self.words, self.words_per_second
        )
    }
}

/// Name spans of one sentence: `(first token, end token, type)`.
type Spans = Vec<(usize, usize, &'static str)>;

/// A document as sentences of tokens.
type Doc = Vec<Vec<String>>;

/// Train the tagger on a CoNLL-2003 file with the default options.
pub fn train_conll(path: &Path) -> Result<EntityModel> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let docs = lede_analyze::read_conll(&text).with_context(|| path.display().to_string())?;
    anyhow::ensure!(!docs.is_empty(), "{}: no sentences", path.display());
    Ok(EntityModel::train(&docs, &TrainOptions::default()))
}

/// Name spans of every sentence of a document, by the model or the rules.
fn tag_spans(model: Option<&EntityModel>, doc: &[Vec<String>]) -> Vec<Spans> {
    match model {
        Some(m) => m.spans_document(doc),
        None => rule_spans(doc),
    }
}

/// The rule-based entities of a tokenised document: the tokens joined by
/// spaces, one sentence a line, and each found name mapped back to the tokens
/// it covers.
fn rule_spans(doc: &[Vec<String>]) -> Vec<Spans> {
    let mut text = String::new();
    let mut sentences = Vec::with_capacity(doc.len());
    let mut token_spans: Vec<Vec<Span>> = Vec::with_capacity(doc.len());
    for s in doc {
        let start = text.len();
        let mut toks = Vec::with_capacity(s.len());
        for (i, t) in s.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            toks.push(Span::new(text.len(), text.len() + t.len()));
            text.push_str(t);
        }
        sentences.push(Span::new(start, text.len()));
        token_spans.push(toks);
        text.push('\n');
    }
    let article = Article {
        text,
        sentences,
        ..Article::default()
    };
    let mut out: Vec<Spans> = vec![Vec::new(); doc.len()];
    for e in lede_analyze::find_entities(&article) {
        let Some(toks) = token_spans.get(e.sentence) else {
            continue;
        };
        let a = toks.partition_point(|t| t.end <= e.span.start);
        let b = toks.partition_point(|t| t.start < e.span.end);
        if a >= b {
            continue;
        }
        let ty = match e.kind {
            EntityKind::Person => "PER",
            EntityKind::Organization => "ORG",
            EntityKind::Location => "LOC",
            EntityKind::Other => "MISC",
        };
        let spans = &mut out[e.sentence];
        if spans.last().is_none_or(|&(_, end, _)| end <= a) {
            spans.push((a, b, ty));
        }
    }
    out
}

/// One CoNLL document: sentences of tokens and of gold tags.
struct ConllDoc {
    tokens: Doc,
    tags: Vec<Vec<String>>,
}

fn read_conll_docs(text: &str) -> Result<Vec<ConllDoc>> {
    Ok(lede_analyze::read_conll(text)?
        .into_iter()
        .map(|d| {
            let (tokens, tags) = d.into_iter().map(|s| (s.tokens, s.tags)).unzip();
            ConllDoc { tokens, tags }
        })
        .collect())
}

/// Accumulates exact-match counts per type.
#[derive(Default)]
struct Counter {
    per_type: BTreeMap<&'static str, (usize, usize, usize)>,
}

impl Counter {
    /// Count one sentence (or document) of gold and predicted spans.
    fn add(
        &mut self,
        gold: &[(usize, usize, &'static str)],
        pred: &[(usize, usize, &'static str)],
    ) {
        let gold_set: HashSet<_> = gold.iter().collect();
        for g in gold {
            self.per_type.entry(g.2).or_default().0 += 1;
        }
        for p in pred {
            let e = self.per_type.entry(p.2).or_default();
            e.1 += 1;
            if gold_set.contains(p) {
                e.2 += 1;
            }
        }
    }

    fn report(
        &self,
        tagger: &'static str,
        documents: usize,
        words: usize,
        seconds: f64,
    ) -> EntityReport {
        let (g, p, c) = self
            .per_type
            .values()
            .fold((0, 0, 0), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
        let all = TypeScore::from_counts(g, p, c);
        EntityReport {
            tagger,
            documents,
            words,
            precision: all.precision,
            recall: all.recall,
            f1: all.f1,
            gold: g,
            predicted: p,
            correct: c,
            per_type: self
                .per_type
                .iter()
                .map(|(k, v)| (k.to_string(), TypeScore::from_counts(v.0, v.1, v.2)))
                .collect(),
            overlap: None,
            seconds,
            words_per_second: if seconds > 0.0 {
                words as f64 / seconds
            } else {
                0.0
            },
        }
    }
}

/// conlleval on a CoNLL-2003 file: exact span and type, micro P/R/F1.
pub fn evaluate_conll(model: Option<&EntityModel>, path: &Path) -> Result<EntityReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let docs = read_conll_docs(&text).with_context(|| path.display().to_string())?;
    let started = Instant::now();
    let predicted: Vec<Vec<Spans>> = docs.iter().map(|d| tag_spans(model, &d.tokens)).collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut counter = Counter::default();
    let mut words = 0;
    for (d, pred) in docs.iter().zip(&predicted) {
        for (tags, p) in d.tags.iter().zip(pred) {
            words += tags.len();
            counter.add(&entity_spans(tags), p);
        }
    }
    Ok(counter.report(tagger_name(model), docs.len(), words, seconds))
}

fn tagger_name(model: Option<&EntityModel>) -> &'static str {
    if model.is_some() {
        "model"
    } else {
        "rules"
    }
}

/// The same CoNLL lines with one more column, the predicted IOB2 tag.
/// `-DOCSTART-` lines get `O` (so every line has the same number of columns,
/// as conlleval wants); blank lines stay blank.
pub fn tag_conll(model: Option<&EntityModel>, input: &str) -> String {
    // Lines grouped into documents of sentences of line indices.
    let lines: Vec<&str> = input.lines().collect();
    let mut docs: Vec<Vec<Vec<usize>>> = vec![Vec::new()];
    let mut sent: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let first = line.split_whitespace().next();
        match first {
            None | Some("-DOCSTART-") => {
                let doc = docs.last_mut().expect("one document");
                if !sent.is_empty() {
                    doc.push(std::mem::take(&mut sent));
                }
                if first.is_some() && !doc.is_empty() {
                    docs.push(Vec::new());
                }
            }
            Some(_) => sent.push(i),
        }
    }
    if !sent.is_empty() {
        docs.last_mut().expect("one document").push(sent);
    }
    let mut tag_of: Vec<&'static str> = vec!["O"; lines.len()];
    for doc in &docs {
        let tokens: Doc = doc
            .iter()
            .map(|s| {
                s.iter()
                    .map(|&i| lines[i].split_whitespace().next().unwrap_or("").to_string())
                    .collect()
            })
            .collect();
        for (s, spans) in doc.iter().zip(tag_spans(model, &tokens)) {
            for (a, b, ty) in spans {
                for (k, &line) in s[a..b].iter().enumerate() {
                    tag_of[line] = iob(k == 0, ty);
                }
            }
        }
    }
    let mut out = String::with_capacity(input.len() + lines.len() * 6);
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_end();
        out.push_str(line);
        if !line.is_empty() {
            out.push(' ');
            out.push_str(tag_of[i]);
        }
        out.push('\n');
    }
    out
}

fn iob(begin: bool, ty: &str) -> &'static str {
    match (begin, ty) {
        (true, "PER") => "B-PER",
        (false, "PER") => "I-PER",
        (true, "ORG") => "B-ORG",
        (false, "ORG") => "I-ORG",
        (true, "LOC") => "B-LOC",
        (false, "LOC") => "I-LOC",
        (true, _) => "B-MISC",
        (false, _) => "I-MISC",
    }
}

/// Entities of plain text as JSON objects `{"start","end","type","text","role"}`
/// with code-point offsets, type `PER`/`ORG`/`LOC`/`MISC`, and for people the
/// role phrase the text attaches to them (or null).
pub fn annotate_text(analyzer: &Analyzer, text: &str) -> Vec<serde_json::Value> {
    let article = Article {
        text: text.to_string(),
        sentences: lede_text::split_sentences(text),
        ..Article::default()
    };
    let char_starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let cp = |byte: usize| char_starts.partition_point(|&s| s < byte);
    analyzer
        .find_entities(&article)
        .into_iter()
        .map(|e| {
            let ty = match e.kind {
                EntityKind::Person => "PER",
                EntityKind::Organization => "ORG",
                EntityKind::Location => "LOC",
                EntityKind::Other => "MISC",
            };
            serde_json::json!({
                "start": cp(e.span.start),
                "end": cp(e.span.end),
                "type": ty,
                "text": e.span.slice(text),
                "role": e.role,
            })
        })
        .collect()
}

/// One MEANTIME article: its scored sentences and gold names.
struct MeantimeDoc {
    sentences: Doc,
    /// Gold names per sentence, cut to their name words.
    gold: Vec<Spans>,
    /// Gold names per sentence with MEANTIME's own extents.
    gold_full: Vec<Spans>,
}

/// The MEANTIME article files under `dir` (the corpus root, one of its
/// annotation folders, or any folder of CAT XML files). At the corpus root
/// only `intra-doc_annotation` is read, as the other folder holds the same
/// articles.
fn meantime_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let intra = dir.join("intra-doc_annotation");
    let root = if intra.is_dir() {
        intra
    } else {
        dir.to_path_buf()
    };
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "xml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// An entity mention of a CAT XML file: its id, syntactic type and tokens
/// as (sentence, index in sentence).
struct CatMention<'a> {
    id: &'a str,
    syntactic: &'a str,
    tokens: Vec<(usize, usize)>,
}

/// Read one CAT XML article.
fn read_meantime(xml: &str) -> Result<MeantimeDoc> {
    let doc = roxmltree::Document::parse(xml)?;
    let root = doc.root_element();
    // Tokens: t_id -> (sentence, index in sentence).
    let mut sentences: Doc = Vec::new();
    let mut where_is: std::collections::HashMap<&str, (usize, usize)> = Default::default();
    for t in root.children().filter(|n| n.has_tag_name("token")) {
        let s: usize = t.attribute("sentence").unwrap_or("0").parse()?;
        let id = t.attribute("t_id").context("token without t_id")?;
        while sentences.len() <= s {
            sentences.push(Vec::new());
        }
        where_is.insert(id, (s, sentences[s].len()));
        sentences[s].push(t.text().unwrap_or("").to_string());
    }
    let markables = root
        .children()
        .find(|n| n.has_tag_name("Markables"))
        .context("no Markables")?;
    // Entity types by id, and mentions by id.
    let mut entity_type: std::collections::HashMap<&str, &str> = Default::default();
    let mut mentions: Vec<CatMention> = Vec::new();
    let mut last_sentence = 0;
    for m in markables.children().filter(|n| n.is_element()) {
        let id = m.attribute("m_id").unwrap_or("");
        if m.has_tag_name("ENTITY") {
            entity_type.insert(id, m.attribute("ent_type").unwrap_or(""));
        } else if m.has_tag_name("ENTITY_MENTION") {
            let toks: Vec<(usize, usize)> = m
                .children()
                .filter(|n| n.has_tag_name("token_anchor"))
                .filter_map(|a| a.attribute("t_id").and_then(|t| where_is.get(t).copied()))
                .collect();
            if let Some(&(s, _)) = toks.iter().max() {
                last_sentence = last_sentence.max(s);
            }
            mentions.push(CatMention {
                id,
                syntactic: m.attribute("syntactic_type").unwrap_or(""),
                tokens: toks,
            });
        }
    }
    // Mention -> entity type through REFERS_TO relations.
    let mut mention_type: std::collections::HashMap<&str, &str> = Default::default();
    if let Some(rels) = root.children().find(|n| n.has_tag_name("Relations")) {
        for r in rels.children().filter(|n| n.has_tag_name("REFERS_TO")) {
            let target = r
                .children()
                .find(|n| n.has_tag_name("target"))
                .and_then(|t| t.attribute("m_id"))
                .and_then(|t| entity_type.get(t).copied());
            let Some(ty) = target else { continue };
            for s in r.children().filter(|n| n.has_tag_name("source")) {
                if let Some(id) = s.attribute("m_id") {
                    mention_type.insert(id, ty);
                }
            }
        }
    }
    sentences.truncate(last_sentence + 1);
    let mut gold: Vec<Spans> = vec![Vec::new(); sentences.len()];
    let mut gold_full: Vec<Spans> = vec![Vec::new(); sentences.len()];
    for CatMention {
        id,
        syntactic,
        tokens: toks,
    } in &mentions
    {
        if !matches!(*syntactic, "NAM" | "PRE.NAM") {
            continue;
        }
        let ty: &'static str = match mention_type.get(id) {
            Some(&"PER") => "PER",
            Some(&"ORG") => "ORG",
            Some(&"LOC") => "LOC",
            _ => continue,
        };
        let (Some(&(s, a)), Some(&(s2, b))) = (toks.iter().min(), toks.iter().max()) else {
            continue;
        };
        if s != s2 || s >= sentences.len() {
            continue;
        }
        gold_full[s].push((a, b + 1, ty));
        if let Some((mut a, b)) = name_core(&sentences[s][a..=b]).map(|(x, y)| (a + x, a + y)) {
            // Titles are not part of a person's name in CoNLL's convention
            // ("President Ana Ruiz" -> "Ana Ruiz").
            while ty == "PER" && a + 1 < b && is_title(&sentences[s][a]) {
                a += 1;
            }
            gold[s].push((a, b, ty));
        }
    }
    for g in gold.iter_mut().chain(gold_full.iter_mut()) {
        g.sort_unstable();
        g.dedup();
    }
    Ok(MeantimeDoc {
        sentences,
        gold,
        gold_full,
    })
}

/// The last run of capitalised words of a mention ("U.S. automaker
/// Chrysler" -> "Chrysler", "the Bank of Canada" -> "Bank of Canada"), as a
/// token range; "of", "and", "&" and "-" join capitalised words, and a
/// leading determiner or honorific ("The", "Mr") is dropped.
fn name_core(tokens: &[String]) -> Option<(usize, usize)> {
    let cap = |t: &str| {
        t.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    let end = tokens.iter().rposition(|t| cap(t))? + 1;
    let mut start = end - 1;
    while start > 0 {
        let prev = tokens[start - 1].as_str();
        if cap(prev) {
            start -= 1;
        } else if matches!(prev, "of" | "and" | "&" | "-" | "de")
            && start >= 2
            && cap(&tokens[start - 2])
        {
            start -= 2;
        } else {
            break;
        }
    }
    // Determiners and honorifics are not part of a name in CoNLL's convention.
    while start + 1 < end
        && matches!(
            tokens[start].trim_end_matches('.').to_lowercase().as_str(),
            "the" | "a" | "an" | "mr" | "mrs" | "ms" | "dr" | "sir"
        )
    {
        start += 1;
    }
    Some((start, end))
}

/// Common English titles written before a name.
fn is_title(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.').to_lowercase().as_str(),
        "president"
            | "vice"
            | "prime"
            | "minister"
            | "secretary"
            | "senator"
            | "sen"
            | "governor"
            | "gov"
            | "mayor"
            | "judge"
            | "justice"
            | "presiding"
            | "chief"
            | "chairman"
            | "chairwoman"
            | "spokesman"
            | "spokeswoman"
            | "general"
            | "gen"
            | "king"
            | "queen"
            | "prince"
            | "princess"
            | "pope"
            | "ceo"
            | "director"
            | "professor"
            | "prof"
            | "rep"
            | "representative"
            | "ambassador"
            | "chancellor"
    )
}

/// MEANTIME (PER/ORG/LOC): exact span and type after cutting gold extents to
/// their names, plus the overlap figure (see the module documentation).
pub fn evaluate_meantime(model: Option<&EntityModel>, dir: &Path) -> Result<EntityReport> {
    let mut docs = Vec::new();
    for f in meantime_files(dir)? {
        let xml =
            std::fs::read_to_string(&f).with_context(|| format!("reading {}", f.display()))?;
        docs.push(read_meantime(&xml).with_context(|| f.display().to_string())?);
    }
    anyhow::ensure!(!docs.is_empty(), "{}: no MEANTIME articles", dir.display());
    let started = Instant::now();
    let predicted: Vec<Vec<Spans>> = docs
        .iter()
        .map(|d| tag_spans(model, &d.sentences))
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut counter = Counter::default();
    let (mut o_gold, mut o_pred, mut o_gold_found, mut o_pred_right) = (0, 0, 0, 0);
    let mut words = 0;
    for (d, pred) in docs.iter().zip(&predicted) {
        for (si, p) in pred.iter().enumerate() {
            words += d.sentences[si].len();
            let p: Spans = p.iter().copied().filter(|s| s.2 != "MISC").collect();
            counter.add(&d.gold[si], &p);
            let overlaps = |x: &(usize, usize, &str), y: &(usize, usize, &str)| {
                x.2 == y.2 && x.0 < y.1 && y.0 < x.1
            };
            let gold_full = &d.gold_full[si];
            o_gold += gold_full.len();
            o_pred += p.len();
            o_gold_found += gold_full
                .iter()
                .filter(|g| p.iter().any(|x| overlaps(g, x)))
                .count();
            o_pred_right += p
                .iter()
                .filter(|x| gold_full.iter().any(|g| overlaps(g, x)))
                .count();
        }
    }
    let mut report = counter.report(tagger_name(model), docs.len(), words, seconds);
    let precision = ratio(o_pred_right, o_pred);
    let recall = ratio(o_gold_found, o_gold);
    report.overlap = Some(TypeScore {
        gold: o_gold,
        predicted: o_pred,
        correct: o_gold_found,
        precision,
        recall,
        f1: if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        },
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_conll_adds_one_column_and_keeps_boundaries() {
        let input = "-DOCSTART- -X- -X- O\n\nMara NNP B-NP B-PER\nQuell NNP I-NP I-PER\n\
                     visited VBD B-VP O\nEastbrook NNP B-NP B-LOC\n. . O O\n\n";
        let out = tag_conll(None, input);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), input.lines().count());
        assert_eq!(lines[0], "-DOCSTART- -X- -X- O O");
        assert_eq!(lines[1], "");
        for (i, o) in input.lines().zip(&lines) {
            if !i.is_empty() {
                assert_eq!(o.split(' ').count(), i.split(' ').count() + 1, "{o}");
            }
        }
        assert_eq!(lines[2], "Mara NNP B-NP B-PER B-PER");
        assert_eq!(lines[3], "Quell NNP I-NP I-PER I-PER");
    }

    #[test]
    fn name_core_drops_descriptions_determiners_and_honorifics() {
        let toks = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(name_core(&toks("Lowmoor automaker Velloway")), Some((2, 3)));
        assert_eq!(name_core(&toks("the Bank of Norvania")), Some((1, 4)));
        assert_eq!(name_core(&toks("Mr Quell")), Some((1, 2)));
        assert_eq!(name_core(&toks("the company")), None);
    }

    #[test]
    fn counter_scores_exact_span_and_type() {
        let mut c = Counter::default();
        c.add(
            &[(0, 2, "PER"), (4, 5, "LOC")],
            &[(0, 2, "PER"), (4, 5, "ORG"), (6, 7, "MISC")],
        );
        let r = c.report("rules", 1, 8, 0.0);
        assert_eq!((r.gold, r.predicted, r.correct), (2, 3, 1));
        assert!((r.precision - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.recall - 0.5).abs() < 1e-9);
        assert_eq!(r.per_type["PER"].f1, 1.0);
        assert_eq!(r.per_type["LOC"].f1, 0.0);
    }

    #[test]
    fn annotate_text_counts_code_points_and_gives_roles() {
        let text = "Ünder Eastbrook skies, Interior Secretary Ken Salvo spoke.";
        let spans = annotate_text(&Analyzer::new(None), text);
        let ken = spans
            .iter()
            .find(|v| v["text"] == "Ken Salvo")
            .unwrap_or_else(|| panic!("{spans:?}"));
        assert_eq!(ken["type"], "PER");
        assert_eq!(ken["role"], "Interior Secretary");
        let start = ken["start"].as_u64().unwrap() as usize;
        let chars: Vec<char> = text.chars().collect();
        let got: String = chars[start..start + 9].iter().collect();
        assert_eq!(got, "Ken Salvo");
    }
}
