//! Text primitives shared by lede's stages.
//!
//! Clustering, analysis, writing and verification all need the same notion of a
//! word, a stem and a sentence; keeping them here means a sentence cited by the
//! writer is exactly the sentence the verifier checks.
//!
//! - [`tokens`]: word tokens with byte offsets, lower-casing, stop words, stems.
//! - [`sentences`]: sentence splitting that survives abbreviations.

pub mod sentences;
pub mod tokens;

pub use sentences::split_sentences;
pub use tokens::{content_stems, is_calendar_word, is_stopword, stem, words, Token};
