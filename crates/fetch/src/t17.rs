//! The Timeline17 corpus layout and a Penn Treebank (PTB) detokenizer.
//!
//! Layout: `<root>/<topic>_<outlet>/InputDocs/<YYYY-MM-DD>/<id>.htm.txt`, one
//! sentence per line, PTB-tokenized (`` `` '' -LRB- -RRB- , n't 's ``...).
//!
//! Each file becomes one [`Document`]:
//! - `text`: every line detokenized ([`detokenize_ptb`]), joined with `"\n"` so
//!   sentence boundaries survive;
//! - `published`: the date folder at 00:00 UTC;
//! - `outlet`: the folder suffix mapped to a readable name ([`outlet_name`]);
//! - `url`: `t17://<topic folder>/<date>/<id>`, stable across machines;
//! - `title`: derived heuristically from the first line, which in this corpus
//!   mixes headline, subtitle, dateline and first sentence ([`derive_title`]).

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use lede_model::Document;
use regex::Regex;

use crate::SourceError;

/// Whether `dir` is a Timeline17 topic folder (it has an `InputDocs` folder).
pub fn is_topic(dir: &Path) -> bool {
    dir.join("InputDocs").is_dir()
}

/// The topic folders of a Timeline17 directory, sorted; an error when it has none.
pub fn topic_folders(data_dir: &Path) -> Result<Vec<std::path::PathBuf>, SourceError> {
    let shown = data_dir.display().to_string();
    let mut folders: Vec<_> = std::fs::read_dir(data_dir)
        .map_err(|e| SourceError::new(&shown, e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_topic(p))
        .collect();
    folders.sort();
    if folders.is_empty() {
        return Err(SourceError::new(
            shown,
            "no Timeline17 topic folders (<topic>/InputDocs)",
        ));
    }
    Ok(folders)
}

/// Readable outlet name for a Timeline17 folder suffix ("bbc" -> "BBC").
pub fn outlet_name(suffix: &str) -> String {
    match suffix.to_ascii_lowercase().as_str() {
        "bbc" => "BBC".into(),
        "guardian" => "The Guardian".into(),
        "reuters" => "Reuters".into(),
        "cnn" => "CNN".into(),
        "foxnews" => "Fox News".into(),
        "washingtonpost" => "The Washington Post".into(),
        "nytimes" => "The New York Times".into(),
        "telegraph" => "The Telegraph".into(),
        _ => suffix.to_string(),
    }
}

/// The article files of a topic folder, sorted: (date folder, date, file).
pub fn topic_files(topic: &Path) -> Result<Vec<(String, NaiveDate, PathBuf)>, SourceError> {
    let docs = topic.join("InputDocs");
    let err =
        |p: &Path, e: std::io::Error| SourceError::new(p.display().to_string(), e.to_string());
    let mut out = Vec::new();
    let mut dates: Vec<_> = std::fs::read_dir(&docs)
        .map_err(|e| err(&docs, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dates.sort();
    for d in dates {
        let name = d
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let Ok(date) = NaiveDate::parse_from_str(&name, "%Y-%m-%d") else {
            continue;
        };
        let mut files: Vec<_> = std::fs::read_dir(&d)
            .map_err(|e| err(&d, e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (name.clone(), date, f)));
    }
    Ok(out)
}

/// Read one Timeline17 article file of `topic` (see the module docs).
pub fn read_file(topic: &Path, date: NaiveDate, file: &Path) -> Result<Document, SourceError> {
    let shown = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| SourceError::new(&shown, e.to_string()))?;
    let raw = String::from_utf8_lossy(&bytes);
    let lines: Vec<String> = raw
        .lines()
        .map(detokenize_ptb)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(SourceError::new(shown, "empty file"));
    }
    let topic_name = topic
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("topic")
        .to_string();
    let suffix = topic_name.rsplit_once('_').map(|(_, s)| s).unwrap_or("");
    let file_name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let id = file_name.split('.').next().unwrap_or(file_name);
    Ok(Document {
        url: format!("t17://{}/{}/{}", topic_name, date.format("%Y-%m-%d"), id),
        html: None,
        title: Some(derive_title(&lines[0])),
        text: Some(lines.join("\n")),
        published: date.and_hms_opt(0, 0, 0).map(|d| Utc.from_utc_datetime(&d)),
        outlet: (!suffix.is_empty()).then(|| outlet_name(suffix)),
        byline: None,
        language: Some("en".into()),
    })
}

/// A headline from the first line of a Timeline17 file (already detokenized).
///
/// Heuristic: drop a leading dateline ("TRIPOLI | Mon Feb 21, 2011 6:51 pm EST",
/// "Tuesday 11 January 2005 09.11 GMT", "CITY (Reuters) -"); then take the text
/// before " - " when that is 2–14 words, else the first sentence, cut to 14
/// words with an ellipsis.
pub fn derive_title(first_line: &str) -> String {
    use std::sync::OnceLock;
    static DATELINE: OnceLock<Vec<Regex>> = OnceLock::new();
    let res = DATELINE.get_or_init(|| {
        [
            // "TRIPOLI | Mon Feb 21, 2011 6:51 pm EST "
            r"^[A-Z][A-Za-z .,']*\|\s*\w{3} \w{3} \d{1,2}, \d{4} \d{1,2}:\d{2} [ap]m [A-Z]{2,4}\s+",
            // "Tuesday, September 16, 2008; 4:30 PM " / "Tuesday 11 January 2005 09.11 GMT "
            r"^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? (?:\w+ \d{1,2}|\d{1,2} \w+),? \d{4}[;,]?(?: \d{1,2}[:.]\d{2}(?: ?[AaPp]\.?[Mm]\.?)?(?: [A-Z]{2,4})?)?\s+",
            // "TRIPOLI (Reuters) - "
            r"^[A-Z][A-Z .,']*\((?:Reuters|AP|AFP|CNN)[^)]{0,20}\)\s*[-—–]+\s*",
        ]
        .iter()
        .map(|r| Regex::new(r).expect("valid regex"))
        .collect()
    });
    let mut s = first_line.trim().to_string();
    for re in res {
        if let Some(m) = re.find(&s) {
            s = s[m.end()..].trim().to_string();
        }
    }
    if let Some((head, _)) = s.split_once(" - ") {
        let n = head.split_whitespace().count();
        if (2..=14).contains(&n) {
            return head.trim().to_string();
        }
    }
    let sentence_end = s
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && s[i + 1..].starts_with(' ')
                && s[..i].split_whitespace().count() >= 3
        })
        .map(|(i, _)| i + 1)
        .unwrap_or(s.len());
    let words: Vec<&str> = s[..sentence_end].split_whitespace().collect();
    if words.len() > 14 {
        format!("{}…", words[..14].join(" "))
    } else {
        words.join(" ")
    }
}

