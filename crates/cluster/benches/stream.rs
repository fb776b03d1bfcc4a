//! Scale benchmark: 200,000 generated articles through the story clusterer and
//! the wire-copy detector, one thread.
//!
//! ```text
//! cargo bench -p lede-cluster            # 200,000 articles
//! cargo bench -p lede-cluster -- 20000   # another count
//! ```
//!
//! The stream: ~500 articles a day over 400 days. Events are born at random,
//! stay newsworthy for an exponentially distributed ~2 days, and each has its
//! own keywords, names and numbers; an article is a title and ~180 words
//! drawn from its event (45% keywords, 10% names, 5% numbers) and from a
//! Zipf-distributed vocabulary of 30,000 words. 8% of articles are wire
//! copies of a recent article of their event with a few words changed.
//!
//! At 50k, 100k and 200k articles it prints throughput (per wall second, and
//! per CPU second of this process, which is what counts on a shared machine:
//! both stages, the clusterer alone, the wire-copy index alone),
//! peak and current resident memory (`VmHWM`, `VmRSS` from
//! `/proc/self/status`), the open stories and remembered wire-copy entries,
//! and at the end BCubed figures against the generated events and the share
//! of wire copies found. (Resident memory also holds the benchmark's own
//! gold and predicted labels, 16 bytes an article: 3 MiB at 200k.)

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use lede_cluster::{ClusterConfig, ClusterDoc, Clusterer, NearDuplicates};

const PER_DAY: usize = 500;
const VOCAB: usize = 30_000;
const NAMES: usize = 20_000;
const BODY_WORDS: usize = 180;
const COPY_SHARE: f64 = 0.08;

/// A pronounceable random word of 2-4 syllables.
fn word(rng: &mut fastrand::Rng) -> String {
    const ONSETS: [&str; 16] = [
        "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
    ];
    const VOWELS: [&str; 6] = ["a", "e", "i", "o", "u", "ai"];
    (0..rng.usize(2..=4))
        .map(|_| format!("{}{}", ONSETS[rng.usize(..16)], VOWELS[rng.usize(..6)]))
        .collect()
}

struct Event {
    id: usize,
    keywords: Vec<usize>,
    names: Vec<usize>,
    numbers: Vec<u32>,
    ends: i64,
    /// Recent articles of the event (for wire copies).
    recent: Vec<String>,
}

struct Generator {
    rng: fastrand::Rng,
    vocab: Vec<String>,
    names: Vec<String>,
    /// Cumulative Zipf weights over `vocab`.
    zipf: Vec<f64>,
    events: Vec<Event>,
    next_event: usize,
    start: DateTime<Utc>,
}

struct Article {
    title: String,
    text: String,
    published: DateTime<Utc>,
    event: usize,
    /// Whether the article is a wire copy of an earlier one.
    copy: bool,
}

