//! Story clustering figures on ECB+ (all topics and each half) and Timeline17,
//! as `lede eval cluster` computes them (5 shuffled orders, mean ± sd).
//!
//! ```text
//! cargo run --release -p lede-eval --example cluster_eval -- [--only ecb|t17]
//!     [--data DIR] [--threshold X] [--penalty X] [--lead N] [--members N]
//!     [--span X] [--inactive X] [--model b,w1,..,w7 (bias, then one weight per feature)]
//! ```

#[path = "cluster_common/mod.rs"]
mod common;

use std::collections::HashMap;

use common::clustering;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = common::data_dir(&args);
    let config = common::config_from(&args);
    let only = common::arg(&args, "--only");
    println!("{config:?}");
    if only.as_deref().is_none_or(|o| o == "ecb") {
        for half in [None, Some("odd"), Some("even")] {
            let docs = common::load_ecb(&data, half);
            let runs = common::evaluate(&docs, &config);
            println!(
                "ECB+ {:<4} ({} docs): {}",
                half.unwrap_or("all"),
                docs.len(),
                common::summary(&runs)
            );
        }
    }
    if args.iter().any(|a| a == "--errors") {
        ecb_errors(&common::load_ecb(&data, None), &config);
    }
    if only.as_deref().is_none_or(|o| o == "t17") {
        let docs = clustering::read_t17(&data.join("t17")).expect("t17");
        let runs = common::evaluate(&docs, &config);
        println!(
            "T17 ({} docs, topic gold): {}",
            docs.len(),
            common::summary(&runs)
        );
        // Story sizes and mixed stories of the first order.
        let order = &common::orders(&docs, 1)[0];
        let (_, pred) = clustering::run_with(order, &config);
        let mut sizes: HashMap<i64, usize> = HashMap::new();
        let mut topics: HashMap<i64, HashMap<&str, usize>> = HashMap::new();
        for (d, p) in order.iter().zip(&pred) {
            *sizes.entry(*p).or_default() += 1;
            *topics.entry(*p).or_default().entry(&d.gold).or_default() += 1;
        }
        let multi = sizes.values().filter(|&&n| n > 1).count();
        let largest = sizes.values().max().copied().unwrap_or(0);
        println!(
            "  stories {} ({} of 2+ articles, largest {largest}); mixed: {:?}",
            sizes.len(),
            multi,
            topics.values().filter(|m| m.len() > 1).collect::<Vec<_>>()
        );
    }
}

/// `--errors`: where the wrong pairs of the first ECB+ order are: merged pairs
/// of another event of the same topic or of another topic, and split pairs.
fn ecb_errors(docs: &[common::clustering::GoldDoc], config: &lede_cluster::ClusterConfig) {
    let order = &common::orders(docs, 1)[0];
    let (_, pred) = clustering::run_with(order, config);
    let (mut same_topic, mut other_topic, mut split) = (0usize, 0usize, 0usize);
    let mut split_by_topic: HashMap<u32, usize> = HashMap::new();
    let mut merge_by_topic: HashMap<u32, usize> = HashMap::new();
    for i in 0..order.len() {
        for j in 0..i {
            let (a, b) = (&order[i], &order[j]);
            let same_pred = pred[i] == pred[j];
            let same_gold = a.gold == b.gold;
            let (ta, tb) = (common::ecb_topic(&a.gold), common::ecb_topic(&b.gold));
            if same_pred && !same_gold {
                if ta == tb {
                    same_topic += 1;
                    *merge_by_topic.entry(ta).or_default() += 1;
                } else {
                    other_topic += 1;
                }
            } else if !same_pred && same_gold {
                split += 1;
                *split_by_topic.entry(ta).or_default() += 1;
            }
        }
    }
    let top = |m: HashMap<u32, usize>| {
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by_key(|x| std::cmp::Reverse(x.1));
        v.truncate(10);
        v
    };
    println!(
        "wrong pairs: merged same topic {same_topic}, merged other topic {other_topic}, split {split}"
    );
    println!("  merges by topic {:?}", top(merge_by_topic));
    println!("  splits by topic {:?}", top(split_by_topic));
}
