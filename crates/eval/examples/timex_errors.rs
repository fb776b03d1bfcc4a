//! Lists the time-expression errors on a TimeML directory, for rule work:
//! `cargo run -p lede-eval --example timex_errors -- DIR [missed|spurious|value]`.

use lede_analyze::find_timexes;
use lede_eval::timex::{load, load_meantime};
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).map_or("../shared/data/timeml", String::as_str);
    let what = args.get(2).map_or("all", String::as_str);
    let docs = if dir.contains("meantime") {
        load_meantime(Path::new(dir))?
    } else {
        load(Path::new(dir))?
    };
    for doc in docs {
        let pred = find_timexes(&doc.text, doc.dct);
        let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
        for g in &doc.gold {
            let hit = pred
                .iter()
                .find(|p| overlaps((p.start, p.end), (g.start, g.end)));
            let gt = &doc.text[g.start..g.end];
            match hit {
                None if what == "all" || what == "missed" => {
                    println!("MISSED\t{gt}\t{} {}\tdct={}", g.kind, g.value, doc.dct)
                }
                Some(p) if (what == "all" || what == "value") && p.value != g.value => println!(
                    "VALUE\t{gt}\t{} {}\tpred[{}] {} {}\tdct={}",
                    g.kind,
                    g.value,
                    &doc.text[p.start..p.end],
                    p.kind.as_str(),
                    p.value,
                    doc.dct
                ),
                _ => {}
            }
        }
        if what == "all" || what == "spurious" {
            for p in &pred {
                if !doc
                    .gold
                    .iter()
                    .any(|g| overlaps((p.start, p.end), (g.start, g.end)))
                {
                    let lo = p.start.saturating_sub(30);
                    let lo = (0..=lo)
                        .rev()
                        .find(|&i| doc.text.is_char_boundary(i))
                        .unwrap_or(0);
                    println!(
                        "SPURIOUS\t{}\t{} {}\t…{}",
                        &doc.text[p.start..p.end],
                        p.kind.as_str(),
                        p.value,
                        doc.text[lo..p.end].replace('\n', " ")
                    );
                }
            }
        }
    }
    Ok(())
}
