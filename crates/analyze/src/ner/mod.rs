//! A named-entity tagger that the project trains itself.
//!
//! [`EntityModel`] is a first-order structured perceptron (averaged weights,
//! Viterbi decoding over IOB2 tags with the IOB2 constraints built in) over
//! hashed sparse features: the word, its lower-case form, shape and affixes,
//! the words and shapes around it, whether it opens the sentence or sits in a
//! headline, how the same word is written elsewhere in the document, and which
//! names of the training data it is part of (a gazetteer learnt from the
//! annotations, built fold by fold during training so the tagger does not learn
//! to trust it blindly).
//!
//! Training reads CoNLL-2003 style data ([`read_conll`]); the model is saved as
//! one little-endian file with a version header and a CRC-32, and
//! [`EntityModel::load`] rejects any other file with a [`ModelError`].
//! [`tokenize`] splits plain text into the tokens the tagger expects.

mod features;
mod tokenize;

pub use tokenize::{normalize, tokenize, TokenSpan};

use features::{DocFeatures, Extractor, Gazetteer, Scratch, TYPES};
use std::path::{Path, PathBuf};

/// Number of IOB2 tags: `O` and B-/I- for the four types.
const N_TAGS: usize = 1 + 2 * TYPES.len();

/// The tag names, indexed by tag id: `O`, then `B-` and `I-` for PER, ORG,
/// LOC and MISC.
pub const TAG_NAMES: [&str; N_TAGS] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];

const MAGIC: &[u8; 8] = b"LEDENER\0";
const FORMAT_VERSION: u32 = 2;

/// Why a model or training file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not an entity model at all.
    #[error("not a lede entity model (bad magic bytes)")]
    NotAModel,
    /// A model from another version of lede.
    #[error(
        "entity model format {found}/features {found_features} is not supported \
         (expected {expected}/{expected_features}); retrain it with `lede train entities`"
    )]
    Version {
        found: u32,
        found_features: u32,
        expected: u32,
        expected_features: u32,
    },
    /// The file is cut short or its checksum does not match.
    #[error("entity model is corrupt: {0}")]
    Corrupt(&'static str),
    /// A line of training data whose tag is not IOB PER/ORG/LOC/MISC.
    #[error("line {line}: unknown entity tag {tag:?}")]
    BadTag { line: usize, tag: String },
}

/// One sentence with its gold IOB2 tags (same length as `tokens`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedSentence {
    pub tokens: Vec<String>,
    pub tags: Vec<String>,
}

/// The sentences of one document, in order.
pub type TaggedDocument = Vec<TaggedSentence>;