impl Generator {
    fn new(seed: u64) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed);
        let vocab: Vec<String> = (0..VOCAB).map(|_| word(&mut rng)).collect();
        let names: Vec<String> = (0..NAMES)
            .map(|_| {
                let w = word(&mut rng);
                let mut c = w.chars();
                c.next()
                    .map_or(w.clone(), |f| f.to_uppercase().chain(c).collect())
            })
            .collect();
        let mut acc = 0.0;
        let zipf = (1..=VOCAB)
            .map(|r| {
                acc += 1.0 / r as f64;
                acc
            })
            .collect();
        Generator {
            rng,
            vocab,
            names,
            zipf,
            events: Vec::new(),
            next_event: 0,
            start: Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    fn common_word(&mut self) -> &str {
        let x = self.rng.f64() * self.zipf[VOCAB - 1];
        let i = self.zipf.partition_point(|&c| c < x).min(VOCAB - 1);
        &self.vocab[i]
    }

    /// The `i`-th article of the stream.
    fn article(&mut self, i: usize) -> Article {
        let t = i as i64 * 86_400 / PER_DAY as i64;
        let published = self.start + Duration::seconds(t);
        self.events.retain(|e| e.ends > t);
        // ~40 events open at a time: a new one when fewer, or at random.
        if self.events.len() < 40 || self.rng.f64() < 0.02 {
            let lifetime = (-self.rng.f64().max(1e-9).ln() * 2.0 * 86_400.0) as i64;
            let id = self.next_event;
            self.next_event += 1;
            let keywords = (0..12).map(|_| self.rng.usize(300..VOCAB)).collect();
            let names = (0..4).map(|_| self.rng.usize(..NAMES)).collect();
            let numbers = (0..2).map(|_| self.rng.u32(2..2000)).collect();
            self.events.push(Event {
                id,
                keywords,
                names,
                numbers,
                ends: t + lifetime.max(3_600),
                recent: Vec::new(),
            });
        }
        let e = self.rng.usize(..self.events.len());
        if self.rng.f64() < COPY_SHARE && !self.events[e].recent.is_empty() {
            let ev = &self.events[e];
            let src = ev.recent[self.rng.usize(..ev.recent.len())].clone();
            let (name, keyword, event) = (ev.names[0], ev.keywords[0], ev.id);
            // A wire copy: a few words replaced, a credit line added.
            let mut words: Vec<String> = src.split(' ').map(str::to_string).collect();
            for _ in 0..5 {
                let k = self.rng.usize(..words.len());
                words[k] = self.common_word().to_string();
            }
            let text = words.join(" ") + " Reporting by a wire service.";
            let title = format!("{} {}", self.names[name], self.vocab[keyword]);
            return Article {
                title,
                text,
                published,
                event,
                copy: true,
            };
        }
        let mut text = String::with_capacity(BODY_WORDS * 8);
        for k in 0..BODY_WORDS {
            let x = self.rng.f64();
            let ev = &self.events[e];
            let w = if x < 0.45 {
                self.vocab[ev.keywords[self.rng.usize(..ev.keywords.len())]].clone()
            } else if x < 0.55 {
                self.names[ev.names[self.rng.usize(..ev.names.len())]].clone()
            } else if x < 0.60 {
                ev.numbers[self.rng.usize(..ev.numbers.len())].to_string()
            } else {
                self.common_word().to_string()
            };
            if k % 15 == 0 {
                if k > 0 {
                    text.push_str(". ");
                }
                let mut c = w.chars();
                text.extend(c.next().into_iter().flat_map(char::to_uppercase).chain(c));
            } else {
                text.push(' ');
                text.push_str(&w);
            }
        }
        text.push('.');
        let ev = &mut self.events[e];
        let title = (0..5)
            .map(|_| self.vocab[ev.keywords[self.rng.usize(..ev.keywords.len())]].as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if ev.recent.len() < 8 {
            ev.recent.push(text.clone());
        }
        Article {
            title,
            text,
            published,
            event: ev.id,
            copy: false,
        }
    }
}

/// `VmHWM` and `VmRSS` of this process in MiB (0 where /proc is missing).
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// User + system CPU seconds of this process, from `/proc/self/stat` (clock
/// ticks of 1/100 s, the Linux default).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn main() {
    let total: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200_000);
    let checkpoints = [total / 4, total / 2, total];
    let mut generator = Generator::new(2031);
    let mut clusterer = Clusterer::new(ClusterConfig::default(), 1);
    let mut copies = NearDuplicates::with_window(200_000, Duration::days(7));
    let (mut wall, mut cpu_cluster, mut cpu_copies) = (0.0f64, 0.0f64, 0.0f64);
    let mut gold: Vec<usize> = Vec::with_capacity(total);
    let mut pred: Vec<i64> = Vec::with_capacity(total);
    let (mut copies_made, mut copies_found, mut false_copies) = (0usize, 0usize, 0usize);
    println!(
        "{:>8} {:>10} {:>10} {:>13} {:>11} {:>9} {:>9} {:>8} {:>9}",
        "articles",
        "art/s wall",
        "art/s CPU",
        "clusterer CPU",
        "copies CPU",
        "VmHWM MiB",
        "VmRSS MiB",
        "stories",
        "dup index"
    );
    let mut done = 0;
    for &checkpoint in &checkpoints {
        while done < checkpoint {
            // Generate a batch untimed, then time the clustering of it.
            let batch: Vec<Article> = (done..checkpoint.min(done + 10_000))
                .map(|i| generator.article(i))
                .collect();
            // Clusterer and wire-copy index are timed apart (CPU seconds).
            let (t0, c0) = (Instant::now(), cpu_seconds());
            for (k, a) in batch.iter().enumerate() {
                let assignment = clusterer.add(&ClusterDoc {
                    id: (done + k) as i64 + 1,
                    title: &a.title,
                    text: &a.text,
                    published: Some(a.published),
                });
                gold.push(a.event);
                pred.push(assignment.story);
            }
            let c1 = cpu_seconds();
            for (k, a) in batch.iter().enumerate() {
                let id = (done + k) as i64 + 1;
                let copy = copies.check_and_insert_at(id, &a.text, Some(a.published));
                match (a.copy, copy.is_some()) {
                    (true, true) => copies_found += 1,
                    (false, true) => false_copies += 1,
                    _ => {}
                }
                copies_made += usize::from(a.copy);
            }
            let c2 = cpu_seconds();
            wall += t0.elapsed().as_secs_f64();
            cpu_cluster += c1 - c0;
            cpu_copies += c2 - c1;
            done += batch.len();
        }
        let (hwm, rss) = memory_mib();
        let rate = |cpu: f64| done as f64 / cpu.max(1e-9);
        println!(
            "{done:>8} {:>10.0} {:>10.0} {:>13.0} {:>11.0} {hwm:>9.1} {rss:>9.1} {:>8} {:>9}",
            done as f64 / wall,
            rate(cpu_cluster + cpu_copies),
            rate(cpu_cluster),
            rate(cpu_copies),
            clusterer.active_stories(),
            copies.len()
        );
    }
    let (p, r) = bcubed(&gold, &pred);
    println!(
        "BCubed vs generated events: P {p:.3} R {r:.3}; wire copies found {copies_found}/{copies_made}, false {false_copies}"
    );
}

/// BCubed precision and recall of `pred` against `gold`.
fn bcubed(gold: &[usize], pred: &[i64]) -> (f64, f64) {
    let mut cell: HashMap<(usize, i64), f64> = HashMap::new();
    let mut gs: HashMap<usize, f64> = HashMap::new();
    let mut ps: HashMap<i64, f64> = HashMap::new();
    for (g, p) in gold.iter().zip(pred) {
        *cell.entry((*g, *p)).or_default() += 1.0;
        *gs.entry(*g).or_default() += 1.0;
        *ps.entry(*p).or_default() += 1.0;
    }
    let n = gold.len().max(1) as f64;
    let p = cell.iter().map(|((_, q), c)| c * c / ps[q]).sum::<f64>() / n;
    let r = cell.iter().map(|((g, _), c)| c * c / gs[g]).sum::<f64>() / n;
    (p, r)
}
