//! Story clustering: group articles that report the same event into a story.
//!
//! # Online clustering ([`Clusterer`])
//!
//! Articles arrive one at a time and are assigned at once (single pass):
//!
//! 1. **Terms.** Title and body are split into words; stop words go, the rest are
//!    stemmed ([`lede_text::stem`]). A title word counts `title_weight` (2) times,
//!    a capitalised word inside a sentence (a name) `entity_boost` (1.5) times: two
//!    events of the same kind (two rehab check-ins, two earthquakes) differ mostly
//!    in who and where. Body words after the first `lead_words` (150) count
//!    `tail_weight` (0.5): the lead says what happened, the rest is background.
//!    Counts are scaled sublinearly, `1 + ln(count)`.
//! 2. **IDF from the stream.** Document frequencies are learnt incrementally from
//!    every article seen so far, `idf = ln((N+1)/(df+1)) + 1`; so no corpus is
//!    needed up front, and a term that floods the news (a week of "oil spill")
//!    weighs less as it spreads.
//! 3. **Sparse vectors.** Each article keeps its top `doc_terms` (100) terms by
//!    TF-IDF, unit-normalised.
//! 4. **Stories.** A story keeps a centroid (the sum of its members' vectors,
//!    pruned to the top `centroid_terms` (300) terms) and the time span of its
//!    members. The centroid stores term frequencies and is weighted by the
//!    *current* IDF when compared, so early and late members are measured alike.
//! 5. **Candidates.** An inverted index maps each of a story's top `index_terms`
//!    terms to the story; an article looks up its top `query_terms` terms, and
//!    only the stories found are compared (cosine similarity).
//! 6. **Time.** The similarity is multiplied by `exp(-gap / decay_days)`, the gap
//!    being the distance from the article's time to the story's span. A story that
//!    has been quiet for `inactive_days`, or whose span would exceed
//!    `max_span_days`, takes no more articles and is dropped from memory, so
//!    memory stays flat on an endless stream, and a long-running topic (months of
//!    an oil spill) becomes a run of event-sized stories rather than one chain.
//!    Undated articles take the time of the previous article; with no dates at all
//!    time plays no part.
//! 7. **Decision.** The article joins the most similar story when the decayed
//!    similarity is at least `threshold` (0.25), else it starts a new story.
//!
//! # Measured (defaults; `cargo run --release -p lede-cluster --example eval_cluster`)
//!
//! - ECB+ (982 short articles, 86 gold events in 43 pairs of same-kind events,
//!   e.g. two celebrities' rehab check-ins; no dates; mean of 5 shuffles): BCubed
//!   P/R/F1 0.848 / 0.922 / 0.884, pairwise P/R/F1 0.763 / 0.916 / 0.832, 98
//!   clusters; ~3,500 articles/s on one core.
//! - Timeline17 (4,650 dated, long articles of 9 topics from 6 outlets, merged in
//!   date order): topic-level BCubed precision 0.995 (the mixed stories are almost
//!   all articles filed under two topics, e.g. a Reuters Libya piece in both the
//!   Libya and the Syria folders); 3,029 stories, 2,618 of them single articles
//!   (opinion, features, and the one-article-a-day topics), 411 of 2+ articles
//!   spanning 1.2 days on average, the largest 116; ~2,000 articles/s.
//!
//! # Also here
//!
//! - [`NearDuplicates`]: wire-copy detection by MinHash over 5-word shingles with
//!   LSH banding, one pass.
//! - [`related_stories`]: for each story, the others sharing entities or terms.

mod features;
mod neardup;
mod online;
mod related;

