//! Time expressions as TimeML TIMEX3: extent, type and normalised value.
//!
//! [`find_timexes`] tags the time expressions of a text and normalises each
//! against the document creation time (DCT), following the TimeML/TimeBank
//! conventions:
//!
//! - DATE: calendar points at any granularity: `1998-08-07` ("Friday",
//!   "Aug. 7", "yesterday"), `1998-08` ("last month", "late August"), `1998`
//!   ("this year", "fiscal 1998", "nineteen ninety-eight"), `1998-W32` ("this week"), `1998-W31-WE`
//!   ("last weekend"), `1998-Q3` ("the third quarter", "third-quarter"),
//!   `1998-SU` ("this summer"), `199` ("the 1990s"), `19` ("the 20th
//!   century"), and the references `PRESENT_REF` ("now", "currently"),
//!   `PAST_REF` ("recently"), `FUTURE_REF` ("soon", "the future");
//! - TIME: a part of a day or a clock time: `1998-08-07TNI` ("last night"),
//!   `1998-08-07T10:35` ("10:35 a.m.");
//! - DURATION: `P3Y` ("three years", "the past three years", "three-year"),
//!   `PT5H`, `P2W`, `PXY` ("years", "several years"), `P1Y` ("the year
//!   ended March 31");
//! - SET: `P1D` ("daily", "every day"), `XXXX-WXX-4` ("each Thursday").
//!
//! Extents follow TimeML: no leading preposition, but determiners, modifiers
//! and quantifiers belong to the expression ("the past two months", "nearly
//! three years ago", "earlier this year", "the end of 1990").
//!
//! Relative expressions resolve against the DCT. Where the direction is not
//! given ("Friday", "March 5", "in May") the tense of the surrounding clause
//! decides: a future clause ("will meet Friday") looks forward, anything else
//! back, because news mostly reports what happened. The clause is the
//! sentence as [`lede_text::split_sentences`] cuts it, so abbreviations and
//! initials do not hide the verb ("will succeed Ana J. Moll Feb. 3"). Quarters without a year
//! are the most recent such quarter; "a year ago" in a sentence about a
//! quarter is that quarter a year before, as financial news means it.
//!
//! Everything is a handful of regexes compiled once plus small normalisers,
//! so the cost is linear in the text.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::{Captures, Regex};
use std::sync::OnceLock;

/// The TIMEX3 type of a time expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimexKind {
    /// A calendar date, week, month, quarter, season, year, decade or a
    /// present/past/future reference.
    Date,
    /// A time of day or a part of a day.
    Time,
    /// A length of time.
    Duration,
    /// A recurrence ("daily", "every Monday").
    Set,
}

impl TimexKind {
    /// The TimeML name: `DATE`, `TIME`, `DURATION` or `SET`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimexKind::Date => "DATE",
            TimexKind::Time => "TIME",
            TimexKind::Duration => "DURATION",
            TimexKind::Set => "SET",
        }
    }
}

/// One time expression: byte offsets into the text, TIMEX3 type and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timex {
    /// Byte offset of the first character (on a character boundary).
    pub start: usize,
    /// Byte offset just past the last character (on a character boundary).
    pub end: usize,
    /// TIMEX3 type.
    pub kind: TimexKind,
    /// TIMEX3 value: `2013-03-21`, `2013-W12`, `2013-Q1`, `P3Y`, `PRESENT_REF`, ...
    pub value: String,
}

/// Find the time expressions of `text` and normalise them against the
/// document creation date `dct`, in text order and without overlaps.
pub fn find_timexes(text: &str, dct: NaiveDate) -> Vec<Timex> {
    scan(text, dct).into_iter().map(|f| f.timex).collect()
}

/// A time expression and whether its value depends on the DCT (a relative
/// expression, or a date whose year was inferred).
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub timex: Timex,
    pub anchored: bool,
}

// ---------- patterns ----------

const WD: &str = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MON: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.|Jan\b|Feb\b|Aug\b|Sept\b|Oct\b|Nov\b|Dec\b)";
/// A year in digits, or spelled out as speech transcripts write it
/// ("nineteen ninety-six", "two thousand"); [`year_number`] reads both.
const YEAR: &str = r"(?:(?:1[6-9]|20)\d\d|(?i:nineteen[\s-]+(?:hundred|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?)\b|two\s+thousand(?:(?:\s+and)?[\s-]+(?:one|two|three|four|five|six|seven|eight|nine|ten)\b)?))";
/// Edge modifiers kept in the extent but not changing the value.
const EDGE: &str = r"\b(?:(?i:early|earlier|late|later|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|the\s+rest\s+of|the\s+first\s+half\s+of|the\s+second\s+half\s+of|the\s+last\s+half\s+of|end\s+of|beginning\s+of|start\s+of|middle\s+of|sometime|some\s+time)[\s-]+)+$";
const NUMW: &str = r"(?:\d+(?:\.\d+)?|(?i:a\s+couple\s+of|a\s+few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a\s+hundred|few|several|some|many|a\s+number\s+of)(?:-(?i:one|two|three|four|five|six|seven|eight|nine))?)";
const UNIT: &str = r"(?i:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|century|quarters?)";

/// What a rule matched: its extent (group `t`, else the whole match) and the
/// normaliser to run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    MonthDay,
    DayMonth,
    Iso,
    Slash,
    Month,
    Year,
    Decade,
    Century,
    RelDay,
    PartOfDay,
    Weekday,
    RelUnit,
    TheUnit,
    QuarterOrd,
    QuarterRel,
    YearAgo,
    Duration,
    BarePlural,
    Reference,
    SetAdverb,
    SetEvery,
    Clock,
    Noon,
    Season,
    Holiday,
    YearEnd,
}

