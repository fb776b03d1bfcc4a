//! HTML pages.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Html;
use lede_model::{Article, ArticleId, Story, StoryId, StorySummary, Topic};

use crate::error::{ApiError, PageError};
use crate::rank;
use crate::views::{self, Segment, StoryView, SummaryView};
use crate::AppState;

/// Stories per list page.
const PAGE_SIZE: usize = 20;
/// Highest page number accepted (keeps offsets sane).
const MAX_PAGE: usize = 10_000;

type PageResult = Result<Html<String>, PageError>;

fn render(state: &AppState, page: &impl Template) -> PageResult {
    page.render()
        .map(Html)
        .map_err(|e| PageError::internal(&state.site_title, format!("template: {e}")))
}

/// The value of `key` in a raw query string (values here are numbers and flags,
/// so no percent-decoding is needed).
pub(crate) fn param<'a>(query: &'a Option<String>, key: &str) -> Option<&'a str> {
    query.as_deref()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key).then_some(v)
    })
}

/// A numeric id from the path; anything else is "not found".
fn parse_id(state: &AppState, raw: &str, what: &str) -> Result<i64, PageError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        PageError::not_found(&state.site_title, format!("There is no {what} {raw:?}."))
    })
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage<'a> {
    site_title: &'a str,
    heading: &'a str,
    intro: String,
    empty: String,
    stories: Vec<SummaryView>,
    /// 1-based.
    page: usize,
    prev: Option<String>,
    next: Option<String>,
    show_all_link: bool,
    /// The front page's sections, one per topic with stories (page 1 only).
    sections: Vec<TopicSection>,
    /// A topic page's own feeds (`/topics/{slug}.atom`, `.json`).
    topic_feed: Option<&'static str>,
}

/// A front-page section: a topic's newest stories.
struct TopicSection {
    slug: &'static str,
    label: &'static str,
    stories: Vec<SummaryView>,
}

/// Stories per topic section on the front page.
const SECTION_SIZE: usize = 4;

/// Which list a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Listing {
    /// The front page: ranked stories with two or more independent sources.
    Front,
    /// Every story, newest first.
    All,
    /// One topic's stories, newest first.
    Topic(Topic),
}

/// The path of page `page` (1-based) of a list.
pub(crate) fn list_href(listing: Listing, page: usize) -> String {
    match (listing, page) {
        (Listing::Front, 0 | 1) => "/".to_string(),
        (Listing::All, 0 | 1) => "/stories".to_string(),
        (Listing::Topic(t), 0 | 1) => format!("/topics/{}", t.slug()),
        (Listing::Front, p) => format!("/page/{p}"),
        (Listing::All, p) => format!("/stories/page/{p}"),
        (Listing::Topic(t), p) => format!("/topics/{}/page/{p}", t.slug()),
    }
}

/// One page of the front page: the ranked window, then older stories newest
/// first (see `rank`). Returns the stories and whether there is a next page.
async fn front_page_stories(
    state: &AppState,
    page: usize,
) -> Result<(Vec<StorySummary>, bool), lede_store::StoreError> {
    let offset = (page - 1) * PAGE_SIZE;
    if offset < rank::WINDOW {
        let window = state.store.stories(2, rank::WINDOW + 1, 0).await?;
        let beyond = window.len() > rank::WINDOW;
        let mut ranked = rank::rank(window.into_iter().take(rank::WINDOW).collect());
        let has_next = beyond || ranked.len() > offset + PAGE_SIZE;
        let page: Vec<StorySummary> = ranked.drain(..).skip(offset).take(PAGE_SIZE).collect();
        Ok((page, has_next))
    } else {
        let mut list = state.store.stories(2, PAGE_SIZE + 1, offset).await?;
        let has_next = list.len() > PAGE_SIZE;
        list.truncate(PAGE_SIZE);
        Ok((list, has_next))
    }
}

