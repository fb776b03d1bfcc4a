//! Term vocabulary, streaming document frequencies and document term vectors.

use std::collections::HashMap;

use lede_text::{is_stopword, stem, words};

/// FxHash (as in rustc): a fast non-cryptographic hasher for the word tables,
/// which see every word of every article. Inputs are not adversarial enough here
/// to need SipHash's flooding resistance.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let x = u64::from_le_bytes(c.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxBuild = std::hash::BuildHasherDefault<FxHasher>;
pub(crate) type FxMap<K, V> = HashMap<K, V, FxBuild>;

/// A sparse vector: `(term id, weight)` sorted by term id, no duplicates.
pub(crate) type SparseVec = Vec<(u32, f32)>;

/// Interned stems with their document frequencies over the stream so far.
#[derive(Debug, Default, Clone)]
pub(crate) struct Vocab {
    /// Lower-cased surface word -> term id (`None` for stop words), so each word
    /// is stemmed once.
    words: FxMap<String, Option<u32>>,
    stems: FxMap<String, u32>,
    df: Vec<u32>,
    /// `ln(df + 1)` per term and `ln(N + 1)`, kept up to date so `idf` is a subtraction.
    ln_df1: Vec<f32>,
    ln_n1: f32,
    n_docs: u32,
}

impl Vocab {
    /// Term id of a word, or `None` for stop words and 1-character words.
    fn term(&mut self, word: &str) -> Option<u32> {
        if let Some(t) = self.words.get(word) {
            return *t;
        }
        let t = self.intern_word(word);
        self.words.insert(word.to_string(), t);
        t
    }

    fn intern_word(&mut self, lower: &str) -> Option<u32> {
        let cleaned: String = lower
            .trim_end_matches('.')
            .chars()
            .filter(|c| *c != '\'' && *c != '’')
            .collect();
        if cleaned.chars().count() < 2 || is_stopword(&cleaned) {
            return None;
        }
        let s = stem(&cleaned);
        let next = self.stems.len() as u32;
        let id = *self.stems.entry(s).or_insert(next);
        if id == next {
            self.df.push(0);
            self.ln_df1.push(0.0);
        }
        Some(id)
    }

    /// Record one document containing `terms` (each listed once).
    pub(crate) fn observe(&mut self, terms: impl Iterator<Item = u32>) {
        self.n_docs += 1;
        self.ln_n1 = (self.n_docs as f32 + 1.0).ln();
        for t in terms {
            let t = t as usize;
            self.df[t] += 1;
            self.ln_df1[t] = (self.df[t] as f32 + 1.0).ln();
        }
    }

    /// Smoothed inverse document frequency: `ln((N+1)/(df+1)) + 1`.
    pub(crate) fn idf(&self, term: u32) -> f32 {
        self.ln_n1 - self.ln_df1.get(term as usize).copied().unwrap_or(0.0) + 1.0
    }
}

/// Weights used when counting a document's terms.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TermWeights {
    pub title: f32,
    pub entity: f32,
    /// Body words after the first `lead_words` count `tail` each.
    pub lead_words: usize,
    pub tail: f32,
}

/// Is the word at byte `start` of `s` the first of a sentence (or of a quote)?
fn sentence_start(s: &str, start: usize) -> bool {
    for c in s[..start].chars().rev() {
        if c == '\n' {
            return true;
        }
        if c.is_whitespace() {
            continue;
        }
        return matches!(
            c,
            '.' | '!' | '?' | ':' | ';' | '"' | '\'' | '`' | '“' | '‘' | '(' | '-' | '—'
        );
    }
    true
}

/// Weighted counts of the terms of `text` into `acc`. Capitalised words inside a
/// sentence (names of people, places, organisations) count `entity` times.
fn count_terms(
    vocab: &mut Vocab,
    text: &str,
    weight: f32,
    entity: f32,
    lead: (usize, f32),
    acc: &mut FxMap<u32, f32>,
) {
    let mut lower = String::new();
    for (i, tok) in words(text).into_iter().enumerate() {
        let weight = if i < lead.0 { weight } else { weight * lead.1 };
        lower.clear();
        lower.extend(tok.text.chars().flat_map(char::to_lowercase));
        let Some(t) = vocab.term(&lower) else {
            continue;
        };
        let cap = tok.text.chars().next().is_some_and(char::is_uppercase);
        let w = if cap && entity != 1.0 && !sentence_start(text, tok.start) {
            weight * entity
        } else {
            weight
        };
        *acc.entry(t).or_insert(0.0) += w;
    }
}

