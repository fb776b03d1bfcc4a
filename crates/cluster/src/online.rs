//! Online single-pass story clustering with a learnt join-or-new decision.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use lede_model::{ArticleId, StoryId};

use crate::features::{add_scaled, dot, keep_top, norm, views, SparseVec, ViewSpec, Views, Vocab};

/// One article as the clusterer sees it.
#[derive(Debug, Clone, Copy)]
pub struct ClusterDoc<'a> {
    pub id: ArticleId,
    pub title: &'a str,
    /// Body text.
    pub text: &'a str,
    /// Publication time; when absent the article is taken to be published at the
    /// time of the previous article.
    pub published: Option<DateTime<Utc>>,
}

/// Where [`Clusterer::add`] put an article.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    pub story: StoryId,
    /// Whether the article started a new story.
    pub new_story: bool,
    /// Cosine similarity (body view) to the centroid of the story joined; for a
    /// new story, that of the most probable candidate rejected (0 when none).
    pub similarity: f32,
    /// The join model's probability that the article belongs to that story
    /// (for a new story: to the best rejected candidate; 0 when none).
    pub probability: f32,
}

/// Number of features the join model reads for an (article, story) pair.
pub const FEATURES: usize = 7;

/// Names of the join model's features, in order.
///
/// Each view's cosine similarity is taken against the story's centroid; the
/// lead and names views also against the story's nearest remembered member: a
/// story that drifts (first reports, then the aftermath) is still close to one
/// of its members. (Nearest members by body and by numbers were tried too: the
/// fitted weights were ~0.2 and 0.4 against 1.3 and 4.2, and dropping them
/// leaves ECB+ unchanged while saving most of the comparison time.)
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "body_centroid",
    "lead_centroid",
    "lead_nearest",
    "names_centroid",
    "names_nearest",
    "numbers_centroid",
    "ln_story_size",
];

/// Logistic model of "this article reports this story's event" over the
/// [`FEATURE_NAMES`] features: `p = 1 / (1 + exp(-(bias + Σ wᵢ xᵢ)))`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JoinModel {
    pub bias: f32,
    pub weights: [f32; FEATURES],
}

impl JoinModel {
    /// Log-odds of joining for one feature vector.
    pub fn logit(&self, features: &[f32; FEATURES]) -> f32 {
        self.bias
            + self
                .weights
                .iter()
                .zip(features)
                .map(|(w, x)| w * x)
                .sum::<f32>()
    }
}

impl Default for JoinModel {
    /// Weights fit by `cargo run --release -p lede-eval --example cluster_fit`:
    /// L2-regularised logistic regression over teacher-forced (article, gold
    /// story so far) pairs from ECB+ topics with odd ids, 5 shuffled orders;
    /// checked on the even topics. See the crate documentation for figures.
    fn default() -> Self {
        JoinModel {
            bias: -5.85,
            weights: [-0.03, 2.66, 1.40, 6.98, 4.20, 6.03, -0.89],
        }
    }
}

/// Tuning of the clusterer. See the crate documentation for how the defaults
/// were chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterConfig {
    /// The join-or-new decision.
    pub model: JoinModel,
    /// Join the most probable candidate story when its probability is at least
    /// this. Below 0.5 because the model is fit on gold stories, which are
    /// whole and pure, while an online story is often a fragment; chosen on the
    /// ECB+ odd topics (see the crate documentation).
    pub threshold: f32,
    /// Log-odds of joining lost per day between the article and the story's
    /// nearest member (0 inside the story's time span, and for undated streams).
    pub time_penalty_per_day: f32,
    /// Body words (after the title) in the lead view.
    pub lead_words: usize,
    /// Terms kept per article vector (highest TF-IDF first).
    pub doc_terms: usize,
    /// Terms kept per story centroid.
    pub centroid_terms: usize,
    /// Latest members a story remembers for the nearest-member features.
    pub members_kept: usize,
    /// Top centroid terms under which a story is listed in the inverted index.
    pub index_terms: usize,
    /// Top article terms looked up in the inverted index to find candidate stories.
    pub query_terms: usize,
    /// Candidates (closest by body centroid) for which the full features are computed.
    pub shortlist: usize,
    /// A story takes no more articles (and is dropped from memory) when this long
    /// has passed since its latest article.
    pub inactive_days: f64,
    /// A story spans at most this long from its first to its last article; later
    /// articles on the same topic start a new story (one event, not a saga).
    pub max_span_days: f64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            model: JoinModel::default(),
            threshold: 0.25,
            time_penalty_per_day: 0.5,
            lead_words: 60,
            // 100 terms hold nearly all of the TF-IDF mass of a news article;
            // 300 keep a story's centroid stable as it grows.
            doc_terms: 100,
            centroid_terms: 300,
            // 4 to 48 score within ±0.005 BCubed F1 on ECB+; fewer is faster.
            members_kept: 4,
            // Matching 30 article terms against 50 per story finds the same best
            // story as comparing against every story at a fraction of the cost.
            index_terms: 50,
            query_terms: 30,
            // 5, 10 and every candidate give the same ECB+ figures.
            shortlist: 5,
            // News events go quiet within days; a story silent for 5 days is over.
            inactive_days: 5.0,
            // Big events (the Haiti earthquake, the Egyptian protests) run for
            // weeks; 10 days cuts them into a few stories, 7 and 14 behave alike.
            max_span_days: 10.0,
        }
    }
}