/// The front page's topic sections: each topic's newest stories, those
/// already among the top stories left out.
async fn topic_sections(
    state: &AppState,
    shown: &[StorySummary],
) -> Result<Vec<TopicSection>, lede_store::StoreError> {
    let mut sections = Vec::new();
    for topic in Topic::ALL {
        let list = state
            .store
            .topic_stories(topic.slug(), 1, SECTION_SIZE + shown.len(), 0)
            .await?;
        let stories: Vec<SummaryView> = list
            .iter()
            .filter(|s| !shown.iter().any(|t| t.id == s.id))
            .take(SECTION_SIZE)
            .map(SummaryView::from)
            .collect();
        if !stories.is_empty() {
            sections.push(TopicSection {
                slug: topic.slug(),
                label: topic.label(),
                stories,
            });
        }
    }
    Ok(sections)
}

async fn list(state: &AppState, page: usize, listing: Listing) -> PageResult {
    let page = page.clamp(1, MAX_PAGE);
    let internal = |e| PageError::internal(&state.site_title, e);
    let offset = (page - 1) * PAGE_SIZE;
    let paged = |mut list: Vec<StorySummary>| {
        let has_next = list.len() > PAGE_SIZE;
        list.truncate(PAGE_SIZE);
        (list, has_next)
    };
    let (summaries, has_next) = match listing {
        Listing::All => paged(
            state
                .store
                .stories(0, PAGE_SIZE + 1, offset)
                .await
                .map_err(internal)?,
        ),
        Listing::Topic(t) => paged(
            state
                .store
                .topic_stories(t.slug(), 0, PAGE_SIZE + 1, offset)
                .await
                .map_err(internal)?,
        ),
        Listing::Front => front_page_stories(state, page).await.map_err(internal)?,
    };
    let sections = if listing == Listing::Front && page == 1 {
        topic_sections(state, &summaries).await.map_err(internal)?
    } else {
        Vec::new()
    };
    let (heading, intro, empty) = match listing {
        Listing::Front => (
            "Top stories",
            "Events reported by two or more independent outlets, the most widely reported and most recent first.".to_string(),
            "No story has two or more independent sources yet.".to_string(),
        ),
        Listing::All => (
            "All stories",
            "Every story, newest first, including those reported by a single outlet so far.".to_string(),
            "No stories have been written yet.".to_string(),
        ),
        Listing::Topic(t) => (
            t.label(),
            format!("Stories filed under {}, newest first.", t.label()),
            format!("No stories have been filed under {} yet.", t.label()),
        ),
    };
    let view = ListPage {
        site_title: &state.site_title,
        heading,
        intro,
        empty,
        stories: summaries.iter().map(SummaryView::from).collect(),
        page,
        prev: (page > 1).then(|| list_href(listing, page - 1)),
        next: has_next.then(|| list_href(listing, page + 1)),
        show_all_link: listing == Listing::Front,
        sections,
        topic_feed: match listing {
            Listing::Topic(t) => Some(t.slug()),
            _ => None,
        },
    };
    render(state, &view)
}

/// The topic a path segment names; anything else is "not found".
fn topic_of(state: &AppState, slug: &str) -> Result<Topic, PageError> {
    Topic::from_slug(slug).ok_or_else(|| {
        PageError::not_found(&state.site_title, format!("There is no section {slug:?}."))
    })
}

