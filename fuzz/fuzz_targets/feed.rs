//! Fuzz target: arbitrary bytes as an RSS/Atom/JSON feed must never make the
//! feed parser panic, and every entry it yields has a URL.
//!
//! `parse_feed` contains panics inside feed-rs (3.0.0 has a known one on
//! bylines, found by this target) and turns them into errors; libfuzzer-sys's
//! hook would abort on those anyway, so the hook lets feed-rs's own panics
//! unwind into that containment. Any other panic, and any feed-rs panic that
//! `parse_feed` failed to contain, still aborts as a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let abort_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_feed_rs = info
                .location()
                .is_some_and(|l| l.file().contains("/feed-rs-"));
            if !in_feed_rs {
                abort_hook(info);
            }
        }));
    },
    |data: &[u8]| {
        if let Ok(feed) = lede_fetch::parse_feed(data, "https://fuzz.example/feed.xml") {
            for doc in &feed.documents {
                assert!(!doc.url.is_empty());
            }
        }
    }
);