/// The views of an article or story: body, lead, names, numbers.
const VIEWS: usize = 4;
type ViewVecs = [SparseVec; VIEWS];
const BODY: usize = 0;
const LEAD: usize = 1;
const NAMES: usize = 2;
const NUMBERS: usize = 3;
/// Views kept per member for the nearest-member features.
const MEMBER_VIEWS: [usize; 2] = [LEAD, NAMES];

/// An article turned into term vectors by [`Clusterer::prepare`], ready to be
/// compared with stories ([`Clusterer::candidates`]) and added to one
/// ([`Clusterer::commit`]).
#[derive(Debug, Clone)]
pub struct PreparedDoc {
    /// Per view: term frequencies divided by the view's TF-IDF norm at preparation.
    views: ViewVecs,
    time: Option<i64>,
}

/// One story the article could join, with the model's view of the pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub story: StoryId,
    pub features: [f32; FEATURES],
    /// Join probability, time penalty included.
    pub probability: f32,
}

#[derive(Debug, Clone)]
struct StoryState {
    /// Per view: the sum of member vectors, weighted by the current IDF when compared.
    centroids: ViewVecs,
    /// The `MEMBER_VIEWS` of the latest `members_kept` members.
    members: VecDeque<[SparseVec; 2]>,
    /// TF-IDF norms of the centroids and members under the IDF of `norms_at`
    /// documents (see [`Clusterer::refresh_norms`]).
    centroid_norms: [f32; VIEWS],
    member_norms: VecDeque<[f32; 2]>,
    norms_at: u32,
    size: u32,
    /// Terms under which the story is listed in the index.
    indexed: Vec<u32>,
    first: Option<i64>,
    last: Option<i64>,
}

const DAY: f64 = 86_400.0;

/// Online single-pass clusterer; see the crate documentation.
#[derive(Debug, Clone)]
pub struct Clusterer {
    config: ClusterConfig,
    next_story_id: StoryId,
    vocab: Vocab,
    stories: HashMap<StoryId, StoryState>,
    index: HashMap<u32, Vec<StoryId>>,
    /// Time of the previous article (seconds), used for undated articles.
    prev_time: Option<i64>,
    /// Latest time seen; stories are retired against it.
    clock: Option<i64>,
    swept_at: Option<i64>,
    /// Views of articles announced by [`Clusterer::anticipate`], already
    /// counted into the document frequencies, waiting for their `add`.
    anticipated: HashMap<ArticleId, Views>,
}

impl Clusterer {
    /// A clusterer whose new stories are numbered from `next_story_id` up.
    pub fn new(config: ClusterConfig, next_story_id: StoryId) -> Self {
        Clusterer {
            config,
            next_story_id,
            vocab: Vocab::default(),
            stories: HashMap::new(),
            index: HashMap::new(),
            prev_time: None,
            clock: None,
            swept_at: None,
            anticipated: HashMap::new(),
        }
    }

