//! Time expressions resolved to calendar dates.
//!
//! Recognised (spans follow TimeML: no leading preposition, but modifiers such
//! as "last"/"next" are part of the expression):
//!
//! - absolute: "2010-05-03", "May 3", "May 3, 2010", "3 May 2010", "3rd of May",
//!   "Sept. 11" (Day); "May 2010" and "in May" (Month); "in 2022" after a
//!   preposition (Year);
//! - relative to the publication date: "yesterday", "today", "tonight", "this
//!   morning", "tomorrow", "last night" (Day); weekdays (Day; see below);
//!   "last/this/next month" (Month), "last/this/next year" (Year); "three days
//!   ago" (Day), "two months ago" (Month), "a year ago" (Year).
//!
//! A bare weekday is the most recent such day on or before the publication
//! date, unless the sentence is in the future tense before it ("will meet on
//! Monday", "is due to ... Monday"), then the next one on or after it;
//! "last Monday" is strictly before, "next Monday" strictly after.
//!
//! A month and day without a year take the year that puts the date closest to
//! publication within nine months before to three months after it (news looks
//! back more than ahead).
//!
//! Weeks ("last week", "this week") are skipped: there is no week granularity
//! and picking a day would invent precision. Without a publication date only
//! expressions that carry their year are returned.

use crate::Ctx;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use lede_model::{DateGranularity, Span, TimeExpr};
use regex::Regex;
use std::sync::OnceLock;

const MONTH: &str = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.|Jan\b|Feb\b|Aug\b|Sept\b|Oct\b|Nov\b|Dec\b)";

struct Res {
    iso: Regex,
    mdy: Regex,
    dmy: Regex,
    my: Regex,
    month_only: Regex,
    year: Regex,
    rel_day: Regex,
    weekday: Regex,
    rel_unit: Regex,
    ago: Regex,
    future: Regex,
    past: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let re = |s: String| crate::compile(&s);
        Res {
            iso: re(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b".into()),
            mdy: re(format!(
                r"\b{MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"
            )),
            dmy: re(format!(
                r"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}(?:,?\s+(?P<y>\d{{4}})\b)?"
            )),
            my: re(format!(r"\b{MONTH},?\s+(?P<y>\d{{4}})\b")),
            month_only: re(format!(
                r"\b(?:(?P<mod>(?i:last|next|this))|(?i:in|since|by|until|during|early|late|mid|of|from|through|before|after))[\s\-]+{MONTH}"
            )),
            year: re(r"\b(?i:in|since|by|until|during|of|from|before|after|through|early|late|mid|end\s+of|start\s+of|beginning\s+of|summer\s+of|spring\s+of|autumn\s+of|fall\s+of|winter\s+of)[\s\-]+(?P<y>(?:19|20)\d{2})\b".into()),
            rel_day: re(r"\b(?P<w>[Yy]esterday|[Tt]oday|[Tt]omorrow|[Tt]onight|(?:[Ll]ast|[Tt]his)\s+(?:night|morning|afternoon|evening))\b".into()),
            weekday: re(r"\b(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming|[Pp]ast)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?P<pl>s\b)?".into()),
            rel_unit: re(r"\b(?P<mod>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<unit>month|year)\b".into()),
            ago: re(r"\b(?P<n>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b".into()),
            future: re(r"\b(?:will|won't|shall|going\s+to|is\s+to|are\s+to|due|scheduled|expected|plans?|planned|set\s+to|would|next|upcoming|until)\b|'ll\b|’ll\b".into()),
            past: re(r"\b(?:said|says|was|were|had|did|has|have|[a-z]+ed|rose|fell|began|came|went|took|made|gave|met|left|held|hit|told|won|lost|saw|got|found|became|ran|sank|broke|struck|spoke|wrote|grew|led|shot|fled|fought|kept|paid|sent|spent|stood|thought|brought|bought|caught|chose|drove|flew|froze|knew|sold|sought|swore|threw|woke|wore|ago)\b".into()),
        }
    })
}

fn month_num(m: &str) -> Option<u32> {
    let k = m.trim_end_matches('.').to_ascii_lowercase();
    let k = k.get(..3)?;
    Some(match k {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    })
}

fn weekday_of(s: &str) -> Option<Weekday> {
    Some(match s {
        "Monday" => Weekday::Mon,
        "Tuesday" => Weekday::Tue,
        "Wednesday" => Weekday::Wed,
        "Thursday" => Weekday::Thu,
        "Friday" => Weekday::Fri,
        "Saturday" => Weekday::Sat,
        "Sunday" => Weekday::Sun,
        _ => return None,
    })
}

fn small_number(s: &str) -> Option<i64> {
    Some(match s.to_ascii_lowercase().as_str() {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        d => d.parse().ok()?,
    })
}

