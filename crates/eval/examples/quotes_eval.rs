//! Prints the PolNeAR quote-attribution figures for a split directory:
//! `cargo run --release -p lede-eval --example quotes_eval -- ../shared/data/polnear/dev`.

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/polnear/dev".into());
    println!(
        "{}",
        lede_eval::quotes::evaluate(std::path::Path::new(&dir))?
    );
    Ok(())
}