/// Term frequencies of a document (title counted `title` times per word), with
/// sublinear scaling `1 + ln(count)`. Sorted by term id.
pub(crate) fn term_frequencies(
    vocab: &mut Vocab,
    title: &str,
    text: &str,
    w: TermWeights,
) -> SparseVec {
    let mut acc: FxMap<u32, f32> = FxMap::default();
    // Titles are often Title Case, so no entity boost there.
    count_terms(vocab, title, w.title, 1.0, (usize::MAX, 1.0), &mut acc);
    count_terms(vocab, text, 1.0, w.entity, (w.lead_words, w.tail), &mut acc);
    let mut tf: SparseVec = acc
        .into_iter()
        .map(|(t, c)| (t, 1.0 + c.max(1.0).ln()))
        .collect();
    tf.sort_unstable_by_key(|&(t, _)| t);
    tf
}

/// Keep the `n` entries with the largest `score`, re-sorted by term id.
pub(crate) fn keep_top(v: &mut SparseVec, n: usize, score: impl Fn(u32, f32) -> f32) {
    if v.len() > n {
        v.sort_unstable_by(|a, b| score(b.0, b.1).total_cmp(&score(a.0, a.1)));
        v.truncate(n);
        v.sort_unstable_by_key(|&(t, _)| t);
    }
}

/// L2 norm of a vector under a per-term scale.
pub(crate) fn norm(v: &[(u32, f32)], scale: impl Fn(u32) -> f32) -> f32 {
    v.iter()
        .map(|&(t, w)| {
            let x = w * scale(t);
            x * x
        })
        .sum::<f32>()
        .sqrt()
}

/// `Σ a_t b_t s_t` over the terms both sorted vectors hold.
pub(crate) fn dot(a: &[(u32, f32)], b: &[(u32, f32)], scale: impl Fn(u32) -> f32) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1 * scale(a[i].0);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// `acc += k * v` for sorted sparse vectors.
pub(crate) fn add_scaled(acc: &mut SparseVec, v: &[(u32, f32)], k: f32) {
    let mut out = Vec::with_capacity(acc.len() + v.len());
    let (mut i, mut j) = (0, 0);
    while i < acc.len() || j < v.len() {
        if j >= v.len() || (i < acc.len() && acc[i].0 < v[j].0) {
            out.push(acc[i]);
            i += 1;
        } else if i >= acc.len() || v[j].0 < acc[i].0 {
            out.push((v[j].0, v[j].1 * k));
            j += 1;
        } else {
            out.push((acc[i].0, acc[i].1 + v[j].1 * k));
            i += 1;
            j += 1;
        }
    }
    *acc = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_words_weigh_more_and_stop_words_vanish() {
        let mut v = Vocab::default();
        let w = TermWeights {
            title: 2.0,
            entity: 2.0,
            lead_words: 1000,
            tail: 1.0,
        };
        let tf = term_frequencies(&mut v, "", "The bridge in Eastbrook fell. Bridges fall.", w);
        let bridge = v.term("bridge").unwrap();
        let east = v.term("eastbrook").unwrap();
        assert!(v.term("the").is_none());
        let get = |t| tf.iter().find(|x| x.0 == t).unwrap().1;
        assert!((get(bridge) - (1.0 + 2f32.ln())).abs() < 1e-6);
        assert!((get(east) - (1.0 + 2f32.ln())).abs() < 1e-6);
    }

    #[test]
    fn sparse_ops() {
        let mut a = vec![(1, 1.0), (3, 2.0)];
        add_scaled(&mut a, &[(2, 1.0), (3, 1.0)], 2.0);
        assert_eq!(a, vec![(1, 1.0), (2, 2.0), (3, 4.0)]);
        assert_eq!(dot(&a, &[(3, 0.5), (9, 1.0)], |_| 1.0), 2.0);
        keep_top(&mut a, 2, |_, w| w);
        assert_eq!(a, vec![(2, 2.0), (3, 4.0)]);
    }
}
