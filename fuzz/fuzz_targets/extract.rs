//! Fuzz target: arbitrary bytes, decoded lossily as HTML, must never make the
//! extractor panic, overflow its stack or run away with memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lede_model::Document;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data).into_owned();
    let doc = Document {
        url: "https://fuzz.example/a/b".into(),
        html: Some(html.clone()),
        ..Default::default()
    };
    let _ = lede_extract::extract(&doc);
    let _ = lede_extract::page_meta(&html);
});
