//! Search: the page (`/search`) and the API (`/api/v1/search`).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use lede_search::{Kind, SearchHit, SearchQuery, SearchResults, Snippet, Sort};
use serde::Serialize;

use crate::error::{ApiError, PageError};
use crate::params::{href, Params};
use crate::views::{fmt_time, iso};
use crate::AppState;

/// Results per page on the search page.
const PAGE_SIZE: usize = 20;
/// Highest page number accepted.
const MAX_PAGE: usize = lede_search::MAX_OFFSET / PAGE_SIZE;

fn date(params: &Params, key: &str, warnings: &mut Vec<String>) -> Option<NaiveDate> {
    let raw = params.get(key)?;
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            warnings.push(format!(
                "The date “{raw}” was not understood (use YYYY-MM-DD); it was ignored."
            ));
            None
        }
    }
}

/// The search a query string asks for (unknown values are ignored), and what
/// was ignored.
fn query_with_warnings(params: &Params) -> (SearchQuery, Vec<String>) {
    let mut warnings = Vec::new();
    let q = SearchQuery {
        text: params.get("q").unwrap_or("").to_string(),
        outlet: params.get("outlet").map(str::to_string),
        language: params.get("lang").map(str::to_string),
        from: date(params, "from", &mut warnings),
        to: date(params, "to", &mut warnings),
        kind: params.get("kind").and_then(|k| k.parse::<Kind>().ok()),
        sort: params
            .get("sort")
            .and_then(|s| s.parse::<Sort>().ok())
            .unwrap_or_default(),
        limit: params.number("limit").unwrap_or(PAGE_SIZE),
        offset: params.number("offset").unwrap_or(0),
    };
    (q, warnings)
}

/// The search a query string asks for.
pub(crate) fn query_from(params: &Params) -> SearchQuery {
    query_with_warnings(params).0
}

async fn run(state: &AppState, q: SearchQuery) -> Option<anyhow::Result<SearchResults>> {
    let index = state.search.clone()?;
    Some(
        tokio::task::spawn_blocking(move || index.search(&q))
            .await
            .map_err(anyhow::Error::from)
            .and_then(|r| r.map_err(anyhow::Error::from)),
    )
}

/// The page of a hit on this site.
fn hit_href(hit: &SearchHit) -> String {
    match hit.kind {
        Kind::Story => format!("/stories/{}", hit.id),
        Kind::Article => format!("/articles/{}", hit.id),
    }
}

/// The query pairs that describe a search (for links to other pages of it).
fn pairs(q: &SearchQuery) -> Vec<(&'static str, String)> {
    let mut out = vec![("q", q.text.clone())];
    if let Some(o) = &q.outlet {
        out.push(("outlet", o.clone()));
    }
    if let Some(l) = &q.language {
        out.push(("lang", l.clone()));
    }
    if let Some(d) = q.from {
        out.push(("from", d.to_string()));
    }
    if let Some(d) = q.to {
        out.push(("to", d.to_string()));
    }
    if let Some(k) = q.kind {
        out.push(("kind", k.as_str().to_string()));
    }
    if q.sort == Sort::Newest {
        out.push(("sort", "newest".to_string()));
    }
    out
}

fn link(path: &str, pairs: &[(&'static str, String)], extra: &[(&'static str, String)]) -> String {
    let all: Vec<(&str, &str)> = pairs
        .iter()
        .chain(extra.iter())
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    href(path, &all)
}

// ---------------------------------------------------------------- the page

struct HitView {
    href: String,
    kind: &'static str,
    title: Snippet,
    dek: String,
    outlets: String,
    date_iso: Option<String>,
    date: Option<String>,
    sources: Option<String>,
    snippet: Snippet,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    site_title: &'a str,
    enabled: bool,
    q: String,
    outlet: String,
    lang: String,
    from: String,
    to: String,
    kind: &'static str,
    newest: bool,
    /// Whether a search was asked for (words or filters).
    asked: bool,
    warnings: Vec<String>,
    total: usize,
    first: usize,
    hits: Vec<HitView>,
    prev: Option<String>,
    next: Option<String>,
    atom: String,
    json: String,
}

