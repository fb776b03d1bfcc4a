//! When to poll a feed next: a pure policy over [`Feed`]'s scheduling fields.
//!
//! - **Adaptive interval.** A successful poll that brought new items divides the
//!   feed's interval by [`SchedulePolicy::speed_up`]; one that brought nothing
//!   (a 304 Not Modified included) multiplies it by [`SchedulePolicy::slow_down`];
//!   the result stays within `[min_interval, max_interval]` (5 min .. 6 h). With
//!   equal factors a feed that changes every T settles near polls every T/2:
//!   about half the polls find something new.
//! - **Backoff.** The n-th failure in a row waits `backoff_base * 2^(n-1)`,
//!   capped at [`SchedulePolicy::max_backoff`] (24 h), with "equal jitter"
//!   (uniform in the upper half) so feeds that fail together spread out.
//!   The adapted interval is kept for when the feed recovers.
//! - **Retry-After.** When the server answered 429 or 503 with a
//!   `Retry-After` (for the feed or one of its article pages), the next poll
//!   is not before that time, capped at [`SchedulePolicy::max_retry_after`]
//!   (24 h) so that a hostile value cannot park a feed for ever, and never
//!   earlier than the backoff (or interval) alone would give.
//! - **Dead feeds.** `failing_since` marks the first failure of a run and is
//!   cleared by a success; a feed failing for longer than
//!   [`SchedulePolicy::dead_after`] (3 days) is dead ([`is_dead`]) and polled at
//!   most once per [`SchedulePolicy::dead_interval`] (a day).
//!
//! Every time comes in as an argument and randomness from the caller's RNG, so
//! the policy is deterministic under a seeded RNG.

use chrono::{DateTime, TimeDelta, Utc};
use lede_model::Feed;
use rand::{Rng, RngExt};

/// The knobs of the scheduler. Defaults are given per field.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulePolicy {
    /// Interval of a feed polled for the first time: 30 min.
    pub initial_interval: TimeDelta,
    /// Shortest interval: 5 min.
    pub min_interval: TimeDelta,
    /// Longest interval of a working feed: 6 h.
    pub max_interval: TimeDelta,
    /// Interval divisor after a poll with new items: 1.5.
    pub speed_up: f64,
    /// Interval factor after a poll with nothing new: 1.5.
    pub slow_down: f64,
    /// Relative jitter on a working feed's next poll: 0.1 (±10%).
    pub jitter: f64,
    /// Wait after the first failure: 5 min.
    pub backoff_base: TimeDelta,
    /// Longest wait after failures: 24 h.
    pub max_backoff: TimeDelta,
    /// Longest wait a server's `Retry-After` can impose: 24 h.
    pub max_retry_after: TimeDelta,
    /// A feed failing for longer than this is dead: 3 days.
    pub dead_after: TimeDelta,
    /// A dead feed is polled at most this often: 24 h.
    pub dead_interval: TimeDelta,
}

impl Default for SchedulePolicy {
    fn default() -> Self {
        SchedulePolicy {
            initial_interval: TimeDelta::minutes(30),
            min_interval: TimeDelta::minutes(5),
            max_interval: TimeDelta::hours(6),
            speed_up: 1.5,
            slow_down: 1.5,
            jitter: 0.1,
            backoff_base: TimeDelta::minutes(5),
            max_backoff: TimeDelta::hours(24),
            max_retry_after: TimeDelta::hours(24),
            dead_after: lede_model::FEED_DEAD_AFTER,
            dead_interval: TimeDelta::hours(24),
        }
    }
}

/// How a feed is doing, for display (defined with [`Feed`] so that status
/// pages can tell without the fetch stage).
pub use lede_model::FeedHealth as Health;

/// Whether `feed` has been failing for longer than `policy.dead_after`.
pub fn is_dead(feed: &Feed, now: DateTime<Utc>, policy: &SchedulePolicy) -> bool {
    matches!(feed.health(now, policy.dead_after), Health::Dead { .. })
}

/// How `feed` is doing at `now`.
pub fn health(feed: &Feed, now: DateTime<Utc>, policy: &SchedulePolicy) -> Health {
    feed.health(now, policy.dead_after)
}

/// Whether `feed` should be polled at `now` (never polled, or its time came).
pub fn is_due(feed: &Feed, now: DateTime<Utc>) -> bool {
    feed.next_fetch.is_none_or(|t| t <= now)
}