struct Res {
    rules: Vec<(Rule, Regex)>,
    /// Words that every time expression contains one of: rules only run in
    /// windows around them, which keeps the cost low on text without any.
    trigger: Regex,
    /// Edge modifiers ("early", "the end of") right before an expression.
    edge: Regex,
    /// Quantifiers and determiners right before a duration ("the past", "nearly").
    lead: Regex,
    future: Regex,
    past: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let re = |s: String| crate::compile(&s);
        use Rule::*;
        let rules = vec![
            (MonthDay, re(format!(
                r"\b(?:{WD},?\s+)?(?P<mon>{MON})\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>{YEAR})\b)?"
            ))),
            (DayMonth, re(format!(
                r"\b(?:{WD},?\s+)?(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MON})(?:,?\s+(?P<y>{YEAR})\b)?"
            ))),
            (Iso, re(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b".into())),
            (Slash, re(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\b".into())),
            (Month, re(format!(
                r"(?P<t>\b(?:(?P<mod>(?i:last|next|this|this\s+past|this\s+coming|coming|past))\s+)?(?P<mon>{MON})(?:,?\s+(?:of\s+)?(?:(?P<y>{YEAR})\b|(?P<rel>(?i:last|this|next))\s+year\b))?)"
            ))),
            (Year, re(format!(
                r"\b(?:(?P<fiscal>(?i:fiscal(?:\s+year)?|calendar(?:\s+year)?|the\s+year|model\s+year))[\s-]+)?(?P<y>{YEAR})\b"
            ))),
            (Decade, re(
                r"\b(?:(?i:the)\s+)?(?:(?P<dm>(?i:early|mid|late))[\s-]+)?(?P<dec>(?:1[6-9]|20)?\d0|'\d0|’\d0)'?s\b|\b(?i:the)\s+(?P<word>(?i:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b".into()
            )),
            (Century, re(
                r"\b(?:(?i:the)\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)[\s-]+(?i:century)\b".into()
            )),
            (RelDay, re(
                r"\b(?P<w>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tomorrow|tonight|overnight))\b".into()
            )),
            (PartOfDay, re(
                r"\b(?P<rel>(?i:this|last|yesterday|tomorrow|the|early|late))\s+(?P<part>(?i:morning|afternoon|evening|night))\b".into()
            )),
            (Weekday, re(format!(
                r"\b(?:(?P<mod>(?i:last|next|this|coming|this\s+coming|this\s+past|past|previous|the\s+previous|the\s+following|the\s+next))\s+)?(?P<wd>{WD})(?P<pl>s)?\b(?:'s)?(?:\s+(?P<part>(?i:morning|afternoon|evening|night)))?"
            ))),
            (RelUnit, re(
                r"\b(?P<mod>(?i:(?:the\s+)?(?:last|past|previous|next|coming|current|following|preceding)|this(?:\s+past|\s+coming)?|earlier\s+this|later\s+this))\s+(?P<u>(?i:week|weekend|month|year|quarter|decade|century|spring|summer|fall|autumn|winter))\b".into()
            )),
            (TheUnit, re(
                r"\b(?i:the)\s+(?P<adj>(?:(?i:full|entire|whole|fiscal|calendar|current)\s+)*)(?P<u>(?i:year|month|weekend|week))\b".into()
            )),
            (QuarterOrd, re(format!(
                r"\b(?:(?i:the|its|their|a)\s+)?(?:(?P<yr>{YEAR}|(?i:this\s+year's|last\s+year's|next\s+year's|year-earlier|year-ago))\s+)?(?:(?i:fiscal|calendar)[\s-]+)?(?P<ord>(?i:first|second|third|fourth|1st|2nd|3rd|4th))[\s-]+(?i:quarter)\b(?:\s+(?:(?i:of)\s+)?(?:(?i:fiscal)\s+)?(?P<y2>{YEAR})\b)?"
            ))),
            (QuarterRel, re(
                r"\b(?P<det>(?i:the|this|that|its|their|last|next))\s+(?P<adj>(?:(?i:latest|current|previous|past|recent|most\s+recent|year-earlier|year-ago|comparable|comparable\s+year-ago|same|fiscal|just-ended|just\s+ended)\s+)*)(?P<u>(?i:quarter|period))\b".into()
            )),
            (YearAgo, re(
                r"\b(?:(?i:the)\s+)?(?i:year-earlier|year-ago|year\s+earlier)\b".into()
            )),
            (Duration, re(format!(
                r"\b(?P<n>{NUMW})(?:\s+(?i:more|additional|full|straight|consecutive|trading|business|working|calendar))?[\s-]+(?P<u>{UNIT})\b(?:\s+(?i:or\s+(?:so|more|two|three)))?(?P<post>\s+(?i:ago|earlier|from\s+now))?"
            ))),
            (BarePlural, re(
                r"\b(?P<pre>(?i:for|in|within|over|after|recent|coming|past|the\s+past|the\s+coming|the\s+next|the\s+last|the|these)\s+)(?P<t>(?i:days|weeks|months|years|decades|hours|minutes|centuries))\b".into()
            )),
            (Reference, re(
                r"\b(?P<w>(?i:right\s+now|now|currently|current|these\s+days|nowadays|at\s+present|presently|recently|more\s+recently|formerly|the\s+past|the\s+near\s+future|the\s+future|the\s+near\s+term|the\s+short\s+term|the\s+long\s+term|a\s+later\s+date|as\s+soon\s+as\s+possible))\b".into()
            )),
            (SetAdverb, re(
                r"\b(?P<w>(?i:daily|weekly|monthly|yearly|hourly|nightly|biweekly))\b".into()
            )),
            (SetEvery, re(format!(
                r"\b(?i:every|each|per)\s+(?:(?i:other)\s+)?(?P<u>(?i:day|night|week|month|year|quarter|hour|minute|morning|evening|weekend|summer|winter|spring|fall)\b|(?P<wd>{WD})|(?P<mon>{MON}))"
            ))),
            (Clock, re(format!(
                r"\b(?P<h>\d{{1,2}})(?:[:.](?P<mi>\d{{2}}))?\s*(?P<ap>[aApP]\.[mM]\.?|[aApP][mM]\b)(?:\s+(?P<tz>[ECMP][SD]T|GMT|UTC)\b)?(?:,?\s+(?:(?i:on)\s+)?(?:(?P<wd>{WD})|(?P<rd>(?i:today|yesterday|tomorrow))))?"
            ))),
            (Noon, re(format!(
                r"\b(?P<w>(?i:noon|midnight|midday))\b(?:\s+(?:(?P<wd>{WD})|(?P<rd>(?i:today|yesterday|tomorrow))))?"
            ))),
            (Season, re(format!(
                r"\b(?:(?P<mod>(?i:last|this|next|this\s+past|this\s+coming|the|early|late|in|since|during|by))\s+)?(?P<s>(?i:spring|summer|fall|autumn|winter))\b(?:\s+(?:(?i:of)\s+)?(?P<y>{YEAR})\b)?"
            ))),
            (Holiday, re(
                r"\b(?P<h>Thanksgiving(?:\s+Day)?|Christmas(?:\s+Day|\s+Eve)?|New\s+Year's(?:\s+Day|\s+Eve)|New\s+Year’s(?:\s+Day|\s+Eve)|Halloween|Independence\s+Day|Valentine's\s+Day|Labor\s+Day|Memorial\s+Day|Veterans\s+Day|Election\s+Day)\b".into()
            )),
            (YearEnd, re(
                r"\b(?i:year[\s-]end|year's\s+end|year’s\s+end)\b".into()
            )),
        ];
        Res {
            rules,
            trigger: re(format!(
                r"\d|{MON}|{WD}|\b(?i:yesterday|today|tomorrow|tonight|overnight|morning|afternoon|evening|night|week|month|year|quarter|period|decade|centur|spring|summer|fall|autumn|winter|now|current|recent|previous|formerly|presently|present|nowadays|future|soon|term|later|daily|weekly|monthly|annually|yearly|hourly|quarterly|nightly|biweekly|semiannually|noon|midnight|midday|day|hour|minute|second|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|nineteen|thousand|thanksgiving|christmas|halloween|new\s+year|independence|valentine|labor|memorial|veterans|election)"
            )),
            edge: re(EDGE.into()),
            lead: re(r"\b(?:(?i:about|around|nearly|almost|approximately|roughly|more\s+than|less\s+than|fewer\s+than|at\s+least|up\s+to|only|just|another|an\s+additional|an\s+extra|the|a|its|their|his|her|each\s+of\s+the|past|last|next|first|coming|previous|latest|final|following|preceding|initial|remaining|same)\s+)+$".into()),
            future: re(r"\b(?:will|won't|shall|going\s+to|is\s+to|are\s+to|due|scheduled|expected|plans?|planned|planning|set\s+to|would|could|might|next|upcoming|until|as\s+(?:soon|early)\s+as)\b|'ll\b|’ll\b".into()),
            past: re(r"\b(?:said|says|was|were|had|did|has|have|[a-z]+ed|rose|fell|began|came|went|took|made|gave|met|left|held|hit|told|won|lost|saw|got|found|became|ran|sank|broke|struck|spoke|wrote|grew|led|shot|fled|fought|kept|paid|sent|spent|stood|thought|brought|bought|caught|chose|drove|flew|froze|knew|sold|sought|swore|threw|woke|wore|ago)\b".into()),
        }
    })
}

// ---------- calendar helpers ----------

pub(crate) fn month_num(m: &str) -> Option<u32> {
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
    let k = s.get(..3)?.to_ascii_lowercase();
    Some(match k.as_str() {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// A spelled or written number; `None` for vague quantities ("several").
fn number(s: &str) -> Option<f64> {
    let s = s.to_ascii_lowercase();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Ok(v) = s.parse::<f64>() {
        return Some(v);
    }
    let word = |w: &str| -> Option<f64> {
        Some(match w {
            "a" | "an" | "one" => 1.0,
            "two" | "a couple of" => 2.0,
            "three" => 3.0,
            "four" => 4.0,
            "five" => 5.0,
            "six" => 6.0,
            "seven" => 7.0,
            "eight" => 8.0,
            "nine" => 9.0,
            "ten" => 10.0,
            "eleven" => 11.0,
            "twelve" => 12.0,
            "thirteen" => 13.0,
            "fourteen" => 14.0,
            "fifteen" => 15.0,
            "sixteen" => 16.0,
            "seventeen" => 17.0,
            "eighteen" => 18.0,
            "nineteen" => 19.0,
            "twenty" => 20.0,
            "thirty" => 30.0,
            "forty" => 40.0,
            "fifty" => 50.0,
            "sixty" => 60.0,
            "seventy" => 70.0,
            "eighty" => 80.0,
            "ninety" => 90.0,
            "hundred" | "a hundred" => 100.0,
            _ => return None,
        })
    };
    match s.split_once('-') {
        Some((a, b)) => Some(word(a)? + word(b)?),
        None => word(&s),
    }
}

/// Month and day without a year: the nearest such date to the DCT within a
/// window that depends on the clause's tense (a year back to six weeks ahead
/// in a past clause, a week back to a year ahead in a future one, nine months
/// back to three ahead otherwise: news looks back more than ahead), else the
/// DCT's year.
pub(crate) fn infer_year(month: u32, day: u32, dct: NaiveDate, tense: Tense) -> Option<NaiveDate> {
    let y = dct.year();
    let mut best: Option<(i64, NaiveDate)> = None;
    for cy in [y - 1, y, y + 1] {
        if let Some(d) = NaiveDate::from_ymd_opt(cy, month, day) {
            let diff = (d - dct).num_days();
            let ok = match tense {
                // Dates a few weeks ahead are often named in past-tense
                // reports ("said the vote is set for ..."), rarely the reverse.
                Tense::Past => (-366..=45).contains(&diff),
                Tense::Future => (-7..=366).contains(&diff),
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

/// The number of a year written in digits or in words (see [`YEAR`]).
fn year_number(s: &str) -> Option<i64> {
    if let Ok(y) = s.parse() {
        return Some(y);
    }
    let word = |w: &str| number(w).map(|v| v as i64);
    let lower = s.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty() && *w != "and")
        .collect();
    match words.as_slice() {
        ["two", "thousand", rest @ ..] => {
            Some(2000 + rest.iter().map(|w| word(w)).sum::<Option<i64>>()?)
        }
        ["nineteen", "hundred"] => Some(1900),
        ["nineteen", rest @ ..] if !rest.is_empty() => {
            Some(1900 + rest.iter().map(|w| word(w)).sum::<Option<i64>>()?)
        }
        _ => None,
    }
}

fn add_months(y: i32, m: u32, delta: i32) -> (i32, u32) {
    let total = y * 12 + m as i32 - 1 + delta;
    (total.div_euclid(12), total.rem_euclid(12) as u32 + 1)
}

fn quarter_of(d: NaiveDate) -> u32 {
    d.month0() / 3 + 1
}

fn week_value(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn day_value(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// TimeML season codes in calendar order, with the months they start at.
const SEASONS: [(&str, u32); 4] = [("SP", 3), ("SU", 6), ("FA", 9), ("WI", 12)];

fn season_index(word: &str) -> usize {
    match word.to_ascii_lowercase().as_str() {
        "spring" => 0,
        "summer" => 1,
        "fall" | "autumn" => 2,
        _ => 3,
    }
}

/// The season holding `d` (winter counts from December into the next year).
fn current_season(d: NaiveDate) -> (i32, usize) {
    match d.month() {
        3..=5 => (d.year(), 0),
        6..=8 => (d.year(), 1),
        9..=11 => (d.year(), 2),
        12 => (d.year(), 3),
        _ => (d.year() - 1, 3),
    }
}

/// The tense of a clause around byte `pos` of `sentence`: the last tense
/// marker before it, else the first one after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tense {
    Past,
    Future,
    Unknown,
}

/// Words the past-tense pattern's `-ed` takes that are not past tense.
const NOT_PAST: &[&str] = &[
    "need", "succeed", "proceed", "exceed", "indeed", "feed", "speed", "seed", "heed", "breed",
    "bleed", "hundred", "red", "bed", "shed", "wed", "embed",
];

pub(crate) fn tense(sentence: &str, pos: usize) -> Tense {
    let r = res();
    let pos = pos.min(sentence.len());
    let pos = (0..=pos)
        .rev()
        .find(|&p| sentence.is_char_boundary(p))
        .unwrap_or(0);
    let (pre, post) = sentence.split_at(pos);
    let future = r.future.find_iter(pre).last();
    let lf = future.map(|m| m.start());
    let lp = r
        .past
        .find_iter(pre)
        .filter(|m| {
            // A participle right after a modal or a "... to" marker belongs
            // to it ("will succeed", "will be named", "set to be approved").
            let verb_of_future = m.as_str().ends_with("ed")
                && future.is_some_and(|f| {
                    let modal = matches!(
                        f.as_str(),
                        "will" | "won't" | "shall" | "would" | "could" | "might" | "'ll" | "’ll"
                    ) || f.as_str().ends_with(" to");
                    modal && f.end() <= m.start() && {
                        let between = &pre[f.end()..m.start()];
                        !between.contains([',', ';']) && between.split_whitespace().count() <= 2
                    }
                });
            !verb_of_future && !NOT_PAST.contains(&m.as_str())
        })
        .last()
        .map(|m| m.start());
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

/// Byte range of the sentence around `pos`: from after the previous sentence
/// end (". ", "? ", "! " or a newline) to the next one, at most 400 bytes
/// either way so the cost per expression is bounded.
fn sentence_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let lo = start.saturating_sub(400);
    let mut s = start;
    while s > lo {
        let b = bytes[s - 1];
        if b == b'\n'
            || (s >= 2 && matches!(bytes[s - 2], b'.' | b'?' | b'!') && b == b' ' && s - 2 > lo)
        {
            break;
        }
        s -= 1;
    }
    let hi = (end + 400).min(text.len());
    let mut e = end;
    while e < hi {
        let b = bytes[e];
        if b == b'\n' || (matches!(b, b'.' | b'?' | b'!') && bytes.get(e + 1) == Some(&b' ')) {
            break;
        }
        e += 1;
    }
    while !text.is_char_boundary(s) {
        s += 1;
    }
    while !text.is_char_boundary(e) {
        e += 1;
    }
    (s.min(start), e.max(end))
}

struct Scan<'a> {
    text: &'a str,
    dct: NaiveDate,
    /// The text's sentences, split on first use: the tense of a clause must
    /// reach past abbreviations ("will succeed Daniel P. Davison Feb. 1"),
    /// which the plain ". " cut of [`sentence_around`] stops at.
    sentences: std::cell::OnceCell<Vec<lede_model::Span>>,
}

impl Scan<'_> {
    /// The sentence holding `start..end`: the splitter's when one sentence
    /// holds it all, else the plain cut around it.
    fn sentence(&self, start: usize, end: usize) -> (usize, usize) {
        let spans = self
            .sentences
            .get_or_init(|| lede_text::split_sentences(self.text));
        let i = spans.partition_point(|sp| sp.end <= start);
        match spans.get(i) {
            Some(sp) if sp.start <= start && end <= sp.end => {
                // At most 400 bytes either side, as the plain cut: a text
                // that never ends a sentence (a fixture list on one line)
                // must not make each expression read all of it.
                let mut lo = sp.start.max(start.saturating_sub(400));
                while !self.text.is_char_boundary(lo) {
                    lo += 1;
                }
                let mut hi = sp.end.min(end + 400);
                while !self.text.is_char_boundary(hi) {
                    hi -= 1;
                }
                (lo.min(start), hi.max(end))
            }
            _ => sentence_around(self.text, start, end),
        }
    }

    fn tense_at(&self, start: usize, end: usize) -> Tense {
        let (s, e) = self.sentence(start, end);
        tense(&self.text[s..e], start - s)
    }

    fn sentence_mentions(&self, start: usize, end: usize, word: &str) -> bool {
        let (s, e) = self.sentence(start, end);
        self.text[s..e].to_ascii_lowercase().contains(word)
    }

    /// The word before byte `pos` (lowercase), skipping spaces.
    fn word_before(&self, pos: usize) -> String {
        let before = self.text[..pos].trim_end();
        let w = before
            .rsplit(|c: char| !c.is_alphanumeric() && c != '\'')
            .next()
            .unwrap_or("");
        w.to_ascii_lowercase()
    }

    /// Most recent completed quarter before the DCT.
    fn last_quarter(&self) -> (i32, u32) {
        let q = quarter_of(self.dct);
        if q == 1 {
            (self.dct.year() - 1, 4)
        } else {
            (self.dct.year(), q - 1)
        }
    }

    /// Year of quarter `q` named without one: this year's if it has begun, else last year's.
    fn quarter_year(&self, q: u32) -> i32 {
        if q <= quarter_of(self.dct) {
            self.dct.year()
        } else {
            self.dct.year() - 1
        }
    }

    /// "a year ago": the year before, or in a passage about a quarter, that
    /// quarter a year before.
    fn year_before(&self, start: usize, end: usize) -> String {
        // The quarter may be named a sentence or two before.
        let mut lo = start.saturating_sub(600);
        while !self.text.is_char_boundary(lo) {
            lo += 1;
        }
        if self.sentence_mentions(start, end, "quarter")
            || self.text[lo..start]
                .to_ascii_lowercase()
                .contains("quarter")
        {
            let (y, q) = self.last_quarter();
            format!("{}-Q{q}", y - 1)
        } else {
            format!("{}", self.dct.year() - 1)
        }
    }

    /// Weekday `wd` relative to the DCT: explicit modifier, else by tense.
    fn weekday_date(&self, wd: Weekday, modifier: Option<&str>, tense: Tense) -> Option<NaiveDate> {
        let p = self.dct;
        let pw = p.weekday().num_days_from_monday() as i64;
        let tw = wd.num_days_from_monday() as i64;
        let back = (pw - tw).rem_euclid(7);
        let fwd = (tw - pw).rem_euclid(7);
        let m = modifier.map(|m| m.to_ascii_lowercase());
        let delta = match m.as_deref() {
            Some("last") | Some("past") | Some("this past") | Some("previous")
            | Some("the previous") => -(if back == 0 { 7 } else { back }),
            Some("next")
            | Some("coming")
            | Some("this coming")
            | Some("the following")
            | Some("the next") => {
                if fwd == 0 {
                    7
                } else {
                    fwd
                }
            }
            _ => {
                if tense == Tense::Future {
                    fwd
                } else {
                    -back
                }
            }
        };
        p.checked_add_signed(Duration::days(delta))
    }

    /// Normalise one match. Returns (start, end, kind, value, anchored).
    fn normalise(
        &self,
        rule: Rule,
        c: &Captures,
        base: usize,
    ) -> Option<(usize, usize, TimexKind, String, bool)> {
        use TimexKind::{Date, Set, Time};
        let m = c.name("t").unwrap_or_else(|| c.get(0).expect("match"));
        let (start, end) = (base + m.start(), base + m.end());
        let text = self.text;
        let dct = self.dct;
        let g = |k: &str| c.name(k).map(|x| x.as_str());
        let gi = |k: &str| g(k).and_then(|x| x.parse::<i64>().ok());
        // A spelled-out year must not run into a noun: "March 3, two
        // thousand protesters" counts people.
        let gy = |k: &str| {
            let m = c.name(k)?;
            let y = year_number(m.as_str())?;
            let spelled = !m.as_str().starts_with(|ch: char| ch.is_ascii_digit());
            let rest = &text[base + m.end()..];
            let next: String = rest
                .trim_start()
                .chars()
                .take_while(|ch| ch.is_alphabetic())
                .collect();
            let into_noun = rest.starts_with(char::is_whitespace)
                && next.starts_with(char::is_lowercase)
                && !lede_text::is_stopword(&next);
            (!(spelled && into_noun)).then_some(y)
        };
        let low = |k: &str| g(k).map(str::to_ascii_lowercase);
        let after = &text[end..];
        let out = |kind, value: String, anchored| Some((start, end, kind, value, anchored));
        match rule {
            Rule::MonthDay | Rule::DayMonth => {
                let mo = month_num(g("mon")?)?;
                let d = gi("d")?;
                if !(1..=31).contains(&d) {
                    return None;
                }
                match gy("y") {
                    Some(y) => out(
                        Date,
                        day_value(NaiveDate::from_ymd_opt(y as i32, mo, d as u32)?),
                        false,
                    ),
                    None => {
                        // "May 5" but not "May 5,000" or "Aug 12-point".
                        if after.starts_with([',', '.'])
                            && after[1..].starts_with(|ch: char| ch.is_ascii_digit())
                        {
                            return None;
                        }
                        let date = infer_year(mo, d as u32, dct, self.tense_at(start, end))?;
                        // A rejected spelled-out year ("March 3, two thousand
                        // protesters") is not part of the date.
                        if let Some(y) = c.name("y") {
                            let cut = text[..base + y.start()]
                                .trim_end()
                                .trim_end_matches(',')
                                .len();
                            return Some((start, cut, Date, day_value(date), true));
                        }
                        out(Date, day_value(date), true)
                    }
                }
            }
            Rule::Iso | Rule::Slash => {
                let mut y = gi("y")?;
                if y < 100 {
                    y += if y < 50 { 2000 } else { 1900 };
                }
                let d = NaiveDate::from_ymd_opt(y as i32, gi("m")? as u32, gi("d")? as u32)?;
                out(Date, day_value(d), false)
            }
            Rule::Month => {
                let mon = c.name("mon")?;
                let mo = month_num(mon.as_str())?;
                if g("y").is_none()
                    && after
                        .trim_start()
                        .starts_with(|ch: char| ch.is_ascii_digit())
                {
                    return None; // "last Oct. 23": the day rule has it
                }
                let modifier = low("mod");
                let bare = modifier.is_none() && g("y").is_none() && g("rel").is_none();
                if bare {
                    // Abbreviations only with a day or year; "May" and "March"
                    // only after a word that makes them months.
                    if mon.as_str().len() <= 5
                        && !matches!(mon.as_str(), "June" | "July" | "March" | "April" | "May")
                    {
                        return None;
                    }
                    if matches!(mon.as_str(), "May" | "March") && base + mon.start() == start {
                        let w = self.word_before(start);
                        if !matches!(
                            w.as_str(),
                            "in" | "since"
                                | "by"
                                | "until"
                                | "till"
                                | "through"
                                | "during"
                                | "of"
                                | "from"
                                | "before"
                                | "after"
                                | "early"
                                | "late"
                                | "mid"
                                | "to"
                                | "and"
                                | "or"
                                | "between"
                                | "last"
                                | "next"
                                | "this"
                        ) {
                            return None;
                        }
                    }
                }
                if let Some(y) = gy("y") {
                    return out(Date, format!("{y}-{mo:02}"), false);
                }
                let y = match (low("rel").as_deref(), modifier.as_deref()) {
                    (Some("last"), _) => dct.year() - 1,
                    (Some("next"), _) => dct.year() + 1,
                    (Some(_), _) => dct.year(),
                    (None, Some("last" | "past" | "this past")) => {
                        if mo < dct.month() {
                            dct.year()
                        } else {
                            dct.year() - 1
                        }
                    }
                    (None, Some("next" | "coming" | "this coming")) => {
                        if mo > dct.month() {
                            dct.year()
                        } else {
                            dct.year() + 1
                        }
                    }
                    (None, Some(_)) => dct.year(),
                    (None, None) => infer_year(mo, 15, dct, self.tense_at(start, end))?.year(),
                };
                out(Date, format!("{y}-{mo:02}"), true)
            }
            Rule::Year => {
                let before = &text[..base + c.name("y")?.start()];
                if after.starts_with('%')
                    || after.starts_with(|ch: char| ch.is_alphanumeric())
                    || (after.starts_with([',', '.', ':', '/'])
                        && after[1..].starts_with(|ch: char| ch.is_ascii_digit()))
                    || before.ends_with(['$', '#', '.', ',', '-', '/', '£', '€'])
                    || before.ends_with("No. ")
                {
                    return None;
                }
                // A year standing alone in a run of numbers is a quantity.
                let w = self.word_before(base + c.name("y")?.start());
                if g("fiscal").is_none() && w.chars().all(|ch| ch.is_ascii_digit()) && !w.is_empty()
                {
                    return None;
                }
                // Spelled out, a year is also a count: "two thousand" is a
                // year only after "the year" or "fiscal", and no spelled year
                // runs into a noun ("nineteen hundred people").
                let y = gy("y")?;
                let spelled = !g("y")?.starts_with(|c: char| c.is_ascii_digit());
                if spelled && y >= 2000 && g("fiscal").is_none() {
                    return None;
                }
                out(Date, y.to_string(), false)
            }
            Rule::Decade => {
                if let Some(w) = low("word") {
                    let d = match w.as_str() {
                        "twenties" => 2,
                        "thirties" => 3,
                        "forties" => 4,
                        "fifties" => 5,
                        "sixties" => 6,
                        "seventies" => 7,
                        "eighties" => 8,
                        _ => 9,
                    };
                    return out(Date, format!("19{d}"), false);
                }
                let dec = g("dec")?.trim_start_matches(['\'', '’']);
                let v = match dec.len() {
                    4 => dec[..3].to_string(),
                    2 => format!("19{}", &dec[..1]),
                    _ => return None,
                };
                out(Date, v, dec.len() == 2)
            }
            Rule::Century => {
                let n = gi("n")?;
                if !(1..=30).contains(&n) {
                    return None;
                }
                out(Date, format!("{:02}", n - 1), false)
            }
            Rule::RelDay => {
                let w = low("w")?;
                if after.starts_with("'s") || after.starts_with("’s") {
                    return None; // "today's meeting" is not annotated as a date
                }
                let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
                let (delta, part) = match w.as_str() {
                    "yesterday" => (-1, None),
                    "tomorrow" => (1, None),
                    "the day before yesterday" => (-2, None),
                    "the day after tomorrow" => (2, None),
                    "tonight" => (0, Some("NI")),
                    "overnight" => (-1, Some("NI")),
                    _ => (0, None),
                };
                let d = dct.checked_add_signed(Duration::days(delta))?;
                match part {
                    Some(p) => out(Time, format!("{}T{p}", day_value(d)), true),
                    None => out(Date, day_value(d), true),
                }
            }
            Rule::PartOfDay => {
                let rel = low("rel")?;
                let part = match low("part")?.as_str() {
                    "morning" => "MO",
                    "afternoon" => "AF",
                    "evening" => "EV",
                    _ => "NI",
                };
                let delta = match rel.as_str() {
                    "yesterday" => -1,
                    "tomorrow" => 1,
                    "last" if part == "NI" || part == "EV" => -1,
                    "last" => return None,
                    _ => 0,
                };
                let d = dct.checked_add_signed(Duration::days(delta))?;
                out(Time, format!("{}T{part}", day_value(d)), true)
            }
            Rule::Weekday => {
                let wd = weekday_of(g("wd")?)?;
                if c.name("pl").is_some() {
                    // "on Mondays": a recurrence.
                    let part = match low("part").as_deref() {
                        Some("morning") => "TMO",
                        Some("afternoon") => "TAF",
                        Some("evening") => "TEV",
                        Some("night") => "TNI",
                        _ => "",
                    };
                    let n = wd.num_days_from_monday() + 1;
                    return out(Set, format!("XXXX-WXX-{n}{part}"), false);
                }
                let d = self.weekday_date(wd, g("mod"), self.tense_at(start, end))?;
                // TimeML annotators write the part of the day for "Friday
                // evening" (...TEV) but mostly leave "Friday morning" and
                // "Friday night" at the day (or tag the weekday alone).
                let part = match low("part").as_deref() {
                    Some("evening") => "TEV",
                    _ => "",
                };
                out(Date, format!("{}{part}", day_value(d)), true)
            }
            Rule::RelUnit => {
                let modifier = low("mod")?;
                let modifier = modifier.split_whitespace().collect::<Vec<_>>().join(" ");
                let m = modifier.trim_start_matches("the ");
                let delta: i32 = match m {
                    "last" | "past" | "previous" | "preceding" | "this past" => -1,
                    "next" | "coming" | "following" | "this coming" => 1,
                    _ => 0,
                };
                let unit = low("u")?;
                let v = match unit.as_str() {
                    "week" => week_value(dct.checked_add_signed(Duration::days(7 * delta as i64))?),
                    "weekend" => {
                        let d = dct.checked_add_signed(Duration::days(7 * delta as i64))?;
                        format!("{}-WE", week_value(d))
                    }
                    "month" => {
                        let (y, mo) = add_months(dct.year(), dct.month(), delta);
                        format!("{y}-{mo:02}")
                    }
                    "year" => format!("{}", dct.year() + delta),
                    "quarter" => {
                        let idx = dct.year() * 4 + quarter_of(dct) as i32 - 1 + delta;
                        format!("{}-Q{}", idx.div_euclid(4), idx.rem_euclid(4) + 1)
                    }
                    "decade" => format!("{}", dct.year() / 10 + delta),
                    "century" => format!("{:02}", dct.year() / 100 + delta),
                    s => {
                        let si = season_index(s);
                        let (cy, ci) = current_season(dct);
                        let y = match delta {
                            -1 => {
                                if si < ci {
                                    cy
                                } else {
                                    cy - 1
                                }
                            }
                            1 => {
                                if si > ci {
                                    cy
                                } else {
                                    cy + 1
                                }
                            }
                            _ => cy,
                        };
                        format!("{y}-{}", SEASONS[si].0)
                    }
                };
                out(Date, v, true)
            }
            Rule::TheUnit => {
                let unit = low("u")?;
                if after.starts_with(['-', '\'']) {
                    return None; // "the year-earlier ...", "the year's"
                }
                // "the year ended March 31" is the twelve months up to that
                // day, a duration (TimeML), not the current year.
                let rest = after.trim_start();
                if ["ended", "ending", "that ended", "which ended"]
                    .iter()
                    .any(|w| rest.starts_with(w))
                {
                    let v = match unit.as_str() {
                        "year" => "P1Y",
                        "month" => "P1M",
                        "week" => "P1W",
                        _ => return None,
                    };
                    return out(TimexKind::Duration, v.to_string(), false);
                }
                let v = match unit.as_str() {
                    "year" => format!("{}", dct.year()),
                    "month" => format!("{}-{:02}", dct.year(), dct.month()),
                    "week" => week_value(dct),
                    _ => {
                        // The weekend just past unless the clause looks ahead.
                        let sat =
                            self.weekday_date(Weekday::Sat, None, self.tense_at(start, end))?;
                        format!("{}-WE", week_value(sat))
                    }
                };
                out(Date, v, true)
            }
            Rule::QuarterOrd => {
                let ord = low("ord")?;
                let q = match ord.chars().next()? {
                    'f' if ord.starts_with("fir") => 1,
                    '1' => 1,
                    's' | '2' => 2,
                    't' | '3' => 3,
                    _ => 4,
                };
                let y = match (gy("y2").or(gy("yr")), low("yr").as_deref()) {
                    (Some(y), _) => y as i32,
                    (None, Some("last year's" | "year-earlier" | "year-ago")) => {
                        self.quarter_year(q) - 1
                    }
                    (None, Some("next year's")) => dct.year() + 1,
                    (None, Some(_)) => dct.year(),
                    (None, None) => self.quarter_year(q),
                };
                // "third-quarter profit" is a date; "third quarters" is not handled.
                out(Date, format!("{y}-Q{q}"), gy("y2").or(gy("yr")).is_none())
            }
            Rule::QuarterRel => {
                let det = low("det")?;
                let adj = low("adj").unwrap_or_default();
                let unit = low("u")?;
                if unit == "period" && adj.trim().is_empty() {
                    return None; // "the period" alone is not a date
                }
                if after.starts_with(['s', '\'']) {
                    return None;
                }
                let year_ago = adj.contains("year-earlier") || adj.contains("year-ago");
                let (mut y, mut q) = if det == "this" || adj.contains("current") {
                    (dct.year(), quarter_of(dct))
                } else if det == "next" {
                    let q = quarter_of(dct);
                    if q == 4 {
                        (dct.year() + 1, 1)
                    } else {
                        (dct.year(), q + 1)
                    }
                } else if det == "last"
                    || adj.contains("latest")
                    || adj.contains("recent")
                    || adj.contains("previous")
                    || adj.contains("past")
                    || year_ago
                    || adj.contains("ended")
                    || adj.contains("comparable")
                    || (det == "the" && unit == "quarter")
                {
                    self.last_quarter()
                } else {
                    return None;
                };
                if year_ago {
                    y -= 1;
                }
                if unit == "period" && !year_ago && !adj.contains("latest") {
                    return None;
                }
                if q == 0 {
                    q = 1;
                }
                out(Date, format!("{y}-Q{q}"), true)
            }
            Rule::YearAgo => {
                let v = self.year_before(start, end);
                out(Date, v, true)
            }
            Rule::Duration => {
                let unit = low("u")?;
                if after.starts_with("-old")
                    || after.starts_with(" old")
                    || after.starts_with("-olds")
                {
                    return None;
                }
                let n_raw = g("n")?;
                let n = number(n_raw);
                let post = low("post");
                // A bare "the second" / "a day" after a number word is fine,
                // but plain "one day" in narrative is vague; keep it (TimeML tags it).
                let u1 = unit.trim_end_matches('s');
                let u1 = if unit == "centuries" { "century" } else { u1 };
                if post.is_some() {
                    // "three days ago": a point before the DCT.
                    let Some(n) = n.filter(|n| n.fract() == 0.0) else {
                        return out(Date, "PAST_REF".into(), true);
                    };
                    let n = n as i64;
                    let v = match u1 {
                        "day" | "night" => day_value(dct.checked_sub_signed(Duration::days(n))?),
                        "week" => week_value(dct.checked_sub_signed(Duration::days(7 * n))?),
                        "month" => {
                            let (y, mo) = add_months(dct.year(), dct.month(), -(n as i32));
                            format!("{y}-{mo:02}")
                        }
                        "year" if n == 1 => self.year_before(start, end),
                        "year" => format!("{}", dct.year() - n as i32),
                        "decade" => format!("{}", (dct.year() - 10 * n as i32) / 10),
                        "quarter" => {
                            let idx = dct.year() * 4 + quarter_of(dct) as i32 - 1 - n as i32;
                            format!("{}-Q{}", idx.div_euclid(4), idx.rem_euclid(4) + 1)
                        }
                        "century" => format!("{:02}", (dct.year() - 100 * n as i32) / 100),
                        _ => day_value(dct),
                    };
                    return out(Date, v, true);
                }
                // "the second quarter" is not a duration of two quarters, and
                // "a second" after a verb is mostly "another".
                if n_raw.eq_ignore_ascii_case("a") && u1 == "second" {
                    return None;
                }
                // "the 1988 quarter": a year, not 1988 quarters.
                if let Some(y) = n.filter(|&n| (1600.0..2100.0).contains(&n) && n.fract() == 0.0) {
                    if u1 != "quarter" {
                        return None;
                    }
                    let (_, q) = self.last_quarter();
                    return out(Date, format!("{}-Q{q}", y as i32), false);
                }
                let (code, time, mult) = match u1 {
                    "second" => ("S", true, 1.0),
                    "minute" => ("M", true, 1.0),
                    "hour" => ("H", true, 1.0),
                    "day" | "night" => ("D", false, 1.0),
                    "week" => ("W", false, 1.0),
                    "month" => ("M", false, 1.0),
                    "year" => ("Y", false, 1.0),
                    "decade" => ("Y", false, 10.0),
                    "century" => ("Y", false, 100.0),
                    _ => ("Q", false, 1.0),
                };
                let t = if time { "T" } else { "" };
                let v = match n {
                    Some(n) if (n * mult).fract() == 0.0 => {
                        format!("P{t}{}{code}", (n * mult) as i64)
                    }
                    Some(n) if code == "Y" && (n * 2.0).fract() == 0.0 => {
                        format!("P{}Y6M", n as i64)
                    }
                    Some(n) => format!("P{t}{}{code}", n * mult),
                    None => {
                        let code = match u1 {
                            "decade" => "E",
                            "century" => "C",
                            _ => code,
                        };
                        format!("P{t}X{code}")
                    }
                };
                out(TimexKind::Duration, v, false)
            }
            Rule::BarePlural => {
                let pre = low("pre")?;
                let pre = pre.trim();
                let unit = c.name("t")?.as_str().to_ascii_lowercase();
                let (start, end) = if matches!(
                    pre,
                    "for" | "in" | "within" | "over" | "after" | "the" | "these"
                ) {
                    let t = c.name("t")?;
                    (base + t.start(), base + t.end())
                } else {
                    let all = c.get(0)?;
                    (base + all.start(), base + all.end())
                };
                if pre == "the" || pre == "these" {
                    if pre == "these" && unit == "days" {
                        return Some((start - 6, end, Date, "PRESENT_REF".into(), false));
                    }
                    return None;
                }
                if text[end..].starts_with("-old") || text[end..].starts_with(" old") {
                    return None;
                }
                let code = match unit.as_str() {
                    "days" => "D",
                    "weeks" => "W",
                    "months" => "M",
                    "years" => "Y",
                    "decades" => "E",
                    "centuries" => "C",
                    "hours" => "TXH",
                    _ => "TXM",
                };
                // "recent weeks" and "recent months" are an unknown number of
                // them (PXW, PXM) in TimeML's annotation; longer or shorter
                // spans ("recent years", "the past days") point at the past.
                let joined = ["and ", "or "]
                    .iter()
                    .any(|w| after.trim_start().starts_with(w));
                if pre == "recent" && matches!(code, "W" | "M") && !joined {
                    return Some((start, end, TimexKind::Duration, format!("PX{code}"), false));
                }
                if matches!(pre, "recent" | "past") {
                    return Some((start, end, Date, "PAST_REF".into(), false));
                }
                let v = if code.starts_with('T') {
                    format!("P{code}")
                } else {
                    format!("PX{code}")
                };
                Some((start, end, TimexKind::Duration, v, false))
            }
            Rule::Reference => {
                let w = low("w")?;
                let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
                let v = match w.as_str() {
                    "right now" | "now" | "currently" | "current" | "these days" | "nowadays"
                    | "at present" | "presently" => "PRESENT_REF",
                    "recently" | "more recently" | "recent" | "previously" | "formerly"
                    | "the past" => "PAST_REF",
                    _ => "FUTURE_REF",
                };
                if w == "current" && !after.starts_with(' ') {
                    return None;
                }
                if w == "future" || w == "current" || w == "recent" {
                    // Only as an adjective before a noun ("future plans").
                    let next = after.trim_start();
                    if !next.starts_with(|ch: char| ch.is_ascii_lowercase()) {
                        return None;
                    }
                }
                out(Date, v.into(), false)
            }
            Rule::SetAdverb => {
                let v = match low("w")?.as_str() {
                    "daily" | "nightly" => "P1D",
                    "weekly" => "P1W",
                    "biweekly" => "P2W",
                    "monthly" => "P1M",
                    "quarterly" => "P3M",
                    "semiannually" => "P6M",
                    "hourly" => "PT1H",
                    _ => "P1Y",
                };
                out(Set, v.into(), false)
            }
            Rule::SetEvery => {
                if let Some(wd) = g("wd").and_then(weekday_of) {
                    let n = wd.num_days_from_monday() + 1;
                    return out(Set, format!("XXXX-WXX-{n}"), false);
                }
                if let Some(mo) = g("mon").and_then(month_num) {
                    return out(Set, format!("XXXX-{mo:02}"), false);
                }
                let v = match low("u")?.as_str() {
                    "day" => "P1D",
                    "night" => "TNI",
                    "morning" => "TMO",
                    "evening" => "TEV",
                    "week" => "P1W",
                    "weekend" => "XXXX-WXX-WE",
                    "month" => "P1M",
                    "quarter" => "P1Q",
                    "hour" => "PT1H",
                    "minute" => "PT1M",
                    "summer" => "XXXX-SU",
                    "winter" => "XXXX-WI",
                    "spring" => "XXXX-SP",
                    "fall" => "XXXX-FA",
                    _ => "P1Y",
                };
                out(Set, v.into(), false)
            }
            Rule::Clock => {
                let mut h = gi("h")?;
                let mi = gi("mi").unwrap_or(0);
                if !(1..=12).contains(&h) || !(0..60).contains(&mi) {
                    return None;
                }
                let pm = g("ap")?.to_ascii_lowercase().starts_with('p');
                if pm && h < 12 {
                    h += 12;
                } else if !pm && h == 12 {
                    h = 0;
                }
                let (day, anchored) = self.clock_day(c, start, end)?;
                out(Time, format!("{}T{h:02}:{mi:02}", day_value(day)), anchored)
            }
            Rule::Noon => {
                let hh = match low("w")?.as_str() {
                    "midnight" => "24:00",
                    _ => "12:00",
                };
                let (day, anchored) = self.clock_day(c, start, end)?;
                out(Time, format!("{}T{hh}", day_value(day)), anchored)
            }
            Rule::Season => {
                let modifier = low("mod");
                let word = low("s")?;
                let si = season_index(&word);
                if let Some(y) = gy("y") {
                    return out(Date, format!("{y}-{}", SEASONS[si].0), false);
                }
                let m = modifier.as_deref().unwrap_or("");
                // "fall" is mostly a verb, "spring" a noun: only with a modifier.
                if m.is_empty() {
                    return None;
                }
                let (cy, ci) = current_season(dct);
                let y = match m {
                    "last" | "this past" => {
                        if si < ci {
                            cy
                        } else {
                            cy - 1
                        }
                    }
                    "next" | "this coming" => {
                        if si > ci {
                            cy
                        } else {
                            cy + 1
                        }
                    }
                    "this" => cy,
                    _ => {
                        if self.tense_at(start, end) == Tense::Future {
                            if si >= ci {
                                cy
                            } else {
                                cy + 1
                            }
                        } else if si <= ci {
                            cy
                        } else {
                            cy - 1
                        }
                    }
                };
                // The extent leaves out a preposition.
                let st = if matches!(m, "in" | "since" | "during" | "by") {
                    base + c.name("s")?.start()
                } else {
                    start
                };
                Some((st, end, Date, format!("{y}-{}", SEASONS[si].0), true))
            }
            Rule::Holiday => {
                let h = g("h")?.replace('’', "'");
                let h = h.split_whitespace().collect::<Vec<_>>().join(" ");
                let date_in = |y: i32| -> Option<NaiveDate> {
                    let nth = |m: u32, wd: Weekday, n: u8| {
                        NaiveDate::from_weekday_of_month_opt(y, m, wd, n)
                    };
                    match h.as_str() {
                        "Thanksgiving" | "Thanksgiving Day" => nth(11, Weekday::Thu, 4),
                        "Christmas" | "Christmas Day" => NaiveDate::from_ymd_opt(y, 12, 25),
                        "Christmas Eve" => NaiveDate::from_ymd_opt(y, 12, 24),
                        "New Year's Day" => NaiveDate::from_ymd_opt(y, 1, 1),
                        "New Year's Eve" => NaiveDate::from_ymd_opt(y, 12, 31),
                        "Halloween" => NaiveDate::from_ymd_opt(y, 10, 31),
                        "Independence Day" => NaiveDate::from_ymd_opt(y, 7, 4),
                        "Valentine's Day" => NaiveDate::from_ymd_opt(y, 2, 14),
                        "Veterans Day" => NaiveDate::from_ymd_opt(y, 11, 11),
                        "Labor Day" => nth(9, Weekday::Mon, 1),
                        "Memorial Day" => {
                            let first = NaiveDate::from_ymd_opt(y, 6, 1)?;
                            let back = (first.weekday().num_days_from_monday() + 6) % 7 + 1;
                            first.checked_sub_signed(Duration::days(back as i64))
                        }
                        // First Tuesday after the first Monday of November.
                        _ => nth(11, Weekday::Mon, 1)?.checked_add_signed(Duration::days(1)),
                    }
                };
                let future = self.tense_at(start, end) == Tense::Future;
                let this = date_in(dct.year())?;
                let d = if future && this < dct {
                    date_in(dct.year() + 1)?
                } else if !future && this > dct + Duration::days(30) {
                    date_in(dct.year() - 1)?
                } else {
                    this
                };
                out(Date, day_value(d), true)
            }
            Rule::YearEnd => {
                // "since year-end" is the last one past; others are this year's.
                let y = if self.word_before(start) == "since" {
                    dct.year() - 1
                } else {
                    dct.year()
                };
                // Financial copy's "year-end" is the closing day; "year end"
                // and "the year's end" are left at the year.
                if text[start..end].contains('-') {
                    out(Date, format!("{y}-12-31"), true)
                } else {
                    out(Date, format!("{y}"), true)
                }
            }
        }
    }

    /// The day a clock time is on: its weekday or relative day, else the DCT.
    fn clock_day(&self, c: &Captures, start: usize, end: usize) -> Option<(NaiveDate, bool)> {
        if let Some(wd) = c.name("wd").and_then(|w| weekday_of(w.as_str())) {
            return Some((
                self.weekday_date(wd, None, self.tense_at(start, end))?,
                true,
            ));
        }
        let delta = match c
            .name("rd")
            .map(|w| w.as_str().to_ascii_lowercase())
            .as_deref()
        {
            Some("yesterday") => -1,
            Some("tomorrow") => 1,
            _ => 0,
        };
        Some((self.dct.checked_add_signed(Duration::days(delta))?, true))
    }
}

/// Start of a modifier run that `re` finds right before byte `start`
/// (within 48 bytes), or `start` itself.
fn extend_left(text: &str, start: usize, re: &Regex) -> usize {
    let mut lo = start.saturating_sub(48);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    re.find(&text[lo..start]).map_or(start, |m| lo + m.start())
}

/// Byte windows to run the rules in: 70 bytes either side of each trigger,
/// widened to whitespace and merged where they touch.
fn windows(text: &str, trigger: &Regex) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for m in trigger.find_iter(text) {
        let mut lo = m.start().saturating_sub(70);
        while lo > 0 && !bytes[lo - 1].is_ascii_whitespace() {
            lo -= 1;
        }
        let mut hi = (m.end() + 70).min(text.len());
        while hi < text.len() && !bytes[hi].is_ascii_whitespace() {
            hi += 1;
        }
        match out.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

/// Tag and normalise all time expressions; the longest wins where they
/// overlap (the earlier rule on a tie).
pub(crate) fn scan(text: &str, dct: NaiveDate) -> Vec<Found> {
    let r = res();
    let s = Scan {
        text,
        dct,
        sentences: std::cell::OnceCell::new(),
    };
    let mut cands: Vec<(usize, Found)> = Vec::new();
    for (lo, hi) in windows(text, &r.trigger) {
        let window = &text[lo..hi];
        for (ri, (rule, re)) in r.rules.iter().enumerate() {
            for c in re.captures_iter(window) {
                let Some((mut start, end, kind, value, anchored)) = s.normalise(*rule, &c, lo)
                else {
                    continue;
                };
                if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                    continue;
                }
                let has_edge = matches!(
                    rule,
                    Rule::Month
                        | Rule::Year
                        | Rule::RelDay
                        | Rule::PartOfDay
                        | Rule::Weekday
                        | Rule::RelUnit
                        | Rule::TheUnit
                        | Rule::Season
                );
                // "the past two months", but not "a three-year slide".
                let adjectival = text[start..end]
                    .rfind([' ', '-'])
                    .is_some_and(|i| text[start + i..].starts_with('-'));
                if *rule == Rule::Duration && !adjectival {
                    start = extend_left(text, start, &r.lead);
                }
                if has_edge || *rule == Rule::Duration {
                    start = extend_left(text, start, &r.edge);
                }
                cands.push((
                    ri,
                    Found {
                        timex: Timex {
                            start,
                            end,
                            kind,
                            value,
                        },
                        anchored,
                    },
                ));
            }
        }
    }
    cands.sort_by(|(ra, a), (rb, b)| {
        let (a, b) = (&a.timex, &b.timex);
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.start.cmp(&b.start))
            .then(ra.cmp(rb))
    });
    // Greedy by length: take each candidate that overlaps nothing taken.
    let mut taken: Vec<Found> = Vec::new();
    for (_, f) in cands {
        let t = &f.timex;
        if taken
            .iter()
            .all(|o| t.end <= o.timex.start || t.start >= o.timex.end)
        {
            taken.push(f);
        }
    }
    taken.sort_by_key(|f| f.timex.start);
    taken
}
