//! Online single-pass story clustering.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use lede_model::{ArticleId, StoryId};

use crate::features::{
    add_scaled, dot, keep_top, norm, term_frequencies, SparseVec, TermWeights, Vocab,
};

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
    /// Time-decayed cosine similarity to the story joined; for a new story, that
    /// of the best candidate that was rejected (0 when there was none).
    pub similarity: f32,
}

/// Tuning of the clusterer.
///
/// The defaults were fit on ECB+ (`/work/shared/data/ecbplus`, 43 topics with two
/// same-kind events each, no dates: the threshold, title and entity weights) and
/// checked on Timeline17 (`/work/shared/data/t17`, 4.6k dated articles of 9 topics:
/// the time constants), with `cargo run --release -p lede-cluster --example
/// eval_cluster`. See the crate documentation for the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterConfig {
    /// Join the best candidate story when its time-decayed cosine similarity is at
    /// least this. Fit on ECB+: BCubed F1 is 0.856 / 0.884 / 0.875 / 0.821 at
    /// 0.20 / 0.25 / 0.30 / 0.35 (precision rises, recall falls). On Timeline17
    /// 0.25 keeps topic-level BCubed precision at 0.995; lower thresholds make
    /// bigger stories there (0.20: 2,453 stories, largest 162).
    pub threshold: f32,
    /// How many times a title word counts against a body word (titles name the
    /// event). On ECB+ 1, 2 and 3 are within 0.01 F1 of each other.
    pub title_weight: f32,
    /// How many times a capitalised word inside a sentence (a name: who and where)
    /// counts: names are what set apart two events of the same kind. 1.5 to 3 score
    /// alike on ECB+ (0.88 F1 at their best thresholds); 1 is a little worse.
    pub entity_boost: f32,
    /// Body words after the first `lead_words` count `tail_weight` each: the lead
    /// of a news article says what happened, the tail is background.
    pub lead_words: usize,
    pub tail_weight: f32,
    /// Terms kept per article vector (highest TF-IDF first).
    pub doc_terms: usize,
    /// Terms kept per story centroid.
    pub centroid_terms: usize,
    /// Top centroid terms under which a story is listed in the inverted index.
    pub index_terms: usize,
    /// Top article terms looked up in the inverted index to find candidate stories.
    pub query_terms: usize,
    /// Similarity is multiplied by `exp(-gap / decay_days)`, the gap being the time
    /// between the article and the story's nearest member (0 inside its time span).
    pub decay_days: f64,
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
            threshold: 0.25,
            title_weight: 2.0,
            entity_boost: 1.5,
            // ECB+ F1 0.878 -> 0.884 against weighting every word alike.
            lead_words: 150,
            tail_weight: 0.5,
            // 100 terms hold nearly all of the TF-IDF mass of a news article;
            // 300 keep a story's centroid stable as it grows.
            doc_terms: 100,
            centroid_terms: 300,
            // Matching 30 article terms against 50 per story finds the same best
            // story as comparing against every story (Timeline17: 3,029 vs 3,028
            // stories) at a fraction of the cost.
            index_terms: 50,
            query_terms: 30,
            // A day's gap costs ~20% of the similarity, 3 days' ~50%. On Timeline17
            // 2 days splits running events day by day (mean span 0.4 days), 8 lets
            // topic-wide stories of 100+ articles form.
            decay_days: 4.0,
            // News events go quiet within days; a story silent for 5 days is over.
            inactive_days: 5.0,
            // Big events (the Haiti earthquake, the Egyptian protests) run for
            // weeks; 10 days cuts them into a few stories, 7 and 14 behave alike.
            max_span_days: 10.0,
        }
    }
}

