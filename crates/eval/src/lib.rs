//! Evaluation of lede's stages on the public data sets in `../shared/data`,
//! each with the metric its authors (or the issue) define, so figures compare
//! with published ones. Nothing here is used by the pipeline itself.
//!
//! - [`extraction`]: article body extraction (Scrapinghub's article-extraction
//!   benchmark: 4-token shingle precision/recall).
//! - [`clustering`]: story clustering (pairwise and BCubed P/R/F1) on ECB+ and
//!   Timeline17.
//! - [`quotes`]: quote attribution on PolNeAR (content found at 30%/80% cover,
//!   speaker overlap).
//! - [`timex`]: time expressions on TimeML (TempEval-3 task A).
//! - [`summary`]: multi-document summaries (Multi-News) with ROUGE.
//! - [`verifier`]: the faithfulness check against injected errors.
//! - [`entities`]: named entities on CoNLL-2003 (conlleval) and MEANTIME.

pub mod clustering;
pub mod entities;
pub mod extraction;
pub mod quotes;
pub mod summary;
pub mod timeline;
pub mod timex;
pub mod topics;
pub mod verifier;

/// A small deterministic shuffle (xorshift64*), so evaluation orders are
/// reproducible without a random-number dependency.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..items.len()).rev() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
        items.swap(i, (r % (i as u64 + 1)) as usize);
    }
}

/// Mean and (population) standard deviation.
pub fn mean_std(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len() as f64;
    (m, v.sqrt())
}