/// The interval a feed uses now: its adapted one, or the initial one.
pub fn current_interval(feed: &Feed, policy: &SchedulePolicy) -> TimeDelta {
    feed.interval_secs
        .map(|s| TimeDelta::seconds(i64::from(s)))
        .unwrap_or(policy.initial_interval)
}

/// Record a successful poll at `now` that brought `new_items` new entries
/// (0 for a 304 Not Modified or an unchanged feed): clears the failure state,
/// adapts `interval_secs`, sets `last_fetched`, `last_changed` (when
/// something was new) and a jittered `next_fetch`.
pub fn record_success<R: Rng + ?Sized>(
    feed: &mut Feed,
    new_items: usize,
    now: DateTime<Utc>,
    policy: &SchedulePolicy,
    rng: &mut R,
) {
    let base = secs(current_interval(feed, policy));
    let adapted = if new_items > 0 {
        base / policy.speed_up.max(1.0)
    } else {
        base * policy.slow_down.max(1.0)
    };
    let interval = adapted.clamp(secs(policy.min_interval), secs(policy.max_interval));
    feed.interval_secs = Some(interval.round().min(f64::from(u32::MAX)) as u32);
    feed.error_count = 0;
    feed.failing_since = None;
    feed.last_error = None;
    feed.last_fetched = Some(now);
    if new_items > 0 {
        feed.last_changed = Some(now);
    }
    let j = policy.jitter.clamp(0.0, 0.9);
    let factor = if j > 0.0 {
        rng.random_range(1.0 - j..=1.0 + j)
    } else {
        1.0
    };
    let wait = (interval * factor).max(secs(policy.min_interval));
    feed.next_fetch = Some(now + delta(wait));
}

/// Record a failed poll at `now`: counts the error, keeps its reason, marks
/// the start of a failure run, and backs off exponentially with jitter (a dead
/// feed waits [`SchedulePolicy::dead_interval`]). The adapted interval is kept.
pub fn record_failure<R: Rng + ?Sized>(
    feed: &mut Feed,
    error: &str,
    now: DateTime<Utc>,
    policy: &SchedulePolicy,
    rng: &mut R,
) {
    record_failure_retry_after(feed, error, None, now, policy, rng);
}

/// [`record_failure`] for an answer that came with a `Retry-After`
/// (`retry_after`, e.g. from [`crate::FetchError::retry_after`]): the next poll
/// is the later of the backoff and that time, the latter capped at
/// [`SchedulePolicy::max_retry_after`] from `now`.
pub fn record_failure_retry_after<R: Rng + ?Sized>(
    feed: &mut Feed,
    error: &str,
    retry_after: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    policy: &SchedulePolicy,
    rng: &mut R,
) {
    feed.error_count = feed.error_count.saturating_add(1);
    feed.failing_since.get_or_insert(now);
    feed.last_error = Some(error.to_string());
    feed.last_fetched = Some(now);
    let wait = if is_dead(feed, now, policy) {
        // At most daily; the jitter only ever adds.
        secs(policy.dead_interval) * rng.random_range(1.0..=1.1)
    } else {
        let exp = feed.error_count.saturating_sub(1).min(40) as i32;
        let full = (secs(policy.backoff_base) * 2f64.powi(exp)).min(secs(policy.max_backoff));
        // Equal jitter: uniform in [full/2, full], so never over the cap.
        full * rng.random_range(0.5..=1.0)
    };
    feed.next_fetch = Some(now + delta(wait));
    if let Some(t) = retry_after {
        defer_until(feed, t, now, policy);
    }
}

/// Move `feed.next_fetch` to `retry_after` (capped at
/// [`SchedulePolicy::max_retry_after`] from `now`) when that is later; an
/// earlier time changes nothing. For a poll that worked but met a
/// `Retry-After` on the way (an article page answered 429). Returns whether
/// the next poll moved.
pub fn defer_until(
    feed: &mut Feed,
    retry_after: DateTime<Utc>,
    now: DateTime<Utc>,
    policy: &SchedulePolicy,
) -> bool {
    let cap = now + policy.max_retry_after.max(TimeDelta::zero());
    let t = retry_after.min(cap);
    if feed.next_fetch.is_some_and(|n| n >= t) {
        return false;
    }
    feed.next_fetch = Some(t);
    true
}

fn secs(d: TimeDelta) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

