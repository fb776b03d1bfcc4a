//! Precision of each cue word on a PolNeAR split (which cues to trust):
//! `cargo run --release -p lede-eval --example quotes_cues -- DIR`.

use lede_eval::quotes::load;
use std::collections::BTreeMap;
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/polnear/train".into());
    let mut stats: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for doc in load(Path::new(&dir))? {
        let chars: Vec<char> = doc.text.chars().collect();
        for q in lede_eval::quotes::annotate(&doc.text, None) {
            let c = &q["content"];
            let (a, b) = (
                c[0].as_u64().unwrap_or(0) as usize,
                c[1].as_u64().unwrap_or(0) as usize,
            );
            let ok = doc.gold.iter().any(|g| {
                let total: usize = g.content.iter().map(|r| r.1 - r.0).sum();
                let cov: usize = g
                    .content
                    .iter()
                    .map(|r| r.1.min(b).saturating_sub(r.0.max(a)))
                    .sum();
                cov as f64 >= 0.3 * total.max(1) as f64
            });
            let cue = match q["cue"].as_array() {
                Some(cu) => {
                    let (x, y) = (
                        cu[0].as_u64().unwrap_or(0) as usize,
                        cu[1].as_u64().unwrap_or(0) as usize,
                    );
                    chars[x..y].iter().collect::<String>().to_lowercase()
                }
                None => "-".into(),
            };
            let key = format!("{}{}", if q["direct"] == true { "D " } else { "I " }, cue);
            let e = stats.entry(key).or_default();
            e.0 += 1;
            e.1 += usize::from(ok);
        }
    }
    let mut v: Vec<_> = stats.into_iter().collect();
    v.sort_by_key(|(_, (n, ok))| std::cmp::Reverse(n - ok));
    for (k, (n, ok)) in v.iter().take(60) {
        println!("{k}\t{n}\t{ok}\t{:.2}", *ok as f64 / *n as f64);
    }
    Ok(())
}