/// Month and day without a year. In a past-tense clause the latest such date
/// on or before publication, in a future one the earliest on or after it;
/// otherwise the one nearest to publication within [-270, +95] days, else the
/// publication year.
fn infer_year(month: u32, day: u32, pub_date: NaiveDate, tense: Tense) -> Option<NaiveDate> {
    let y = pub_date.year();
    let mut best: Option<(i64, NaiveDate)> = None;
    for cy in [y - 1, y, y + 1] {
        if let Some(d) = NaiveDate::from_ymd_opt(cy, month, day) {
            let diff = (d - pub_date).num_days();
            let ok = match tense {
                Tense::Past => (-366..=0).contains(&diff),
                Tense::Future => (0..=366).contains(&diff),
                Tense::Unknown => (-270..=95).contains(&diff),
            };
            if ok && best.is_none_or(|(b, _)| diff.abs() < b) {
                best = Some((diff.abs(), d));
            }
        }
    }
    best.map(|b| b.1)
        .or_else(|| NaiveDate::from_ymd_opt(y, month, day))
}

fn first_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, 1)
}

fn add_months(d: NaiveDate, delta: i32) -> Option<NaiveDate> {
    let total = d.year() * 12 + d.month0() as i32 + delta;
    first_of_month(total.div_euclid(12), total.rem_euclid(12) as u32 + 1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Past,
    Future,
    Unknown,
}

/// The tense of the clause around `pos` (relative to the sentence): the last
/// tense marker before it, else the first one after it.
fn tense(sentence: &str, pos: usize) -> Tense {
    let r = res();
    let pos = pos.min(sentence.len());
    let pos = (0..=pos)
        .rev()
        .find(|&p| sentence.is_char_boundary(p))
        .unwrap_or(0);
    let (pre, post) = sentence.split_at(pos);
    let lf = r.future.find_iter(pre).last().map(|m| m.start());
    let lp = r.past.find_iter(pre).last().map(|m| m.start());
    let pick = |f: Option<usize>, p: Option<usize>, later_wins: bool| match (f, p) {
        (Some(f), Some(p)) => {
            if (f >= p) == later_wins {
                Tense::Future
            } else {
                Tense::Past
            }
        }
        (Some(_), None) => Tense::Future,
        (None, Some(_)) => Tense::Past,
        (None, None) => Tense::Unknown,
    };
    match pick(lf, lp, true) {
        Tense::Unknown => pick(
            r.future.find(post).map(|m| m.start()),
            r.past.find(post).map(|m| m.start()),
            false,
        ),
        t => t,
    }
}

/// Tense of the sentence holding byte `pos` of the text, around `pos`.
fn tense_at(ctx: &Ctx, pos: usize) -> Tense {
    let si = ctx.sentence_of(pos);
    let sp = ctx.sents.get(si).copied().unwrap_or(Span::new(0, 0));
    tense(ctx.sentence(si), pos.saturating_sub(sp.start))
}

struct Cand {
    span: Span,
    date: NaiveDate,
    gran: DateGranularity,
}

/// Find and resolve the time expressions of an article.
pub(crate) fn find(ctx: &Ctx, published: Option<NaiveDate>) -> Vec<TimeExpr> {
    let text = ctx.text;
    let r = res();
    let mut cands: Vec<Cand> = Vec::new();
    let mut push = |start: usize, end: usize, date: Option<NaiveDate>, gran: DateGranularity| {
        if let Some(date) = date {
            cands.push(Cand {
                span: Span::new(start, end),
                date,
                gran,
            });
        }
    };
    use DateGranularity::{Day, Month, Year};
    let num = |c: &regex::Captures, k: &str| c.name(k).and_then(|m| m.as_str().parse::<i64>().ok());

    for c in r.iso.captures_iter(text) {
        let m = c.get(0).expect("match");
        let (y, mo, d) = (num(&c, "y"), num(&c, "m"), num(&c, "d"));
        if let (Some(y), Some(mo), Some(d)) = (y, mo, d) {
            push(
                m.start(),
                m.end(),
                NaiveDate::from_ymd_opt(y as i32, mo as u32, d as u32),
                Day,
            );
        }
    }
    for re in [&r.mdy, &r.dmy] {
        for c in re.captures_iter(text) {
            let m = c.get(0).expect("match");
            let Some(mo) = c.name("mon").and_then(|x| month_num(x.as_str())) else {
                continue;
            };
            let Some(d) = num(&c, "d") else { continue };
            if !(1..=31).contains(&d) {
                continue;
            }
            let date = match (num(&c, "y"), published) {
                (Some(y), _) => NaiveDate::from_ymd_opt(y as i32, mo, d as u32),
                (None, Some(p)) => infer_year(mo, d as u32, p, tense_at(ctx, m.start())),
                (None, None) => None,
            };
            push(m.start(), m.end(), date, Day);
        }
    }
    for c in r.my.captures_iter(text) {
        let m = c.get(0).expect("match");
        if let (Some(mo), Some(y)) = (
            c.name("mon").and_then(|x| month_num(x.as_str())),
            num(&c, "y"),
        ) {
            push(m.start(), m.end(), first_of_month(y as i32, mo), Month);
        }
    }
    for c in r.year.captures_iter(text) {
        let y = c.name("y").expect("year group");
        let after = &text[y.end()..];
        if after.starts_with('%')
            || (after.starts_with([',', '.'])
                && after[1..].starts_with(|ch: char| ch.is_ascii_digit()))
        {
            continue;
        }
        let year = y.as_str().parse::<i32>().ok();
        push(
            y.start(),
            y.end(),
            year.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)),
            Year,
        );
    }

    if let Some(p) = published {
        for c in r.month_only.captures_iter(text) {
            let mon = c.name("mon").expect("month group");
            let Some(mo) = month_num(mon.as_str()) else {
                continue;
            };
            let start = c.name("mod").map_or(mon.start(), |m| m.start());
            let pm = first_of_month(p.year(), p.month());
            let date = match c.name("mod").map(|m| m.as_str().to_ascii_lowercase()) {
                Some(ref k) if k == "last" => {
                    let y = if mo < p.month() {
                        p.year()
                    } else {
                        p.year() - 1
                    };
                    first_of_month(y, mo)
                }
                Some(ref k) if k == "next" => {
                    let y = if mo > p.month() {
                        p.year()
                    } else {
                        p.year() + 1
                    };
                    first_of_month(y, mo)
                }
                _ => infer_year(mo, 1, p, tense_at(ctx, start))
                    .and_then(|d| first_of_month(d.year(), mo))
                    .or(pm),
            };
            push(start, mon.end(), date, Month);
        }
        for c in r.rel_day.captures_iter(text) {
            let m = c.get(0).expect("match");
            let w = m.as_str().to_ascii_lowercase();
            let delta = if w == "yesterday" || w.starts_with("last") {
                -1
            } else if w == "tomorrow" {
                1
            } else {
                0
            };
            push(
                m.start(),
                m.end(),
                p.checked_add_signed(Duration::days(delta)),
                Day,
            );
        }
        for c in r.weekday.captures_iter(text) {
            if c.name("pl").is_some() {
                continue; // "on Mondays": habitual
            }
            let m = c.get(0).expect("match");
            let Some(wd) = c.name("wd").and_then(|w| weekday_of(w.as_str())) else {
                continue;
            };
            let pw = p.weekday().num_days_from_monday() as i64;
            let tw = wd.num_days_from_monday() as i64;
            let back = (pw - tw).rem_euclid(7);
            let fwd = (tw - pw).rem_euclid(7);
            let modifier = c.name("mod").map(|x| x.as_str().to_ascii_lowercase());
            let delta = match modifier.as_deref() {
                Some("last") | Some("past") => -(if back == 0 { 7 } else { back }),
                Some("next") | Some("coming") => {
                    if fwd == 0 {
                        7
                    } else {
                        fwd
                    }
                }
                _ => {
                    if tense_at(ctx, m.start()) == Tense::Future {
                        fwd
                    } else {
                        -back
                    }
                }
            };
            push(
                m.start(),
                m.end(),
                p.checked_add_signed(Duration::days(delta)),
                Day,
            );
        }
        for c in r.rel_unit.captures_iter(text) {
            let m = c.get(0).expect("match");
            let k = c
                .name("mod")
                .map_or(0, |x| match x.as_str().to_ascii_lowercase().as_str() {
                    "last" => -1,
                    "next" => 1,
                    _ => 0,
                });
            match c.name("unit").map(|u| u.as_str()) {
                Some("month") => push(m.start(), m.end(), add_months(p, k), Month),
                _ => push(
                    m.start(),
                    m.end(),
                    NaiveDate::from_ymd_opt(p.year() + k, 1, 1),
                    Year,
                ),
            }
        }
        for c in r.ago.captures_iter(text) {
            let m = c.get(0).expect("match");
            let Some(n) = c.name("n").and_then(|x| small_number(x.as_str())) else {
                continue;
            };
            let unit = c.name("unit").map_or("", |u| u.as_str());
            if unit.starts_with("day") {
                push(
                    m.start(),
                    m.end(),
                    p.checked_sub_signed(Duration::days(n)),
                    Day,
                );
            } else if unit.starts_with("week") {
                push(
                    m.start(),
                    m.end(),
                    p.checked_sub_signed(Duration::days(7 * n)),
                    Day,
                );
            } else if unit.starts_with("month") {
                push(m.start(), m.end(), add_months(p, -(n as i32)), Month);
            } else {
                let y = p.year() - n as i32;
                push(m.start(), m.end(), NaiveDate::from_ymd_opt(y, 1, 1), Year);
            }
        }
    }

    // Longest match wins where expressions overlap.
    cands.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then((b.span.end - b.span.start).cmp(&(a.span.end - a.span.start)))
    });
    let mut out: Vec<TimeExpr> = Vec::new();
    let mut last_end = 0;
    for c in cands {
        if c.span.start < last_end {
            continue;
        }
        last_end = c.span.end;
        out.push(TimeExpr {
            sentence: ctx.sentence_of(c.span.start),
            text: text[c.span.start..c.span.end].to_string(),
            span: c.span,
            date: c.date,
            granularity: c.gran,
        });
    }
    out
}
