//! Prints the TempEval-3 task A figures for a TimeML directory:
//! `cargo run --release -p lede-eval --example timex_eval -- DIR` (a TimeML
//! directory, or MEANTIME's `intra-doc_annotation`).

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/timeml".into());
    let path = std::path::Path::new(&dir);
    // MEANTIME's CAT files are .xml; TimeML's are .tml.
    let report = if dir.contains("meantime") {
        lede_eval::timex::evaluate_meantime(path)?
    } else {
        lede_eval::timex::evaluate(path)?
    };
    println!("{report}");
    Ok(())
}