/// Turn one PTB-tokenized line back into normal prose.
///
/// `` `` ``/`''` become “ ”, `` ` ``…`'` become ‘ ’; bracket tokens (`-LRB-` …)
/// become brackets; `\/` and `\*` are unescaped; no space before `, . ; : ? ! % )`
/// and clitics (`'s n't 're 've 'll 'd 'm`), none after `( [ { $ “`; a PTB pound
/// sign `#` before a number becomes `£`; the doubled period after an
/// abbreviation ("D.C. .") is dropped.
pub fn detokenize_ptb(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    // Whether the next token attaches to the previous one without a space.
    let mut glue_next = true;
    let mut single_open = 0usize;
    let mut double_open = false;
    let toks: Vec<&str> = line.split_whitespace().collect();
    for (i, &tok) in toks.iter().enumerate() {
        let next = toks.get(i + 1).copied();
        let mapped: String = match tok {
            "-LRB-" | "-lrb-" => "(".into(),
            "-RRB-" | "-rrb-" => ")".into(),
            "-LSB-" | "-lsb-" => "[".into(),
            "-RSB-" | "-rsb-" => "]".into(),
            "-LCB-" | "-lcb-" => "{".into(),
            "-RCB-" | "-rcb-" => "}".into(),
            "``" => "“".into(),
            "''" => "”".into(),
            "`" => "‘".into(),
            "\"" => {
                double_open = !double_open;
                if double_open { "“" } else { "”" }.into()
            }
            "#" if next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())) => "£".into(),
            t => t.replace("\\/", "/").replace("\\*", "*"),
        };
        let lower = mapped.to_lowercase();
        let attach_left = matches!(
            mapped.as_str(),
            "," | "." | ";" | ":" | "?" | "!" | "%" | ")" | "]" | "}" | "”" | "..." | "…"
        ) || matches!(
            lower.as_str(),
            "'s" | "'re" | "'ve" | "'ll" | "'d" | "'m" | "n't" | "'" | "’" | "na"
        ) && !out.is_empty()
            && (lower != "na" || out.ends_with("gon") || out.ends_with("wan"));
        let attach_right = matches!(mapped.as_str(), "(" | "[" | "{" | "“" | "‘" | "$" | "£");

        // "D.C. ." -> "D.C."
        if mapped == "." && out.ends_with('.') {
            continue;
        }
        let text = match tok {
            "'" if single_open > 0 => {
                single_open -= 1;
                "’".to_string()
            }
            "`" => {
                single_open += 1;
                mapped
            }
            _ => mapped,
        };
        if !(out.is_empty() || glue_next || attach_left) {
            out.push(' ');
        }
        out.push_str(&text);
        glue_next = attach_right;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detokenizer_cases() {
        let cases = [
            (
                "The mayor said : `` We wo n't close the bridge . ''",
                "The mayor said: “We won't close the bridge.”",
            ),
            (
                "Prices rose 4.5 % -LRB- from $ 10 -RRB- , analysts say .",
                "Prices rose 4.5% (from $10), analysts say.",
            ),
            (
                "It 's the council 's view ; they 're sure ?",
                "It's the council's view; they're sure?",
            ),
            (
                "She said ` no ' to the plan .",
                "She said ‘no’ to the plan.",
            ),
            ("The students ' union met .", "The students' union met."),
            ("Washington , D.C. .", "Washington, D.C."),
            ("A -LSB- sic -RSB- and -LCB- x -RCB- .", "A [sic] and {x}."),
            (
                "News - 1\\/26\\/11 and a \\* star",
                "News - 1/26/11 and a * star",
            ),
            ("They spent # 100m on it .", "They spent £100m on it."),
            ("I 'm gon na go ; you ca n't .", "I'm gonna go; you can't."),
            ("  ", ""),
        ];
        for (input, want) in cases {
            assert_eq!(detokenize_ptb(input), want, "input: {input}");
        }
    }

    #[test]
    fn titles() {
        assert_eq!(
            derive_title(
                "Ferry strike ends - talks resume Unions agreed on Monday to return to work."
            ),
            "Ferry strike ends"
        );
        assert_eq!(
            derive_title("EASTBROOK (Reuters) - Flooding closed the harbour road on Friday, officials said. More follows."),
            "Flooding closed the harbour road on Friday, officials said."
        );
        assert_eq!(
            derive_title("Tuesday, September 16, 2008; 4:30 PM The council met late into the night to agree a budget."),
            "The council met late into the night to agree a budget."
        );
        assert_eq!(
            derive_title("NEW YORK | Mon Sep 26, 2011 6:19 am BST NEW YORK (Reuters Health) - Hospitals gave out fewer samples this year. More."),
            "Hospitals gave out fewer samples this year."
        );
        let long = derive_title("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen");
        assert!(long.ends_with('…'));
        assert_eq!(long.split_whitespace().count(), 14);
    }
}
