//! Fuzz target: arbitrary text as OPML must never make the parser panic, and
//! whatever it reads survives a round trip through `write_opml` (a missing
//! title comes back as the URL).
#![no_main]

use lede_model::Feed;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(entries) = lede_fetch::parse_opml(text) else {
        return;
    };
    let feeds: Vec<Feed> = entries
        .iter()
        .map(|(url, title)| Feed {
            url: url.clone(),
            title: title.clone(),
            ..Default::default()
        })
        .collect();
    let written = lede_fetch::write_opml(&feeds);
    let back = lede_fetch::parse_opml(&written).expect("write_opml output parses");
    let expected: Vec<(String, Option<String>)> = entries
        .into_iter()
        .map(|(url, title)| {
            let title = title.unwrap_or_else(|| url.clone());
            (url, Some(title))
        })
        .collect();
    assert_eq!(back, expected);
});