    /// Count articles about to be added into the document frequencies now,
    /// before any of them is assigned: a batch known in advance (a worker's
    /// round, an import) then weighs its first articles with what the whole
    /// batch says. Without it, a fresh clusterer's first articles see almost
    /// no frequencies, a template's shared words weigh as much as the names
    /// that tell two events apart, and two events of one kind (two council
    /// votes on one day) can merge. Each anticipated article must then be
    /// passed to [`Clusterer::add`] (or [`Clusterer::prepare`]) once.
    pub fn anticipate(&mut self, docs: &[ClusterDoc]) {
        for doc in docs {
            if !self.anticipated.contains_key(&doc.id) {
                let v = self.observed_views(doc);
                self.anticipated.insert(doc.id, v);
            }
        }
    }

    /// The article's views, counted into the document frequencies.
    fn observed_views(&mut self, doc: &ClusterDoc) -> Views {
        let spec = ViewSpec {
            lead_words: self.config.lead_words,
        };
        let v = views(&mut self.vocab, doc.title, doc.text, spec);
        self.vocab.observe(v.body.iter().map(|&(t, _)| t));
        v
    }

    /// The configuration in use.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Number of stories still open to new articles.
    pub fn active_stories(&self) -> usize {
        self.stories.len()
    }

    /// Restore an existing story (e.g. after a restart) from its member docs. The
    /// docs also count towards the document frequencies. Seeding an id that is
    /// already active adds the docs to it; `next_story_id` is moved past `story`.
    pub fn seed_story(&mut self, story: StoryId, docs: &[ClusterDoc]) {
        for doc in docs {
            // Seeds neither move the clock nor retire stories: the stream that
            // follows may start earlier than the newest seed (articles polled
            // late), and its articles must still find the stories of their
            // own days; the stream's own clock retires stories as it goes.
            let time = doc.published.map(|p| p.timestamp());
            let p = self.vectorise(doc, time);
            self.commit(p, story);
        }
    }

    /// Online assignment of one article: join the most probable active story
    /// when the model says so, else start a new one.
    pub fn add(&mut self, doc: &ClusterDoc) -> Assignment {
        let p = self.prepare(doc);
        let best = self.candidates(&p).into_iter().max_by(|a, b| {
            a.probability
                .total_cmp(&b.probability)
                .then_with(|| b.story.cmp(&a.story))
        });
        let (similarity, probability) =
            best.map_or((0.0, 0.0), |c| (c.features[BODY], c.probability));
        let assignment = match best {
            Some(c) if c.probability >= self.config.threshold => Assignment {
                story: c.story,
                new_story: false,
                similarity,
                probability,
            },
            _ => {
                let story = self.next_story_id;
                Assignment {
                    story,
                    new_story: true,
                    similarity,
                    probability,
                }
            }
        };
        self.commit(p, assignment.story);
        assignment
    }

    /// Vectorise an article, counting it into the document frequencies, and
    /// advance the clock (retiring stories that can take no more articles).
    pub fn prepare(&mut self, doc: &ClusterDoc) -> PreparedDoc {
        let time = self.doc_time(doc);
        self.sweep();
        self.vectorise(doc, time)
    }

    /// Vectorise an article at `time`, counting it into the document frequencies.
    fn vectorise(&mut self, doc: &ClusterDoc, time: Option<i64>) -> PreparedDoc {
        let mut v = match self.anticipated.remove(&doc.id) {
            Some(v) => v,
            None => self.observed_views(doc),
        };
        let vocab = &self.vocab;
        let mut out: ViewVecs = [
            std::mem::take(&mut v.body),
            std::mem::take(&mut v.lead),
            std::mem::take(&mut v.names),
            std::mem::take(&mut v.numbers),
        ];
        for x in out.iter_mut() {
            keep_top(x, self.config.doc_terms, |t, w| w * vocab.idf(t));
            let n = norm(x, |t| vocab.idf(t));
            if n > 0.0 {
                for e in x.iter_mut() {
                    e.1 /= n;
                }
            }
        }
        PreparedDoc { views: out, time }
    }