/// Read CoNLL-2003 style text: one token a line with the tag in the last
/// column, a blank line between sentences, `-DOCSTART-` between documents.
/// IOB1 tags (an `I-` opening a name) are converted to IOB2.
pub fn read_conll(text: &str) -> Result<Vec<TaggedDocument>, ModelError> {
    let mut docs: Vec<TaggedDocument> = Vec::new();
    let mut doc: TaggedDocument = Vec::new();
    let mut sent = TaggedSentence {
        tokens: Vec::new(),
        tags: Vec::new(),
    };
    let flush_sent = |sent: &mut TaggedSentence, doc: &mut TaggedDocument| {
        if !sent.tokens.is_empty() {
            doc.push(std::mem::replace(
                sent,
                TaggedSentence {
                    tokens: Vec::new(),
                    tags: Vec::new(),
                },
            ));
        }
    };
    for (ln, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            flush_sent(&mut sent, &mut doc);
            continue;
        }
        let token = line.split_whitespace().next().unwrap_or("");
        if token == "-DOCSTART-" {
            flush_sent(&mut sent, &mut doc);
            if !doc.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        let tag = line.split_whitespace().last().unwrap_or("O");
        let mut id = tag_id(tag).ok_or_else(|| ModelError::BadTag {
            line: ln + 1,
            tag: tag.to_string(),
        })?;
        // IOB1 -> IOB2: an I- that does not continue a name of its type opens one.
        if is_inside(id) {
            let prev = sent.tags.last().and_then(|t| tag_id(t)).unwrap_or(0);
            if prev == 0 || type_of(prev) != type_of(id) {
                id -= 1;
            }
        }
        sent.tokens.push(token.to_string());
        sent.tags.push(TAG_NAMES[id as usize].to_string());
    }
    flush_sent(&mut sent, &mut doc);
    if !doc.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

/// Tag id of an IOB tag name (`O`, `B-PER`, `I-LOC`, ...).
fn tag_id(tag: &str) -> Option<u8> {
    TAG_NAMES.iter().position(|t| *t == tag).map(|i| i as u8)
}

/// Type index (into `TYPES`) of a non-O tag id.
fn type_of(id: u8) -> usize {
    (id as usize - 1) / 2
}

/// Whether a tag id is an `I-` tag (ids: `O` 0, then `B-` odd, `I-` even).
fn is_inside(id: u8) -> bool {
    id > 0 && id.is_multiple_of(2)
}

/// Whether tag `cur` may follow tag `prev` (`None`: sentence start) in IOB2.
fn allowed(prev: Option<u8>, cur: u8) -> bool {
    if !is_inside(cur) {
        return true;
    }
    matches!(prev, Some(p) if p != 0 && type_of(p) == type_of(cur))
}

/// Name spans `(start, end, type index)` of a valid IOB2 tag sequence.
fn spans_of(tags: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        if tags[i] == 0 {
            i += 1;
            continue;
        }
        let ty = type_of(tags[i]);
        let mut j = i + 1;
        while j < tags.len() && is_inside(tags[j]) && type_of(tags[j]) == ty {
            j += 1;
        }
        out.push((i, j, ty));
        i = j;
    }
    out
}

/// Name spans of a tag sequence as `(first token, end token, type)`, with the
/// type as `PER`, `ORG`, `LOC` or `MISC`. Unknown tags count as `O`.
pub fn entity_spans<S: AsRef<str>>(tags: &[S]) -> Vec<(usize, usize, &'static str)> {
    let mut ids: Vec<u8> = tags
        .iter()
        .map(|t| tag_id(t.as_ref()).unwrap_or(0))
        .collect();
    for i in 0..ids.len() {
        if !allowed(i.checked_sub(1).map(|p| ids[p]), ids[i]) {
            ids[i] -= 1;
        }
    }
    spans_of(&ids)
        .into_iter()
        .map(|(a, b, ty)| (a, b, TYPES[ty]))
        .collect()
}

/// Settings for [`EntityModel::train`].
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Passes over the training data.
    pub epochs: usize,
    /// The weight table has `2^hash_bits` rows of one weight per tag.
    pub hash_bits: u32,
    /// The gazetteer features of each training document come from the names
    /// of the other folds, so they are as reliable in training as on new text.
    pub folds: usize,
    /// Seed of the document order shuffles.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            hash_bits: 18,
            folds: 4,
            seed: 7,
        }
    }
}

/// A trained entity tagger. See the module documentation.
#[derive(Clone)]
pub struct EntityModel {
    hash_bits: u32,
    /// `2^hash_bits` rows of `N_TAGS` weights, quantised: a weight is
    /// `weights[i] as f32 * scale` (half the memory of `f32`, so more of the
    /// table stays in cache, and the sums are integer adds).
    weights: Vec<i16>,
    scale: f32,
    /// `transitions[prev][cur]`; row `N_TAGS` is the sentence start.
    transitions: [[f32; N_TAGS]; N_TAGS + 1],
    gazetteer: Gazetteer,
}

impl std::fmt::Debug for EntityModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntityModel")
            .field("hash_bits", &self.hash_bits)
            .field("gazetteer_names", &self.gazetteer.len())
            .finish_non_exhaustive()
    }
}

