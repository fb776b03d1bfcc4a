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

    /// Documents observed so far.
    pub(crate) fn docs(&self) -> u32 {
        self.n_docs
    }

    /// Smoothed inverse document frequency: `ln((N+1)/(df+1)) + 1`.
    pub(crate) fn idf(&self, term: u32) -> f32 {
        self.ln_n1 - self.ln_df1.get(term as usize).copied().unwrap_or(0.0) + 1.0
    }
}

/// How a document is cut into the clusterer's views.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ViewSpec {
    /// Body words (after the title) that belong to the lead view.
    pub lead_words: usize,
}

/// The term vectors of one document, one per view (raw weighted counts scaled
/// sublinearly, sorted by term id).
#[derive(Debug, Clone, Default)]
pub(crate) struct Views {
    /// Every word of title and body.
    pub body: SparseVec,
    /// Title and the first `lead_words` words of the body: what happened.
    pub lead: SparseVec,
    /// Names: capitalised words that are not merely sentence-initial.
    pub names: SparseVec,
    /// Numbers of title and body (years, dates, ages, counts): two events of
    /// one kind happen in other years, with other tolls.
    pub numbers: SparseVec,
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

fn finish(acc: FxMap<u32, f32>) -> SparseVec {
    let mut v: SparseVec = acc
        .into_iter()
        .map(|(t, c)| (t, 1.0 + c.max(1.0).ln()))
        .collect();
    v.sort_unstable_by_key(|&(t, _)| t);
    v
}

/// The three views of a document.
///
/// A capitalised word inside a sentence is a name (who, where). A capitalised
/// word that starts a sentence is one too unless the document also writes it in
/// lower case ("Rescue divers ..." vs "the rescue"). Title words are not taken
/// as names: titles are often in Title Case.
pub(crate) fn views(vocab: &mut Vocab, title: &str, text: &str, spec: ViewSpec) -> Views {
    let mut body: FxMap<u32, f32> = FxMap::default();
    let mut lead: FxMap<u32, f32> = FxMap::default();
    let mut names: FxMap<u32, f32> = FxMap::default();
    let mut numbers: FxMap<u32, f32> = FxMap::default();
    let mut lower = String::new();
    for tok in words(title) {
        lowercase_into(tok.text, &mut lower);
        if let Some(t) = vocab.term(&lower) {
            *body.entry(t).or_insert(0.0) += 1.0;
            *lead.entry(t).or_insert(0.0) += 1.0;
            if has_digit(tok.text) {
                *numbers.entry(t).or_insert(0.0) += 1.0;
            }
        }
    }
    // (term, capitalised, sentence-initial) per body word.
    let mut seen: Vec<(u32, bool, bool)> = Vec::new();
    let mut lowercase_terms: FxMap<u32, ()> = FxMap::default();
    for (i, tok) in words(text).into_iter().enumerate() {
        lowercase_into(tok.text, &mut lower);
        let Some(t) = vocab.term(&lower) else {
            continue;
        };
        *body.entry(t).or_insert(0.0) += 1.0;
        if i < spec.lead_words {
            *lead.entry(t).or_insert(0.0) += 1.0;
        }
        if has_digit(tok.text) {
            *numbers.entry(t).or_insert(0.0) += 1.0;
        }
        let first = tok.text.chars().next();
        let cap = first.is_some_and(char::is_uppercase);
        if first.is_some_and(char::is_lowercase) {
            lowercase_terms.insert(t, ());
        }
        if cap {
            seen.push((t, cap, sentence_start(text, tok.start)));
        }
    }
    for (t, _, initial) in seen {
        if !initial || !lowercase_terms.contains_key(&t) {
            *names.entry(t).or_insert(0.0) += 1.0;
        }
    }
    Views {
        body: finish(body),
        lead: finish(lead),
        names: finish(names),
        numbers: finish(numbers),
    }
}

/// `word` lower-cased into `out` (ASCII fast path: most words of English news).
fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

fn has_digit(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit())
}

/// Keep the `n` entries with the largest `score`, re-sorted by term id.
/// Scores are computed once and the top `n` selected in linear time: this runs
/// for every centroid on every article.
pub(crate) fn keep_top(v: &mut SparseVec, n: usize, score: impl Fn(u32, f32) -> f32) {
    if v.len() <= n {
        return;
    }
    if n == 0 {
        v.clear();
        return;
    }
    let mut scored: Vec<(f32, (u32, f32))> =
        v.iter().map(|&(t, w)| (score(t, w), (t, w))).collect();
    scored.select_nth_unstable_by(n - 1, |a, b| b.0.total_cmp(&a.0));
    v.clear();
    v.extend(scored[..n].iter().map(|x| x.1));
    v.sort_unstable_by_key(|&(t, _)| t);
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
    fn views_split_names_lead_and_body() {
        let mut v = Vocab::default();
        let views = views(
            &mut v,
            "Bridge falls",
            "Eastbrook bridge fell. Rescue crews from Eastbrook came. The rescue took 12 hours.",
            ViewSpec { lead_words: 3 },
        );
        let id = |v: &mut Vocab, w: &str| v.term(w).unwrap();
        let (bridge, east, rescue, hours) = (
            id(&mut v, "bridge"),
            id(&mut v, "eastbrook"),
            id(&mut v, "rescue"),
            id(&mut v, "hours"),
        );
        assert!(v.term("the").is_none());
        let has = |x: &SparseVec, t| x.iter().any(|e| e.0 == t);
        // Title word + body word: two counts, scaled sublinearly.
        let w = views.body.iter().find(|x| x.0 == bridge).unwrap().1;
        assert!((w - (1.0 + 2f32.ln())).abs() < 1e-6);
        assert!(has(&views.lead, bridge) && !has(&views.lead, hours));
        assert!(has(&views.body, hours));
        // Sentence-initial "Eastbrook" is a name; "Rescue" is not (also written "rescue").
        assert!(has(&views.names, east) && !has(&views.names, rescue));
        let twelve = id(&mut v, "12");
        assert_eq!(views.numbers, vec![(twelve, 1.0)]);
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
