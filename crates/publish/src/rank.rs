//! Ranking the front page: independent sources and freshness.
//!
//! The store lists stories newest first. The front page takes the most recent
//! [`WINDOW`] stories with two or more independent sources and orders them by
//!
//! ```text
//! score = ln(1 + independent sources) × 0.5 ^ (age in hours / HALF_LIFE_HOURS)
//! ```
//!
//! where the age is measured from the newest story in the window, not from the
//! clock: a site reading an archive (Timeline17 is from 2009-2011) ranks its
//! stories the same way as a live one. A story that ten outlets covered a day
//! before the newest outranks one that two covered an hour before it; a
//! two-source story from three days before sinks below both. Stories beyond
//! the window follow newest first.

use chrono::{DateTime, Utc};
use lede_model::StorySummary;

/// How many recent stories are ranked; a multiple of the page size so that no
/// page straddles the ranked and the chronological part.
pub(crate) const WINDOW: usize = 200;
/// Hours after which a story's freshness has halved.
pub(crate) const HALF_LIFE_HOURS: f64 = 24.0;

fn when(s: &StorySummary) -> DateTime<Utc> {
    s.last_published.unwrap_or(s.updated)
}

/// The score of a story whose latest coverage is `age_hours` older than the
/// newest story's.
pub(crate) fn score(sources: usize, age_hours: f64) -> f64 {
    let weight = (1.0 + sources as f64).ln();
    weight * 0.5f64.powf(age_hours.max(0.0) / HALF_LIFE_HOURS)
}

/// Order `stories` by score, best first; ties keep the newer story first.
pub(crate) fn rank(mut stories: Vec<StorySummary>) -> Vec<StorySummary> {
    let Some(newest) = stories.iter().map(when).max() else {
        return stories;
    };
    let age = |s: &StorySummary| (newest - when(s)).num_seconds() as f64 / 3600.0;
    stories.sort_by(|a, b| {
        score(b.sources, age(b))
            .total_cmp(&score(a.sources, age(a)))
            .then_with(|| when(b).cmp(&when(a)))
            .then_with(|| b.id.cmp(&a.id))
    });
    stories
}
