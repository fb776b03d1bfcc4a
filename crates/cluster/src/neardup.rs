//! Near-duplicate (wire copy) detection: MinHash over word 5-shingles with LSH.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use lede_model::{Article, ArticleId};
use lede_text::words;

/// Words per shingle.
const SHINGLE: usize = 5;
/// MinHash signature length.
const HASHES: usize = 64;
/// LSH bands of `ROWS` hashes each. With 32 bands of 2 rows, a pair with Jaccard
/// 0.3 becomes a candidate with probability 1-(1-0.3²)³² = 0.95 (0.9999 at 0.5),
/// while unrelated articles (Jaccard ~0.01) almost never do.
const ROWS: usize = 2;
const BANDS: usize = HASHES / ROWS;

/// Near-duplicate detector for article bodies.
///
/// Two bodies are near-duplicates when the estimated Jaccard similarity of their
/// sets of 5-word shingles (lower-cased words) is at least 0.5, or when one is
/// nearly contained in the other (estimated containment >= 0.85 with Jaccard >=
/// 0.3: a wire story cut short or with a paragraph added). Small edits such as a
/// changed headline, a byline, or a few reworded sentences keep a copy well
/// above these; two outlets' independent reports of one event share few 5-word
/// runs (Jaccard < 0.1).
///
/// Memory is bounded: the detector forgets articles beyond its capacity and,
/// with a window ([`NearDuplicates::with_window`]), articles older than the
/// window before the newest one seen, oldest arrivals first.
#[derive(Debug, Clone)]
pub struct NearDuplicates {
    buckets: HashMap<(u8, u64), Vec<ArticleId>>,
    docs: HashMap<ArticleId, Entry>,
    /// Remembered articles in arrival order, with their time (seconds).
    order: VecDeque<(ArticleId, Option<i64>)>,
    capacity: usize,
    /// Forget articles this many seconds older than `newest`.
    window: Option<i64>,
    newest: Option<i64>,
}

#[derive(Debug, Clone)]
struct Entry {
    sig: [u64; HASHES],
    shingles: usize,
    /// The first copy this article duplicates (itself when original).
    root: ArticleId,
}

impl Default for NearDuplicates {
    fn default() -> Self {
        Self::new()
    }
}

const JACCARD: f32 = 0.5;
const CONTAINMENT: f32 = 0.85;
const MIN_JACCARD_CONTAINED: f32 = 0.3;

impl NearDuplicates {
    /// A detector remembering the latest 200,000 articles.
    pub fn new() -> Self {
        Self::with_capacity(200_000)
    }

    /// A detector remembering the latest `capacity` articles (older ones are forgotten).
    pub fn with_capacity(capacity: usize) -> Self {
        NearDuplicates {
            buckets: HashMap::new(),
            docs: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
            window: None,
            newest: None,
        }
    }

    /// A detector remembering at most `capacity` articles, and forgetting those
    /// published more than `window` before the newest article seen (wire
    /// copies follow their original within days). Times come from
    /// [`NearDuplicates::check_and_insert_at`].
    pub fn with_window(capacity: usize, window: chrono::Duration) -> Self {
        NearDuplicates {
            window: Some(window.num_seconds().max(0)),
            ..Self::with_capacity(capacity)
        }
    }

    /// Number of articles remembered.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether no article is remembered.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Returns the id of an earlier near-duplicate, if any (the first copy of the
    /// text when there are several), and remembers this article. Texts with no
    /// words are neither matched nor remembered.
    pub fn check_and_insert(&mut self, id: ArticleId, text: &str) -> Option<ArticleId> {
        self.check_and_insert_at(id, text, None)
    }

    /// [`NearDuplicates::check_and_insert`] for an article published at
    /// `published`, which moves the window forward (an undated article counts
    /// as published with the newest seen).
    pub fn check_and_insert_at(
        &mut self,
        id: ArticleId,
        text: &str,
        published: Option<DateTime<Utc>>,
    ) -> Option<ArticleId> {
        let time = published.map(|t| t.timestamp());
        if let Some(t) = time {
            self.newest = Some(self.newest.map_or(t, |n| n.max(t)));
        }
        // Articles out of the window are not matched any more.
        self.retire();
        let (sig, shingles) = signature(text)?;
        let mut best: Option<(f32, ArticleId)> = None;
        let mut seen: Vec<ArticleId> = Vec::new();
        for (b, key) in band_keys(&sig) {
            let Some(list) = self.buckets.get(&(b, key)) else {
                continue;
            };
            for &other in list {
                if other == id || seen.contains(&other) {
                    continue;
                }
                seen.push(other);
                let e = &self.docs[&other];
                let j = sig.iter().zip(e.sig.iter()).filter(|(a, b)| a == b).count() as f32
                    / HASHES as f32;
                // |A∩B| = J (|A|+|B|) / (1+J); containment = |A∩B| / min(|A|,|B|).
                let inter = j * (shingles + e.shingles) as f32 / (1.0 + j);
                let c = inter / shingles.min(e.shingles) as f32;
                let dup = j >= JACCARD || (c >= CONTAINMENT && j >= MIN_JACCARD_CONTAINED);
                if dup && best.is_none_or(|(bj, bid)| j > bj || (j == bj && e.root < bid)) {
                    best = Some((j, e.root));
                }
            }
        }
        let root = best.map(|(_, r)| r);
        if self.docs.contains_key(&id) {
            return root;
        }
        for (b, key) in band_keys(&sig) {
            self.buckets.entry((b, key)).or_default().push(id);
        }
        self.docs.insert(
            id,
            Entry {
                sig,
                shingles,
                root: root.unwrap_or(id),
            },
        );
        self.order.push_back((id, time.or(self.newest)));
        self.retire();
        root
    }

