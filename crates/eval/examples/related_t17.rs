//! Related stories on Timeline17: cluster the whole stream (date order), give
//! every story a profile (its articles' titles and first sentences, and the
//! names they mention), and check that the related stories of BP oil spill
//! stories are about the oil spill (topic folder `bpoil`) or energy.
//!
//! ```text
//! cargo run --release -p lede-eval --example related_t17 -- [--data DIR] [--show N]
//! ```
//!
//! Prints the `--show` (default 5) largest oil spill stories with their related
//! stories, then the share of related stories, over all oil spill stories of 2+
//! articles, that are in the oil spill folders.

#[path = "cluster_common/mod.rs"]
mod common;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use lede_cluster::{related_stories, ClusterConfig, ClusterDoc, Clusterer, StoryProfile};

#[derive(Default)]
struct Story<'a> {
    titles: Vec<&'a str>,
    text: String,
    names: Vec<String>,
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
    let data = common::data_dir(&args);
    let show: usize = common::arg(&args, "--show").map_or(5, |v| v.parse().expect("number"));
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
        if s.size <= 3 {
            let lead = d.text.lines().next().unwrap_or("");
            s.text += &format!("{}\n{}\n", d.title, lead);
            s.names.extend(names(lead));
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
                entities: s.names.clone(),
                last_published: s.last,
            }
        })
        .collect();
    let related = related_stories(&profiles, 5);
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
    let (mut on_topic, mut total, mut empty) = (0usize, 0usize, 0usize);
    let mut off: HashMap<&str, usize> = HashMap::new();
    for id in &oil {
        if related[id].is_empty() {
            empty += 1;
        }
        for r in &related[id] {
            total += 1;
            let t = stories[r].topic();
            if t == "bpoil" {
                on_topic += 1;
            } else {
                *off.entry(t).or_default() += 1;
                if args.iter().any(|a| a == "--off") {
                    println!(
                        "off-topic: {} -> [{t}] {}",
                        stories[id].titles[0], stories[r].titles[0]
                    );
                }
            }
        }
    }
    println!(
        "oil spill stories of 2+ articles: {}; related stories in the oil spill folders: {on_topic}/{total} ({:.1}%); with no related story: {empty}; elsewhere: {off:?}",
        oil.len(),
        100.0 * on_topic as f64 / total.max(1) as f64
    );
}