/// `GET /topics/{slug}` (and `/topics/{slug}.atom`, `/topics/{slug}.json`,
/// the topic's feeds): one topic's stories.
pub(crate) async fn topic(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (slug, format) = if let Some(s) = name.strip_suffix(".atom") {
        (s, Some(crate::feed::Format::Atom))
    } else if let Some(s) = name.strip_suffix(".json") {
        (s, Some(crate::feed::Format::Json))
    } else {
        (name.as_str(), None)
    };
    let topic = match topic_of(&state, slug) {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    match format {
        Some(format) => crate::feed::topic_feed(state, headers, topic, format).await,
        None => list(&state, 1, Listing::Topic(topic)).await.into_response(),
    }
}

/// `GET /topics/{slug}/page/{n}`: page `n` (1-based) of a topic's stories.
pub(crate) async fn topic_page_n(
    State(state): State<AppState>,
    Path((slug, n)): Path<(String, String)>,
) -> PageResult {
    let topic = topic_of(&state, &slug)?;
    let page = page_number(&state, &n)?;
    list(&state, page, Listing::Topic(topic)).await
}

/// The page number of a legacy `?page=N` (0-based) query, as a 1-based page.
fn legacy_page(query: &Option<String>) -> usize {
    param(query, "page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_PAGE)
        + 1
}

/// A 1-based page number from the path; anything else is "not found".
fn page_number(state: &AppState, raw: &str) -> Result<usize, PageError> {
    raw.parse::<usize>()
        .ok()
        .filter(|p| (1..=MAX_PAGE).contains(p))
        .ok_or_else(|| {
            PageError::not_found(&state.site_title, format!("There is no page {raw:?}."))
        })
}

/// `GET /`: top stories (also `?page=N`, 0-based, from older links).
pub(crate) async fn front(State(state): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    list(&state, legacy_page(&q), Listing::Front).await
}

/// `GET /page/{n}`: page `n` (1-based) of the top stories.
pub(crate) async fn front_page_n(
    State(state): State<AppState>,
    Path(n): Path<String>,
) -> PageResult {
    let page = page_number(&state, &n)?;
    list(&state, page, Listing::Front).await
}

/// `GET /stories`: every story (`?all=1` is accepted and implied).
pub(crate) async fn all_stories(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> PageResult {
    list(&state, legacy_page(&q), Listing::All).await
}

/// `GET /stories/page/{n}`: page `n` (1-based) of every story.
pub(crate) async fn all_stories_page_n(
    State(state): State<AppState>,
    Path(n): Path<String>,
) -> PageResult {
    let page = page_number(&state, &n)?;
    list(&state, page, Listing::All).await
}

/// Shown above an old version of a story.
struct OldVersion {
    current: u32,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage<'a> {
    site_title: &'a str,
    story: StoryView,
    old: Option<OldVersion>,
}

/// Load the cited articles of a story; a failure only costs the footnote texts.
async fn cited_articles(state: &AppState, story: &Story) -> HashMap<ArticleId, Article> {
    let ids = views::cited_article_ids(story);
    if ids.is_empty() {
        return HashMap::new();
    }
    match state.store.articles(&ids).await {
        Ok(list) => list.into_iter().map(|a| (a.id, a)).collect(),
        Err(e) => {
            tracing::warn!("story {}: cannot load cited articles: {e}", story.id);
            HashMap::new()
        }
    }
}

async fn load_story(state: &AppState, id: StoryId) -> Result<Story, PageError> {
    state
        .store
        .story(id)
        .await
        .map_err(|e| PageError::internal(&state.site_title, e))?
        .ok_or_else(|| PageError::not_found(&state.site_title, format!("There is no story {id}.")))
}

/// `GET /stories/{id}`
pub(crate) async fn story(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&state, &id, "story")?;
    let story = load_story(&state, id).await?;
    let articles = cited_articles(&state, &story).await;
    let page = StoryPage {
        site_title: &state.site_title,
        story: views::story_view(&story, &articles),
        old: None,
    };
    render(&state, &page)
}

/// `GET /stories/{id}/versions/{v}`
pub(crate) async fn story_version(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> PageResult {
    let id = parse_id(&state, &id, "story")?;
    let current = load_story(&state, id).await?;
    let missing = || {
        PageError::not_found(
            &state.site_title,
            format!("Story {id} has no version {version:?}."),
        )
    };
    let v: u32 = version.parse().map_err(|_| missing())?;
    let story = if v == current.version {
        current.clone()
    } else {
        state
            .store
            .story_version(id, v)
            .await
            .map_err(|e| PageError::internal(&state.site_title, e))?
            .ok_or_else(missing)?
    };
    let articles = cited_articles(&state, &story).await;
    let page = StoryPage {
        site_title: &state.site_title,
        story: views::story_view(&story, &articles),
        old: (v != current.version).then_some(OldVersion {
            current: current.version,
        }),
    };
    render(&state, &page)
}

struct VersionRow {
    version: u32,
    updated_iso: String,
    updated: String,
    change_note: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage<'a> {
    site_title: &'a str,
    id: StoryId,
    headline: String,
    versions: Vec<VersionRow>,
}

/// `GET /stories/{id}/history`
pub(crate) async fn history(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&state, &id, "story")?;
    let story = load_story(&state, id).await?;
    let versions = state
        .store
        .story_versions(id)
        .await
        .map_err(|e| PageError::internal(&state.site_title, e))?;
    let page = HistoryPage {
        site_title: &state.site_title,
        id,
        headline: story.headline.text.clone(),
        versions: versions
            .into_iter()
            .map(|v| VersionRow {
                version: v.version,
                updated_iso: views::iso(v.updated),
                updated: views::fmt_time(v.updated),
                change_note: if v.change_note.trim().is_empty() {
                    if v.version == 1 {
                        "First version.".to_string()
                    } else {
                        String::new()
                    }
                } else {
                    v.change_note
                },
                current: v.version == story.version,
            })
            .collect(),
    };
    render(&state, &page)
}

struct StoryLink {
    id: StoryId,
    headline: String,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage<'a> {
    site_title: &'a str,
    title: String,
    outlet: String,
    byline: Option<String>,
    published_iso: Option<String>,
    published: Option<String>,
    lang: Option<String>,
    original: Option<String>,
    /// The stored URL when it is not a link we show (e.g. `file://`).
    origin_text: Option<String>,
    paragraphs: Vec<Vec<Segment>>,
    story: Option<StoryLink>,
}

/// The story an article belongs to, if it has been clustered and written.
async fn story_of(state: &AppState, a: &Article) -> Option<StoryLink> {
    let sid = match state.store.story_of_article(a.id).await {
        Ok(s) => s?,
        Err(e) => {
            tracing::warn!("article {}: cannot look up its story: {e}", a.id);
            return None;
        }
    };
    let story = state.store.story(sid).await.ok()??;
    Some(StoryLink {
        id: story.id,
        headline: story.headline.text,
    })
}

/// A language code safe and plausible as a `lang` attribute.
fn clean_lang(lang: Option<&str>) -> Option<String> {
    let l = lang?.trim();
    (!l.is_empty() && l.len() <= 12 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| l.to_string())
}

/// `GET /articles/{id}`
pub(crate) async fn article(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&state, &id, "article")?;
    let a = state
        .store
        .article(id)
        .await
        .map_err(|e| PageError::internal(&state.site_title, e))?
        .ok_or_else(|| {
            PageError::not_found(&state.site_title, format!("There is no article {id}."))
        })?;
    let original = views::http_href(a.link()).map(str::to_string);
    let page = ArticlePage {
        site_title: &state.site_title,
        title: if a.title.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            a.title.clone()
        },
        outlet: a.outlet.clone(),
        byline: a.byline.clone().filter(|b| !b.trim().is_empty()),
        published_iso: a.published.map(views::iso),
        published: a.published.map(views::fmt_time),
        lang: clean_lang(a.language.as_deref()),
        origin_text: original
            .is_none()
            .then(|| a.url.clone())
            .filter(|u| !u.is_empty()),
        original,
        paragraphs: views::article_paragraphs(&a),
        story: story_of(&state, &a).await,
    };
    render(&state, &page)
}

/// Any other path: a JSON error under `/api/`, a page elsewhere.
pub(crate) async fn not_found(
    State(state): State<AppState>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        ApiError::not_found(format!("no API endpoint at {}", uri.path())).into_response()
    } else {
        PageError::not_found(&state.site_title, "There is nothing at this address.").into_response()
    }
}
