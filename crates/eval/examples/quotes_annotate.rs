//! Prints the attributions found in a text file as JSON lines:
//! `cargo run -p lede-eval --example quotes_annotate -- FILE.txt`.

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/dev/stdin".into());
    let text = std::fs::read_to_string(path)?;
    let chars: Vec<char> = text.chars().collect();
    for q in lede_eval::quotes::annotate(&text, None) {
        let c = &q["content"];
        let (a, b) = (
            c[0].as_u64().unwrap_or(0) as usize,
            c[1].as_u64().unwrap_or(0) as usize,
        );
        println!("{q}\n    {}", chars[a..b].iter().collect::<String>());
    }
    Ok(())
}