/// Training-time copy of one document: features, gold tags, sentence bounds.
struct TrainDoc {
    feats: DocFeatures,
    gold: Vec<u8>,
    /// Token ranges of the sentences.
    sentences: Vec<(usize, usize)>,
}

/// A small deterministic generator for shuffles (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, (self.next() % (i as u64 + 1)) as usize);
        }
    }
}

impl EntityModel {
    /// Train on documents of tagged sentences (see [`read_conll`]).
    pub fn train(docs: &[TaggedDocument], options: &TrainOptions) -> EntityModel {
        let bits = options.hash_bits.clamp(10, 28);
        let folds = options.folds.max(1);
        let mut scratch = Scratch::default();
        let gold: Vec<Vec<Vec<u8>>> = docs
            .iter()
            .map(|d| {
                d.iter()
                    .map(|s| s.tags.iter().map(|t| tag_id(t).unwrap_or(0)).collect())
                    .collect()
            })
            .collect();
        // One gazetteer per fold (names of the other folds) and one of all.
        let mut full = Gazetteer::default();
        let mut per_fold: Vec<Gazetteer> = vec![Gazetteer::default(); folds];
        for (di, d) in docs.iter().enumerate() {
            for (si, s) in d.iter().enumerate() {
                features::add_names(&mut full, &s.tokens, &gold[di][si], &mut scratch);
                if folds > 1 {
                    for (k, g) in per_fold.iter_mut().enumerate() {
                        if k != di % folds {
                            features::add_names(g, &s.tokens, &gold[di][si], &mut scratch);
                        }
                    }
                }
            }
        }
        let mut train_docs = Vec::with_capacity(docs.len());
        for (di, d) in docs.iter().enumerate() {
            let gaz = if folds > 1 {
                &per_fold[di % folds]
            } else {
                &full
            };
            let mut ex = Extractor::new(gaz, bits);
            let sents: Vec<Vec<&str>> = d
                .iter()
                .map(|s| s.tokens.iter().map(String::as_str).collect())
                .collect();
            let mut feats = DocFeatures::default();
            ex.document(&sents, &mut feats);
            let mut sentences = Vec::with_capacity(d.len());
            let mut pos = 0;
            for s in d {
                sentences.push((pos, pos + s.tokens.len()));
                pos += s.tokens.len();
            }
            train_docs.push(TrainDoc {
                feats,
                gold: gold[di].concat(),
                sentences,
            });
        }
        drop(per_fold);

        let mut model = EntityModel {
            hash_bits: bits,
            weights: Vec::new(),
            scale: 1.0,
            transitions: [[0.0; N_TAGS]; N_TAGS + 1],
            gazetteer: full,
        };
        let mut weights = vec![0.0f32; (1usize << bits) * N_TAGS];
        // Averaging: `acc` sums each update times the step it happened at, so
        // the average is `w - acc / steps` (Daumé's trick).
        let mut acc_w = vec![0.0f32; weights.len()];
        let mut acc_t = [[0.0f32; N_TAGS]; N_TAGS + 1];
        let mut step = 1.0f32;
        let mut rng = Rng(options.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut order: Vec<usize> = (0..train_docs.len()).collect();
        let mut emissions = Vec::new();
        let mut pred = Vec::new();
        let mut back = Vec::new();
        for _ in 0..options.epochs {
            rng.shuffle(&mut order);
            for &di in &order {
                let doc = &train_docs[di];
                for &(a, b) in &doc.sentences {
                    float_emissions(&weights, &doc.feats, a, b, &mut emissions);
                    let trans = model.masked_transitions();
                    EntityModel::viterbi(&trans, &emissions, &mut back, &mut pred);
                    let gold = &doc.gold[a..b];
                    if pred.as_slice() != gold {
                        for i in 0..b - a {
                            let (g, p) = (gold[i] as usize, pred[i] as usize);
                            if g != p {
                                for &r in doc.feats.token(a + i) {
                                    let base = r as usize * N_TAGS;
                                    weights[base + g] += 1.0;
                                    weights[base + p] -= 1.0;
                                    acc_w[base + g] += step;
                                    acc_w[base + p] -= step;
                                }
                            }
                            let gp = if i == 0 { N_TAGS } else { gold[i - 1] as usize };
                            let pp = if i == 0 { N_TAGS } else { pred[i - 1] as usize };
                            if (gp, g) != (pp, p) {
                                model.transitions[gp][g] += 1.0;
                                model.transitions[pp][p] -= 1.0;
                                acc_t[gp][g] += step;
                                acc_t[pp][p] -= step;
                            }
                        }
                    }
                    step += 1.0;
                }
            }
        }
        for (w, a) in weights.iter_mut().zip(&acc_w) {
            *w -= a / step;
        }
        let max = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        model.scale = if max > 0.0 {
            max / i16::MAX as f32
        } else {
            1.0
        };
        model.weights = weights
            .iter()
            .map(|w| (w / model.scale).round() as i16)
            .collect();
        for (row, arow) in model.transitions.iter_mut().zip(&acc_t) {
            for (w, a) in row.iter_mut().zip(arow) {
                *w -= a / step;
            }
        }
        model
    }

    /// Emission scores of tokens `a..b` of a document, `N_TAGS` per token.
    fn emissions(&self, feats: &DocFeatures, a: usize, b: usize, out: &mut Vec<f32>) {
        out.clear();
        out.resize((b - a) * N_TAGS, 0.0);
        for (k, scores) in out.chunks_exact_mut(N_TAGS).enumerate() {
            let mut sum = [0i32; N_TAGS];
            for &r in feats.token(a + k) {
                let row = &self.weights[r as usize * N_TAGS..r as usize * N_TAGS + N_TAGS];
                for (s, w) in sum.iter_mut().zip(row) {
                    *s += *w as i32;
                }
            }
            for (s, v) in scores.iter_mut().zip(sum) {
                *s = v as f32 * self.scale;
            }
        }
    }

    /// The transition weights with the moves IOB2 forbids at minus infinity.
    fn masked_transitions(&self) -> [[f32; N_TAGS]; N_TAGS + 1] {
        let mut t = self.transitions;
        for (p, row) in t.iter_mut().enumerate() {
            let prev = (p < N_TAGS).then_some(p as u8);
            for (c, w) in row.iter_mut().enumerate() {
                if !allowed(prev, c as u8) {
                    *w = f32::NEG_INFINITY;
                }
            }
        }
        t
    }

    /// Best IOB2-valid tag sequence for the emission scores, given the
    /// transitions of [`EntityModel::masked_transitions`].
    fn viterbi(
        trans: &[[f32; N_TAGS]; N_TAGS + 1],
        emissions: &[f32],
        back: &mut Vec<[u8; N_TAGS]>,
        out: &mut Vec<u8>,
    ) {
        let n = emissions.len() / N_TAGS;
        out.clear();
        if n == 0 {
            return;
        }
        let mut score = [[f32::NEG_INFINITY; N_TAGS]; 2];
        back.clear();
        back.resize(n, [0u8; N_TAGS]);
        for c in 0..N_TAGS {
            score[0][c] = trans[N_TAGS][c] + emissions[c];
        }
        for i in 1..n {
            let (prev, cur) = if i % 2 == 1 { (0, 1) } else { (1, 0) };
            for c in 0..N_TAGS {
                let mut best = f32::NEG_INFINITY;
                let mut arg = 0u8;
                for p in 0..N_TAGS {
                    let s = score[prev][p] + trans[p][c];
                    if s > best {
                        best = s;
                        arg = p as u8;
                    }
                }
                score[cur][c] = best + emissions[i * N_TAGS + c];
                back[i][c] = arg;
            }
        }
        let last = &score[(n - 1) % 2];
        let mut best = 0;
        for c in 0..N_TAGS {
            if last[c] > last[best] {
                best = c;
            }
        }
        out.resize(n, 0);
        out[n - 1] = best as u8;
        for i in (1..n).rev() {
            out[i - 1] = back[i][out[i] as usize];
        }
    }

    /// Tag ids for every sentence of a document.
    fn tag_ids<S: AsRef<str>>(&self, sentences: &[Vec<S>]) -> Vec<Vec<u8>> {
        let mut ex = Extractor::new(&self.gazetteer, self.hash_bits);
        let mut feats = DocFeatures::default();
        ex.document(sentences, &mut feats);
        let mut emissions = Vec::new();
        let mut back = Vec::new();
        let trans = self.masked_transitions();
        let mut pos = 0;
        sentences
            .iter()
            .map(|s| {
                let mut tags = Vec::with_capacity(s.len());
                self.emissions(&feats, pos, pos + s.len(), &mut emissions);
                EntityModel::viterbi(&trans, &emissions, &mut back, &mut tags);
                pos += s.len();
                tags
            })
            .collect()
    }

    /// IOB2 tags (`O`, `B-PER`, `I-ORG`, ...) for one sentence on its own.
    pub fn tag(&self, tokens: &[&str]) -> Vec<String> {
        self.tag_document(&[tokens.to_vec()])
            .pop()
            .unwrap_or_default()
    }

    /// IOB2 tags for the sentences of one document; words written the same
    /// elsewhere in the document inform each other, so tagging a whole
    /// document at once is better than sentence by sentence.
    pub fn tag_document<S: AsRef<str>>(&self, sentences: &[Vec<S>]) -> Vec<Vec<String>> {
        self.tag_ids(sentences)
            .into_iter()
            .map(|s| {
                s.into_iter()
                    .map(|t| TAG_NAMES[t as usize].to_string())
                    .collect()
            })
            .collect()
    }

    /// Name spans per sentence as `(first token, end token, type)` with the
    /// type `PER`, `ORG`, `LOC` or `MISC` (no strings built per token).
    pub fn spans_document<S: AsRef<str>>(
        &self,
        sentences: &[Vec<S>],
    ) -> Vec<Vec<(usize, usize, &'static str)>> {
        self.tag_ids(sentences)
            .into_iter()
            .map(|s| {
                spans_of(&s)
                    .into_iter()
                    .map(|(a, b, ty)| (a, b, TYPES[ty]))
                    .collect()
            })
            .collect()
    }

    /// Write the model to `path` (see [`EntityModel::to_bytes`]).
    pub fn save(&self, path: &Path) -> Result<(), ModelError> {
        std::fs::write(path, self.to_bytes()).map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Read a model written by [`EntityModel::save`].
    pub fn load(path: &Path) -> Result<EntityModel, ModelError> {
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        EntityModel::from_bytes(&bytes)
    }

    /// The model as bytes: magic, format and feature versions, table size,
    /// transitions, gazetteer, then the non-zero weight rows (row index and
    /// its weights), all little-endian, and a CRC-32 of everything before it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&features::FEATURE_VERSION.to_le_bytes());
        out.extend_from_slice(&self.hash_bits.to_le_bytes());
        out.extend_from_slice(&(N_TAGS as u32).to_le_bytes());
        out.extend_from_slice(&self.scale.to_le_bytes());
        for row in &self.transitions {
            for w in row {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        let mut gaz: Vec<(u64, u8)> = self.gazetteer.iter().map(|(k, v)| (*k, *v)).collect();
        gaz.sort_unstable();
        out.extend_from_slice(&(gaz.len() as u64).to_le_bytes());
        for (k, v) in gaz {
            out.extend_from_slice(&k.to_le_bytes());
            out.push(v);
        }
        let rows: Vec<usize> = (0..1usize << self.hash_bits)
            .filter(|r| {
                self.weights[r * N_TAGS..(r + 1) * N_TAGS]
                    .iter()
                    .any(|w| *w != 0)
            })
            .collect();
        out.extend_from_slice(&(rows.len() as u64).to_le_bytes());
        for r in rows {
            out.extend_from_slice(&(r as u32).to_le_bytes());
            for w in &self.weights[r * N_TAGS..(r + 1) * N_TAGS] {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Parse bytes written by [`EntityModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<EntityModel, ModelError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(ModelError::NotAModel);
        }
        let mut r = Reader {
            bytes,
            pos: MAGIC.len(),
        };
        let version = r.u32()?;
        let feature_version = r.u32()?;
        if version != FORMAT_VERSION || feature_version != features::FEATURE_VERSION {
            return Err(ModelError::Version {
                found: version,
                found_features: feature_version,
                expected: FORMAT_VERSION,
                expected_features: features::FEATURE_VERSION,
            });
        }
        if bytes.len() < 4 + r.pos {
            return Err(ModelError::Corrupt("file is cut short"));
        }
        let (body, crc) = bytes.split_at(bytes.len() - 4);
        if crc32fast::hash(body) != u32::from_le_bytes(crc.try_into().expect("4 bytes")) {
            return Err(ModelError::Corrupt("checksum does not match"));
        }
        r.bytes = body;
        let hash_bits = r.u32()?;
        if !(10..=28).contains(&hash_bits) {
            return Err(ModelError::Corrupt("table size out of range"));
        }
        if r.u32()? as usize != N_TAGS {
            return Err(ModelError::Corrupt("wrong number of tags"));
        }
        let scale = r.f32()?;
        if !(scale.is_finite() && scale > 0.0) {
            return Err(ModelError::Corrupt("bad weight scale"));
        }
        let mut transitions = [[0.0f32; N_TAGS]; N_TAGS + 1];
        for row in transitions.iter_mut() {
            for w in row.iter_mut() {
                *w = r.f32()?;
            }
        }
        let n_gaz = r.u64()? as usize;
        let mut gazetteer = Gazetteer::default();
        gazetteer.reserve(n_gaz.min(bytes.len() / 9));
        for _ in 0..n_gaz {
            let k = r.u64()?;
            let v = r.take(1)?[0];
            gazetteer.insert(k, v);
        }
        let table_rows = 1usize << hash_bits;
        let mut weights = vec![0i16; table_rows * N_TAGS];
        let n_rows = r.u64()? as usize;
        for _ in 0..n_rows {
            let row = r.u32()? as usize;
            if row >= table_rows {
                return Err(ModelError::Corrupt("weight row out of range"));
            }
            for t in 0..N_TAGS {
                weights[row * N_TAGS + t] = r.i16()?;
            }
        }
        if r.pos != body.len() {
            return Err(ModelError::Corrupt("trailing bytes"));
        }
        Ok(EntityModel {
            hash_bits,
            weights,
            scale,
            transitions,
            gazetteer,
        })
    }
}

/// Emission scores from the unquantised weights of training.
fn float_emissions(weights: &[f32], feats: &DocFeatures, a: usize, b: usize, out: &mut Vec<f32>) {
    out.clear();
    out.resize((b - a) * N_TAGS, 0.0);
    for (k, scores) in out.chunks_exact_mut(N_TAGS).enumerate() {
        for &r in feats.token(a + k) {
            let row = &weights[r as usize * N_TAGS..r as usize * N_TAGS + N_TAGS];
            for (s, w) in scores.iter_mut().zip(row) {
                *s += w;
            }
        }
    }
}

/// Little-endian reads that fail on a short file.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], ModelError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(ModelError::Corrupt("file is cut short"))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn i16(&mut self) -> Result<i16, ModelError> {
        Ok(i16::from_le_bytes(
            self.take(2)?.try_into().expect("2 bytes"),
        ))
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
}

#[cfg(test)]
mod tests;
