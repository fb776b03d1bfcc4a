//! Related stories: stories sharing named entities or distinctive terms.
//!
//! # Method ([`related_stories`])
//!
//! 1. **Texts.** A story is read as its headline and summary (`text`, split
//!    into sentences) and its member articles' titles (`members`). A sentence
//!    or title whose content stems occur, in the same order, in
//!    [`RelatedConfig::boilerplate_stories`] (3) or more stories is page
//!    furniture (a sidebar headline, a promo, a standing line such as "Get the
//!    morning briefing in your inbox") and is left out: the clusterer kept those
//!    stories apart, so the line is not what any of them is about. Clock
//!    times ("Last updated at 05:09 GMT") are left out of every unit: two
//!    pages stamped in the same minute are not about the same thing.
//! 2. **Support.** Each content stem gets the share of the story's votes that
//!    carry it: the headline and summary speak for all member articles and have
//!    as many votes as the story has members, each member title (that is not
//!    furniture) has one. A word of one article's title weighs little in a
//!    story of ten (1/20); a term of the summary weighs at least ½, and one
//!    that is also in every title 1. Entities count as features of their own
//!    (whole names, case-insensitive) with support ½ and twice the weight of a
//!    term.
//! 3. **IDF.** Features are weighted `support × idf`, `idf = ln((N+1)/(df+1)) + 1`
//!    over the profiles. No feature is thrown away for being frequent: the
//!    words of a big running story are frequent and still the best evidence
//!    that two of its stories belong together.
//! 4. **Core and common.** A feature is *core* to a story when its support is
//!    at least ½ (in the summary, or in most titles; every listed entity), and
//!    *common* when more than [`RelatedConfig::common_share`] (2%) of the
//!    stories have it (countries, capitals, heads of state, weekdays, outlet
//!    names). Two stories can only be related when they share a core feature
//!    of both that is not common: a link that rests on "Obama" and "Washington",
//!    or on a word one of them mentions in passing, is not made.
//! 5. **Score.** The overlap of two stories is `Σ weight·idf·min(support_a,
//!    support_b)` over their shared features (weight 2 for entities, 1 for
//!    terms): the evidence both hold. The shared features must include an
//!    entity or two terms, and the overlap must be at least
//!    [`RelatedConfig::min_share`] (0.1) of the geometric mean of the two
//!    stories' feature masses (`Σ weight·idf·support`), so that a word or two
//!    shared by two long profiles do not count.
//!    Related stories are ranked by overlap; among equally related ones the
//!    newest comes first (time plays no other part).
//!
//! # Measured
//!
//! `cargo run --release -p lede-eval --example related_t17`: Timeline17
//! clustered in date order, profiles made as the `lede` pipeline makes them
//! (entities from lede-analyze, kept as lede-write keeps them; member titles).
//! Of the related stories of the 201 oil spill stories of 2+ articles, 1,000
//! of 1,005 (99.5%) are oil spill stories and no such story is left without
//! any; over the 576 stories of 2+ articles of every topic, 95.2% of related
//! stories are in the story's own topic (H1N1 96.7%, Libya war 95.1%). The
//! five others: a story that mixes the Lockerbie release with BP's lobbying
//! (two Libya war stories through Gaddafi and Clinton), Katrina's fifth
//! anniversary filed with the spill (a Katrina story), and a BBC page that
//! names Houston (a Michael Jackson story naming Houston too); leaving clock
//! times out took away a link made of a page stamp's minute ("05") (999
//! before). `--off --explain` prints each off-topic link with the features
//! it rests on ([`shared_features`]). The
//! first version (binary features, terms of over 20% of the stories ignored,
//! no member titles, no boilerplate removal, no core) scored 98.1% on the
//! spill, 94.6% overall, 96.7% and 94.5% on the same profiles. Each step was
//! checked on every topic, not only the spill: leaving big-story words in
//! (spill 98.1% -> 98.9%, overall 94.6% -> 94.9%), boilerplate lines out
//! (99.3%, 95.3%), member titles with support and core (99.4%, 95.2%; Libya
//! war 94.9% -> 95.4%). The settings sit on a plateau: `min_share` 0.08-0.12,
//! `common_share` 0.02-0.04 and boilerplate at 3-5 stories all give
//! 99.1-99.4% on the spill. Tried and not kept: ranking by cosine (-1 point),
//! dropping number tokens (-0.1 to -0.5), weighting entities that the summary
//! and titles do not name lower (-0.2 to -1.0), requiring two or three shared
//! core features (-0.9 to -2.2, up to 14 spill stories left with none), entity
//! weight 1.5 or 3 (within 0.3), entities as their words' stems (-2.6).
//! 2,708 profiles take about 0.2 s of CPU.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use lede_model::StoryId;
use lede_text::{content_stems, split_sentences};