pub use neardup::NearDuplicates;
pub use online::{Assignment, ClusterConfig, ClusterDoc, Clusterer};
pub use related::{related_stories, StoryProfile};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, TimeZone, Utc};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2031, 3, 14, 9, 0, 0).unwrap()
    }

    const BRIDGE_A: (&str, &str) = (
        "Eastbrook bridge collapses into Silver River",
        "The Halvard Street bridge in Eastbrook collapsed into the Silver River on Tuesday \
         morning, sending three cars into the water. Fire chief Dana Okoro said divers \
         rescued two drivers and were searching for a third. The steel bridge, built in \
         1961, had been rated structurally deficient by state inspectors last spring.",
    );
    const BRIDGE_B: (&str, &str) = (
        "Divers search river after Eastbrook bridge collapse",
        "Rescue divers searched the Silver River for a missing driver after the Halvard \
         Street bridge in Eastbrook gave way. Chief Dana Okoro told reporters two people \
         were pulled from their cars. Inspectors had flagged corrosion on the bridge's \
         steel beams, according to state records.",
    );
    const BRIDGE_C: (&str, &str) = (
        "Eastbrook mourns driver lost in bridge collapse",
        "Eastbrook officials confirmed that the third driver whose car fell from the \
         Halvard Street bridge into the Silver River has died. Okoro said divers \
         recovered the car. The collapse of the steel bridge has prompted calls to \
         inspect every bridge in the county.",
    );
    const ELECTION_A: (&str, &str) = (
        "Westport elects Marisol Vega as mayor",
        "Marisol Vega won the Westport mayoral election on Sunday with 54 percent of the \
         vote, defeating incumbent mayor Tom Brandt. Vega, a former school board member, \
         promised to expand the harbor ferry service and freeze property taxes. Turnout \
         in Westport reached a record 61 percent.",
    );
    const ELECTION_B: (&str, &str) = (
        "Vega defeats Brandt in Westport mayor race",
        "Challenger Marisol Vega unseated Westport mayor Tom Brandt, taking 54 percent \
         of ballots cast. Brandt conceded in a speech at the harbor. Vega said her first \
         act as mayor would be a property tax freeze and more ferry service.",
    );

    fn doc<'a>(id: i64, d: (&'a str, &'a str), t: DateTime<Utc>) -> ClusterDoc<'a> {
        ClusterDoc {
            id,
            title: d.0,
            text: d.1,
            published: Some(t),
        }
    }

    /// A clusterer that has already seen some unrelated news, so IDF means something.
    fn warmed() -> Clusterer {
        let mut c = Clusterer::new(ClusterConfig::default(), 1);
        let filler = [
            "The central bank held interest rates steady, citing slowing inflation and a cooling housing market.",
            "The county fair opens with livestock shows, a pie contest and fireworks over the lake.",
            "A storm knocked out power to thousands of homes across the northern valley overnight.",
            "The city council approved a budget that raises spending on parks and libraries.",
            "A local football club signed a striker from abroad on a three-season contract.",
            "Researchers at the state university reported a new method for recycling plastics.",
        ];
        for (i, f) in filler.iter().enumerate() {
            c.add(&ClusterDoc {
                id: 1000 + i as i64,
                title: "",
                text: f,
                published: Some(t0() - Duration::days(40)),
            });
        }
        c
    }

    #[test]
    fn same_event_joins_and_other_event_splits() {
        let mut c = warmed();
        let a = c.add(&doc(1, BRIDGE_A, t0()));
        assert!(a.new_story);
        let e = c.add(&doc(2, ELECTION_A, t0() + Duration::hours(1)));
        assert!(e.new_story);
        assert_ne!(a.story, e.story);
        let b = c.add(&doc(3, BRIDGE_B, t0() + Duration::hours(3)));
        assert_eq!(b.story, a.story, "{b:?}");
        assert!(!b.new_story && b.similarity >= c.config().threshold);
        let e2 = c.add(&doc(4, ELECTION_B, t0() + Duration::hours(4)));
        assert_eq!(e2.story, e.story, "{e2:?}");
        let c3 = c.add(&doc(5, BRIDGE_C, t0() + Duration::days(1)));
        assert_eq!(c3.story, a.story, "{c3:?}");
    }

    #[test]
    fn doc_thirty_days_later_starts_a_new_story() {
        let mut c = warmed();
        let a = c.add(&doc(1, BRIDGE_A, t0()));
        let b = c.add(&doc(2, BRIDGE_B, t0() + Duration::days(30)));
        assert!(b.new_story);
        assert_ne!(a.story, b.story);
        // The old story was retired from memory.
        assert_eq!(c.active_stories(), 1);
        assert!(c.add(&doc(3, BRIDGE_C, t0() + Duration::days(30))).story == b.story);
    }

    #[test]
    fn story_span_is_capped() {
        let cfg = ClusterConfig::default();
        let mut c = warmed();
        let step = Duration::days(3);
        let a = c.add(&doc(1, BRIDGE_A, t0()));
        let b = c.add(&doc(2, BRIDGE_B, t0() + step));
        assert_eq!(a.story, b.story);
        // Keep the story alive every 3 days; past max_span_days it must split.
        let mut t = t0() + step;
        let mut split = false;
        for i in 0..6 {
            t += step;
            let x = c.add(&doc(10 + i, BRIDGE_C, t));
            if x.story != a.story {
                split = true;
                assert!((t - t0()).num_days() as f64 > cfg.max_span_days - 3.0);
                break;
            }
        }
        assert!(split);
    }

    #[test]
    fn undated_docs_take_the_previous_time() {
        let mut c = warmed();
        let a = c.add(&doc(1, BRIDGE_A, t0()));
        let mut b = doc(2, BRIDGE_B, t0());
        b.published = None;
        let b = c.add(&b);
        assert_eq!(a.story, b.story);
        // Without any dates at all, time plays no part.
        let mut c = Clusterer::new(ClusterConfig::default(), 1);
        let mut x = doc(1, BRIDGE_A, t0());
        x.published = None;
        let mut y = doc(2, BRIDGE_B, t0());
        y.published = None;
        assert_eq!(c.add(&x).story, c.add(&y).story);
    }

    #[test]
    fn seeded_story_is_joined() {
        let mut c = warmed();
        c.seed_story(
            77,
            &[
                doc(1, BRIDGE_A, t0()),
                doc(2, BRIDGE_B, t0() + Duration::hours(2)),
            ],
        );
        let x = c.add(&doc(3, BRIDGE_C, t0() + Duration::hours(5)));
        assert_eq!(x.story, 77);
        assert!(!x.new_story);
        let y = c.add(&doc(4, ELECTION_A, t0() + Duration::hours(6)));
        assert!(y.new_story);
        assert!(y.story > 77, "new ids start after seeded ones: {y:?}");
    }

    #[test]
    fn new_story_ids_count_up_from_next() {
        let mut c = Clusterer::new(ClusterConfig::default(), 500);
        let a = c.add(&doc(1, BRIDGE_A, t0()));
        let b = c.add(&doc(2, ELECTION_A, t0()));
        assert_eq!((a.story, b.story), (500, 501));
        assert_eq!(a.similarity, 0.0);
    }

    #[test]
    fn near_duplicate_with_small_edits_is_found() {
        let body = format!("{} {} {}", BRIDGE_A.1, BRIDGE_B.1, BRIDGE_C.1);
        let edited = body
            .replace("Tuesday morning", "Tuesday")
            .replace("told reporters", "said")
            .replace("built in 1961", "opened in 1961")
            + " Reporting by the Eastbrook Ledger.";
        let mut nd = NearDuplicates::new();
        assert_eq!(nd.check_and_insert(10, &body), None);
        assert_eq!(nd.check_and_insert(11, ELECTION_A.1), None);
        assert_eq!(nd.check_and_insert(12, &edited), Some(10));
        // An independent report of the same event is not a copy.
        assert_eq!(nd.check_and_insert(13, ELECTION_B.1), None);
        // A copy of the copy points to the first copy.
        let edited2 = edited.replace("Fire chief", "Eastbrook fire chief");
        assert_eq!(nd.check_and_insert(14, &edited2), Some(10));
        // A truncated copy (first two thirds) is still a copy.
        let cut: String = body.split(' ').take(70).collect::<Vec<_>>().join(" ");
        assert_eq!(nd.check_and_insert(15, &cut), Some(10));
        assert_eq!(nd.check_and_insert(16, ""), None);
    }

    #[test]
    fn near_duplicates_forget_beyond_capacity() {
        let mut nd = NearDuplicates::with_capacity(1);
        nd.check_and_insert(1, BRIDGE_A.1);
        nd.check_and_insert(2, ELECTION_A.1);
        assert_eq!(nd.check_and_insert(3, BRIDGE_A.1), None);
        assert_eq!(nd.check_and_insert(4, BRIDGE_A.1), Some(3));
    }

    fn profile(id: i64, text: &str, ents: &[&str], days: i64) -> StoryProfile {
        StoryProfile {
            id,
            text: text.into(),
            entities: ents.iter().map(|s| s.to_string()).collect(),
            last_published: Some(t0() + Duration::days(days)),
        }
    }

    #[test]
    fn related_excludes_self_and_ranks_by_overlap_then_recency() {
        let profiles = vec![
            profile(
                1,
                "Eastbrook bridge collapse kills driver",
                &["Eastbrook", "Dana Okoro"],
                0,
            ),
            // Same overlap with 1 (entity Eastbrook, term bridge), older and newer.
            profile(
                2,
                "Eastbrook bridge repair plan unveiled",
                &["Eastbrook"],
                2,
            ),
            profile(3, "Eastbrook bridge toll debated", &["Eastbrook"], 5),
            // More overlap: two entities and two terms.
            profile(
                4,
                "Eastbrook bridge collapse inquiry opens",
                &["Eastbrook", "Dana Okoro"],
                1,
            ),
            // Nothing in common.
            profile(
                5,
                "Westport elects Marisol Vega mayor",
                &["Westport", "Marisol Vega"],
                3,
            ),
            profile(6, "Harbor ferry fares rise", &["Westport"], 4),
        ];
        let rel = related_stories(&profiles, 3);
        assert_eq!(rel.len(), profiles.len());
        assert_eq!(rel[&1], vec![4, 3, 2]);
        for (id, list) in &rel {
            assert!(!list.contains(id));
            assert!(list.len() <= 3);
        }
        assert_eq!(rel[&5], vec![6]);
        assert!(!rel[&1].contains(&5));
        let rel1 = related_stories(&profiles, 1);
        assert_eq!(rel1[&1], vec![4]);
    }
}
