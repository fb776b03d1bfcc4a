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

/// One benchmark page: id, URL, HTML and the reference body text.
struct Page {
    id: String,
    url: String,
    html: String,
    truth: String,
}

/// The ids (sorted) and entries of `ground-truth.json` in a benchmark folder.
fn read_truth(dir: &Path) -> Result<Vec<(String, serde_json::Value)>> {
    let truth_path = dir.join("ground-truth.json");
    let truth: HashMap<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(&truth_path)
            .with_context(|| format!("reading {}", truth_path.display()))?,
    )
    .with_context(|| format!("parsing {}", truth_path.display()))?;
    let mut entries: Vec<(String, serde_json::Value)> = truth.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

fn field(entry: &serde_json::Value, name: &str) -> String {
    entry[name].as_str().unwrap_or("").to_string()
}

/// Every page of a benchmark folder (`ground-truth.json` and `html/<id>.html.gz`), read and decoded.
fn read_pages(dir: &Path) -> Result<Vec<Page>> {
    read_truth(dir)?
        .into_iter()
        .map(|(id, entry)| {
            let path = dir.join("html").join(format!("{id}.html.gz"));
            let html =
                lede_fetch::files::read_html_file(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(Page {
                url: field(&entry, "url"),
                truth: field(&entry, "articleBody"),
                id,
                html,
            })
        })
        .collect()
}

/// The body text lede extracts from one page (`Err` when extraction fails).
fn extract_page(page: &Page) -> Result<String, lede_extract::ExtractError> {
    let doc = Document {
        url: page.url.clone(),
        html: Some(page.html.clone()),
        ..Default::default()
    };
    lede_extract::extract(&doc).map(|a| a.text)
}

/// Score the extractor on a benchmark folder (`ground-truth.json` and `html/<id>.html.gz`),
/// extracting every page `repeat` times for the timing.
pub fn evaluate(dir: &Path, repeat: usize) -> Result<ExtractionScore> {
    let pages = read_pages(dir)?;
    let mut outputs = vec![String::new(); pages.len()];
    let mut failures = 0;
    let start = Instant::now();
    for round in 0..repeat.max(1) {
        for (i, page) in pages.iter().enumerate() {
            match extract_page(page) {
                Ok(text) => outputs[i] = text,
                Err(_) if round == 0 => failures += 1,
                Err(_) => {}
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64().max(1e-9);
    let scored: Vec<(&str, &str, &str)> = pages
        .iter()
        .zip(&outputs)
        .map(|(p, out)| (p.id.as_str(), out.as_str(), p.truth.as_str()))
        .collect();
    let mut score = score_outputs(&scored);
    score.failures = failures;
    score.pages_per_second = (pages.len() * repeat.max(1)) as f64 / elapsed;
    Ok(score)
}

/// Score another extractor's output with the same metric: `predictions/<id>.txt`
/// holds its body text for page `<id>` of the benchmark folder `data`; a missing
/// file counts as empty output (and as a failure). `pages_per_second` is 0: the
/// other tool times itself.
pub fn score_predictions(data: &Path, predictions: &Path) -> Result<ExtractionScore> {
    let truth = read_truth(data)?;
    let mut failures = 0;
    let mut texts = Vec::with_capacity(truth.len());
    for (id, entry) in &truth {
        let path = predictions.join(format!("{id}.txt"));
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                failures += 1;
                String::new()
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        texts.push((id.as_str(), text, field(entry, "articleBody")));
    }
    let scored: Vec<(&str, &str, &str)> = texts
        .iter()
        .map(|(id, out, truth)| (*id, out.as_str(), truth.as_str()))
        .collect();
    let mut score = score_outputs(&scored);
    score.failures = failures;
    Ok(score)
}

/// Write lede's extraction of every page of the benchmark folder `data` to
/// `out/<id>.txt` (empty file when extraction fails), for reading the pages
/// it gets wrong or scoring later with [`score_predictions`]. Returns the
/// number of pages written.
pub fn write_predictions(data: &Path, out: &Path) -> Result<usize> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let pages = read_pages(data)?;
    for page in &pages {
        let text = extract_page(page).unwrap_or_default();
        let path = out.join(format!("{}.txt", page.id));
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(pages.len())
}

/// Precision, recall and F1 over (id, predicted, truth) triples; timing and
/// failures are left at 0 for the caller.
fn score_outputs(pages: &[(&str, &str, &str)]) -> ExtractionScore {
    let mut per_page = Vec::new();
    let (mut psum, mut pn, mut rsum) = (0.0, 0usize, 0.0);
    for (id, out, truth) in pages {
        let (p, r) = page_scores(out, truth);
        if let Some(p) = p {
            psum += p;
            pn += 1;
        }
        rsum += r;
        per_page.push((id.to_string(), p, r));
    }
    let precision = if pn > 0 { psum / pn as f64 } else { 0.0 };
    let recall = rsum / pages.len().max(1) as f64;
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    ExtractionScore {
        pages: pages.len(),
        precision,
        recall,
        f1,
        pages_per_second: 0.0,
        failures: 0,
        per_page,
    }
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