    /// Forget the oldest arrivals beyond the capacity or out of the window.
    fn retire(&mut self) {
        while let Some(&(old, t)) = self.order.front() {
            let stale = match (self.window, self.newest, t) {
                (Some(w), Some(newest), Some(t)) => newest - t > w,
                _ => false,
            };
            if self.order.len() <= self.capacity && !stale {
                break;
            }
            self.order.pop_front();
            self.forget(old);
        }
    }

    fn forget(&mut self, id: ArticleId) {
        if let Some(e) = self.docs.remove(&id) {
            for key in band_keys(&e.sig) {
                if let Some(list) = self.buckets.get_mut(&key) {
                    list.retain(|x| *x != id);
                    if list.is_empty() {
                        self.buckets.remove(&key);
                    }
                }
            }
        }
    }
}

fn band_keys(sig: &[u64; HASHES]) -> impl Iterator<Item = (u8, u64)> + '_ {
    (0..BANDS).map(move |b| {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ b as u64;
        for r in 0..ROWS {
            h = mix(h ^ sig[b * ROWS + r]);
        }
        (b as u8, h)
    })
}

/// SplitMix64 finaliser: a fast, well-mixed 64-bit hash.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn word_hash(w: &str) -> u64 {
    // FNV-1a over the lower-cased bytes, then mixed.
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    if w.is_ascii() {
        // Same bytes as the general path below, without per-char decoding.
        for b in w.bytes() {
            h ^= b.to_ascii_lowercase() as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        return mix(h);
    }
    for c in w.chars().flat_map(char::to_lowercase) {
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    mix(h)
}

/// MinHash signature of the 5-shingles of `text` and the number of distinct shingles.
fn signature(text: &str) -> Option<([u64; HASHES], usize)> {
    let hashes: Vec<u64> = words(text).iter().map(|t| word_hash(t.text)).collect();
    if hashes.is_empty() {
        return None;
    }
    let n = SHINGLE.min(hashes.len());
    let mut shingles: Vec<u64> = hashes
        .windows(n)
        .map(|w| w.iter().fold(0u64, |h, x| mix(h.rotate_left(17) ^ x)))
        .collect();
    shingles.sort_unstable();
    shingles.dedup();
    let mut sig = [u64::MAX; HASHES];
    // The i-th hash of a shingle is a + i·b from two independent hashes of it
    // (double hashing, Kirsch & Mitzenmacher 2006): one add per hash instead
    // of a full mix, which made signatures a quarter of the benchmark's time.
    for &s in &shingles {
        let a = mix(s ^ SEEDS[0]);
        let b = mix(s ^ SEEDS[1]) | 1;
        let mut h = a;
        for slot in sig.iter_mut() {
            *slot = (*slot).min(h);
            h = h.wrapping_add(b);
        }
    }
    Some((sig, shingles.len()))
}

/// Per-hash seeds (SplitMix64 sequence from a fixed start).
const SEEDS: [u64; HASHES] = seeds();

const fn seeds() -> [u64; HASHES] {
    let mut out = [0u64; HASHES];
    let mut x: u64 = 0x1ede_c1a5_7e25_0001;
    let mut i = 0;
    while i < HASHES {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out[i] = z ^ (z >> 31);
        i += 1;
    }
    out
}

/// Wire copies among a story's articles: article -> the earlier article it
/// nearly duplicates (articles taken oldest first, ties by id).
pub fn wire_copies(articles: &[Article]) -> HashMap<ArticleId, ArticleId> {
    let mut sorted: Vec<&Article> = articles.iter().collect();
    sorted.sort_by_key(|a| (a.published, a.id));
    let mut index = NearDuplicates::new();
    let mut copies = HashMap::new();
    for a in sorted {
        if let Some(original) = index.check_and_insert(a.id, &a.text) {
            copies.insert(a.id, original);
        }
    }
    copies
}
