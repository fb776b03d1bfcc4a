//! Related stories on Timeline17: cluster the whole stream (date order), give
//! every story a profile as the `lede` pipeline does, and check that the
//! related stories of BP oil spill stories are about the oil spill (topic
//! folder `bpoil`) or energy, and, for every topic, how many related stories
//! are in the story's own topic folder.
//!
//! ```text
//! cargo run --release -p lede-eval --example related_t17 -- [--data DIR] [--show N] [--off]
//!     [--no-members] [--lead-entities] [--min-share X] [--common X] [--boilerplate N]
//!     [--entity-weight X] [--explain]
//! ```
//!
//! A story's profile stands in for what the pipeline has: for the headline and
//! summary, the title and first sentence of its first three articles; for its
//! entities, the people, organisations and places lede-analyze finds in its
//! articles, those mentioned by at least two articles (all of them for a
//! one-article story), most widely mentioned first, at most 8, as lede-write
//! keeps them; for its members, each article's title (Timeline17 has no
//! titles: the reader takes the start of the first line, often a dateline or
//! page furniture). `--no-members` leaves the member titles out,
//! `--lead-entities` takes as entities every capitalised word inside the
//! first three leads; both together give the profiles of the first version.
//!
//! Prints the `--show` (default 5) largest oil spill stories with their related
//! stories (`--off`: every off-topic one; `--explain`: with both profiles and
//! the features they share), then, over all oil spill stories of
//! 2+ articles, the share of related stories in the oil spill folders, and in
//! them or about energy. A related story is *about energy* when its own
//! profile text uses energy words (oil, crude, fuel, drilling, BP, ...: see
//! [`ENERGY_STEMS`]) at least twice; which stories that is follows from their
//! text, never from a list of stories. Last, per topic folder: the share of
//! the related stories of its 2+-article stories that are in the same folder,
//! how many of those stories have none, and the time [`related_stories_with`]
//! took (wall and CPU).

#[path = "cluster_common/mod.rs"]
mod common;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use common::clustering::GoldDoc;
use lede_cluster::{
    related_stories_with, shared_features, ClusterConfig, ClusterDoc, Clusterer, RelatedConfig,
    StoryProfile,
};
use lede_model::{Article, EntityKind};

/// Stems of words about oil and energy (lede-text stems: "drilling" ->
/// "drill", "energy" -> "energi").
const ENERGY_STEMS: &[&str] = &[
    "oil",
    "bp",
    "crude",
    "petroleum",
    "petrol",
    "gasolin",
    "fuel",
    "energi",
    "drill",
    "refineri",
    "pipelin",
    "barrel",
    "opec",
];

#[derive(Default)]
struct Story<'a> {
    titles: Vec<&'a str>,
    text: String,
    /// Capitalised words of the first three leads (the first version's entities).
    lead_names: Vec<String>,
    /// Name -> number of articles mentioning it.
    mentions: HashMap<String, usize>,
    topics: HashMap<&'a str, usize>,
    last: Option<DateTime<Utc>>,
    size: usize,
}

impl Story<'_> {
    fn topic(&self) -> &str {
        self.topics
            .iter()
            .max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t)))
            .map_or("", |(t, _)| t)
    }

    /// Names mentioned by two or more articles (or the single article), most
    /// widely mentioned first, at most 8: as lede-write picks a story's entities.
    fn entities(&self) -> Vec<String> {
        let min = if self.size > 1 { 2 } else { 1 };
        let mut best: Vec<(&String, usize)> = self
            .mentions
            .iter()
            .filter(|(_, n)| **n >= min)
            .map(|(e, n)| (e, *n))
            .collect();
        best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        best.into_iter().take(8).map(|(e, _)| e.clone()).collect()
    }

    /// Whether the story's own text is about oil or energy.
    fn about_energy(&self) -> bool {
        lede_text::content_stems(&self.text)
            .iter()
            .filter(|s| ENERGY_STEMS.contains(&s.as_str()))
            .count()
            >= 2
    }
}

