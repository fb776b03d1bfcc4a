//! Body-text extraction scored as Scrapinghub's article-extraction benchmark
//! does: tokens are runs of Unicode letters, digits and `_` (case kept), texts
//! become multisets of 4-token shingles, and each page gets precision and
//! recall of the shingles; precision and recall are averaged over pages (pages
//! with empty output are skipped for precision), and F1 is taken of the means.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use lede_model::Document;

/// Shingle size of the benchmark.
const SHINGLE: usize = 4;

fn tokens(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect()
}

fn shingles(s: &str) -> HashMap<Vec<&str>, usize> {
    let toks = tokens(s);
    let mut out: HashMap<Vec<&str>, usize> = HashMap::new();
    if toks.is_empty() {
        return out;
    }
    if toks.len() < SHINGLE {
        out.insert(toks, 1);
        return out;
    }
    for w in toks.windows(SHINGLE) {
        *out.entry(w.to_vec()).or_default() += 1;
    }
    out
}

/// Precision (None when the prediction is empty) and recall of one page.
pub fn page_scores(predicted: &str, truth: &str) -> (Option<f64>, f64) {
    let p = shingles(predicted);
    let t = shingles(truth);
    let np: usize = p.values().sum();
    let nt: usize = t.values().sum();
    let tp: usize = p
        .iter()
        .map(|(k, n)| (*n).min(t.get(k).copied().unwrap_or(0)))
        .sum();
    let precision = (np > 0).then(|| tp as f64 / np as f64);
    let recall = if nt == 0 {
        f64::from(u8::from(np == 0))
    } else {
        tp as f64 / nt as f64
    };
    (precision, recall)
}

/// The result of one evaluation run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExtractionScore {
    pub pages: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Pages per second of extraction alone (reading and scoring excluded), one core.
    pub pages_per_second: f64,
    /// Pages whose extraction failed outright.
    pub failures: usize,
    /// Per-page (id, precision, recall), for reading the pages it gets wrong.
    pub per_page: Vec<(String, Option<f64>, f64)>,
}

/// Score the extractor on a benchmark folder (`ground-truth.json` and `html/<id>.html.gz`),
/// extracting every page `repeat` times for the timing.
pub fn evaluate(dir: &Path, repeat: usize) -> Result<ExtractionScore> {
    let truth_path = dir.join("ground-truth.json");
    let truth: HashMap<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(&truth_path)
            .with_context(|| format!("reading {}", truth_path.display()))?,
    )
    .with_context(|| format!("parsing {}", truth_path.display()))?;
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();

    let mut pages = Vec::new();
    for id in ids {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let html = lede_fetch::files::read_html_file(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
        let url = truth[id]["url"].as_str().unwrap_or("").to_string();
        let body = truth[id]["articleBody"].as_str().unwrap_or("").to_string();
        pages.push((id.clone(), url, html, body));
    }

    let mut outputs = vec![String::new(); pages.len()];
    let mut failures = 0;
    let start = Instant::now();
    for round in 0..repeat.max(1) {
        for (i, (_, url, html, _)) in pages.iter().enumerate() {
            let doc = Document {
                url: url.clone(),
                html: Some(html.clone()),
                ..Default::default()
            };
            match lede_extract::extract(&doc) {
                Ok(a) => outputs[i] = a.text,
                Err(_) if round == 0 => failures += 1,
                Err(_) => {}
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64().max(1e-9);

    let mut per_page = Vec::new();
    let (mut psum, mut pn, mut rsum) = (0.0, 0usize, 0.0);
    for ((id, _, _, truth), out) in pages.iter().zip(&outputs) {
        let (p, r) = page_scores(out, truth);
        if let Some(p) = p {
            psum += p;
            pn += 1;
        }
        rsum += r;
        per_page.push((id.clone(), p, r));
    }
    let precision = if pn > 0 { psum / pn as f64 } else { 0.0 };
    let recall = rsum / pages.len().max(1) as f64;
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Ok(ExtractionScore {
        pages: pages.len(),
        precision,
        recall,
        f1,
        pages_per_second: (pages.len() * repeat.max(1)) as f64 / elapsed,
        failures,
        per_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_text_scores_one() {
        let (p, r) = page_scores(
            "the harbor bridge opened today",
            "the harbor bridge opened today",
        );
        assert_eq!(p, Some(1.0));
        assert_eq!(r, 1.0);
    }

    #[test]
    fn empty_prediction_has_no_precision() {
        let (p, r) = page_scores("", "one two three four five");
        assert_eq!(p, None);
        assert_eq!(r, 0.0);
    }

    #[test]
    fn repeats_count_and_case_is_kept() {
        // Truth has the shingle twice, the prediction once: recall 1/2.
        let (p, r) = page_scores("a b c d", "a b c d. a b c d");
        assert_eq!(p, Some(1.0));
        assert!(r > 0.0 && r < 1.0);
        let (p, _) = page_scores("A B C D", "a b c d");
        assert_eq!(p, Some(0.0));
    }
}