/// What [`related_stories`] knows about one story.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryProfile {
    pub id: StoryId,
    /// Headline and summary (several sentences).
    pub text: String,
    /// Names of the entities the story mentions (its most widely mentioned).
    pub entities: Vec<String>,
    /// One title per member article (wire copies may be left out); empty when
    /// not known, and then the headline and summary alone make the core.
    pub members: Vec<String>,
    pub last_published: Option<DateTime<Utc>>,
}

/// Settings of [`related_stories_with`]; the [`Default`] is what
/// [`related_stories`] uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelatedConfig {
    /// A shared entity counts this many times a shared term of the same
    /// support and IDF.
    pub entity_weight: f32,
    /// Features found in more than this share of the profiles (and in more
    /// than `min_common` of them) are common: they count in the overlap, but
    /// cannot be the core feature a link needs.
    pub common_share: f32,
    /// Floor of the common limit, in profiles, so that in a small collection
    /// not every feature is common.
    pub min_common: usize,
    /// Least overlap of related stories, as a share of the geometric mean of
    /// their feature masses.
    pub min_share: f32,
    /// A sentence or title found in this many stories is page furniture.
    pub boilerplate_stories: usize,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        Self {
            entity_weight: 2.0,
            common_share: 0.02,
            min_common: 5,
            min_share: 0.1,
            boilerplate_stories: 3,
        }
    }
}

/// For each story, up to `k` other stories that share core entities or terms,
/// most related first, ties broken by the most recent `last_published` (see
/// the module documentation). Every story gets an entry, possibly empty.
pub fn related_stories(profiles: &[StoryProfile], k: usize) -> HashMap<StoryId, Vec<StoryId>> {
    related_stories_with(profiles, k, &RelatedConfig::default())
}

/// Support from which a feature is core; also the support of a listed entity.
const CORE: f32 = 0.5;
/// Related stories share an entity or at least this many terms: one shared
/// word between two short profiles is a coincidence.
const MIN_SHARED_TERMS: usize = 2;

/// One feature of one story.
#[derive(Clone, Copy, Debug)]
struct Feature {
    id: u32,
    support: f32,
    /// IDF times the entity weight for entities.
    weight: f32,
    core: bool,
    common: bool,
    entity: bool,
}

/// [`related_stories`] with explicit settings.
pub fn related_stories_with(
    profiles: &[StoryProfile],
    k: usize,
    config: &RelatedConfig,
) -> HashMap<StoryId, Vec<StoryId>> {
    let (features, _) = features(profiles, config);
    let n = profiles.len();
    let mass: Vec<f32> = features
        .iter()
        .map(|f| f.iter().map(|x| x.weight * x.support).sum())
        .collect();
    // Postings of core features that are not common: each pair of stories
    // that can be related shares one of these.
    let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, f) in features.iter().enumerate() {
        for x in f.iter().filter(|x| x.core && !x.common) {
            postings.entry(x.id).or_default().push(i);
        }
    }
    // Each pair is scored once, from its lower index. `support` holds the
    // supports of story i's features, indexed by feature (0: not a feature
    // of i), so that a candidate's features are looked up, not merged.
    let features_total = features
        .iter()
        .flatten()
        .map(|x| x.id as usize + 1)
        .max()
        .unwrap_or(0);
    let mut support = vec![0.0f32; features_total];
    let mut scored: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
    let mut candidates: Vec<usize> = Vec::new();
    for i in 0..n {
        for x in &features[i] {
            support[x.id as usize] = x.support;
        }
        candidates.clear();
        for x in features[i].iter().filter(|x| x.core && !x.common) {
            candidates.extend(postings[&x.id].iter().filter(|&&j| j > i));
        }
        candidates.sort_unstable();
        candidates.dedup();
        for &j in &candidates {
            if profiles[j].id == profiles[i].id {
                continue;
            }
            let (o, entities, terms) = overlap(&support, &features[j]);
            if (entities > 0 || terms >= MIN_SHARED_TERMS)
                && o >= config.min_share * (mass[i] * mass[j]).sqrt()
            {
                // Rounded so that equal overlaps summed in another order tie.
                let o = (o * 1000.0).round();
                scored[i].push((j, o));
                scored[j].push((i, o));
            }
        }
        for x in &features[i] {
            support[x.id as usize] = 0.0;
        }
    }
    let mut out = HashMap::with_capacity(n);
    for (i, mut ranked) in scored.into_iter().enumerate() {
        ranked.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| {
                    profiles[b.0]
                        .last_published
                        .cmp(&profiles[a.0].last_published)
                })
                .then_with(|| profiles[a.0].id.cmp(&profiles[b.0].id))
        });
        let mut list: Vec<StoryId> = Vec::with_capacity(k);
        for (j, _) in ranked {
            if list.len() >= k {
                break;
            }
            if !list.contains(&profiles[j].id) {
                list.push(profiles[j].id);
            }
        }
        out.entry(profiles[i].id).or_insert(list);
    }
    out
}