    /// The active stories sharing top terms with the article that can still
    /// take it, with their features and join probabilities (unordered).
    pub fn candidates(&mut self, doc: &PreparedDoc) -> Vec<Candidate> {
        let vocab = &self.vocab;
        let body = &doc.views[BODY];
        let mut query: Vec<(u32, f32)> = body.clone();
        keep_top(&mut query, self.config.query_terms, |t, w| w * vocab.idf(t));
        let mut ids: Vec<StoryId> = query
            .iter()
            .filter_map(|(term, _)| self.index.get(term))
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.retain(|id| self.time_gap(&self.stories[id], doc.time).is_some());
        for id in &ids {
            self.refresh_norms(*id);
        }
        let vocab = &self.vocab;
        let doc_norms: [f32; VIEWS] =
            std::array::from_fn(|v| norm(&doc.views[v], |t| vocab.idf(t)));
        // Full features only for the `shortlist` stories closest by body
        // centroid: comparing with every member of every story that shares a
        // term costs most of the time when many stories are open.
        if ids.len() > self.config.shortlist {
            let idf2 = |t: u32| {
                let i = vocab.idf(t);
                i * i
            };
            let mut scored: Vec<(f32, StoryId)> = ids
                .iter()
                .map(|id| {
                    let s = &self.stories[id];
                    (
                        dot(body, &s.centroids[BODY], idf2) / s.centroid_norms[BODY].max(1e-9),
                        *id,
                    )
                })
                .collect();
            let k = self.config.shortlist.max(1);
            scored.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            ids = scored[..k].iter().map(|x| x.1).collect();
        }
        ids.into_iter()
            .filter_map(|id| {
                let s = &self.stories[&id];
                let gap = self.time_gap(s, doc.time)?;
                let features = self.features(doc, &doc_norms, s);
                let logit = self.config.model.logit(&features)
                    - self.config.time_penalty_per_day * gap as f32;
                Some(Candidate {
                    story: id,
                    features,
                    probability: sigmoid(logit),
                })
            })
            .collect()
    }

    /// Add a prepared article to `story` (creating it when new). Ids at or
    /// above the next free id move it past `story`.
    pub fn commit(&mut self, doc: PreparedDoc, story: StoryId) {
        if story >= self.next_story_id {
            self.next_story_id = story + 1;
        }
        let t = doc.time;
        let s = self.stories.entry(story).or_insert_with(|| StoryState {
            centroids: Default::default(),
            members: VecDeque::new(),
            centroid_norms: [0.0; VIEWS],
            member_norms: VecDeque::new(),
            norms_at: 0,
            size: 0,
            indexed: Vec::new(),
            first: None,
            last: None,
        });
        let vocab = &self.vocab;
        for (c, v) in s.centroids.iter_mut().zip(&doc.views) {
            add_scaled(c, v, 1.0);
            keep_top(c, self.config.centroid_terms, |term, w| w * vocab.idf(term));
        }
        s.centroid_norms = std::array::from_fn(|v| norm(&s.centroids[v], |t| vocab.idf(t)));
        s.member_norms.push_back(std::array::from_fn(|k| {
            norm(&doc.views[MEMBER_VIEWS[k]], |t| vocab.idf(t))
        }));
        let [_, lead, names, _] = doc.views;
        s.members.push_back([lead, names]);
        while s.members.len() > self.config.members_kept.max(1) {
            s.members.pop_front();
            s.member_norms.pop_front();
        }
        if s.size == 0 {
            s.norms_at = vocab.docs();
        }
        s.size += 1;
        if let Some(t) = t {
            s.first = Some(s.first.map_or(t, |f| f.min(t)));
            s.last = Some(s.last.map_or(t, |l| l.max(t)));
        }
        let mut top = s.centroids[BODY].clone();
        keep_top(&mut top, self.config.index_terms, |term, w| {
            w * vocab.idf(term)
        });
        let new_terms: Vec<u32> = top.iter().map(|x| x.0).collect();
        let old_terms = std::mem::replace(&mut s.indexed, new_terms.clone());
        // Both lists are sorted by term id.
        for term in old_terms
            .iter()
            .filter(|x| new_terms.binary_search(x).is_err())
        {
            unlist(&mut self.index, *term, story);
        }
        for term in new_terms
            .iter()
            .filter(|x| old_terms.binary_search(x).is_err())
        {
            self.index.entry(*term).or_default().push(story);
        }
    }

