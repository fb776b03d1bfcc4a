//! Turning a [`SearchQuery`] into a tantivy query, and matches into snippets.

use std::ops::Bound;

use chrono::{Days, NaiveDate};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, Searcher, TantivyDocument, Term};

use crate::index::Fields;
use crate::{Result, SearchError, SearchQuery, Snippet, SnippetPart, Sort};

/// Longest text snippet, in characters.
const SNIPPET_CHARS: usize = 220;
/// Longest title considered for highlighting, in characters.
const TITLE_CHARS: usize = 1_000;
/// The longest query text parsed, in characters (a longer one is cut).
const MAX_QUERY_CHARS: usize = 500;

/// Outlet names compare without case or spacing differences.
pub(crate) fn normalize_outlet(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `en`, `en-GB`, `EN_us` -> `en`; anything that is not a 2-3 letter primary
/// subtag -> `None`.
pub(crate) fn normalize_language(s: &str) -> Option<String> {
    let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    (matches!(primary.len(), 2 | 3) && primary.chars().all(|c| c.is_ascii_lowercase()))
        .then_some(primary)
}

/// The tantivy query for a search, and how to order its results.
pub(crate) struct Built {
    pub query: Box<dyn Query>,
    /// Order by score (there is text and relevance was asked for); otherwise newest first.
    pub by_relevance: bool,
}

fn term_filter(term: Term) -> (Occur, Box<dyn Query>) {
    (
        Occur::Must,
        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
    )
}

fn day_start(d: NaiveDate) -> tantivy::DateTime {
    let t = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp());
    tantivy::DateTime::from_timestamp_secs(t.unwrap_or(0))
}

pub(crate) fn build(index: &Index, f: &Fields, q: &SearchQuery) -> Built {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let text: String = q.text.trim().chars().take(MAX_QUERY_CHARS).collect();
    let mut by_relevance = false;
    if !text.is_empty() {
        let mut parser = QueryParser::for_index(index, vec![f.title, f.dek, f.text, f.outlet]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 3.0);
        parser.set_field_boost(f.dek, 2.0);
        // Lenient: a stray quote or colon drops that part instead of failing.
        let (parsed, _errors) = parser.parse_query_lenient(&text);
        clauses.push((Occur::Must, parsed));
        by_relevance = true;
    }
    if let Some(kind) = q.kind {
        clauses.push(term_filter(Term::from_field_text(f.kind, kind.as_str())));
    }
    if let Some(outlet) = q.outlet.as_deref().map(normalize_outlet) {
        if !outlet.is_empty() {
            clauses.push(term_filter(Term::from_field_text(f.outlet_key, &outlet)));
        }
    }
    if let Some(lang) = q.language.as_deref() {
        if !lang.trim().is_empty() {
            // An unusable code matches nothing rather than everything.
            let lang = normalize_language(lang).unwrap_or_else(|| "-".to_string());
            clauses.push(term_filter(Term::from_field_text(f.lang, &lang)));
        }
    }
    // A document counts when [first_date, date] overlaps [from, to].
    if let Some(from) = q.from {
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_date_for_search(f.date, day_start(from))),
                Bound::Unbounded,
            )),
        ));
    }
    if let Some(to) = q.to {
        let end = to.checked_add_days(Days::new(1)).unwrap_or(to);
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Excluded(Term::from_field_date_for_search(
                    f.first_date,
                    day_start(end),
                )),
            )),
        ));
    }
    let query: Box<dyn Query> = match clauses.len() {
        0 => Box::new(AllQuery),
        1 if by_relevance => clauses.pop().map(|(_, q)| q).unwrap_or(Box::new(AllQuery)),
        _ => {
            if !by_relevance {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
    };
    Built {
        query,
        by_relevance: by_relevance && q.sort == Sort::Relevance,
    }
}

/// Snippet makers for the title and text of one query's results.
pub(crate) struct Snippets {
    title: SnippetGenerator,
    text: SnippetGenerator,
    text_field: tantivy::schema::Field,
}

fn err(source: tantivy::TantivyError) -> SearchError {
    SearchError::Index {
        context: "making snippets",
        source,
    }
}

impl Snippets {
    pub fn new(searcher: &Searcher, query: &dyn Query, f: &Fields) -> Result<Self> {
        let mut title = SnippetGenerator::create(searcher, query, f.title).map_err(err)?;
        title.set_max_num_chars(TITLE_CHARS);
        let mut text = SnippetGenerator::create(searcher, query, f.text).map_err(err)?;
        text.set_max_num_chars(SNIPPET_CHARS);
        Ok(Snippets {
            title,
            text,
            text_field: f.text,
        })
    }

    /// The whole title, matched words marked.
    pub fn title(&self, title: &str) -> Snippet {
        let s = self.title.snippet(title);
        let start = s.fragment_range().start;
        let absolute: Vec<_> = s
            .highlighted()
            .iter()
            .map(|r| r.start + start..r.end + start)
            .collect();
        parts(title, &absolute)
    }

    /// An excerpt of the text around the matched words (with an ellipsis on
    /// each side where text was cut); the start of the text when nothing in it
    /// matched.
    pub fn text(&self, doc: &TantivyDocument) -> Snippet {
        let text = doc
            .get_first(self.text_field)
            .and_then(|v| v.as_str())
            .unwrap_or("");
        let s = self.text.snippet(text);
        if s.highlighted().is_empty() {
            return plain(&cut(text, SNIPPET_CHARS));
        }
        let range = s.fragment_range();
        let mut out = parts(s.fragment(), s.highlighted());
        if range.start > 0 {
            out.parts.insert(
                0,
                SnippetPart {
                    text: "… ".to_string(),
                    hit: false,
                },
            );
        }
        if range.end < text.trim_end().len() {
            out.parts.push(SnippetPart {
                text: " …".to_string(),
                hit: false,
            });
        }
        out
    }
}

fn plain(text: &str) -> Snippet {
    let text = text.trim();
    Snippet {
        parts: if text.is_empty() {
            Vec::new()
        } else {
            vec![SnippetPart {
                text: text.to_string(),
                hit: false,
            }]
        },
    }
}

/// Split `fragment` into plain and highlighted pieces (ranges are byte ranges
/// on char boundaries, sorted and disjoint, as tantivy returns them).
fn parts(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> Snippet {
    let mut out = Vec::new();
    let mut at = 0;
    for r in highlighted {
        let (Some(before), Some(hit)) = (fragment.get(at..r.start), fragment.get(r.clone())) else {
            // Not expected from tantivy; show the rest unmarked.
            break;
        };
        if !before.is_empty() {
            out.push(SnippetPart {
                text: before.to_string(),
                hit: false,
            });
        }
        out.push(SnippetPart {
            text: hit.to_string(),
            hit: true,
        });
        at = r.end;
    }
    if let Some(rest) = fragment.get(at..) {
        if !rest.is_empty() {
            out.push(SnippetPart {
                text: rest.to_string(),
                hit: false,
            });
        }
    }
    Snippet { parts: out }
}

/// The first `max` characters of `s`, cut at a word boundary, with an
/// ellipsis when cut.
fn cut(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => {
            let head = &s[..i];
            let head = head
                .rsplit_once(char::is_whitespace)
                .map_or(head, |(h, _)| h);
            format!("{}…", head.trim_end())
        }
    }
}