fn delta(secs: f64) -> TimeDelta {
    TimeDelta::milliseconds((secs * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::SeedableRng;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap() + TimeDelta::hours(h)
    }

    fn wait(feed: &Feed, now: DateTime<Utc>) -> TimeDelta {
        feed.next_fetch.unwrap() - now
    }

    #[test]
    fn interval_shrinks_with_news_and_grows_without_within_bounds() {
        let p = SchedulePolicy::default();
        let mut rng = SmallRng::seed_from_u64(7);
        let mut f = Feed::default();
        record_success(&mut f, 5, t(0), &p, &mut rng);
        assert_eq!(f.interval_secs, Some(1200)); // 30 min / 1.5
        assert_eq!(f.last_changed, Some(t(0)));
        for _ in 0..20 {
            record_success(&mut f, 1, t(0), &p, &mut rng);
        }
        assert_eq!(f.interval_secs, Some(300), "floor of 5 min");
        let w = wait(&f, t(0));
        assert!(w >= p.min_interval && w <= TimeDelta::seconds(330), "{w}");
        record_success(&mut f, 0, t(1), &p, &mut rng);
        assert_eq!(f.interval_secs, Some(450));
        assert_eq!(f.last_changed, Some(t(0)), "nothing new: unchanged");
        for _ in 0..30 {
            record_success(&mut f, 0, t(1), &p, &mut rng);
        }
        assert_eq!(f.interval_secs, Some(6 * 3600), "ceiling of 6 h");
        let w = wait(&f, t(1));
        assert!(
            w >= TimeDelta::seconds(6 * 3600 * 9 / 10)
                && w <= TimeDelta::seconds(6 * 3600 * 11 / 10),
            "{w}"
        );
    }

    #[test]
    fn interval_settles_near_half_the_change_period() {
        // A feed that gets one item every 2 hours, polled as scheduled.
        let p = SchedulePolicy {
            jitter: 0.0,
            ..SchedulePolicy::default()
        };
        let mut rng = SmallRng::seed_from_u64(1);
        let mut f = Feed::default();
        let mut now = t(0);
        let mut last_item_seen = now;
        let mut intervals = Vec::new();
        for _ in 0..200 {
            let newest_item = now - TimeDelta::seconds((now.timestamp() - t(0).timestamp()) % 7200);
            let new = usize::from(newest_item > last_item_seen);
            last_item_seen = last_item_seen.max(newest_item);
            record_success(&mut f, new, now, &p, &mut rng);
            intervals.push(f.interval_secs.unwrap());
            now = f.next_fetch.unwrap();
        }
        let tail = &intervals[100..];
        let mean = tail.iter().map(|&s| f64::from(s)).sum::<f64>() / tail.len() as f64;
        assert!((1800.0..=5400.0).contains(&mean), "mean interval {mean}");
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps_at_a_day() {
        let p = SchedulePolicy::default();
        let mut rng = SmallRng::seed_from_u64(42);
        let mut f = Feed {
            interval_secs: Some(900),
            ..Feed::default()
        };
        let mut prev_full = 0.0;
        for n in 1..=12u32 {
            record_failure(&mut f, "HTTP status 500", t(0), &p, &mut rng);
            assert_eq!(f.error_count, n);
            let full = (300.0 * 2f64.powi(n as i32 - 1)).min(86400.0);
            let w = wait(&f, t(0)).num_milliseconds() as f64 / 1000.0;
            assert!(
                w >= full / 2.0 - 0.001 && w <= full + 0.001,
                "{n}: {w} vs {full}"
            );
            assert!(full >= prev_full);
            prev_full = full;
        }
        assert!(wait(&f, t(0)) <= TimeDelta::hours(24));
        assert_eq!(f.failing_since, Some(t(0)), "set on the first failure only");
        assert_eq!(f.interval_secs, Some(900), "adapted interval kept");
        assert_eq!(f.last_error.as_deref(), Some("HTTP status 500"));
        // Jitter spreads feeds that fail together.
        let mut waits = std::collections::BTreeSet::new();
        for seed in 0..10 {
            let mut g = Feed::default();
            record_failure(&mut g, "x", t(0), &p, &mut SmallRng::seed_from_u64(seed));
            waits.insert(wait(&g, t(0)));
        }
        assert!(waits.len() > 5, "{waits:?}");
    }

    #[test]
    fn success_clears_failure_state() {
        let p = SchedulePolicy::default();
        let mut rng = SmallRng::seed_from_u64(3);
        let mut f = Feed::default();
        record_failure(&mut f, "timed out", t(0), &p, &mut rng);
        record_failure(&mut f, "timed out", t(1), &p, &mut rng);
        assert_eq!(
            health(&f, t(1), &p),
            Health::Failing {
                since: t(0),
                errors: 2
            }
        );
        record_success(&mut f, 0, t(2), &p, &mut rng);
        assert_eq!(f.error_count, 0);
        assert_eq!(f.failing_since, None);
        assert_eq!(f.last_error, None);
        assert_eq!(f.last_fetched, Some(t(2)));
        assert_eq!(health(&f, t(2), &p), Health::Ok);
    }

    #[test]
    fn a_feed_failing_for_three_days_is_dead_and_polled_daily() {
        let p = SchedulePolicy::default();
        let mut rng = SmallRng::seed_from_u64(9);
        let mut f = Feed::default();
        let mut now = t(0);
        record_failure(&mut f, "HTTP status 503", now, &p, &mut rng);
        while now - t(0) <= TimeDelta::days(3) {
            assert!(!is_dead(&f, now, &p));
            now = f.next_fetch.unwrap();
            record_failure(&mut f, "HTTP status 503", now, &p, &mut rng);
        }
        assert!(is_dead(&f, now, &p));
        assert!(matches!(health(&f, now, &p), Health::Dead { since, .. } if since == t(0)));
        for _ in 0..5 {
            let w = wait(&f, now);
            assert!(
                w >= TimeDelta::hours(24) && w <= TimeDelta::hours(27),
                "{w}"
            );
            now = f.next_fetch.unwrap();
            record_failure(&mut f, "HTTP status 503", now, &p, &mut rng);
        }
        // One success brings it back.
        record_success(&mut f, 3, now, &p, &mut rng);
        assert!(!is_dead(&f, now, &p));
        assert!(wait(&f, now) < TimeDelta::hours(7));
    }

    #[test]
    fn retry_after_delays_the_next_poll_within_a_cap() {
        let p = SchedulePolicy::default();
        let mut rng = SmallRng::seed_from_u64(11);
        // Two hours asked: well past the first backoff step (5 min at most).
        let mut f = Feed::default();
        let asked = t(0) + TimeDelta::hours(2);
        record_failure_retry_after(&mut f, "HTTP status 429", Some(asked), t(0), &p, &mut rng);
        assert_eq!(f.next_fetch, Some(asked));
        assert_eq!(f.error_count, 1);
        assert!(!is_due(&f, asked - TimeDelta::seconds(1)));
        assert!(is_due(&f, asked));
        // A week asked: capped at a day.
        let mut f = Feed::default();
        let week = t(0) + TimeDelta::days(7);
        record_failure_retry_after(&mut f, "HTTP status 503", Some(week), t(0), &p, &mut rng);
        assert_eq!(f.next_fetch, Some(t(24)));
        // Ten seconds asked after many failures: the backoff (hours) wins.
        let mut f = Feed::default();
        for _ in 0..8 {
            record_failure(&mut f, "HTTP status 500", t(0), &p, &mut rng);
        }
        let soon = t(0) + TimeDelta::seconds(10);
        record_failure_retry_after(&mut f, "HTTP status 429", Some(soon), t(0), &p, &mut rng);
        assert!(wait(&f, t(0)) >= TimeDelta::hours(5), "{}", wait(&f, t(0)));
        // A successful poll whose article pages met a Retry-After.
        let mut f = Feed::default();
        record_success(&mut f, 2, t(0), &p, &mut rng);
        let normal = f.next_fetch.unwrap();
        assert!(!defer_until(&mut f, t(0) + TimeDelta::minutes(1), t(0), &p));
        assert_eq!(f.next_fetch, Some(normal));
        assert!(defer_until(&mut f, t(3), t(0), &p));
        assert_eq!(f.next_fetch, Some(t(3)));
        assert_eq!(f.error_count, 0);
    }

    #[test]
    fn same_seed_same_schedule() {
        let p = SchedulePolicy::default();
        let run = |seed| {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut f = Feed::default();
            record_success(&mut f, 2, t(0), &p, &mut rng);
            record_failure(&mut f, "x", t(1), &p, &mut rng);
            f.next_fetch
        };
        assert_eq!(run(5), run(5));
    }

    #[test]
    fn due_when_never_polled_or_time_came() {
        let mut f = Feed::default();
        assert!(is_due(&f, t(0)));
        f.next_fetch = Some(t(1));
        assert!(!is_due(&f, t(0)));
        assert!(is_due(&f, t(1)));
    }
}
