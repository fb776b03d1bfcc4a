//! Fuzz target: arbitrary bytes as a WARC file (plain, or gzip when they start
//! with its magic bytes) must never make the reader panic or loop, and it must
//! never yield a document without a URL.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let reader = lede_fetch::WarcReader::new(data, "fuzz.warc").with_max_record_bytes(64 * 1024);
    // Each item consumes input, so plain input never gives more items than
    // it has bytes (gzip input may expand, and is left to the fuzzer's timeout).
    let plain = !data.starts_with(&[0x1f, 0x8b]);
    let mut items = 0usize;
    for item in reader {
        items += 1;
        assert!(
            !plain || items <= data.len() + 1,
            "more items than input bytes"
        );
        if let Ok(doc) = item {
            assert!(!doc.url.is_empty());
            assert!(doc.html.is_some());
        }
    }
});
