//! Related stories: stories sharing named entities or distinctive terms.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use lede_model::StoryId;
use lede_text::content_stems;

/// What [`related_stories`] knows about one story.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryProfile {
    pub id: StoryId,
    /// Headline and summary.
    pub text: String,
    /// Names of the entities the story mentions.
    pub entities: Vec<String>,
    pub last_published: Option<DateTime<Utc>>,
}

/// A shared entity counts this many times a shared term (both IDF-weighted).
const ENTITY_WEIGHT: f32 = 2.0;
/// Terms or entities found in more than this share of the profiles (and at least
/// `MIN_COMMON` of them) link too much to mean anything and are ignored.
const MAX_SHARE: f32 = 0.2;
const MIN_COMMON: usize = 5;
/// A related story must share at least one entity or this many terms.
const MIN_SHARED_TERMS: usize = 2;
/// ... and its overlap must be at least this share of the two profiles'
/// weights (`overlap / sqrt(W_a W_b)`, W the IDF-weighted feature mass): one
/// shared "Washington" and a dateline word do not make two stories related.
/// Checked on Timeline17 (`cargo run --release -p lede-eval --example
/// related_t17`): of the related stories of oil spill stories, 96.2% / 96.2% /
/// 96.5% / 96.9% are oil spill stories with no floor / 0.05 / 0.1 / 0.2, and
/// 0.2 leaves 7 of 201 oil spill stories with none (measured while the join
/// model still had 9 features); 0.1 drops weak links only. With the final
/// clusterer and 0.1: 963 of 1,000 (96.3%).
const MIN_COSINE: f32 = 0.1;

/// For each story, up to `k` other stories that share entities or terms, most
/// overlapping first, ties broken by the most recent `last_published`.
///
/// Overlap is `Σ 2·idf(e)` over shared entities (case-insensitive) plus `Σ idf(t)`
/// over shared content stems of the texts, with IDF taken over the profiles. A
/// story is related when it shares at least one entity or two terms. Every
/// story gets an entry, possibly empty.
pub fn related_stories(profiles: &[StoryProfile], k: usize) -> HashMap<StoryId, Vec<StoryId>> {
    // Features: entities prefixed with a marker byte, so they never meet a stem.
    let features: Vec<HashSet<String>> = profiles
        .iter()
        .map(|p| {
            let mut f: HashSet<String> = content_stems(&p.text).into_iter().collect();
            for e in &p.entities {
                let e = e.split_whitespace().collect::<Vec<_>>().join(" ");
                if !e.is_empty() {
                    f.insert(format!("\u{1}{}", e.to_lowercase()));
                }
            }
            f
        })
        .collect();
    let mut postings: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, f) in features.iter().enumerate() {
        for x in f {
            postings.entry(x.as_str()).or_default().push(i);
        }
    }
    let n = profiles.len();
    let max_df = ((n as f32 * MAX_SHARE) as usize).max(MIN_COMMON);

    let idf = |x: &str| {
        let df = postings[x].len();
        if df > max_df {
            0.0
        } else {
            ((n as f32 + 1.0) / (df as f32 + 1.0)).ln() + 1.0
        }
    };
    // IDF-weighted mass of each profile's features (ignored ones weigh 0).
    let mass: Vec<f32> = features
        .iter()
        .map(|f| {
            f.iter()
                .map(|x| {
                    let w = if x.starts_with('\u{1}') {
                        ENTITY_WEIGHT
                    } else {
                        1.0
                    };
                    w * idf(x)
                })
                .sum()
        })
        .collect();
    let mut out = HashMap::new();
    for (i, p) in profiles.iter().enumerate() {
        // other -> (score, shared entities, shared terms)
        let mut acc: HashMap<usize, (f32, usize, usize)> = HashMap::new();
        for x in &features[i] {
            let list = &postings[x.as_str()];
            if list.len() > max_df {
                continue;
            }
            let idf = ((n as f32 + 1.0) / (list.len() as f32 + 1.0)).ln() + 1.0;
            let entity = x.starts_with('\u{1}');
            for &j in list {
                if j == i || profiles[j].id == p.id {
                    continue;
                }
                let a = acc.entry(j).or_insert((0.0, 0, 0));
                if entity {
                    a.0 += ENTITY_WEIGHT * idf;
                    a.1 += 1;
                } else {
                    a.0 += idf;
                    a.2 += 1;
                }
            }
        }
        let mut ranked: Vec<(usize, f32)> = acc
            .into_iter()
            .filter(|(_, (_, ents, terms))| *ents > 0 || *terms >= MIN_SHARED_TERMS)
            .filter(|(j, (score, _, _))| *score >= MIN_COSINE * (mass[i] * mass[*j]).sqrt())
            // Rounded so that equal overlaps summed in another order tie exactly.
            .map(|(j, (score, _, _))| (j, (score * 1000.0).round()))
            .collect();
        ranked.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| {
                    profiles[b.0]
                        .last_published
                        .cmp(&profiles[a.0].last_published)
                })
                .then_with(|| profiles[a.0].id.cmp(&profiles[b.0].id))
        });
        let mut ids: Vec<StoryId> = Vec::new();
        for (j, _) in ranked {
            if ids.len() >= k {
                break;
            }
            if !ids.contains(&profiles[j].id) {
                ids.push(profiles[j].id);
            }
        }
        out.insert(p.id, ids);
    }
    out
}
