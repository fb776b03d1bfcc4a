//! Feature extraction for the tagger: every feature is a 64-bit hash of a
//! template id and the values it looks at, mapped to a row of the weight
//! table. Token strings are hashed once per token (word, lower case, shape,
//! affixes); templates then only combine those numbers, so extraction does not
//! allocate per feature.
//!
//! The hash is written here rather than taken from a crate because a saved
//! model stores rows addressed by it: it must give the same value on every
//! platform and in every future build, which general-purpose hashers
//! (`std`'s SipHash keys, FxHash across major versions) do not promise.

use rustc_hash::FxHashMap as HashMap;

/// Bumped whenever a template or the hash changes: a model saved with other
/// features is rejected on load instead of silently tagging badly.
pub(crate) const FEATURE_VERSION: u32 = 3;

/// Longest name (in tokens) the gazetteer features look for.
pub(crate) const MAX_GAZ_LEN: usize = 6;

/// Entity types as bit positions of a gazetteer mask.
pub(crate) const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

/// MurmurHash3's 64-bit finaliser: a cheap, well-mixing bijection.
#[inline]
pub(crate) fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^= x >> 33;
    x
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline]
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Stable hash of a string.
#[inline]
pub(crate) fn hash_str(s: &str) -> u64 {
    mix(fnv(FNV_OFFSET, s.as_bytes()))
}

/// Combine two hashes (order matters).
#[inline]
pub(crate) fn combine(a: u64, b: u64) -> u64 {
    mix(a.rotate_left(17) ^ b.wrapping_add(0x9e37_79b9_7f4a_7c15))
}

/// Hashed facts about one token, computed once.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TokInfo {
    pub word: u64,
    pub lower: u64,
    pub shape: u64,
    pub short_shape: u64,
    pub prefix: [u64; 4],
    pub suffix: [u64; 4],
    /// Starts with an upper-case letter.
    pub title: bool,
    /// Has letters and all of them are upper case.
    pub all_caps: bool,
    /// Has no upper-case letter.
    pub lowercase: bool,
    /// Has at least one letter.
    pub letters: bool,
}

/// Scratch buffers reused across tokens.
#[derive(Default)]
pub(crate) struct Scratch {
    lower: String,
    bounds: Vec<usize>,
}

impl TokInfo {
    pub(crate) fn new(token: &str, scratch: &mut Scratch) -> TokInfo {
        let lower = &mut scratch.lower;
        lower.clear();
        let mut shape = FNV_OFFSET;
        let mut short = FNV_OFFSET;
        let mut last_class = 0u8;
        let mut shape_len = 0;
        let (mut upper, mut letters, mut any_upper) = (0usize, 0usize, false);
        let mut first_upper = false;
        for (i, c) in token.chars().enumerate() {
            let class = if c.is_uppercase() {
                upper += 1;
                letters += 1;
                any_upper = true;
                if i == 0 {
                    first_upper = true;
                }
                b'X'
            } else if c.is_alphabetic() {
                letters += 1;
                b'x'
            } else if c.is_ascii_digit() {
                b'd'
            } else if c.is_ascii() {
                c as u8
            } else {
                b'*'
            };
            if shape_len < 8 {
                shape = fnv(shape, &[class]);
                shape_len += 1;
            }
            if class != last_class {
                short = fnv(short, &[class]);
                last_class = class;
            }
            if c.is_ascii() {
                lower.push(c.to_ascii_lowercase());
            } else {
                lower.extend(c.to_lowercase());
            }
        }
        let bounds = &mut scratch.bounds;
        bounds.clear();
        bounds.extend(lower.char_indices().map(|(i, _)| i));
        let n = bounds.len();
        let mut prefix = [0u64; 4];
        let mut suffix = [0u64; 4];
        for k in 0..4 {
            if k < n {
                let p_end = bounds.get(k + 1).copied().unwrap_or(lower.len());
                prefix[k] = mix(fnv(FNV_OFFSET ^ (k as u64 + 1), &lower.as_bytes()[..p_end]));
                let s_start = bounds[n - k - 1];
                suffix[k] = mix(fnv(
                    FNV_OFFSET ^ (k as u64 + 11),
                    &lower.as_bytes()[s_start..],
                ));
            }
        }
        TokInfo {
            word: hash_str(token),
            lower: hash_str(lower),
            shape: mix(shape),
            short_shape: mix(short ^ 0x55),
            prefix,
            suffix,
            title: first_upper,
            all_caps: letters > 0 && upper == letters,
            lowercase: !any_upper,
            letters: letters > 0,
        }
    }