#[derive(Debug, Clone)]
struct StoryState {
    /// Sum of member term-frequency vectors, each unit-normalised under the IDF
    /// at the time it was added. Weighted by the current IDF when compared.
    centroid: SparseVec,
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
        }
    }

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
        if story >= self.next_story_id {
            self.next_story_id = story + 1;
        }
        for doc in docs {
            let t = self.doc_time(doc);
            let v = self.vectorize(doc);
            self.absorb(story, &v, t);
        }
    }

    /// Online assignment of one article: join the best active story or start a new one.
    pub fn add(&mut self, doc: &ClusterDoc) -> Assignment {
        let t = self.doc_time(doc);
        self.sweep();
        let v = self.vectorize(doc);
        let (best, sim) = self.best_story(&v, t);
        let assignment = match best {
            Some(story) if sim >= self.config.threshold => Assignment {
                story,
                new_story: false,
                similarity: sim,
            },
            _ => {
                let story = self.next_story_id;
                self.next_story_id += 1;
                Assignment {
                    story,
                    new_story: true,
                    similarity: sim,
                }
            }
        };
        self.absorb(assignment.story, &v, t);
        assignment
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

    /// Unit TF-IDF vector of the top `doc_terms` terms, as (term, tf / norm): the
    /// IDF is applied again at comparison time.
    fn vectorize(&mut self, doc: &ClusterDoc) -> SparseVec {
        let weights = TermWeights {
            title: self.config.title_weight,
            entity: self.config.entity_boost,
            lead_words: self.config.lead_words,
            tail: self.config.tail_weight,
        };
        let mut tf = term_frequencies(&mut self.vocab, doc.title, doc.text, weights);
        self.vocab.observe(tf.iter().map(|&(t, _)| t));
        let vocab = &self.vocab;
        keep_top(&mut tf, self.config.doc_terms, |t, w| w * vocab.idf(t));
        let n = norm(&tf, |t| vocab.idf(t));
        if n > 0.0 {
            for x in tf.iter_mut() {
                x.1 /= n;
            }
        }
        tf
    }

    /// The most similar eligible active story and its decayed similarity.
    fn best_story(&self, v: &SparseVec, t: Option<i64>) -> (Option<StoryId>, f32) {
        let vocab = &self.vocab;
        let mut query: Vec<(u32, f32)> = v.clone();
        query.sort_unstable_by(|a, b| (b.1 * vocab.idf(b.0)).total_cmp(&(a.1 * vocab.idf(a.0))));
        let mut candidates: Vec<StoryId> = query
            .iter()
            .take(self.config.query_terms)
            .filter_map(|(term, _)| self.index.get(term))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();

        let idf2 = |term: u32| {
            let i = vocab.idf(term);
            i * i
        };
        let mut best: (Option<StoryId>, f32) = (None, 0.0);
        for id in candidates {
            let s = &self.stories[&id];
            let Some(decay) = self.time_factor(s, t) else {
                continue;
            };
            let n = norm(&s.centroid, |term| vocab.idf(term));
            if n == 0.0 {
                continue;
            }
            let sim = dot(v, &s.centroid, idf2) / n * decay;
            if sim > best.1 || (sim == best.1 && best.0.is_some_and(|b| id < b)) {
                best = (Some(id), sim);
            }
        }
        best
    }

    /// Decay factor for joining story `s` at time `t`, or `None` when the story
    /// cannot take the article (too long inactive, or its span would grow too long).
    fn time_factor(&self, s: &StoryState, t: Option<i64>) -> Option<f32> {
        let (Some(t), Some(first), Some(last)) = (t, s.first, s.last) else {
            return Some(1.0);
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
        Some((-gap / self.config.decay_days).exp() as f32)
    }

    /// Add a member vector to a story (creating it), re-prune and re-index.
    fn absorb(&mut self, id: StoryId, v: &SparseVec, t: Option<i64>) {
        let s = self.stories.entry(id).or_insert_with(|| StoryState {
            centroid: Vec::new(),
            indexed: Vec::new(),
            first: None,
            last: None,
        });
        add_scaled(&mut s.centroid, v, 1.0);
        if let Some(t) = t {
            s.first = Some(s.first.map_or(t, |f| f.min(t)));
            s.last = Some(s.last.map_or(t, |l| l.max(t)));
        }
        let vocab = &self.vocab;
        keep_top(&mut s.centroid, self.config.centroid_terms, |term, w| {
            w * vocab.idf(term)
        });
        let mut top = s.centroid.clone();
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
            unlist(&mut self.index, *term, id);
        }
        for term in new_terms
            .iter()
            .filter(|x| old_terms.binary_search(x).is_err())
        {
            self.index.entry(*term).or_default().push(id);
        }
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

fn unlist(index: &mut HashMap<u32, Vec<StoryId>>, term: u32, id: StoryId) {
    if let Some(list) = index.get_mut(&term) {
        list.retain(|x| *x != id);
        if list.is_empty() {
            index.remove(&term);
        }
    }
}
