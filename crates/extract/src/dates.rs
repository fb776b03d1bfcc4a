//! Parsing of the publication dates pages declare, in the formats seen in the
//! wild (RFC 3339, RFC 2822, "2024-05-03 10:00:00", date-only, ...), into UTC.
//! A date without a time zone is taken as UTC; a date without a time as 00:00.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parse a date string as found in page metadata. `None` when no known format
/// matches or the year is implausible (before 1900 or after 2200).
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    let dt = parse_any(s)?;
    let y = chrono::Datelike::year(&dt);
    (1900..=2200).contains(&y).then_some(dt)
}

/// Common time zone abbreviations and their offsets from UTC in minutes.
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("BST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("JST", 540),
    ("AEST", 600),
    ("AEDT", 660),
];

fn parse_any(s: &str) -> Option<DateTime<Utc>> {
    if let Some((head, abbr)) = s.rsplit_once(' ') {
        if let Some((_, mins)) = ZONES.iter().find(|(z, _)| z.eq_ignore_ascii_case(abbr)) {
            if let Some(local) = parse_naive(head.trim().trim_end_matches(',')) {
                return Some(local - chrono::Duration::minutes(i64::from(*mins)));
            }
        }
    }
    parse_main(s)
}

/// A date without zone, read as UTC.
fn parse_naive(s: &str) -> Option<DateTime<Utc>> {
    for f in [
        "%B %d, %Y, %I:%M %p",
        "%B %d, %Y %I:%M %p",
        "%b %d, %Y, %I:%M %p",
        "%b %d, %Y %I:%M %p",
        "%B %d, %Y, %H:%M",
        "%B %d, %Y %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    parse_main(s)
}

fn parse_main(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    // With an explicit offset.
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M%z",
        "%a, %d %b %Y %H:%M:%S %z",
        "%d %b %Y %H:%M:%S %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d.with_timezone(&Utc));
        }
    }
    // A trailing " UTC"/" GMT"/"Z" without a parsable offset.
    let bare = s
        .strip_suffix(" UTC")
        .or_else(|| s.strip_suffix(" GMT"))
        .or_else(|| s.strip_suffix('Z'))
        .unwrap_or(s)
        .trim();
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y%m%dT%H%M%S",
        "%a, %d %b %Y %H:%M:%S",
        "%d %b %Y %H:%M",
        "%B %d, %Y %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(bare, f) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    for f in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%Y%m%d",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%A, %B %d, %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(bare, f) {
            return Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?));
        }
    }
    // "2024-05-03T10:00:00+02:00[Europe/Paris]" and similar: try the leading part.
    if bare.len() > 10 && bare.is_char_boundary(10) {
        let head = &bare[..10];
        if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
            // Only when what follows starts like a time; else the string is not a date.
            let tail = &bare[10..];
            if tail.starts_with('T') || tail.starts_with(' ') {
                return Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymdhms(s: &str) -> String {
        parse_date(s)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default()
    }

    #[test]
    fn formats() {
        assert_eq!(ymdhms("2024-05-03T10:00:00+02:00"), "2024-05-03 08:00:00");
        assert_eq!(ymdhms("2024-05-03T10:00:00Z"), "2024-05-03 10:00:00");
        assert_eq!(
            ymdhms("2024-05-03T10:00:00.123-0500"),
            "2024-05-03 15:00:00"
        );
        assert_eq!(
            ymdhms("Fri, 03 May 2024 10:00:00 GMT"),
            "2024-05-03 10:00:00"
        );
        assert_eq!(
            ymdhms("Fri, 03 May 2024 10:00:00 +0100"),
            "2024-05-03 09:00:00"
        );
        assert_eq!(ymdhms("2024-05-03 10:00:00"), "2024-05-03 10:00:00");
        assert_eq!(ymdhms("2024-05-03"), "2024-05-03 00:00:00");
        assert_eq!(ymdhms("20240503"), "2024-05-03 00:00:00");
        assert_eq!(ymdhms("May 3, 2024"), "2024-05-03 00:00:00");
        assert_eq!(ymdhms("2024-05-03T10:00"), "2024-05-03 10:00:00");
        assert_eq!(ymdhms(""), "");
        assert_eq!(ymdhms("yesterday"), "");
        assert_eq!(ymdhms("0001-01-01"), "");
        assert_eq!(
            ymdhms("November 19, 2019, 07:47 PM EST"),
            "2019-11-20 00:47:00"
        );
        assert_eq!(ymdhms("2019-11-19 07:47 PDT"), "2019-11-19 14:47:00");
    }
}
