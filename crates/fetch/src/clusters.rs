//! Pre-clustered input: JSON Lines of stories, each a list of documents, for
//! `lede write` and the summary evaluation (Multi-News has this shape).
//!
//! A line is `{"id", "documents": [...]}` where each document is either a
//! plain string (the article text) or an object
//! `{"title", "text", "published", "outlet", "url"}` (all but `text` optional).
//! A bad line is reported with its number and reading goes on.

use std::io::{BufRead, BufReader};
use std::path::Path;

use lede_model::Document;
use serde::Deserialize;

use crate::files::parse_published;
use crate::SourceError;

/// One story's documents, as given.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterRecord {
    /// The record's id (a JSON string or number as written), or its line number.
    pub id: String,
    /// The documents, in input order; each has a `text`.
    pub documents: Vec<Document>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DocField {
    Text(String),
    Object {
        #[serde(default)]
        title: Option<String>,
        #[serde(default, alias = "body")]
        text: Option<String>,
        #[serde(default, alias = "date")]
        published: Option<String>,
        #[serde(default, alias = "source")]
        outlet: Option<String>,
        #[serde(default)]
        url: Option<String>,
    },
}

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    id: Option<serde_json::Value>,
    documents: Vec<DocField>,
}

/// Reads a clusters file; one item per non-blank line.
pub fn read_clusters(path: &Path) -> Result<Vec<Result<ClusterRecord, SourceError>>, SourceError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| SourceError::new(&shown, e.to_string()))?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line_no = i + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                out.push(Err(SourceError::at_line(&shown, line_no, e.to_string())));
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        out.push(parse_line(&line, line_no).map_err(|e| SourceError::at_line(&shown, line_no, e)));
    }
    Ok(out)
}

/// One line of a clusters file.
pub fn parse_line(line: &str, line_no: usize) -> Result<ClusterRecord, String> {
    let parsed: Line = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let id = match parsed.id {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => line_no.to_string(),
        Some(other) => other.to_string(),
    };
    let mut documents = Vec::new();
    for (n, d) in parsed.documents.into_iter().enumerate() {
        let url = format!("cluster://{id}/{n}");
        let nonblank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let doc = match d {
            DocField::Text(text) => Document {
                url,
                text: Some(text),
                ..Default::default()
            },
            DocField::Object {
                title,
                text,
                published,
                outlet,
                url: given,
            } => {
                let published = match nonblank(published) {
                    Some(p) => Some(parse_published(&p).map_err(|e| format!("document {n}: {e}"))?),
                    None => None,
                };
                Document {
                    url: nonblank(given).unwrap_or(url),
                    text,
                    title: nonblank(title),
                    published,
                    outlet: nonblank(outlet),
                    ..Default::default()
                }
            }
        };
        // An empty document (Multi-News has some) is skipped, not an error:
        // the rest of the story still stands.
        if doc.text.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            documents.push(doc);
        }
    }
    if documents.is_empty() {
        return Err(format!("story {id:?} has no document with text"));
    }
    Ok(ClusterRecord { id, documents })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_object_documents() {
        let r = parse_line(
            r#"{"id":"s1","documents":["The ferry to Eastbrook ran late.",{"title":"Ferry late","text":"Westport ferry delayed.","published":"2026-03-02","outlet":"Harbour Times"},""]}"#,
            1,
        )
        .unwrap();
        assert_eq!(r.id, "s1");
        assert_eq!(r.documents.len(), 2);
        assert_eq!(r.documents[0].url, "cluster://s1/0");
        assert_eq!(r.documents[1].title.as_deref(), Some("Ferry late"));
        assert_eq!(r.documents[1].outlet.as_deref(), Some("Harbour Times"));
        assert!(r.documents[1].published.is_some());
    }

    #[test]
    fn numeric_or_missing_id_and_errors() {
        assert_eq!(
            parse_line(r#"{"id":7,"documents":["x y"]}"#, 3).unwrap().id,
            "7"
        );
        assert_eq!(parse_line(r#"{"documents":["x y"]}"#, 3).unwrap().id, "3");
        assert!(parse_line(r#"{"id":1,"documents":[""]}"#, 1).is_err());
        assert!(parse_line(r#"{"id":1}"#, 1).is_err());
        assert!(parse_line("not json", 1).is_err());
        let bad_date = parse_line(r#"{"documents":[{"text":"a b","published":"soon"}]}"#, 1);
        assert!(bad_date.unwrap_err().contains("published"));
    }
}