/// The names of the people, organisations and places an article mentions, as
/// lede-analyze finds them (lede-write leaves out other kinds and names of
/// more than four words).
fn article_entities(d: &GoldDoc) -> Vec<String> {
    let article = Article {
        title: d.title.clone(),
        published: d.published,
        sentences: lede_text::split_sentences(&d.text),
        text: d.text.clone(),
        ..Article::default()
    };
    lede_analyze::find_entities(&article)
        .into_iter()
        .filter(|e| e.kind != EntityKind::Other && e.name.split_whitespace().count() <= 4)
        .map(|e| e.name)
        .collect()
}

/// CPU time of this thread so far, in nanoseconds (Linux; the wall time of a
/// shared machine says little).
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Capitalised words inside sentences: the names a story mentions.
fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        for w in line.split_whitespace().skip(1) {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            if w.len() > 2 && w.chars().next().is_some_and(char::is_uppercase) {
                out.push(w.to_string());
            }
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let data = common::data_dir(&args);
    let show: usize = common::arg(&args, "--show").map_or(5, |v| v.parse().expect("number"));
    let mut config = RelatedConfig::default();
    let num = |f: &str| common::arg(&args, f).map(|v| v.parse::<f32>().expect("number"));
    if let Some(x) = num("--min-share") {
        config.min_share = x;
    }
    if let Some(x) = num("--common") {
        config.common_share = x;
    }
    if let Some(x) = num("--boilerplate") {
        config.boilerplate_stories = x as usize;
    }
    if let Some(x) = num("--entity-weight") {
        config.entity_weight = x;
    }
    let docs = common::clustering::read_t17(&data.join("t17")).expect("t17");
    let order = &common::orders(&docs, 1)[0];
    let mut clusterer = Clusterer::new(ClusterConfig::default(), 1);
    let mut stories: HashMap<i64, Story> = HashMap::new();
    for (i, d) in order.iter().enumerate() {
        let a = clusterer.add(&ClusterDoc {
            id: i as i64,
            title: &d.title,
            text: &d.text,
            published: d.published,
        });
        let s = stories.entry(a.story).or_default();
        s.size += 1;
        s.titles.push(&d.title);
        let lead = d.text.lines().next().unwrap_or("");
        if s.size <= 3 {
            s.text += &format!("{}\n{}\n", d.title, lead);
            s.lead_names.extend(names(lead));
        }
        let mut seen = article_entities(d);
        seen.sort_unstable();
        seen.dedup();
        for n in seen {
            *s.mentions.entry(n).or_default() += 1;
        }
        *s.topics.entry(d.gold.as_str()).or_default() += 1;
        s.last = s.last.max(d.published);
    }
    let mut ids: Vec<i64> = stories.keys().copied().collect();
    ids.sort_unstable();
    let profiles: Vec<StoryProfile> = ids
        .iter()
        .map(|id| {
            let s = &stories[id];
            StoryProfile {
                id: *id,
                text: s.text.clone(),
                entities: if flag("--lead-entities") {
                    s.lead_names.clone()
                } else {
                    s.entities()
                },
                members: if flag("--no-members") {
                    Vec::new()
                } else {
                    s.titles.iter().map(|t| t.to_string()).collect()
                },
                last_published: s.last,
            }
        })
        .collect();
    let (started, cpu) = (std::time::Instant::now(), cpu_ns());
    let related = related_stories_with(&profiles, 5, &config);
    let took = started.elapsed();
    let cpu = cpu.zip(cpu_ns()).map(|(a, b)| (b - a) as f64 / 1e6);

    let mut oil: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| stories[id].topic() == "bpoil" && stories[id].size >= 2)
        .collect();
    oil.sort_by_key(|id| std::cmp::Reverse(stories[id].size));
    for id in oil.iter().take(show) {
        let s = &stories[id];
        println!("story {id} ({} articles): {}", s.size, s.titles[0]);
        for r in &related[id] {
            let o = &stories[r];
            println!(
                "    -> [{}] {} ({})",
                o.topic(),
                o.titles[0],
                o.last
                    .map_or(String::new(), |t| t.format("%Y-%m-%d").to_string())
            );
        }
    }
    let (mut on_topic, mut energy, mut total, mut empty) = (0usize, 0usize, 0usize, 0usize);
    let mut off: HashMap<&str, usize> = HashMap::new();
    for id in &oil {
        if related[id].is_empty() {
            empty += 1;
        }
        for r in &related[id] {
            total += 1;
            let o = &stories[r];
            let t = o.topic();
            if t == "bpoil" {
                on_topic += 1;
                continue;
            }
            let about_energy = o.about_energy();
            if about_energy {
                energy += 1;
            } else {
                *off.entry(t).or_default() += 1;
            }
            if flag("--off") {
                println!(
                    "{}: {id}-{r} {} -> [{t}] {}",
                    if about_energy { "energy" } else { "off-topic" },
                    stories[id].titles[0],
                    o.titles[0]
                );
                if flag("--explain") {
                    let at = |sid: &i64| profiles.iter().position(|p| p.id == *sid);
                    for (label, sid) in [("from", id), ("to", r)] {
                        let p = &profiles[at(sid).expect("profile")];
                        println!("  {label} text: {:?}", p.text);
                        println!("  {label} entities: {:?}", p.entities);
                        println!("  {label} titles: {:?}", p.members);
                    }
                    let (a, b) = (at(id).expect("profile"), at(r).expect("profile"));
                    for f in shared_features(&profiles, a, b, &config).iter().take(12) {
                        println!(
                            "  shared {}{} support {:.2}/{:.2} weight {:.2}{}",
                            if f.entity { "entity " } else { "" },
                            f.name,
                            f.support.0,
                            f.support.1,
                            f.weight,
                            if f.can_link { " (can link)" } else { "" }
                        );
                    }
                }
            }
        }
    }
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "oil spill stories of 2+ articles: {}; related stories in the oil spill folders: {on_topic}/{total} ({:.1}%), or about energy: {}/{total} ({:.1}%); with no related story: {empty}; elsewhere, not about energy: {off:?}",
        oil.len(),
        pct(on_topic, total),
        on_topic + energy,
        pct(on_topic + energy, total),
    );

    // Every topic: related stories in the story's own folder.
    let mut by_topic: HashMap<&str, (usize, usize, usize, usize)> = HashMap::new();
    for id in &ids {
        let s = &stories[id];
        if s.size < 2 {
            continue;
        }
        let e = by_topic.entry(s.topic()).or_default();
        e.0 += 1;
        e.1 += usize::from(related[id].is_empty());
        for r in &related[id] {
            e.3 += 1;
            e.2 += usize::from(stories[r].topic() == s.topic());
        }
    }
    let mut topics: Vec<_> = by_topic.into_iter().collect();
    topics.sort();
    let (mut same, mut all, mut none, mut n) = (0, 0, 0, 0);
    for (t, (stories, empty, on, total)) in &topics {
        println!(
            "{t:>16}: {stories:>4} stories of 2+ articles, related in the same folder {on}/{total} ({:.1}%), with none {empty}",
            pct(*on, *total)
        );
        (same, all, none, n) = (same + on, all + total, none + empty, n + stories);
    }
    println!(
        "{:>16}: {n:>4} stories of 2+ articles, related in the same folder {same}/{all} ({:.1}%), with none {none}; related stories of {} profiles in {:.0} ms ({} CPU)",
        "all",
        pct(same, all),
        profiles.len(),
        took.as_secs_f64() * 1000.0,
        cpu.map_or("no".to_string(), |ms| format!("{ms:.0} ms"))
    );
}
