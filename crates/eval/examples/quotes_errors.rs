//! Lists quote-attribution errors on a PolNeAR split, for rule work:
//! `cargo run -p lede-eval --example quotes_errors -- DIR [missed|spurious|speaker|matched]`
//! (`matched`: the predicted contents that find a gold one, to weigh a filter)..

use lede_eval::quotes::{load, predict, Range};
use std::path::Path;

fn slice(chars: &[char], r: Range) -> String {
    let (a, b) = (r.0.min(chars.len()), r.1.min(chars.len()));
    chars[a..b.max(a)]
        .iter()
        .collect::<String>()
        .replace('\n', " ")
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .map_or("../shared/data/polnear/train", String::as_str);
    let what = args.get(2).map_or("all", String::as_str);
    let overlap = |a: Range, b: Range| a.1.min(b.1).saturating_sub(a.0.max(b.0));
    for doc in load(Path::new(dir))? {
        let chars: Vec<char> = doc.text.chars().collect();
        let pred = predict(&doc.text);
        for g in &doc.gold {
            let total: usize = g.content.iter().map(|c| c.1 - c.0).sum();
            let best = pred
                .iter()
                .map(|p| {
                    let c: usize = g.content.iter().map(|&gc| overlap(p.content, gc)).sum();
                    (c as f64 / total.max(1) as f64, p)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let src: String = g
                .source
                .iter()
                .map(|&r| slice(&chars, r))
                .collect::<Vec<_>>()
                .join(" ");
            let cue: String = g
                .cue
                .iter()
                .map(|&r| slice(&chars, r))
                .collect::<Vec<_>>()
                .join(" ");
            let content: String = g
                .content
                .iter()
                .map(|&r| slice(&chars, r))
                .collect::<Vec<_>>()
                .join(" … ");
            match best {
                Some((c, p)) if c >= 0.3 => {
                    let ok = p
                        .speaker
                        .is_some_and(|s| g.source.iter().any(|&gs| overlap(s, gs) > 0));
                    if !ok && !g.source.is_empty() && (what == "all" || what == "speaker") {
                        println!(
                            "SPEAKER\tgold={src}\tpred={}\tcue={cue}\t{}",
                            p.speaker.map_or(String::from("-"), |s| slice(&chars, s)),
                            content.chars().take(80).collect::<String>()
                        );
                    }
                }
                _ if what == "all" || what == "missed" => {
                    // The gold attribution in its sentence-ish context.
                    let lo = g
                        .content
                        .iter()
                        .chain(&g.source)
                        .chain(&g.cue)
                        .map(|r| r.0)
                        .min()
                        .unwrap_or(0);
                    let hi = g
                        .content
                        .iter()
                        .chain(&g.source)
                        .chain(&g.cue)
                        .map(|r| r.1)
                        .max()
                        .unwrap_or(0);
                    let ctx = slice(&chars, (lo, hi.min(lo + 300)));
                    // What came closest, to tell a wrong span from no attribution.
                    let near = best.map_or(String::from("-"), |(c, p)| {
                        format!("{c:.2} {}", slice(&chars, p.content))
                    });
                    println!("MISSED\tsrc={src}\tcue={cue}\t{ctx}\tBEST {near}");
                }
                _ => {}
            }
        }
        if what == "all" || what == "spurious" || what == "matched" {
            for p in &pred {
                let ok = doc.gold.iter().any(|g| {
                    let total: usize = g.content.iter().map(|c| c.1 - c.0).sum();
                    let c: usize = g.content.iter().map(|&gc| overlap(p.content, gc)).sum();
                    c as f64 >= 0.3 * total as f64
                });
                // `matched` lists the found ones, the other modes the rest.
                if ok == (what == "matched") {
                    println!(
                        "{}\t{}",
                        if ok { "MATCHED" } else { "SPURIOUS" },
                        slice(&chars, p.content)
                            .chars()
                            .take(120)
                            .collect::<String>()
                    );
                }
            }
        }
    }
    Ok(())
}