/// `GET /search?q=&outlet=&lang=&from=&to=&kind=&sort=&page=`
pub(crate) async fn page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    let params = Params::parse(raw.as_deref());
    let (mut q, warnings) = query_with_warnings(&params);
    let page = params.number("page").unwrap_or(1).clamp(1, MAX_PAGE.max(1));
    q.limit = PAGE_SIZE;
    q.offset = (page - 1) * PAGE_SIZE;
    let asked = !q.text.is_empty()
        || q.outlet.is_some()
        || q.language.is_some()
        || q.from.is_some()
        || q.to.is_some()
        || q.kind.is_some();
    let link_pairs = pairs(&q);
    let feed_pairs: Vec<(&'static str, String)> = link_pairs
        .iter()
        .filter(|(k, _)| !matches!(*k, "kind" | "sort"))
        .cloned()
        .collect();
    let mut view = SearchPage {
        site_title: &state.site_title,
        enabled: state.search.is_some(),
        q: q.text.clone(),
        outlet: q.outlet.clone().unwrap_or_default(),
        lang: q.language.clone().unwrap_or_default(),
        from: q.from.map(|d| d.to_string()).unwrap_or_default(),
        to: q.to.map(|d| d.to_string()).unwrap_or_default(),
        kind: q.kind.map(Kind::as_str).unwrap_or(""),
        newest: q.sort == Sort::Newest,
        asked,
        warnings,
        total: 0,
        first: q.offset + 1,
        hits: Vec::new(),
        prev: None,
        next: None,
        atom: link("/search.atom", &feed_pairs, &[]),
        json: link("/search.json", &feed_pairs, &[]),
    };
    if asked {
        if let Some(result) = run(&state, q).await {
            let results = result.map_err(|e| PageError::internal(&state.site_title, e))?;
            view.total = results.total;
            view.prev = (page > 1).then(|| {
                if page == 2 {
                    link("/search", &link_pairs, &[])
                } else {
                    link("/search", &link_pairs, &[("page", (page - 1).to_string())])
                }
            });
            view.next = results
                .next_offset()
                .filter(|_| page < MAX_PAGE)
                .map(|_| link("/search", &link_pairs, &[("page", (page + 1).to_string())]));
            view.hits = results
                .hits
                .into_iter()
                .map(|h| HitView {
                    href: hit_href(&h),
                    kind: match h.kind {
                        Kind::Story => "Story",
                        Kind::Article => "Source article",
                    },
                    title: if h.title.trim().is_empty() {
                        Snippet {
                            parts: vec![lede_search::SnippetPart {
                                text: "(untitled)".to_string(),
                                hit: false,
                            }],
                        }
                    } else {
                        h.title_snippet
                    },
                    dek: h.dek,
                    outlets: h.outlets.join(", "),
                    date_iso: h.date.map(iso),
                    date: h.date.map(fmt_time),
                    sources: h.sources.map(crate::views::sources_label),
                    snippet: h.snippet,
                })
                .collect();
        }
    }
    view.render()
        .map(Html)
        .map_err(|e| PageError::internal(&state.site_title, format!("template: {e}")))
}

// ----------------------------------------------------------------- the API

/// A hit with its links.
#[derive(Debug, Serialize)]
pub(crate) struct ApiHit {
    #[serde(flatten)]
    pub hit: SearchHit,
    /// The page on this site.
    pub html_url: String,
    /// The JSON of the story or article.
    pub api_url: String,
}

/// `GET /api/v1/search`
#[derive(Debug, Serialize)]
pub(crate) struct ApiResults {
    pub query: SearchQuery,
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub next_offset: Option<usize>,
    /// The next page of results, `null` on the last.
    pub next: Option<String>,
    pub hits: Vec<ApiHit>,
}

/// `GET /api/v1/search?q=&outlet=&lang=&from=&to=&kind=&sort=&limit=&offset=`
pub(crate) async fn api(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ApiResults>, ApiError> {
    let params = Params::parse(raw.as_deref());
    let (mut q, warnings) = query_with_warnings(&params);
    if let Some(w) = warnings.into_iter().next() {
        return Err(ApiError::bad_request(w));
    }
    q.limit = q.effective_limit();
    q.offset = q.effective_offset();
    let results = run(&state, q.clone())
        .await
        .ok_or_else(|| ApiError::unavailable("search is off on this site"))?
        .map_err(ApiError::internal)?;
    let next_offset = results.next_offset();
    let next = next_offset.map(|o| {
        link(
            "/api/v1/search",
            &pairs(&q),
            &[
                ("limit", results.limit.to_string()),
                ("offset", o.to_string()),
            ],
        )
    });
    Ok(Json(ApiResults {
        total: results.total,
        offset: results.offset,
        limit: results.limit,
        next_offset,
        next,
        hits: results
            .hits
            .into_iter()
            .map(|hit| ApiHit {
                html_url: hit_href(&hit),
                api_url: match hit.kind {
                    Kind::Story => format!("/api/v1/stories/{}", hit.id),
                    Kind::Article => format!("/api/v1/articles/{}", hit.id),
                },
                hit,
            })
            .collect(),
        query: q,
    }))
}

/// Answer for search feeds when search is off.
pub(crate) fn off_response() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "search is off on this site",
    )
        .into_response()
}