    /// Stand-in for positions before the sentence start / after its end.
    fn boundary(side: u64) -> TokInfo {
        let h = mix(0xb0b0_0000 + side);
        TokInfo {
            word: h,
            lower: h,
            shape: h,
            short_shape: h,
            ..TokInfo::default()
        }
    }
}

/// Learnt list of names: hash of a lower-cased token sequence -> bit mask of
/// the entity types it was annotated with. Every proper prefix of a name is
/// in it too (with the mask 0 when it is no name itself), so matching can stop
/// at the first sequence that is not there.
pub(crate) type Gazetteer = HashMap<u64, u8>;

/// Hash of a lower-cased token sequence, extended one token at a time.
#[inline]
pub(crate) fn seq_extend(prev: u64, lower: u64) -> u64 {
    combine(prev ^ 0x6a09_e667, lower)
}

/// Document-level facts about a word (by lower-case form), label free: how it
/// is written elsewhere in the same document.
#[derive(Default, Clone, Copy)]
struct DocSeen {
    /// Seen capitalised not at the start of a normal (not all-caps) sentence.
    cap_mid: bool,
    /// Seen all lower case.
    lower: bool,
}

/// Template ids.
mod t {
    pub const BIAS: u64 = 1;
    pub const WORD: u64 = 2;
    pub const LOWER: u64 = 3;
    pub const SHAPE: u64 = 4;
    pub const SHORT: u64 = 5;
    pub const PREFIX: u64 = 6; // +0..3
    pub const SUFFIX: u64 = 10; // +0..3
    pub const PREV1: u64 = 14;
    pub const NEXT1: u64 = 15;
    pub const PREV2: u64 = 16;
    pub const NEXT2: u64 = 17;
    pub const PREV_SHAPE: u64 = 18;
    pub const NEXT_SHAPE: u64 = 19;
    pub const PREV_CUR: u64 = 20;
    pub const CUR_NEXT: u64 = 21;
    pub const SHAPE3: u64 = 22;
    pub const INITIAL: u64 = 23;
    pub const HEADLINE: u64 = 24;
    pub const DOC: u64 = 25;
    pub const DOC_INITIAL: u64 = 26;
    pub const PREV_WORD_SHAPE: u64 = 27;
    pub const SHAPE_NEXT_WORD: u64 = 28;
    pub const GAZ: u64 = 29;
    pub const GAZ_NONE: u64 = 30;
    pub const PREV_WORD_EXACT: u64 = 31;
    pub const NEXT_WORD_EXACT: u64 = 32;
    pub const PREV2_PREV1: u64 = 33;
    pub const DOC_LOWER_WORD: u64 = 34;
}

/// Features of one document, flattened: token `k` of the document has the
/// rows `rows[offsets[k]..offsets[k + 1]]`.
#[derive(Default)]
pub(crate) struct DocFeatures {
    pub rows: Vec<u32>,
    pub offsets: Vec<usize>,
}

impl DocFeatures {
    pub(crate) fn token(&self, k: usize) -> &[u32] {
        &self.rows[self.offsets[k]..self.offsets[k + 1]]
    }
}

/// Computes the features of documents against one gazetteer and table size.
pub(crate) struct Extractor<'g> {
    pub gazetteer: &'g Gazetteer,
    pub shift: u32,
    scratch: Scratch,
    infos: Vec<TokInfo>,
    gaz_hits: Vec<(usize, u64)>,
}

