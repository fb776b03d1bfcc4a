//! The coverage chart of a story: its articles per hour (or coarser), stacked
//! by outlet, as numbers ready for the inline SVG in the story template.
//!
//! The server draws the chart so that pages need no script; the template
//! escapes the outlet names, and this module only produces numbers and plain
//! text.

use chrono::{DateTime, Duration, Utc};
use lede_model::SourceRef;

/// Most bars in a chart; longer spans use coarser buckets.
const MAX_BARS: i64 = 48;
/// Bucket sizes tried in turn, in hours.
const BUCKET_HOURS: [i64; 8] = [1, 2, 3, 6, 12, 24, 48, 168];
/// Outlets with their own colour; the rest share "other outlets".
const COLOURS: usize = 6;

/// The drawing area inside the SVG's view box.
const WIDTH: f64 = 600.0;
const LEFT: f64 = 28.0;
const TOP: f64 = 8.0;
const PLOT_HEIGHT: f64 = 120.0;
/// Total view box size.
const VIEW_WIDTH: u32 = 636;
const VIEW_HEIGHT: u32 = 152;

/// One stacked piece of a bar.
pub(crate) struct Rect {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    /// CSS class giving the colour: `c0`..`c5`, or `co` for other outlets.
    pub class: &'static str,
}

/// A label under the time axis.
pub(crate) struct Tick {
    pub x: String,
    pub text: String,
}

/// One entry of the legend.
pub(crate) struct LegendItem {
    pub class: &'static str,
    pub outlet: String,
    pub count: usize,
}

/// A drawn chart.
pub(crate) struct Chart {
    /// The SVG's view box size.
    pub view_w: u32,
    pub view_h: u32,
    pub rects: Vec<Rect>,
    pub ticks: Vec<Tick>,
    pub legend: Vec<LegendItem>,
    /// The tallest bar's count, labelled on the axis.
    pub max: usize,
    /// Baseline and top of the plot, for the axis lines.
    pub base_y: String,
    pub top_y: String,
    pub left_x: String,
    pub right_x: String,
    pub tick_y: String,
    /// "per hour", "per 3 hours", "per day"...
    pub bucket: String,
    /// The chart in words: the SVG's accessible description.
    pub desc: String,
    /// Sources without a publication time (not drawn).
    pub untimed: usize,
}

fn class(i: usize) -> &'static str {
    ["c0", "c1", "c2", "c3", "c4", "c5"]
        .get(i)
        .copied()
        .unwrap_or("co")
}

fn bucket_words(hours: i64) -> String {
    match hours {
        1 => "per hour".to_string(),
        24 => "per day".to_string(),
        168 => "per week".to_string(),
        h if h % 24 == 0 => format!("per {} days", h / 24),
        h => format!("per {h} hours"),
    }
}

fn fmt_tick(t: DateTime<Utc>, hours: i64) -> String {
    if hours >= 24 {
        t.format("%b %-d").to_string()
    } else {
        t.format("%b %-d %H:%M").to_string()
    }
}

fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// The chart of `sources`, or `None` when fewer than two have a time.
pub(crate) fn coverage(sources: &[SourceRef]) -> Option<Chart> {
    let timed: Vec<(&str, DateTime<Utc>)> = sources
        .iter()
        .filter_map(|s| s.published.map(|t| (s.outlet.as_str(), t)))
        .collect();
    if timed.len() < 2 {
        return None;
    }
    let first = timed.iter().map(|(_, t)| *t).min()?;
    let last = timed.iter().map(|(_, t)| *t).max()?;
    let span_hours = (last - first).num_hours() + 1;
    let needed = (span_hours + MAX_BARS - 1) / MAX_BARS;
    let hours = BUCKET_HOURS
        .into_iter()
        .find(|h| *h >= needed)
        .unwrap_or(needed.max(1));
    let secs = hours * 3600;
    // Buckets start on a whole multiple of the bucket size (UTC).
    let start_ts = first.timestamp().div_euclid(secs) * secs;
    let start = DateTime::from_timestamp(start_ts, 0)?;
    let index = |t: DateTime<Utc>| ((t.timestamp() - start_ts) / secs) as usize;
    let bars = index(last) + 1;

    // Outlets by article count, most first; ties by first appearance.
    let mut outlets: Vec<(&str, usize)> = Vec::new();
    for (o, _) in &timed {
        match outlets.iter_mut().find(|(name, _)| name == o) {
            Some((_, c)) => *c += 1,
            None => outlets.push((o, 1)),
        }
    }
    outlets.sort_by_key(|o| std::cmp::Reverse(o.1));
    let colour_of = |o: &str| {
        let i = outlets.iter().position(|(name, _)| *name == o).unwrap_or(0);
        i.min(COLOURS)
    };

    // counts[bar][colour]
    let mut counts = vec![[0usize; COLOURS + 1]; bars];
    for (o, t) in &timed {
        counts[index(*t)][colour_of(o)] += 1;
    }
    let totals: Vec<usize> = counts.iter().map(|c| c.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(1).max(1);

    let slot = WIDTH / bars as f64;
    let gap = (slot * 0.15).min(2.0);
    let unit = PLOT_HEIGHT / max as f64;
    let base = TOP + PLOT_HEIGHT;
    let mut rects = Vec::new();
    for (b, colours) in counts.iter().enumerate() {
        let x = LEFT + b as f64 * slot + gap / 2.0;
        let mut y = base;
        for (c, &count) in colours.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let h = count as f64 * unit;
            y -= h;
            rects.push(Rect {
                x: n(x),
                y: n(y),
                w: n(slot - gap),
                h: n(h),
                class: class(c),
            });
        }
    }

    // Up to six labels, evenly spaced on bucket boundaries.
    let every = bars.div_ceil(6).max(1);
    let ticks = (0..bars)
        .step_by(every)
        .map(|b| Tick {
            x: n(LEFT + b as f64 * slot),
            text: fmt_tick(start + Duration::hours(hours * b as i64), hours),
        })
        .collect();

    let mut legend: Vec<LegendItem> = outlets
        .iter()
        .take(COLOURS)
        .enumerate()
        .map(|(i, (o, c))| LegendItem {
            class: class(i),
            outlet: o.to_string(),
            count: *c,
        })
        .collect();
    let others: usize = outlets.iter().skip(COLOURS).map(|(_, c)| c).sum();
    if others > 0 {
        legend.push(LegendItem {
            class: "co",
            outlet: format!("{} other outlets", outlets.len() - COLOURS),
            count: others,
        });
    }

    let busiest = totals
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(b, _)| b)
        .unwrap_or(0);
    let busiest_at = start + Duration::hours(hours * busiest as i64);
    let articles = if timed.len() == 1 {
        "article"
    } else {
        "articles"
    };
    let desc =
        format!(
        "{} {articles} from {} {} between {} and {}, counted {}; the busiest was {} with {}. {}.",
        timed.len(),
        outlets.len(),
        if outlets.len() == 1 { "outlet" } else { "outlets" },
        first.format("%B %-d, %Y %H:%M UTC"),
        last.format("%B %-d, %Y %H:%M UTC"),
        bucket_words(hours),
        if hours >= 24 {
            busiest_at.format("%B %-d").to_string()
        } else {
            busiest_at.format("%B %-d, %H:00").to_string()
        },
        totals[busiest],
        outlets
            .iter()
            .map(|(o, c)| format!("{o}: {c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );

    Some(Chart {
        view_w: VIEW_WIDTH,
        view_h: VIEW_HEIGHT,
        rects,
        ticks,
        legend,
        max,
        base_y: n(base),
        top_y: n(TOP),
        left_x: n(LEFT),
        right_x: n(LEFT + WIDTH),
        tick_y: n(base + 16.0),
        bucket: bucket_words(hours),
        desc,
        untimed: sources.len() - timed.len(),
    })
}