    /// Recompute a story's norms under the current IDF once the stream has
    /// grown by 1/32 since they were computed: IDF drifts slowly, and norms
    /// recomputed on every comparison cost more than the comparisons.
    fn refresh_norms(&mut self, id: StoryId) {
        let vocab = &self.vocab;
        let Some(s) = self.stories.get_mut(&id) else {
            return;
        };
        let now = vocab.docs();
        if now - s.norms_at <= s.norms_at / 32 {
            return;
        }
        s.norms_at = now;
        let idf = |t: u32| vocab.idf(t);
        s.centroid_norms = std::array::from_fn(|v| norm(&s.centroids[v], idf));
        for (m, n) in s.members.iter().zip(s.member_norms.iter_mut()) {
            *n = std::array::from_fn(|k| norm(&m[k], idf));
        }
    }

    /// The [`FEATURE_NAMES`] features of an (article, story) pair, given the
    /// article's norms per view.
    fn features(
        &self,
        doc: &PreparedDoc,
        doc_norms: &[f32; VIEWS],
        s: &StoryState,
    ) -> [f32; FEATURES] {
        let vocab = &self.vocab;
        let idf2 = |t: u32| {
            let i = vocab.idf(t);
            i * i
        };
        // Cosine under the current IDF (both sides renormalised, absorbing
        // the IDF drift since either vector was made).
        let cos = |a: &SparseVec, na: f32, b: &SparseVec, nb: f32| {
            if na == 0.0 || nb == 0.0 {
                0.0
            } else {
                (dot(a, b, idf2) / (na * nb)).min(1.0)
            }
        };
        let centroid = |v: usize| {
            cos(
                &doc.views[v],
                doc_norms[v],
                &s.centroids[v],
                s.centroid_norms[v],
            )
        };
        let nearest = |k: usize| {
            let v = MEMBER_VIEWS[k];
            s.members
                .iter()
                .zip(&s.member_norms)
                .map(|(m, n)| cos(&doc.views[v], doc_norms[v], &m[k], n[k]))
                .fold(0.0, f32::max)
        };
        [
            centroid(BODY),
            centroid(LEAD),
            nearest(0),
            centroid(NAMES),
            nearest(1),
            centroid(NUMBERS),
            (s.size as f32).ln(),
        ]
    }

    /// The article's time in seconds: its own, else the previous article's.
    fn doc_time(&mut self, doc: &ClusterDoc) -> Option<i64> {
        let t = doc.published.map(|p| p.timestamp()).or(self.prev_time);
        if t.is_some() {
            self.prev_time = t;
        }
        if let Some(t) = t {
            self.clock = Some(self.clock.map_or(t, |c| c.max(t)));
        }
        t
    }

    /// Days between time `t` and story `s`'s span (0 inside it, or when either
    /// is undated), or `None` when the story cannot take the article (too long
    /// inactive, or its span would grow too long).
    fn time_gap(&self, s: &StoryState, t: Option<i64>) -> Option<f64> {
        let (Some(t), Some(first), Some(last)) = (t, s.first, s.last) else {
            return Some(0.0);
        };
        let gap = if t > last {
            (t - last) as f64 / DAY
        } else if t < first {
            (first - t) as f64 / DAY
        } else {
            0.0
        };
        let span = (last.max(t) - first.min(t)) as f64 / DAY;
        if gap > self.config.inactive_days || span > self.config.max_span_days {
            return None;
        }
        Some(gap)
    }

    /// Drop stories that can no longer take articles, once per clock tick.
    fn sweep(&mut self) {
        let Some(clock) = self.clock else { return };
        if self.swept_at == Some(clock) {
            return;
        }
        self.swept_at = Some(clock);
        let cfg = &self.config;
        let expired: Vec<StoryId> = self
            .stories
            .iter()
            .filter(|(_, s)| match (s.first, s.last) {
                (Some(first), Some(last)) => {
                    (clock - last) as f64 / DAY > cfg.inactive_days
                        || (clock - first) as f64 / DAY > cfg.max_span_days
                }
                _ => false,
            })
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            if let Some(s) = self.stories.remove(&id) {
                for term in s.indexed {
                    unlist(&mut self.index, term, id);
                }
            }
        }
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn unlist(index: &mut HashMap<u32, Vec<StoryId>>, term: u32, id: StoryId) {
    if let Some(list) = index.get_mut(&term) {
        list.retain(|x| *x != id);
        if list.is_empty() {
            index.remove(&term);
        }
    }
}