impl<'g> Extractor<'g> {
    pub(crate) fn new(gazetteer: &'g Gazetteer, hash_bits: u32) -> Self {
        Extractor {
            gazetteer,
            shift: 64 - hash_bits,
            scratch: Scratch::default(),
            infos: Vec::new(),
            gaz_hits: Vec::new(),
        }
    }

    #[inline]
    fn row(&self, key: u64) -> u32 {
        (mix(key).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as u32
    }

    /// Features of every token of a document given as sentences of tokens.
    pub(crate) fn document<S: AsRef<str>>(&mut self, sentences: &[Vec<S>], out: &mut DocFeatures) {
        out.rows.clear();
        out.offsets.clear();
        out.offsets.push(0);
        // Hash every token once.
        let mut infos = std::mem::take(&mut self.infos);
        infos.clear();
        for s in sentences {
            for tok in s {
                let tok = super::tokenize::normalize(tok.as_ref());
                infos.push(TokInfo::new(&tok, &mut self.scratch));
            }
        }
        // How each word is written elsewhere in the document.
        let mut seen: HashMap<u64, DocSeen> = HashMap::default();
        seen.reserve(infos.len());
        let mut headline = Vec::with_capacity(sentences.len());
        let mut base = 0;
        for s in sentences {
            let toks = &infos[base..base + s.len()];
            let is_headline = is_headline(toks);
            headline.push(is_headline);
            for (i, ti) in toks.iter().enumerate() {
                let e = seen.entry(ti.lower).or_default();
                if ti.lowercase {
                    e.lower = true;
                } else if i > 0 && !is_headline && ti.title && !ti.all_caps {
                    e.cap_mid = true;
                }
            }
            base += s.len();
        }
        let mut base = 0;
        for (si, s) in sentences.iter().enumerate() {
            let toks = &infos[base..base + s.len()];
            self.sentence(toks, headline[si], &seen, out);
            base += s.len();
        }
        self.infos = infos;
    }

    fn sentence(
        &mut self,
        toks: &[TokInfo],
        headline: bool,
        seen: &HashMap<u64, DocSeen>,
        out: &mut DocFeatures,
    ) {
        let n = toks.len();
        // Gazetteer matches: per token, the keys of the features they fire.
        let mut gaz_offsets = std::mem::take(&mut self.gaz_hits);
        gaz_offsets.clear();
        if !self.gazetteer.is_empty() {
            for i in 0..n {
                let mut h = 0u64;
                for len in 1..=MAX_GAZ_LEN.min(n - i) {
                    h = seq_extend(h, toks[i + len - 1].lower);
                    let Some(&mask) = self.gazetteer.get(&h) else {
                        break;
                    };
                    for (ty, _) in TYPES.iter().enumerate() {
                        if mask & (1 << ty) == 0 {
                            continue;
                        }
                        let lb = len.min(3) as u64;
                        for k in 0..len {
                            // Position (begin / inside / last), type, length, capitalised.
                            let pos = if k == 0 {
                                0
                            } else if k + 1 == len {
                                1
                            } else {
                                2
                            };
                            let cap = toks[i + k].title as u64;
                            let key = ((ty as u64) << 12) | (pos << 8) | (lb << 4) | cap;
                            gaz_offsets.push((i + k, key));
                        }
                    }
                }
            }
            gaz_offsets.sort_unstable();
            gaz_offsets.dedup();
        }
        let boundary_l1 = TokInfo::boundary(1);
        let boundary_l2 = TokInfo::boundary(2);
        let boundary_r1 = TokInfo::boundary(3);
        let boundary_r2 = TokInfo::boundary(4);
        let at = |i: isize| -> &TokInfo {
            if i < -1 {
                &boundary_l2
            } else if i < 0 {
                &boundary_l1
            } else if i as usize > n {
                &boundary_r2
            } else if i as usize >= n {
                &boundary_r1
            } else {
                &toks[i as usize]
            }
        };
        let mut g = 0;
        for (i, cur) in toks.iter().enumerate() {
            let ii = i as isize;
            let (p1, p2, n1, n2) = (at(ii - 1), at(ii - 2), at(ii + 1), at(ii + 2));
            let f = |tmpl: u64, v: u64| combine(tmpl.wrapping_mul(0x1000_0000_01b3), v);
            let rows = &mut out.rows;
            let mut push = |key: u64| rows.push(self.row(key));
            push(f(t::BIAS, 0));
            push(f(t::WORD, cur.word));
            push(f(t::LOWER, cur.lower));
            push(f(t::SHAPE, cur.shape));
            push(f(t::SHORT, cur.short_shape));
            for k in 0..4 {
                if cur.prefix[k] != 0 {
                    push(f(t::PREFIX + k as u64, cur.prefix[k]));
                    push(f(t::SUFFIX + k as u64, cur.suffix[k]));
                }
            }
            push(f(t::PREV1, p1.lower));
            push(f(t::NEXT1, n1.lower));
            push(f(t::PREV2, p2.lower));
            push(f(t::NEXT2, n2.lower));
            push(f(t::PREV_SHAPE, p1.short_shape));
            push(f(t::NEXT_SHAPE, n1.short_shape));
            push(f(t::PREV_CUR, combine(p1.lower, cur.lower)));
            push(f(t::CUR_NEXT, combine(cur.lower, n1.lower)));
            push(f(
                t::SHAPE3,
                combine(combine(p1.short_shape, cur.short_shape), n1.short_shape),
            ));
            push(f(t::INITIAL, combine((i == 0) as u64, cur.short_shape)));
            push(f(t::PREV_WORD_SHAPE, combine(p1.lower, cur.short_shape)));
            push(f(t::SHAPE_NEXT_WORD, combine(cur.short_shape, n1.lower)));
            push(f(t::PREV_WORD_EXACT, p1.word));
            push(f(t::NEXT_WORD_EXACT, n1.word));
            push(f(t::PREV2_PREV1, combine(p2.lower, p1.lower)));
            if headline {
                push(f(t::HEADLINE, cur.lower));
            }
            let d = seen.get(&cur.lower).copied().unwrap_or_default();
            let dkey = (d.cap_mid as u64) | ((d.lower as u64) << 1);
            push(f(t::DOC, combine(dkey, cur.short_shape)));
            push(f(
                t::DOC_INITIAL,
                combine(dkey, (i == 0) as u64 | (headline as u64) << 1),
            ));
            if d.lower {
                push(f(t::DOC_LOWER_WORD, cur.lower));
            }
            let mut any = false;
            while g < gaz_offsets.len() && gaz_offsets[g].0 == i {
                push(f(t::GAZ, gaz_offsets[g].1));
                any = true;
                g += 1;
            }
            if !any {
                push(f(t::GAZ_NONE, cur.title as u64));
            }
            out.offsets.push(out.rows.len());
        }
        self.gaz_hits = gaz_offsets;
    }
}

/// A sentence written mostly in capitals (a headline or a dateline).
fn is_headline(toks: &[TokInfo]) -> bool {
    let (mut caps, mut words) = (0, 0);
    for t in toks.iter().filter(|t| t.letters) {
        words += 1;
        caps += t.all_caps as usize;
    }
    words >= 2 && caps * 10 >= words * 8
}

/// Add the names of one tagged sentence to a gazetteer.
pub(crate) fn add_names(
    gaz: &mut Gazetteer,
    tokens: &[String],
    tags: &[u8],
    scratch: &mut Scratch,
) {
    for (start, end, ty) in super::spans_of(tags) {
        if end - start > MAX_GAZ_LEN {
            continue;
        }
        let mut h = 0;
        for (k, tok) in tokens[start..end].iter().enumerate() {
            let tok = super::tokenize::normalize(tok);
            h = seq_extend(h, TokInfo::new(&tok, scratch).lower);
            let mask = gaz.entry(h).or_default();
            if start + k + 1 == end {
                *mask |= 1 << ty;
            }
        }
    }
}
