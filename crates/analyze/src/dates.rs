//! Time expressions resolved to calendar dates for the timeline.
//!
//! Built on [`crate::timex`]: every DATE or TIME expression whose TimeML value
//! names a day (`2010-05-03`, `2010-05-03TNI`, `2010-05-03T14:00`), a month
//! (`2010-05`) or a year (`2010`) becomes a [`TimeExpr`] at that granularity.
//! Weeks, quarters, seasons, decades, durations, recurrences and the
//! present/past/future references are left out: the timeline has no such
//! granularity and picking a day would invent precision.
//!
//! Without a publication date only expressions that carry their own year are
//! kept ("May 3, 2010", "in 1999"); anything resolved against the publication
//! date ("Sunday", "May 3", "last year") is dropped.

use crate::timex;
use crate::Ctx;
use chrono::NaiveDate;
use lede_model::{DateGranularity, Span, TimeExpr};

/// The calendar point a TimeML value names, if it is a day, month or year.
fn calendar_point(value: &str) -> Option<(NaiveDate, DateGranularity)> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let date_part = value.split('T').next().unwrap_or("");
    let parts: Vec<&str> = date_part.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if digits(y) && y.len() == 4 && digits(m) && digits(d) => Some((
            NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?,
            DateGranularity::Day,
        )),
        [y, m] if digits(y) && y.len() == 4 && digits(m) && !value.contains('T') => Some((
            NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?,
            DateGranularity::Month,
        )),
        [y] if digits(y) && y.len() == 4 && !value.contains('T') => Some((
            NaiveDate::from_ymd_opt(y.parse().ok()?, 1, 1)?,
            DateGranularity::Year,
        )),
        _ => None,
    }
}

/// Find the time expressions of an article and resolve them to dates against
/// `published`, in text order.
pub(crate) fn find(ctx: &Ctx, published: Option<NaiveDate>) -> Vec<TimeExpr> {
    // Without a publication date any anchor will do: expressions that depend
    // on it are dropped below.
    let dct = published.unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date"));
    timex::scan(ctx.text, dct)
        .into_iter()
        .filter(|f| published.is_some() || !f.anchored)
        .filter(|f| {
            matches!(
                f.timex.kind,
                timex::TimexKind::Date | timex::TimexKind::Time
            )
        })
        .filter_map(|f| {
            let (date, granularity) = calendar_point(&f.timex.value)?;
            let span = Span::new(f.timex.start, f.timex.end);
            Some(TimeExpr {
                sentence: ctx.sentence_of(span.start),
                text: span.slice(ctx.text).to_string(),
                span,
                date,
                granularity,
            })
        })
        .collect()
}