/// Evidence both stories hold, `Σ weight·min(support)` over their shared
/// features, and how many of those are entities and terms: `support` gives
/// one story's supports by feature id, `b` is the other's features.
fn overlap(support: &[f32], b: &[Feature]) -> (f32, usize, usize) {
    let (mut sum, mut entities, mut terms) = (0.0, 0, 0);
    for y in b {
        let s = support[y.id as usize];
        if s > 0.0 {
            sum += y.weight * s.min(y.support);
            if y.entity {
                entities += 1;
            } else {
                terms += 1;
            }
        }
    }
    (sum, entities, terms)
}

/// Content stems of a profile's sentence or title, without clock times
/// ("05:09 GMT", "6:36 pm EST"): a page's time stamp says when it was
/// updated, not what it is about, and two stamps sharing a minute are no
/// link between stories.
fn profile_stems(s: &str) -> Vec<String> {
    let tokens = lede_text::words(s);
    let digits = |t: &str| (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
    // "18.45" is one token; "05:09" two.
    let dotted = |t: &str| {
        t.split_once('.')
            .is_some_and(|(h, m)| digits(h) && m.len() == 2 && digits(m))
    };
    let zone = |i: usize| {
        tokens.get(i).is_some_and(|z| {
            matches!(
                z.text.to_ascii_lowercase().as_str(),
                "am" | "pm"
                    | "gmt"
                    | "bst"
                    | "utc"
                    | "cet"
                    | "cest"
                    | "est"
                    | "edt"
                    | "cst"
                    | "cdt"
                    | "pst"
                    | "pdt"
                    | "et"
                    | "pt"
            )
        })
    };
    let mut skip = vec![false; tokens.len()];
    for i in 0..tokens.len() {
        let colon = tokens.get(i + 1).is_some_and(|m| {
            digits(tokens[i].text)
                && m.text.len() == 2
                && digits(m.text)
                && s.get(tokens[i].end..m.start) == Some(":")
        });
        if colon {
            skip[i] = true;
            skip[i + 1] = true;
            if zone(i + 2) {
                skip[i + 2] = true;
            }
        } else if dotted(tokens[i].text) && zone(i + 1) {
            // A dotted number is a time only with a zone or half of the day.
            skip[i] = true;
            skip[i + 1] = true;
        }
    }
    tokens
        .iter()
        .zip(skip)
        .filter(|(_, skip)| !skip)
        .flat_map(|(t, _)| content_stems(t.text))
        .collect()
}

/// One feature two stories share, as [`shared_features`] explains a link.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedFeature {
    /// A content stem, or an entity's lowercase name.
    pub name: String,
    pub entity: bool,
    /// The feature's support in each story (share of its votes).
    pub support: (f32, f32),
    /// IDF times the entity weight.
    pub weight: f32,
    /// Core to both stories, and not common: a link can rest on it.
    pub can_link: bool,
}

/// The features stories `a` and `b` (indices into `profiles`) share, most
/// evidence first: why [`related_stories_with`] relates them, or nearly does.
pub fn shared_features(
    profiles: &[StoryProfile],
    a: usize,
    b: usize,
    config: &RelatedConfig,
) -> Vec<SharedFeature> {
    let (features, names) = features(profiles, config);
    let (Some(fa), Some(fb)) = (features.get(a), features.get(b)) else {
        return Vec::new();
    };
    let mut out: Vec<SharedFeature> = fa
        .iter()
        .filter_map(|x| {
            let y = fb.iter().find(|y| y.id == x.id)?;
            Some(SharedFeature {
                name: names[x.id as usize].trim_start_matches('\u{1}').to_string(),
                entity: x.entity,
                support: (x.support, y.support),
                weight: x.weight,
                can_link: x.core && y.core && !x.common,
            })
        })
        .collect();
    out.sort_by(|p, q| {
        (q.weight * q.support.0.min(q.support.1))
            .total_cmp(&(p.weight * p.support.0.min(p.support.1)))
    });
    out
}

/// The weighted features of every profile, each list sorted by feature id,
/// and the name of each feature id.
fn features(profiles: &[StoryProfile], config: &RelatedConfig) -> (Vec<Vec<Feature>>, Vec<String>) {
    // Stems of each unit: the sentences of the text (side 0) and the member
    // titles (side 1).
    let units: Vec<Vec<(bool, Vec<String>)>> = profiles
        .iter()
        .map(|p| {
            let text = split_sentences(&p.text)
                .into_iter()
                .filter_map(|s| p.text.get(s.start..s.end))
                .map(|s| (false, profile_stems(s)));
            let titles = p.members.iter().map(|m| (true, profile_stems(m)));
            text.chain(titles).filter(|(_, s)| !s.is_empty()).collect()
        })
        .collect();
    // In how many stories each unit occurs.
    let mut unit_stories: HashMap<&[String], usize> = HashMap::new();
    for u in &units {
        let mut keys: Vec<&[String]> = u.iter().map(|(_, s)| s.as_slice()).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            *unit_stories.entry(key).or_default() += 1;
        }
    }

    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut intern = |s: &str| match ids.get(s) {
        Some(&id) => id,
        None => {
            let id = ids.len() as u32;
            ids.insert(s.to_string(), id);
            id
        }
    };
    // Per story: (feature, support, is entity).
    let mut raw: Vec<Vec<(u32, f32, bool)>> = Vec::with_capacity(profiles.len());
    for (p, u) in profiles.iter().zip(&units) {
        // Feature -> (in the text, titles containing it).
        let mut seen: HashMap<u32, (bool, usize)> = HashMap::new();
        let mut titles = 0usize;
        let mut text = false;
        for (is_title, stems) in u {
            if unit_stories[stems.as_slice()] >= config.boilerplate_stories {
                continue;
            }
            if *is_title {
                titles += 1;
            } else {
                text = true;
            }
            let mut stems: Vec<&str> = stems.iter().map(String::as_str).collect();
            stems.sort_unstable();
            stems.dedup();
            for s in stems {
                let e = seen.entry(intern(s)).or_default();
                if *is_title {
                    e.1 += 1;
                } else {
                    e.0 = true;
                }
            }
        }
        // The summary speaks for every member article: it has as many votes
        // as the story has members (at least one), each title that is not
        // furniture one.
        let text_votes = if text {
            p.members.len().max(1) as f32
        } else {
            0.0
        };
        let mut f: Vec<(u32, f32, bool)> = seen
            .into_iter()
            .map(|(id, (in_text, in_titles))| {
                let votes = text_votes + titles as f32;
                let support = (if in_text { text_votes } else { 0.0 } + in_titles as f32) / votes;
                (id, support, false)
            })
            .collect();
        for e in &p.entities {
            let name = e.split_whitespace().collect::<Vec<_>>().join(" ");
            if name.is_empty() {
                continue;
            }
            // Marker byte: an entity never meets a stem.
            let id = intern(&format!("\u{1}{}", name.to_lowercase()));
            if !f.iter().any(|x| x.0 == id) {
                f.push((id, CORE, true));
            }
        }
        raw.push(f);
    }

    let n = profiles.len();
    let mut df = vec![0usize; ids.len()];
    for f in &raw {
        for x in f {
            df[x.0 as usize] += 1;
        }
    }
    let common_df = ((n as f32 * config.common_share) as usize).max(config.min_common);
    let mut names = vec![String::new(); ids.len()];
    for (name, id) in ids {
        names[id as usize] = name;
    }
    let features = raw
        .into_iter()
        .map(|f| {
            let mut f: Vec<Feature> = f
                .into_iter()
                .map(|(id, support, entity)| {
                    let d = df[id as usize];
                    let idf = ((n as f32 + 1.0) / (d as f32 + 1.0)).ln() + 1.0;
                    Feature {
                        id,
                        support,
                        weight: idf * if entity { config.entity_weight } else { 1.0 },
                        core: support >= CORE,
                        common: d > common_df,
                        entity,
                    }
                })
                .collect();
            f.sort_unstable_by_key(|x| x.id);
            f
        })
        .collect();
    (features, names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A fictional story: headline and summary, titles, entities, day of
    /// March 2031 it was last updated.
    fn story(
        id: StoryId,
        text: &str,
        members: &[&str],
        entities: &[&str],
        day: u32,
    ) -> StoryProfile {
        StoryProfile {
            id,
            text: text.to_string(),
            entities: entities.iter().map(|e| e.to_string()).collect(),
            members: members.iter().map(|m| m.to_string()).collect(),
            last_published: Some(Utc.with_ymd_and_hms(2031, 3, day, 12, 0, 0).unwrap()),
        }
    }

    /// Unrelated stories that make the others' words rare.
    fn filler(from: StoryId) -> Vec<StoryProfile> {
        [
            "Orchard growers report a record plum harvest in the valley.",
            "The chess olympiad opens with a surprise draw in round one.",
            "A new tram line links the airport with the old town.",
            "Violin makers gather for a week of workshops and concerts.",
            "Snowfall closes the mountain pass for the third time this winter.",
            "A museum of clocks reopens after a decade of restoration.",
            "Beekeepers warn of a mild winter's toll on their hives.",
            "The rowing regatta is moved to the estuary after high winds.",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| story(from + i as StoryId, t, &[], &[], 1))
        .collect()
    }

    #[test]
    fn clock_times_are_not_profile_terms() {
        assert_eq!(
            profile_stems("Updated at 05:09 GMT: levee holds, 7.5 metres"),
            content_stems("Updated at: levee holds, 7.5 metres")
        );
        assert_eq!(
            profile_stems("Ferry sails at 6:30 pm"),
            content_stems("Ferry sails at")
        );
        assert_eq!(
            profile_stems("Sunday 26 April 18.45 BST, a 7.50 fare"),
            content_stems("Sunday 26 April, a 7.50 fare")
        );
    }

    fn related(profiles: &[StoryProfile]) -> HashMap<StoryId, Vec<StoryId>> {
        related_stories(profiles, 5)
    }

    #[test]
    fn stories_sharing_core_names_and_terms_are_related_both_ways() {
        let mut p = filler(100);
        p.push(story(
            1,
            "The Brisk Isles ferry Calloway ran aground off Tenby Rock.",
            &["Ferry Calloway aground off Tenby Rock"],
            &["Calloway", "Tenby Rock"],
            2,
        ));
        p.push(story(
            2,
            "Divers begin to refloat the ferry Calloway from Tenby Rock.",
            &["Calloway refloating begins"],
            &["Calloway", "Tenby Rock"],
            4,
        ));
        let r = related(&p);
        assert_eq!(r[&1], vec![2]);
        assert_eq!(r[&2], vec![1]);
        // Every story has an entry, the unrelated ones an empty one.
        assert_eq!(r.len(), p.len());
        assert!(r[&100].is_empty());
    }

    #[test]
    fn more_shared_evidence_ranks_first_and_newest_breaks_ties() {
        let mut p = filler(100);
        p.push(story(
            1,
            "Quarry workers at Dunmere strike over pay at Holt & Sons.",
            &[],
            &[],
            1,
        ));
        // Shares Dunmere, quarry and Holt: most related.
        p.push(story(
            2,
            "Holt & Sons offers Dunmere quarry staff a new deal.",
            &[],
            &[],
            2,
        ));
        // Two stories sharing only Dunmere and quarry, the same way: the newer first.
        p.push(story(
            3,
            "A Dunmere quarry reopens its visitor path.",
            &[],
            &[],
            3,
        ));
        p.push(story(
            4,
            "A Dunmere quarry reopens its visitor path.",
            &[],
            &[],
            5,
        ));
        let r = related(&p);
        assert_eq!(r[&1], vec![2, 4, 3]);
    }

    #[test]
    fn at_most_k_and_never_itself() {
        let mut p = filler(100);
        for (i, t) in [
            "Lantern festival at Corvel harbour opens.",
            "Corvel harbour lantern festival draws crowds.",
            "Rain spares the Corvel harbour lantern festival.",
            "Corvel harbour lantern festival ends with fireworks.",
        ]
        .iter()
        .enumerate()
        {
            p.push(story(1 + i as StoryId, t, &[], &[], 1 + i as u32));
        }
        // The same story listed twice (same id) is not related to itself.
        p.push(p[8].clone());
        let r = related_stories(&p, 2);
        assert_eq!(r[&1], vec![4, 3]);
        assert_eq!(related_stories(&p, 5)[&1], vec![4, 3, 2]);
    }

    #[test]
    fn links_resting_on_common_features_alone_are_not_made() {
        let mut p = filler(100);
        // "Velmora" is in 8 of 16 stories: common, like a country's name.
        for (i, t) in [
            "Velmora budget passes after a long night vote.",
            "Velmora football final ends in penalties.",
            "Velmora weather service warns of a heatwave.",
            "Velmora railway strike enters second day.",
            "Velmora film festival picks its jury.",
            "Velmora central bank holds interest rates.",
        ]
        .iter()
        .enumerate()
        {
            p.push(story(1 + i as StoryId, t, &[], &["Velmora"], 1));
        }
        // Two of them also share a rare name: that links them.
        p.push(story(
            7,
            "Velmora coach Ostrel Vance resigns.",
            &[],
            &["Velmora"],
            2,
        ));
        p.push(story(
            8,
            "Velmora names a successor to Ostrel Vance.",
            &[],
            &["Velmora"],
            3,
        ));
        let r = related(&p);
        for id in 1..=6 {
            assert!(r[&id].is_empty(), "{id}: {:?}", r[&id]);
        }
        assert_eq!(r[&7], vec![8]);
    }

    #[test]
    fn furniture_lines_found_in_many_stories_are_ignored() {
        let promo = "Sign up for the Harbour Gazette morning briefing";
        let mut p = filler(100);
        p.push(story(
            1,
            "Tollgate bridge closes for repairs.",
            &[promo],
            &[],
            1,
        ));
        p.push(story(
            2,
            "Kestrel count rises on the moors.",
            &[promo],
            &[],
            2,
        ));
        p.push(story(
            3,
            "Bakery wins the county pie contest.",
            &[promo],
            &[],
            3,
        ));
        let r = related(&p);
        for id in 1..=3 {
            assert!(r[&id].is_empty(), "{id}: {:?}", r[&id]);
        }
        // In two stories only, a shared title is evidence, not furniture.
        let mut p = filler(100);
        p.push(story(
            1,
            "Tollgate bridge closes for repairs.",
            &[promo],
            &[],
            1,
        ));
        p.push(story(
            2,
            "Kestrel count rises on the moors.",
            &[promo],
            &[],
            2,
        ));
        assert_eq!(related(&p)[&1], vec![2]);
    }

    #[test]
    fn a_passing_mention_in_one_title_is_not_core() {
        let lighthouse = story(
            2,
            "Quillon lighthouse reopens after storm repairs.",
            &["Quillon lighthouse reopens"],
            &[],
            2,
        );
        let ferry_titles = [
            "Tidewater council approves ferry timetable",
            "Council backs ferry changes",
            "Ferry timetable vote passes as Quillon lighthouse reopens",
        ];
        let mut p = filler(100);
        p.push(story(
            1,
            "Tidewater council approves the new ferry timetable.",
            &ferry_titles,
            &[],
            1,
        ));
        p.push(lighthouse.clone());
        let r = related(&p);
        assert!(r[&1].is_empty(), "{:?}", r[&1]);
        assert!(r[&2].is_empty(), "{:?}", r[&2]);
        // When the summary is about it too, it is core.
        let mut p = filler(100);
        p.push(story(
            1,
            "Tidewater council approves the new ferry timetable as Quillon lighthouse reopens.",
            &ferry_titles,
            &[],
            1,
        ));
        p.push(lighthouse);
        assert_eq!(related(&p)[&1], vec![2]);
    }

    #[test]
    fn one_shared_word_is_a_coincidence_one_shared_name_is_not() {
        let mut p = filler(100);
        p.push(story(1, "Tollgate bridge closes for repairs.", &[], &[], 1));
        p.push(story(2, "Fog closes Brenlow airfield.", &[], &[], 2));
        assert!(related(&p)[&1].is_empty());
        let mut p = filler(100);
        p.push(story(
            1,
            "Tollgate bridge closes for repairs.",
            &[],
            &["Tollgate"],
            1,
        ));
        p.push(story(
            2,
            "Fog closes the Tollgate road.",
            &[],
            &["Tollgate"],
            2,
        ));
        assert_eq!(related(&p)[&1], vec![2]);
    }

    #[test]
    fn a_thin_overlap_between_long_profiles_is_not_enough() {
        let mut p = filler(100);
        p.push(story(
            1,
            "Marrowby council debates parking fees, school meals, library hours, \
             street lighting, recycling bins, park benches and bus shelters. \
             Residents queue for seats; the mayor promises a vote in spring.",
            &[],
            &[],
            1,
        ));
        p.push(story(
            2,
            "A Marrowby poet wins the national prize for verse about herons, \
             tides, lost gloves, winter markets and the night ferry. The \
             council plans a reading at the town hall.",
            &[],
            &[],
            2,
        ));
        let r = related(&p);
        assert!(r[&1].is_empty(), "{:?}", r[&1]);
        // Short profiles sharing the same words are related.
        let mut p = filler(100);
        p.push(story(
            1,
            "Marrowby council debates parking fees.",
            &[],
            &[],
            1,
        ));
        p.push(story(
            2,
            "Marrowby council poetry reading planned.",
            &[],
            &[],
            2,
        ));
        assert_eq!(related(&p)[&1], vec![2]);
    }

    #[test]
    fn frequent_words_of_a_big_story_still_count() {
        // "Brackwater dam" is in 9 of 17 stories: common, so it cannot make
        // a link alone, but it adds to the evidence of one.
        let mut p = filler(100);
        for (i, t) in [
            "Brackwater dam inspection finds more cracks.",
            "Farmers below Brackwater dam fear for their fields.",
            "Brackwater dam operator lowers the reservoir.",
            "Anglers protest Brackwater dam water release.",
            "Brackwater dam repairs will cost millions, says the county.",
            "Schools near Brackwater dam rehearse evacuation.",
            "Brackwater dam sirens tested at dawn.",
        ]
        .iter()
        .enumerate()
        {
            p.push(story(10 + i as StoryId, t, &[], &[], 1));
        }
        p.push(story(
            1,
            "Brackwater dam engineer Ilsa Varga warns of a breach.",
            &[],
            &[],
            2,
        ));
        p.push(story(
            2,
            "Brackwater dam: Ilsa Varga testifies to the inquiry.",
            &[],
            &[],
            3,
        ));
        // Shares Ilsa Varga only, and is newer.
        p.push(story(
            3,
            "Ilsa Varga testifies to the inquiry.",
            &[],
            &[],
            9,
        ));
        let r = related(&p);
        assert_eq!(r[&1][..2], [2, 3]);
    }

    #[test]
    fn works_without_member_titles_or_entities() {
        let mut p = filler(100);
        p.push(story(
            1,
            "Glassworks fire at Penmore contained.",
            &[],
            &[],
            1,
        ));
        p.push(story(
            2,
            "Penmore glassworks fire: cause found.",
            &[],
            &[],
            2,
        ));
        p.push(StoryProfile {
            id: 3,
            ..StoryProfile::default()
        });
        let r = related(&p);
        assert_eq!(r[&1], vec![2]);
        assert!(r[&3].is_empty());
        assert!(related_stories(&[], 5).is_empty());
    }
}
