//! Router tests against an in-memory fake store holding fictional stories
//! (see `testdata`).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use lede_model::{Article, ArticleId, CitedSentence, Paragraph, SourceRef, Span, Story, StoryId};
use lede_search::SearchIndex;
use lede_store::Store;
use tower::ServiceExt;

use crate::testdata::*;
use crate::{router, Admin, AppState, RewriteOutcome};

fn state(store: Arc<FakeStore>) -> AppState {
    AppState::new(store, "Eastbrook Desk")
}

async fn app() -> axum::Router {
    router(state(fixture_store().await))
}

/// The fixture with search on, the index refreshed from the store.
async fn search_state() -> AppState {
    let store = fixture_store().await;
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let report = crate::refresh_search(store.as_ref(), &index).await.unwrap();
    assert_eq!((report.stories, report.articles), (2, 4));
    state(store).with_search(index)
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let resp = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

async fn get_json(app: &axum::Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let (status, ctype, body) = get(app, uri).await;
    assert!(ctype.starts_with("application/json"), "{uri}: {ctype}");
    (status, serde_json::from_str(&body).unwrap())
}

/// No raw script, no javascript: link, no attribute break-out, no early </title>.
fn assert_safe(page: &str) {
    assert!(!page.contains("<script>alert"), "raw script in page");
    assert!(
        !page.to_lowercase().contains("href=\"javascript:"),
        "js link"
    );
    assert!(!page.contains("\" onerror=\"x"), "attribute break-out");
    assert!(!page.contains("<b>Outlet</b>"), "raw markup from outlet");
    assert!(page.matches("</title>").count() <= 1, "early </title>");
}

#[tokio::test]
async fn front_page_lists_multi_source_stories() {
    let app = app().await;
    let (status, ctype, page) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("Top stories"));
    assert!(
        page.contains("<a href=\"/stories/1\">Eastbrook closes Mill Street Bridge over cracks</a>")
    );
    assert!(page.contains("repairs will take six weeks"));
    assert!(page.contains("2 sources"));
    assert!(page.contains("The Eastbrook Herald, Valley Wire Reprints, Westport Daily"));
    assert!(page.contains("May 23 – 24, 2010"));
    assert!(page.contains("href=\"/stories\""));
    assert!(page.contains("href=\"/search\""));
    assert!(page.contains("type=\"application/feed+json\""));
    // the single-source story is not a top story (only in its topic's section)
    let top = page.split("<div class=\"sections\">").next().unwrap();
    assert!(!top.contains("council passes budget"));
    assert_safe(&page);

    let (status, _, all) = get(&app, "/stories?all=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.contains("All stories"));
    assert!(all.contains("Mill Street Bridge"));
    assert!(
        all.contains("Eastbrook council passes budget &#60;script&#62;")
            || all.contains("Eastbrook council passes budget &lt;script&gt;")
    );
    assert!(all.contains("1 source"));
    assert_safe(&all);

    // pages past the end and junk page numbers are fine; old ?page= links work
    let (status, _, empty) = get(&app, "/page/8").await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("No story has two or more"));
    assert!(empty.contains("href=\"/page/7\""));
    assert!(empty.contains("<title>Top stories, page 8 · Eastbrook Desk</title>"));
    let (_, _, legacy) = get(&app, "/?page=7").await;
    assert_eq!(legacy, empty);
    let (status, _, _) = get(&app, "/?page=abc&x").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, p2) = get(&app, "/stories/page/2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(p2.contains("href=\"/stories\" rel") || p2.contains("rel=\"prev\" href=\"/stories\""));
    for bad in ["/page/0", "/page/x", "/stories/page/-1", "/page/99999999"] {
        let (status, _, _) = get(&app, bad).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn story_page_has_everything() {
    let app = app().await;
    let (status, _, page) = get(&app, "/stories/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(
        "<title>Eastbrook closes Mill Street Bridge over cracks · Eastbrook Desk</title>"
    ));
    assert!(
        page.contains("<h1>Eastbrook closes Mill Street Bridge over cracks<sup class=\"cite\">")
    );
    assert!(page.contains("repairs will take six weeks."));
    assert!(page.contains("version 2"));
    assert!(page.contains("href=\"/stories/1/history\""));
    assert!(page.contains("About 12,000 vehicles cross the bridge each day."));
    // sections
    assert!(page.contains("<h2 id=\"section-1\">Timeline of the closure</h2>"));
    assert!(page.contains("Saturday, May 22, 2010"));
    assert!(page.contains("datetime=\"2010-05-23\">Sunday, May 23, 2010</time>"));
    assert!(page.contains("Who said what"));
    // citation marks: numbered, linked to footnotes, with hover text
    assert!(page.contains("<a href=\"#fn-1\" id=\"ref-1\" title=\"The Eastbrook Herald: “The Mill Street Bridge in Eastbrook was closed on Sunday"));
    assert!(page.contains(">[1]</a></sup>"));
    assert!(page.contains("href=\"#fn-2\""));
    // footnotes with the cited source sentence and outlet
    assert!(page.contains("<h2 id=\"citations\">Citations</h2>"));
    assert!(page.contains("<li id=\"fn-1\">"));
    assert!(
        page.contains("Repairs are expected to take six weeks, Mayor Lena Ortiz said on Monday.")
    );
    assert!(page.contains("href=\"/articles/2#s-1\">Westport Daily"));
    // sources: http(s) links go out, others to our copy; wire copies marked
    assert!(page.contains("How this story was written"));
    assert!(page.contains(lede_model::MACHINE_NOTE));
    assert!(page.contains("href=\"https://westportdaily.example/2010/05/24/eastbrook-bridge\""));
    assert!(page.contains("<a href=\"/articles/3\">Eastbrook bridge closed</a>"));
    assert!(!page.contains("href=\"t17://"));
    assert!(page.contains("Eastbrook bridge closed</a>, <time datetime=\"2010-05-23T11:00:00Z\">May 23, 2010, 11:00 UTC</time> <span class=\"copy\">(wire copy, counted once)</span>"));
    // the sources panel: the wire copy sits under its original, counted once
    assert!(page.contains("<h2 id=\"sources\">Sources</h2>"));
    assert!(page.contains("2 independent sources from 3 outlets; 1 wire copy counted once."));
    assert!(page.contains("First reported by The Eastbrook Herald, May 23, 2010, 09:00 UTC."));
    let herald = page
        .find("Mill Street Bridge closed after inspectors find cracks</a>")
        .unwrap();
    let copies = page.find("<ul class=\"copies\">").unwrap();
    let wire = page.find("Valley Wire Reprints</span>").unwrap();
    let westport = page.find("Westport Daily</span>").unwrap();
    assert!(herald < copies && copies < wire && wire < westport);
    // the coverage chart, drawn by the server
    assert!(page.contains("<svg class=\"chart\" viewBox=\"0 0 636 152\" role=\"img\" aria-labelledby=\"cov-t cov-d\">"));
    assert!(page.contains("<title id=\"cov-t\">Articles per hour, by outlet</title>"));
    assert!(page.contains("<desc id=\"cov-d\">3 articles from 3 outlets between May 23, 2010 09:00 UTC and May 24, 2010 07:00 UTC"));
    assert_eq!(page.matches("<rect ").count(), 3);
    assert!(page.contains("One sentence was left out"));
    assert!(!page.contains("reopen in July"));
    assert!(page.contains("What changed in version 2: Added the repair estimate"));
    // related
    assert!(page.contains("<h2 id=\"related\">Related stories</h2>"));
    assert!(page.contains("<h3><a href=\"/stories/2\">Eastbrook council passes budget</a></h3>"));
    assert!(page.contains("by one vote."));
    // heading order: h1 before every h2, related before citations
    let h1 = page.find("<h1").unwrap();
    assert!(page.find("<h2").unwrap() > h1);
    assert!(page.find("Related stories").unwrap() < page.find("id=\"citations\"").unwrap());
    assert!(!page.contains("<script"));
}

#[tokio::test]
async fn versions_and_history() {
    let app = app().await;
    let (status, _, old) = get(&app, "/stories/1/versions/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(old.contains("Old version."));
    assert!(old.contains("read the current version (2)"));
    assert!(old.contains("the bridge is shut."));
    assert!(!old.contains("six weeks"));

    let (status, _, current) = get(&app, "/stories/1/versions/2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!current.contains("Old version."));

    for missing in [
        "/stories/1/versions/9",
        "/stories/1/versions/x",
        "/stories/5/versions/1",
    ] {
        let (status, _, _) = get(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }

    let (status, _, history) = get(&app, "/stories/1/history").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        history.contains("href=\"/stories/1/versions/2\">Version 2</a> <strong>(current)</strong>")
    );
    assert!(history.contains("href=\"/stories/1/versions/1\">Version 1</a>"));
    assert!(history.contains("First version."));
    assert!(history.find("Version 2").unwrap() < history.find("Version 1").unwrap());
}

#[tokio::test]
async fn article_page() {
    let app = app().await;
    let (status, _, page) = get(&app, "/articles/2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h1>Eastbrook shuts its busiest bridge</h1>"));
    assert!(page.contains("Westport Daily"));
    assert!(page.contains("By Ada Park"));
    assert!(page.contains("May 24, 2010, 07:00 UTC"));
    assert!(page.contains("<span class=\"sent\" id=\"s-1\">Repairs are expected"));
    assert!(page.contains("href=\"https://westportdaily.example/2010/05/24/eastbrook-bridge\""));
    assert!(
        page.contains("<a href=\"/stories/1\">Eastbrook closes Mill Street Bridge over cracks</a>")
    );

    // paragraphs are kept
    let (_, _, herald) = get(&app, "/articles/1").await;
    assert_eq!(herald.matches("<span class=\"sent\"").count(), 3);
    assert!(herald.contains("repaired,&#34; said") || herald.contains("repaired,&quot; said"));

    // non-http source: no link, the address shown as text
    let (_, _, wire) = get(&app, "/articles/3").await;
    assert!(!wire.contains("href=\"t17:"));
    assert!(wire.contains("<code>t17://corpus/valley/0003</code>"));

    for missing in ["/articles/77", "/articles/abc", "/articles/-1"] {
        let (status, _, _) = get(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn untrusted_text_is_escaped_everywhere() {
    let app = app().await;
    for uri in [
        "/articles/4",
        "/stories/2",
        "/stories?all=1",
        "/stories/2/history",
    ] {
        let (status, _, page) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_safe(&page);
    }
    let (_, _, article) = get(&app, "/articles/4").await;
    assert!(
        article.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || article.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!article.contains("javascript:alert(1)\""));
    // the javascript: url is shown as text only
    assert!(article.contains("<code>javascript:alert(1)</code>"));

    let (_, _, story) = get(&app, "/stories/2").await;
    assert!(
        story.contains("<a href=\"/articles/4\">"),
        "non-http source links to our copy"
    );
    // a citation to an article the store lacks does not break the page
    assert!(story.contains("Source sentence unavailable."));

    // the hostile story is not on the front page: find it through a search feed
    let app = router(search_state().await);
    let (status, _, feed) = get(&app, "/search.atom?q=budget").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!feed.contains("<script>"));
    assert!(!feed.contains("href=\"javascript:"));
    assert!(
        !feed.contains("&lt;a href=&quot;javascript:")
            && !feed.contains("&lt;a href=\"javascript:")
    );
    let parsed = atom_syndication::Feed::from_str(&feed).unwrap();
    let entry = parsed
        .entries
        .iter()
        .find(|e| e.id.ends_with("/stories/2"))
        .unwrap();
    assert!(
        entry.title.value.contains(EVIL),
        "title round-trips as text"
    );
    let html = entry.content.as_ref().unwrap().value.as_deref().unwrap();
    assert!(!html.contains("<script>"), "entry HTML is escaped: {html}");
    assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"));
    assert!(!html.contains("javascript:"));

    let (_, api) = get_json(&app, "/api/stories/2").await;
    assert_eq!(
        api["headline"]["text"].as_str().unwrap(),
        format!("Eastbrook council passes budget {EVIL}")
    );
}

#[tokio::test]
async fn api_index_shape() {
    let app = app().await;
    let (status, v) = get_json(&app, "/api/stories").await;
    assert_eq!(status, StatusCode::OK);
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["next", "next_offset", "stories"]);
    assert!(v["next_offset"].is_null());
    let stories = v["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 2);
    let first = stories[0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "api_url",
            "article_count",
            "articles",
            "dek",
            "first_published",
            "headline",
            "html_url",
            "id",
            "last_published",
            "outlets",
            "sources",
            "topic",
            "updated",
            "version"
        ]
    );
    assert_eq!(first["api_url"], "/api/v1/stories/1");
    assert_eq!(first["article_count"], 3);
    assert_eq!(first["id"], 1);
    assert_eq!(first["sources"], 2);
    assert_eq!(first["version"], 2);
    assert_eq!(first["updated"], "2010-05-24T08:00:00Z");
    assert_eq!(
        first["articles"],
        serde_json::json!([
            "https://eastbrookherald.example/news/mill-street-bridge",
            "t17://corpus/valley/0003",
            "https://westportdaily.example/2010/05/24/eastbrook-bridge"
        ])
    );
    assert_eq!(
        first["outlets"],
        serde_json::json!([
            "The Eastbrook Herald",
            "Valley Wire Reprints",
            "Westport Daily"
        ])
    );
    assert_eq!(stories[1]["id"], 2);

    let (_, page1) = get_json(&app, "/api/v1/stories?limit=1").await;
    assert_eq!(page1["stories"].as_array().unwrap().len(), 1);
    assert_eq!(page1["next_offset"], 1);
    assert_eq!(page1["next"], "/api/v1/stories?limit=1&offset=1");
    let (_, page2) = get_json(&app, page1["next"].as_str().unwrap()).await;
    assert_eq!(page2["stories"][0]["id"], 2);
    assert!(page2["next_offset"].is_null());
    let (status, junk) = get_json(&app, "/api/stories?limit=9999&offset=zz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(junk["stories"].as_array().unwrap().len(), 2);
    // the old path is an alias
    let (_, old) = get_json(&app, "/api/stories").await;
    assert_eq!(old, v);
    let (_, multi) = get_json(&app, "/api/v1/stories?min_sources=2").await;
    assert_eq!(multi["stories"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn api_story_and_missing() {
    let app = app().await;
    let (status, v) = get_json(&app, "/api/stories/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["id"], 1);
    assert_eq!(v["version"], 2);
    assert_eq!(v["independent_sources"], 2);
    assert_eq!(v["sections"][0]["kind"], "timeline");
    assert_eq!(v["sections"][0]["paragraphs"][0]["date"], "2010-05-22");
    let cited = v["cited"].as_array().unwrap();
    let c = cited
        .iter()
        .find(|c| c["article"] == 2 && c["sentence"] == 1)
        .unwrap();
    assert_eq!(c["outlet"], "Westport Daily");
    assert_eq!(
        c["url"],
        "https://westportdaily.example/2010/05/24/eastbrook-bridge"
    );
    assert_eq!(
        c["text"],
        "Repairs are expected to take six weeks, Mayor Lena Ortiz said on Monday."
    );
    // each citation once
    let n = cited.len();
    let mut uniq: Vec<(i64, i64)> = cited
        .iter()
        .map(|c| {
            (
                c["article"].as_i64().unwrap(),
                c["sentence"].as_i64().unwrap(),
            )
        })
        .collect();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), n);

    assert_eq!(v["html_url"], "/stories/1");
    let (_, alias) = get_json(&app, "/api/v1/stories/1").await;
    assert_eq!(alias, v);
    for missing in ["/api/stories/42", "/api/stories/nope", "/api/v1/stories/0"] {
        let (status, v) = get_json(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(v["error"].as_str().unwrap().contains("not found"));
    }
}

#[tokio::test]
async fn atom_feed_parses_and_has_the_story() {
    let app = app().await;
    let resp = app
        .clone()
        .oneshot(
            Request::get("/feed.atom")
                .header("host", "news.example:8080")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    let body = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    let feed = atom_syndication::Feed::from_str(std::str::from_utf8(&body).unwrap()).unwrap();
    assert_eq!(feed.title.value, "Eastbrook Desk");
    // the front page's stories only: the single-source story is left out
    assert_eq!(feed.entries.len(), 1);
    let e = &feed.entries[0];
    assert_eq!(
        e.title.value,
        "Eastbrook closes Mill Street Bridge over cracks"
    );
    assert_eq!(e.id, "http://news.example:8080/stories/1");
    assert_eq!(e.links[0].href, "http://news.example:8080/stories/1");
    assert_eq!(e.updated.to_rfc3339(), "2010-05-24T08:00:00+00:00");
    let html = e.content.as_ref().unwrap().value.as_deref().unwrap();
    assert!(html.contains("repairs will take six weeks"));
    // the whole story: body and sections, not just the lede
    assert!(html.contains("About 12,000 vehicles cross the bridge each day."));
    assert!(html.contains("<h3>Timeline of the closure</h3>"));
    assert!(html.contains(
        "<strong>Saturday, May 22, 2010:</strong> Inspectors first reported the cracks."
    ));
    assert!(html.contains("Valley Wire Reprints: <a href=\"http://news.example:8080/articles/3\">Eastbrook bridge closed</a> (wire copy)"));
    assert!(html.contains("The Mill Street Bridge in Eastbrook was closed on Sunday"));
    assert!(html.contains(
        "Westport Daily: <a href=\"https://westportdaily.example/2010/05/24/eastbrook-bridge\">"
    ));
    assert!(html.contains("<a href=\"http://news.example:8080/articles/3\">"));
    assert_eq!(feed.id, "http://news.example:8080/feed.atom");

    // a hostile Host header is ignored
    let resp = app
        .clone()
        .oneshot(
            Request::get("/feed.atom")
                .header("host", "evil\"><x>")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = axum::body::to_bytes(resp.into_body(), 10 << 20)
        .await
        .unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(text.contains("http://localhost/stories/1"));
    assert!(!text.contains("evil"));
}

#[tokio::test]
async fn missing_pages_are_404_pages() {
    let app = app().await;
    for uri in [
        "/stories/999",
        "/stories/abc",
        "/stories/1/history/x",
        "/nowhere",
        "/stories/0",
    ] {
        let (status, ctype, page) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(ctype.starts_with("text/html"), "{uri}");
        assert!(page.contains("Page not found"), "{uri}");
    }
}

#[tokio::test]
async fn store_errors_give_500_pages_without_details() {
    let app = router(state(Arc::new(FakeStore {
        fail: true,
        ..Default::default()
    })));
    for uri in [
        "/",
        "/stories/1",
        "/articles/1",
        "/stories/1/history",
        "/feed.atom",
        "/feed.json",
    ] {
        let (status, _, page) = get(&app, uri).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
        assert!(
            !page.contains("disk on fire") && !page.contains("/secret"),
            "{uri}"
        );
    }
    for uri in [
        "/api/stories",
        "/api/v1/stories",
        "/api/v1/stories/1",
        "/api/v1/feeds",
    ] {
        let (status, v) = get_json(&app, uri).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
        assert_eq!(v["error"], "internal error");
    }
}

#[tokio::test]
async fn health_and_style() {
    let app = app().await;
    let (status, _, body) = get(&app, "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let (status, ctype, css) = get(&app, "/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/css"));
    assert!(css.contains("max-width: 42rem"));
    assert!(css.contains("prefers-color-scheme: dark"));
    assert!(css.contains(":focus-visible"));
}

#[tokio::test]
async fn serve_binds_and_answers() {
    // `serve` runs until Ctrl-C; check that it binds and serves by racing it.
    let state = state(fixture_store().await);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let server = tokio::spawn(crate::serve(state, addr));
    let mut answered = false;
    for _ in 0..50 {
        if let Ok(mut conn) = tokio::net::TcpStream::connect(addr).await {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut buf = Vec::new();
            conn.read_to_end(&mut buf).await.unwrap();
            let text = String::from_utf8_lossy(&buf);
            assert!(text.starts_with("HTTP/1.1 200"), "{text}");
            assert!(text.ends_with("ok"));
            answered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.abort();
    assert!(answered);
}

mod views {
    use super::*;
    use crate::views::*;

    #[test]
    fn only_http_urls_are_links() {
        assert_eq!(
            http_href("https://a.example/x"),
            Some("https://a.example/x")
        );
        assert_eq!(http_href(" HTTP://a.example/ "), Some("HTTP://a.example/"));
        assert_eq!(http_href("javascript:alert(1)"), None);
        assert_eq!(http_href("JavaScript:alert(1)"), None);
        assert_eq!(http_href("file:///etc/passwd"), None);
        assert_eq!(http_href("t17://corpus/1"), None);
        assert_eq!(http_href("https://a.example/x y"), None);
        assert_eq!(http_href("http://"), None);
        assert_eq!(http_href(""), None);
        assert_eq!(http_href("ht"), None);
        assert_eq!(http_href("ñññññ"), None);
    }

    #[test]
    fn spans_read_naturally() {
        let d = |m, d| Some(Utc.with_ymd_and_hms(2010, m, d, 12, 0, 0).unwrap());
        assert_eq!(fmt_span(d(5, 23), d(5, 23)), "May 23, 2010");
        assert_eq!(fmt_span(d(5, 23), d(5, 24)), "May 23 – 24, 2010");
        assert_eq!(fmt_span(d(5, 30), d(6, 2)), "May 30 – June 2, 2010");
        assert_eq!(fmt_span(d(5, 30), None), "May 30, 2010");
        assert_eq!(fmt_span(None, None), "");
        let y = Some(Utc.with_ymd_and_hms(2011, 1, 2, 0, 0, 0).unwrap());
        assert_eq!(
            fmt_span(d(12, 30), y),
            "December 30, 2010 – January 2, 2011"
        );
        assert_eq!(
            fmt_day(NaiveDate::from_ymd_opt(2010, 5, 23).unwrap()),
            "Sunday, May 23, 2010"
        );
    }

    #[test]
    fn truncate_counts_chars() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("ééééé", 2), "éé…");
    }

    #[test]
    fn article_paragraphs_keep_all_text() {
        let a = Article {
            text: "Intro line\n\nOne. Two.\nThree.\n\n\nTail".to_string(),
            sentences: vec![Span::new(12, 16), Span::new(17, 21), Span::new(22, 28)],
            ..Default::default()
        };
        let paras = article_paragraphs(&a);
        let flat: Vec<Vec<(Option<usize>, &str)>> = paras
            .iter()
            .map(|p| p.iter().map(|s| (s.sentence, s.text.as_str())).collect())
            .collect();
        assert_eq!(
            flat,
            vec![
                vec![(None, "Intro line")],
                vec![(Some(0), "One."), (Some(1), "Two."), (Some(2), "Three.")],
                vec![(None, "Tail")],
            ]
        );
        // broken spans: fall back to plain paragraphs
        let bad = Article {
            text: "A b.\n\nC d.".to_string(),
            sentences: vec![Span::new(3, 99)],
            ..Default::default()
        };
        assert_eq!(article_paragraphs(&bad).len(), 2);
    }
}

/// Writes the fixture pages to `$LEDE_DUMP_DIR` for eyeballing (`--ignored`).
#[tokio::test]
#[ignore]
async fn dump_pages() {
    let dir = std::env::var("LEDE_DUMP_DIR").unwrap();
    let app = app().await;
    for (name, uri) in [
        ("front", "/"),
        ("story1", "/stories/1"),
        ("story2", "/stories/2"),
        ("old", "/stories/1/versions/1"),
        ("history", "/stories/1/history"),
        ("article1", "/articles/1"),
        ("article4", "/articles/4"),
        ("missing", "/stories/9"),
    ] {
        let (_, _, page) = get(&app, uri).await;
        let page = page.replace("/static/style.css", "style.css");
        std::fs::write(format!("{dir}/{name}.html"), page).unwrap();
    }
    std::fs::write(format!("{dir}/style.css"), crate::STYLE_CSS).unwrap();
    let (_, _, feed) = get(&app, "/feed.atom").await;
    std::fs::write(format!("{dir}/feed.atom"), feed).unwrap();
}

// ------------------------------------------------------------------ search

#[tokio::test]
async fn search_page_finds_and_marks() {
    let app = router(search_state().await);
    let (status, _, page) = get(&app, "/search?q=bridge+cracks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<form class=\"search-form\" role=\"search\""));
    assert!(page.contains("value=\"bridge cracks\""));
    assert!(page.contains("<a href=\"/stories/1\">"));
    assert!(page.contains("<a href=\"/articles/1\">"));
    assert!(page.contains("<mark>cracks</mark>"));
    assert!(page.contains("results</h2>"));
    // feeds of this search, linked from the page and its head
    assert!(page.contains("href=\"/search.atom?q=bridge+cracks\""));
    assert!(page.contains("type=\"application/feed+json\" title=\"This search (JSON Feed)\" href=\"/search.json?q=bridge+cracks\""));
    assert_safe(&page);

    // filters
    let (_, _, stories) = get(&app, "/search?q=bridge&kind=story").await;
    assert!(stories.contains("<a href=\"/stories/1\">"));
    assert!(!stories.contains("<a href=\"/articles/"));
    let (_, _, westport) = get(&app, "/search?q=bridge&outlet=westport+daily&kind=article").await;
    assert!(westport.contains("<a href=\"/articles/2\">"));
    assert!(!westport.contains("<a href=\"/articles/1\">"));
    let (_, _, dated) = get(
        &app,
        "/search?q=bridge&from=2010-05-24&to=2010-05-24&kind=article",
    )
    .await;
    assert!(dated.contains("<a href=\"/articles/2\">"));
    assert!(!dated.contains("<a href=\"/articles/1\">"));
    let (_, _, none) = get(&app, "/search?q=bridge&lang=fr").await;
    assert!(none.contains("Nothing found"));

    // hostile input is shown as text, never as markup
    let (status, _, evil) = get(
        &app,
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22+onerror%3D%22x",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_safe(&evil);
    let (_, _, budget) = get(&app, "/search?q=budget").await;
    assert!(budget.contains("<a href=\"/articles/4\">"));
    assert_safe(&budget);
    // a bad date is reported, not fatal
    let (status, _, bad) = get(&app, "/search?q=bridge&from=yesterday").await;
    assert_eq!(status, StatusCode::OK);
    assert!(bad.contains("The date “yesterday” was not understood"));
    // the empty page explains the syntax
    let (_, _, empty) = get(&app, "/search").await;
    assert!(empty.contains("Put a phrase in quotes"));
    assert!(!empty.contains("results</h2>"));
}

#[tokio::test]
async fn search_pages_through_results() {
    let store = Arc::new(FakeStore::default());
    for i in 1..=45 {
        store
            .insert_article(&article(
                i,
                "Harbour Notes",
                &format!("Tide table {i}"),
                &format!("https://harbournotes.example/{i}"),
                at(1 + (i as u32 % 20), 6),
                &[&["The tide table was posted."]],
            ))
            .await
            .unwrap();
    }
    let story = Story {
        id: 1,
        version: 1,
        headline: cs("Tide tables posted", &[(1, 0)]),
        articles: (1..=45).collect(),
        ..Default::default()
    };
    store.save_story(&story).await.unwrap();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    crate::refresh_search(store.as_ref(), &index).await.unwrap();
    let app = router(state(store).with_search(index));
    let (_, _, p1) = get(&app, "/search?q=tide&kind=article").await;
    if let Ok(dir) = std::env::var("LEDE_DUMP_DIR") {
        std::fs::write(format!("{dir}/search.html"), &p1).unwrap();
    }
    assert!(p1.contains("45 results</h2>"));
    assert!(p1.contains("rel=\"next\" href=\"/search?q=tide&#38;kind=article&#38;page=2\""));
    let (_, _, p3) = get(&app, "/search?q=tide&kind=article&page=3").await;
    assert!(p3.contains("45 results, from 41</h2>"));
    assert_eq!(p3.matches("<li class=\"hit\">").count(), 5);
    assert!(p3.contains("rel=\"prev\" href=\"/search?q=tide&#38;kind=article&#38;page=2\""));
    assert!(!p3.contains("rel=\"next\""));
}

#[tokio::test]
async fn search_api_and_feeds() {
    let app = router(search_state().await);
    let (status, v) = get_json(&app, "/api/v1/search?q=bridge&limit=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["query"]["text"], "bridge");
    assert_eq!(v["limit"], 2);
    assert!(v["total"].as_u64().unwrap() >= 3);
    assert_eq!(v["next"], "/api/v1/search?q=bridge&limit=2&offset=2");
    let hit = &v["hits"][0];
    assert!(hit["html_url"].as_str().unwrap().starts_with('/'));
    assert!(hit["api_url"].as_str().unwrap().starts_with("/api/v1/"));
    let (status, bad) = get_json(&app, "/api/v1/search?q=x&to=soon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad["error"].as_str().unwrap().contains("soon"));

    // the search feed has the stories it finds, newest first, as Atom and JSON Feed
    let (status, ctype, atom) = get(&app, "/search.atom?q=bridge").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/atom+xml"));
    let feed = atom_syndication::Feed::from_str(&atom).unwrap();
    assert_eq!(feed.title.value, "Eastbrook Desk: search for “bridge”");
    assert_eq!(feed.entries.len(), 1);
    assert!(feed.entries[0].id.ends_with("/stories/1"));
    let (status, ctype, json) = get(&app, "/search.json?q=bridge").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/feed+json"));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 1);
    assert_eq!(json["feed_url"], "http://localhost/search.json?q=bridge");

    // search off: the page says so, the API and feeds answer 503
    let off = app_off().await;
    let (status, _, page) = get(&off, "/search?q=bridge").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Search is off on this site."));
    let (status, v) = get_json(&off, "/api/v1/search?q=bridge").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(v["error"], "search is off on this site");
    let (status, _, _) = get(&off, "/search.atom?q=bridge").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

async fn app_off() -> axum::Router {
    app().await
}

#[tokio::test]
async fn refresh_indexes_only_what_changed() {
    let store = fixture_store().await;
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let first = crate::refresh_search(store.as_ref(), &index).await.unwrap();
    assert_eq!((first.stories, first.articles, first.removed), (2, 4, 0));
    let again = crate::refresh_search(store.as_ref(), &index).await.unwrap();
    assert_eq!(again, crate::RefreshReport::default());
    // a new version is re-indexed; a story that vanished is dropped
    let mut s1 = store.story(1).await.unwrap().unwrap();
    s1.version = 3;
    s1.headline = CitedSentence::new("Mill Street Bridge reopens to cyclists", vec![]);
    store.save_story(&s1).await.unwrap();
    store.stories.lock().unwrap().remove(&2);
    let third = crate::refresh_search(store.as_ref(), &index).await.unwrap();
    assert_eq!((third.stories, third.removed), (1, 1));
    let r = index
        .search(&lede_search::SearchQuery::text("cyclists"))
        .unwrap();
    assert_eq!(r.hits.len(), 1);
    assert_eq!(r.hits[0].version, Some(3));
    let q = lede_search::SearchQuery {
        kind: Some(lede_search::Kind::Story),
        ..Default::default()
    };
    assert_eq!(index.search(&q).unwrap().total, 1);
}

// --------------------------------------------------------------- JSON API

#[tokio::test]
async fn api_v1_versions_articles_and_feeds() {
    let app = app().await;
    let (status, v) = get_json(&app, "/api/v1/stories/1/versions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["current"], 2);
    assert_eq!(v["versions"][0]["version"], 2);
    assert_eq!(v["versions"][0]["current"], true);
    assert_eq!(v["versions"][1]["api_url"], "/api/v1/stories/1/versions/1");
    let (status, old) = get_json(&app, "/api/v1/stories/1/versions/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(old["version"], 1);
    assert!(old["dek"]["text"]
        .as_str()
        .unwrap()
        .contains("the bridge is shut"));
    for missing in [
        "/api/v1/stories/1/versions/7",
        "/api/v1/stories/1/versions/x",
        "/api/v1/stories/9/versions",
    ] {
        let (status, v) = get_json(&app, missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert!(v["error"].is_string());
    }

    let (status, list) = get_json(&app, "/api/v1/stories/1/articles").await;
    assert_eq!(status, StatusCode::OK);
    let arts = list["articles"].as_array().unwrap();
    assert_eq!(arts.len(), 3);
    let wire = arts.iter().find(|a| a["id"] == 3).unwrap();
    assert_eq!(wire["copy_of"], 1);
    assert!(arts
        .iter()
        .find(|a| a["id"] == 1)
        .unwrap()
        .get("copy_of")
        .is_none());

    let (status, a) = get_json(&app, "/api/v1/articles/2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a["outlet"], "Westport Daily");
    assert_eq!(
        a["sentences"][1],
        "Repairs are expected to take six weeks, Mayor Lena Ortiz said on Monday."
    );
    assert_eq!(a["html_url"], "/articles/2");
    let (status, _) = get_json(&app, "/api/v1/articles/99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, feeds) = get_json(&app, "/api/v1/feeds").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(feeds["feeds"], serde_json::json!([]));
    assert_eq!(feeds["published"][1]["url"], "/feed.json");
}

#[tokio::test]
async fn json_feed_of_the_front_page() {
    let app = app().await;
    let (status, ctype, body) = get(&app, "/feed.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/feed+json"));
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(v["title"], "Eastbrook Desk");
    assert_eq!(v["home_page_url"], "http://localhost/");
    assert_eq!(v["feed_url"], "http://localhost/feed.json");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item["id"], "http://localhost/stories/1");
    assert_eq!(
        item["title"],
        "Eastbrook closes Mill Street Bridge over cracks"
    );
    assert_eq!(item["date_modified"], "2010-05-24T08:00:00Z");
    assert_eq!(item["date_published"], "2010-05-23T09:00:00Z");
    let html = item["content_html"].as_str().unwrap();
    assert!(html.contains("About 12,000 vehicles cross the bridge each day."));
    assert!(html.contains(
        "Westport Daily: <a href=\"https://westportdaily.example/2010/05/24/eastbrook-bridge\">"
    ));
    // a configured public address wins over the Host header
    let app = router(state(fixture_store().await).with_base_url("https://desk.example/"));
    let (_, _, body) = get(&app, "/feed.json").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["items"][0]["url"], "https://desk.example/stories/1");
}

/// Build a validator for `#/components/schemas/{name}` of the OpenAPI document.
fn schema_validator(doc: &serde_json::Value, pointer: &str) -> jsonschema::Validator {
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": pointer,
        "components": doc["components"],
    });
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{pointer}: {e}"))
}

fn check_against(
    doc: &serde_json::Value,
    method: &str,
    path: &str,
    status: StatusCode,
    body: &serde_json::Value,
    uri: &str,
) {
    let response = &doc["paths"][path][method]["responses"][status.as_str()];
    assert!(
        response.is_object(),
        "{method} {path}: status {status} is not documented"
    );
    let schema = &response["content"]["application/json"]["schema"];
    let Some(pointer) = schema["$ref"].as_str() else {
        assert!(schema.is_object(), "{method} {path} {status}: no schema");
        return;
    };
    let validator = schema_validator(doc, pointer);
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{uri} ({pointer}): {errors:#?}\n{body:#}"
    );
}

struct FakeAdmin {
    calls: Mutex<Vec<StoryId>>,
    outcome: RewriteOutcome,
}

#[async_trait]
impl Admin for FakeAdmin {
    async fn rewrite_story(&self, id: StoryId) -> anyhow::Result<RewriteOutcome> {
        self.calls.lock().unwrap().push(id);
        Ok(self.outcome)
    }
}

async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if !body.is_empty() {
        req = req.header("content-type", "application/json");
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn openapi_document_matches_real_responses() {
    let state = search_state()
        .await
        .with_admin_token("s3cret")
        .with_admin(Arc::new(FakeAdmin {
            calls: Mutex::new(Vec::new()),
            outcome: RewriteOutcome::Rewritten { version: 3 },
        }));
    let app = router(state);
    let (status, ctype, text) = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/json"));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    // every schema compiles
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        schema_validator(&doc, &format!("#/components/schemas/{name}"));
    }

    // every documented GET path, with real ids filled in, answers as documented
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let uri = path
            .replace("{id}", "1")
            .replace("{version}", "1")
            .replace("/api/v1/search", "/api/v1/search?q=bridge");
        let (status, ctype, body) = get(&app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(ctype.starts_with("application/json"), "{uri}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        check_against(&doc, "get", path, status, &body, &uri);
        checked += 1;
    }
    assert_eq!(checked, 9);

    // more real answers, good and bad, against their documented schemas
    let cases: &[(&str, &str)] = &[
        ("/api/v1/stories", "/api/v1/stories?limit=1"),
        ("/api/v1/stories", "/api/v1/stories?min_sources=5"),
        ("/api/v1/stories", "/api/v1/stories?topic=politics"),
        ("/api/v1/stories", "/api/v1/stories?topic=gossip"),
        ("/api/v1/stories/{id}", "/api/v1/stories/2"),
        ("/api/v1/stories/{id}", "/api/v1/stories/404"),
        (
            "/api/v1/stories/{id}/versions/{version}",
            "/api/v1/stories/1/versions/2",
        ),
        (
            "/api/v1/stories/{id}/versions/{version}",
            "/api/v1/stories/1/versions/9",
        ),
        (
            "/api/v1/stories/{id}/articles",
            "/api/v1/stories/2/articles",
        ),
        ("/api/v1/articles/{id}", "/api/v1/articles/4"),
        ("/api/v1/articles/{id}", "/api/v1/articles/0"),
        (
            "/api/v1/search",
            "/api/v1/search?q=budget&kind=story&lang=en&from=2010-05-01&to=2010-05-31",
        ),
        (
            "/api/v1/search",
            "/api/v1/search?outlet=Westport+Daily&sort=newest",
        ),
        ("/api/v1/search", "/api/v1/search?from=never"),
    ];
    for (path, uri) in cases {
        let (status, _, body) = get(&app, uri).await;
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        check_against(&doc, "get", path, status, &body, uri);
    }
    // search off
    let off = app_off().await;
    let (status, _, body) = get(&off, "/api/v1/search?q=x").await;
    check_against(
        &doc,
        "get",
        "/api/v1/search",
        status,
        &serde_json::from_str(&body).unwrap(),
        "search off",
    );

    // admin answers
    let admin_cases: &[(&str, &str, Option<&str>, &str, &str)] = &[
        (
            "post",
            "/api/v1/feeds",
            Some("s3cret"),
            "{\"url\":\"https://news.example/rss\",\"title\":\"News\"}",
            "/api/v1/feeds",
        ),
        (
            "post",
            "/api/v1/feeds",
            Some("s3cret"),
            "{\"url\":\"ftp://x\"}",
            "/api/v1/feeds",
        ),
        (
            "post",
            "/api/v1/feeds",
            None,
            "{\"url\":\"https://news.example/rss\"}",
            "/api/v1/feeds",
        ),
        (
            "delete",
            "/api/v1/feeds",
            Some("s3cret"),
            "",
            "/api/v1/feeds?url=https://nowhere.example/",
        ),
        (
            "post",
            "/api/v1/stories/{id}/rewrite",
            Some("s3cret"),
            "",
            "/api/v1/stories/1/rewrite",
        ),
        (
            "post",
            "/api/v1/stories/{id}/rewrite",
            Some("wrong"),
            "",
            "/api/v1/stories/1/rewrite",
        ),
    ];
    for (method, path, token, body, uri) in admin_cases {
        let (status, _, text) = send(&app, &method.to_uppercase(), uri, *token, body).await;
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        check_against(&doc, method, path, status, &value, uri);
    }
    // GET on the feeds list now shows the new subscription, and still validates
    let (_, _, body) = get(&app, "/api/v1/feeds").await;
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["feeds"][0]["url"], "https://news.example/rss");
    check_against(
        &doc,
        "get",
        "/api/v1/feeds",
        StatusCode::OK,
        &value,
        "/api/v1/feeds",
    );
}

// ------------------------------------------------------------------- admin

#[tokio::test]
async fn admin_actions_need_the_token() {
    let admin = Arc::new(FakeAdmin {
        calls: Mutex::new(Vec::new()),
        outcome: RewriteOutcome::Rewritten { version: 3 },
    });
    // no token configured: admin is off, whatever the request says
    let off = app().await;
    let (status, _, body) = send(
        &off,
        "POST",
        "/api/v1/feeds",
        Some("anything"),
        "{\"url\":\"https://a.example/feed\"}",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("no admin token is configured"));
    let off_empty = router(state(fixture_store().await).with_admin_token(""));
    let (status, _, _) = send(
        &off_empty,
        "POST",
        "/api/v1/stories/1/rewrite",
        Some(""),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let store = fixture_store().await;
    let app = router(
        state(store.clone())
            .with_admin_token("s3cret")
            .with_admin(admin.clone()),
    );
    // missing, malformed or wrong credentials
    let (status, headers, _) = send(
        &app,
        "POST",
        "/api/v1/feeds",
        None,
        "{\"url\":\"https://a.example/feed\"}",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    for token in ["s3cre", "s3cret2", "S3CRET", " "] {
        let (status, _, _) = send(
            &app,
            "POST",
            "/api/v1/feeds",
            Some(token),
            "{\"url\":\"https://a.example/feed\"}",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token:?}");
    }
    let resp = app
        .clone()
        .oneshot(
            Request::post("/api/v1/feeds")
                .header("authorization", "Basic czNjcmV0")
                .body(Body::from("{\"url\":\"https://a.example/feed\"}"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(store.feeds.lock().unwrap().is_empty(), "nothing changed");

    // subscribe, list, unsubscribe
    let (status, _, body) = send(
        &app,
        "POST",
        "/api/v1/feeds",
        Some("s3cret"),
        "{\"url\":\" https://a.example/feed \",\"title\":\"A\"}",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let feed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(feed["url"], "https://a.example/feed");
    assert_eq!(feed["title"], "A");
    let (_, list) = get_json(&app, "/api/v1/feeds").await;
    assert_eq!(list["feeds"].as_array().unwrap().len(), 1);
    for bad in [
        "{\"url\":\"javascript:alert(1)\"}",
        "{\"url\":\"file:///etc/passwd\"}",
        "not json",
        "{\"link\":\"https://a.example\"}",
        "{\"url\":\"https://\"}",
    ] {
        let (status, _, body) = send(&app, "POST", "/api/v1/feeds", Some("s3cret"), bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (status, _, _) = send(
        &app,
        "DELETE",
        "/api/v1/feeds?url=https%3A%2F%2Fa.example%2Ffeed",
        Some("s3cret"),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = send(
        &app,
        "DELETE",
        "/api/v1/feeds?url=https%3A%2F%2Fa.example%2Ffeed",
        Some("s3cret"),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(&app, "DELETE", "/api/v1/feeds", Some("s3cret"), "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // rewrite goes through the Admin implementation
    let (status, _, body) = send(
        &app,
        "POST",
        "/api/v1/stories/1/rewrite",
        Some("s3cret"),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "{\"status\":\"rewritten\",\"version\":3}");
    let (status, _, _) = send(
        &app,
        "POST",
        "/api/v1/stories/abc/rewrite",
        Some("s3cret"),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(*admin.calls.lock().unwrap(), [1]);
    for (outcome, expected) in [
        (RewriteOutcome::Queued, StatusCode::ACCEPTED),
        (RewriteOutcome::NotFound, StatusCode::NOT_FOUND),
        (RewriteOutcome::Unchanged { version: 2 }, StatusCode::OK),
    ] {
        let app = router(
            state(fixture_store().await)
                .with_admin_token("s3cret")
                .with_admin(Arc::new(FakeAdmin {
                    calls: Mutex::new(Vec::new()),
                    outcome,
                })),
        );
        let (status, _, _) = send(
            &app,
            "POST",
            "/api/v1/stories/1/rewrite",
            Some("s3cret"),
            "",
        )
        .await;
        assert_eq!(status, expected, "{outcome:?}");
    }
    // no Admin in this process: 501
    let no_admin = router(state(fixture_store().await).with_admin_token("s3cret"));
    let (status, _, body) = send(
        &no_admin,
        "POST",
        "/api/v1/stories/1/rewrite",
        Some("s3cret"),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
    assert!(body.contains("not available"));
    // reading never needs a token
    let (status, _, _) = get(&app, "/api/v1/stories").await;
    assert_eq!(status, StatusCode::OK);
}

// ------------------------------------------------------------- the pages

/// A heavier story than the writer produces: `n` sources over two days and
/// about 600 words (twice the writer's default 300-word cap) in long,
/// doubly cited sentences, plus a timeline, quotes and related stories.
fn big_story(n: i64) -> (Story, Vec<Article>) {
    let outlets = [
        "Eastbrook Herald",
        "Westport Daily",
        "Valley Wire",
        "Harbour Notes",
        "Ridge Radio",
        "North Shore Post",
        "County Ledger",
        "Lakeside Courier",
        "Mill Town Times",
    ];
    let sentence = "The regional water board said on Tuesday that the reservoir above Eastbrook had dropped to forty-one percent of capacity, the lowest level recorded since the dam was completed, and that restrictions on garden watering would begin next week.";
    let articles: Vec<Article> = (1..=n)
        .map(|i| {
            article(
                i,
                outlets[i as usize % outlets.len()],
                &format!("Reservoir falls to record low as board weighs restrictions, report {i}"),
                &format!(
                    "https://{}.example/2010/05/reservoir-{i}",
                    outlets[i as usize % outlets.len()]
                        .to_lowercase()
                        .replace(' ', "")
                ),
                at(20, 0) + Duration::minutes(47 * i),
                &[&[sentence, sentence, sentence, sentence]],
            )
        })
        .collect();
    let cite = |k: i64| {
        vec![
            lede_model::Citation {
                article: 1 + k % n,
                sentence: (k % 4) as usize,
            },
            lede_model::Citation {
                article: 1 + (k * 7) % n,
                sentence: ((k + 1) % 4) as usize,
            },
        ]
    };
    let para = |start: i64, len: i64| Paragraph {
        date: None,
        sentences: (start..start + len)
            .map(|k| CitedSentence::new(sentence, cite(k)))
            .collect(),
    };
    let story = Story {
        id: 1,
        version: 4,
        updated: at(22, 0),
        headline: CitedSentence::new("Eastbrook reservoir falls to a record low", cite(0)),
        dek: CitedSentence::new(sentence, cite(1)),
        lede: para(2, 2),
        body: (0..4).map(|p| para(4 + p * 3, 3)).collect(),
        sections: vec![
            lede_model::Section {
                heading: "Timeline".to_string(),
                kind: lede_model::SectionKind::Timeline,
                paragraphs: (0..6)
                    .map(|d| Paragraph {
                        date: NaiveDate::from_ymd_opt(2010, 5, 10 + d),
                        sentences: vec![CitedSentence::new(sentence, cite(40 + d as i64))],
                    })
                    .collect(),
            },
            lede_model::Section {
                heading: "Who said what".to_string(),
                kind: lede_model::SectionKind::Quotes,
                paragraphs: (0..6).map(|q| para(50 + q, 1)).collect(),
            },
        ],
        articles: articles.iter().map(|a| a.id).collect(),
        sources: articles
            .iter()
            .map(|a| source(a, (a.id % 5 == 0).then_some(a.id - 1)))
            .collect(),
        independent_sources: (n - n / 5) as usize,
        related: (2..7)
            .map(|i| lede_model::RelatedStory {
                id: i,
                headline: "Eastbrook council debates a new water tariff for the summer months"
                    .to_string(),
                teaser: sentence.to_string(),
            })
            .collect(),
        first_published: articles.first().and_then(|a| a.published),
        last_published: articles.last().and_then(|a| a.published),
        note: lede_model::MACHINE_NOTE.to_string(),
        change_note: "Added three sources.".to_string(),
        ..Default::default()
    };
    (story, articles)
}

#[tokio::test]
async fn story_page_weighs_under_100_kb() {
    let store = Arc::new(FakeStore::default());
    let (story, articles) = big_story(60);
    for a in &articles {
        store.insert_article(a).await.unwrap();
    }
    store.save_story(&story).await.unwrap();
    let app = router(state(store));
    let (status, _, page) = get(&app, "/stories/1").await;
    assert_eq!(status, StatusCode::OK);
    if let Ok(dir) = std::env::var("LEDE_DUMP_DIR") {
        std::fs::write(format!("{dir}/big.html"), &page).unwrap();
    }
    // the story really is big: every source, many citations, a full chart
    assert!(page.matches("<li id=\"fn-").count() >= 40, "footnotes");
    assert!(page.matches("class=\"outlet\"").count() == 60);
    assert!(page.matches("<rect ").count() >= 20);
    let (_, _, css) = get(&app, "/static/style.css").await;
    let weight = page.len() + css.len();
    assert!(
        weight < 100_000,
        "story page with its stylesheet weighs {weight} bytes"
    );
    assert!(!page.contains("<img"), "no images");
    assert!(!page.contains("<script"), "no scripts");
}

/// The heading levels of a page in order, e.g. [1, 2, 2, 3].
fn heading_levels(page: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let bytes = page.as_bytes();
    for (i, w) in bytes.windows(3).enumerate() {
        if w[0] == b'<' && (w[1] == b'h' || w[1] == b'H') && w[2].is_ascii_digit() {
            let next = bytes.get(i + 3).copied().unwrap_or(b' ');
            if next == b'>' || next == b' ' {
                out.push(w[2] - b'0');
            }
        }
    }
    out
}

#[tokio::test]
async fn pages_are_accessible() {
    let state = search_state().await;
    let store = state.store.clone();
    let (big, arts) = big_story(12);
    let mut big = big;
    big.id = 9;
    big.version = 1;
    for mut a in arts {
        a.id += 100;
        store.insert_article(&a).await.unwrap();
    }
    big.articles = big.articles.iter().map(|i| i + 100).collect();
    for s in &mut big.sources {
        s.article += 100;
        s.copy_of = s.copy_of.map(|c| c + 100);
    }
    store.save_story(&big).await.unwrap();
    let app = router(state);
    for uri in [
        "/",
        "/stories",
        "/stories/1",
        "/stories/2",
        "/stories/9",
        "/stories/1/history",
        "/stories/1/versions/1",
        "/articles/1",
        "/articles/4",
        "/search",
        "/search?q=bridge",
        "/nowhere",
    ] {
        let (_, _, page) = get(&app, uri).await;
        let levels = heading_levels(&page);
        assert_eq!(
            levels.iter().filter(|l| **l == 1).count(),
            1,
            "{uri}: one h1"
        );
        assert_eq!(levels.first(), Some(&1), "{uri}: h1 first");
        for w in levels.windows(2) {
            assert!(
                w[1] <= w[0] + 1,
                "{uri}: heading jumps from h{} to h{}: {levels:?}",
                w[0],
                w[1]
            );
        }
        assert!(page.contains("<html lang=\"en\">"), "{uri}");
        assert!(page.contains("<main id=\"main\">"), "{uri}");
        assert!(page.contains("class=\"skip\" href=\"#main\""), "{uri}");
        // every image has alt text; every inline SVG is labelled
        assert_eq!(
            page.matches("<img").count(),
            page.matches("<img alt=").count(),
            "{uri}"
        );
        assert_eq!(
            page.matches("<svg").count(),
            page.matches("role=\"img\" aria-labelledby=").count(),
            "{uri}"
        );
        // every form control has a label
        for id in ["q", "outlet", "lang", "from", "to", "kind", "sort"] {
            if page.contains(&format!("id=\"{id}\" name=")) {
                assert!(
                    page.contains(&format!("<label for=\"{id}\">")),
                    "{uri}: {id}"
                );
            }
        }
    }
    let (_, _, big_page) = get(&app, "/stories/9").await;
    assert!(big_page.contains("<desc id=\"cov-d\">12 articles from 9 outlets"));
}

/// WCAG relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let c = |i: usize| {
        let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The `--name: #rrggbb` values of the first `:root` block at or after `from`.
fn css_vars(css: &str, from: usize) -> HashMap<String, String> {
    let start = from + css[from..].find(":root {").unwrap();
    let end = start + css[start..].find('}').unwrap();
    // Drop comments: they may hold colons.
    let mut block = String::new();
    let mut rest = &css[start + ":root {".len()..end];
    while let Some(i) = rest.find("/*") {
        block.push_str(&rest[..i]);
        rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
    }
    block.push_str(rest);
    block
        .split(';')
        .filter_map(|decl| {
            let (k, v) = decl.split_once(':')?;
            let k = k.trim().rsplit(char::is_whitespace).next()?.trim();
            let v = v.trim();
            (k.starts_with("--") && v.starts_with('#') && v.len() == 7)
                .then(|| (k.to_string(), v.to_string()))
        })
        .collect()
}

#[test]
fn colours_have_enough_contrast_in_both_schemes() {
    let css = crate::STYLE_CSS;
    let light = css_vars(css, 0);
    let dark = css_vars(css, css.find("prefers-color-scheme: dark").unwrap());
    for (scheme, vars) in [("light", &light), ("dark", &dark)] {
        let bg = &vars["--bg"];
        // text: 7:1 for body text, 4.5:1 for the rest (WCAG AA)
        assert!(contrast(&vars["--fg"], bg) >= 7.0, "{scheme} fg");
        for text in ["--muted", "--link", "--visited", "--accent"] {
            assert!(
                contrast(&vars[text], bg) >= 4.5,
                "{scheme} {text}: {:.2}",
                contrast(&vars[text], bg)
            );
            assert!(
                contrast(&vars[text], &vars["--card"]) >= 4.5,
                "{scheme} {text} on card"
            );
        }
        assert!(
            contrast(&vars["--fg"], &vars["--mark-bg"]) >= 4.5,
            "{scheme} highlighted text"
        );
        // chart colours: 3:1 against the page (WCAG non-text contrast)
        for c in ["--c0", "--c1", "--c2", "--c3", "--c4", "--c5", "--co"] {
            assert!(
                contrast(&vars[c], bg) >= 3.0,
                "{scheme} {c}: {:.2}",
                contrast(&vars[c], bg)
            );
        }
    }
}

// ------------------------------------------------------------ front page

fn ranked_story(id: StoryId, sources: usize, hours_before: i64) -> Story {
    let when = at(24, 12) - Duration::hours(hours_before);
    Story {
        id,
        version: 1,
        updated: when,
        headline: CitedSentence::new(format!("Story {id} with {sources} sources"), vec![]),
        independent_sources: sources,
        first_published: Some(when),
        last_published: Some(when),
        ..Default::default()
    }
}

#[tokio::test]
async fn front_page_ranks_by_sources_and_freshness() {
    let store = Arc::new(FakeStore::default());
    for s in [
        ranked_story(1, 2, 0),   // newest, two sources
        ranked_story(2, 10, 20), // yesterday, ten sources
        ranked_story(3, 3, 72),  // three days old
        ranked_story(4, 1, 0),   // single source: not on the front page
        ranked_story(5, 4, 1),   // an hour old, four sources
    ] {
        store.save_story(&s).await.unwrap();
    }
    let app = router(state(store));
    let (_, _, page) = get(&app, "/").await;
    let pos = |id: i64| {
        page.find(&format!("href=\"/stories/{id}\""))
            .unwrap_or(usize::MAX)
    };
    assert!(
        pos(5) < pos(2),
        "four sources an hour ago before ten yesterday"
    );
    assert!(pos(2) < pos(1), "ten sources yesterday before two just now");
    assert!(
        pos(1) < pos(3),
        "two just now before three from three days ago"
    );
    assert_eq!(pos(4), usize::MAX);
    // the all-stories list stays newest first
    let (_, _, all) = get(&app, "/stories").await;
    let apos = |id: i64| all.find(&format!("href=\"/stories/{id}\"")).unwrap();
    assert!(apos(1) < apos(5) && apos(5) < apos(2) && apos(2) < apos(3));
}

#[test]
fn rank_scores() {
    use crate::rank::score;
    assert!(score(10, 24.0) > score(2, 1.0));
    assert!(score(2, 0.0) > score(3, 72.0));
    assert!(score(5, 0.0) > score(4, 0.0));
    assert_eq!(score(3, -5.0), score(3, 0.0));
    assert!(
        (score(3, 24.0) * 2.0 - score(3, 0.0)).abs() < 1e-9,
        "halves in a day"
    );
}

// ------------------------------------------------------------------ chart

fn src(id: ArticleId, outlet: &str, t: Option<chrono::DateTime<Utc>>) -> SourceRef {
    SourceRef {
        article: id,
        url: String::new(),
        outlet: outlet.to_string(),
        title: String::new(),
        published: t,
        copy_of: None,
        paywalled: None,
    }
}

#[test]
fn coverage_chart_counts_per_hour_by_outlet() {
    use crate::chart::coverage;
    let t = |h: u32, m: u32| Some(Utc.with_ymd_and_hms(2010, 5, 23, h, m, 0).unwrap());
    assert!(coverage(&[]).is_none());
    assert!(coverage(&[src(1, "A", t(9, 0)), src(2, "B", None)]).is_none());
    let c = coverage(&[
        src(1, "Herald", t(9, 5)),
        src(2, "Herald", t(9, 50)),
        src(3, "Daily", t(9, 30)),
        src(4, "Daily", t(11, 0)),
        src(5, "Herald", t(11, 59)),
        src(6, "Wire", None),
    ])
    .unwrap();
    assert_eq!(c.bucket, "per hour");
    assert_eq!(c.max, 3, "09:00-10:00 holds three");
    assert_eq!(c.untimed, 1);
    // bars: 09 (Herald 2 + Daily 1), 11 (Daily 1 + Herald 1); 10 is empty
    assert_eq!(c.rects.len(), 4);
    let herald: Vec<&str> = c
        .rects
        .iter()
        .filter(|r| r.class == "c0")
        .map(|r| r.h.as_str())
        .collect();
    assert_eq!(herald, ["80.0", "40.0"]);
    assert_eq!(
        c.legend
            .iter()
            .map(|l| (l.outlet.as_str(), l.count))
            .collect::<Vec<_>>(),
        [("Herald", 3), ("Daily", 2)]
    );
    assert!(c.desc.starts_with("5 articles from 2 outlets between May 23, 2010 09:05 UTC and May 23, 2010 11:59 UTC, counted per hour; the busiest was May 23, 09:00 with 3."));
    assert_eq!(c.ticks[0].text, "May 23 09:00");

    // a week of coverage is counted in coarser buckets; more than six outlets share a colour
    let many: Vec<SourceRef> = (0..40)
        .map(|i| {
            src(
                i,
                &format!("Outlet {}", i % 9),
                Some(Utc.with_ymd_and_hms(2010, 5, 1, 0, 0, 0).unwrap() + Duration::hours(i * 5)),
            )
        })
        .collect();
    let c = coverage(&many).unwrap();
    assert_eq!(c.bucket, "per 6 hours");
    assert!(c.rects.iter().all(|r| r.x.parse::<f64>().unwrap() < 636.0));
    assert_eq!(c.legend.len(), 7);
    assert_eq!(c.legend[6].outlet, "3 other outlets");
    assert_eq!(c.legend.iter().map(|l| l.count).sum::<usize>(), 40);
    assert!(c.rects.iter().any(|r| r.class == "co"));
}

// ----------------------------------------------------------------- export

#[tokio::test]
async fn export_writes_a_static_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let st = search_state().await.with_admin_token("s3cret");
    let report = crate::export(&st, &out).await.unwrap();
    assert_eq!(report.stories, 2);
    assert_eq!(report.versions, 3);
    assert_eq!(report.articles, 4);
    // front page, all stories, and one page per topic
    assert_eq!(report.list_pages, 2 + lede_model::Topic::ALL.len());
    assert_eq!(report.out, out);
    let read =
        |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    for rel in [
        "index.html",
        "stories/index.html",
        "stories/1/index.html",
        "stories/1/history/index.html",
        "stories/1/versions/1/index.html",
        "stories/1/versions/2/index.html",
        "stories/2/index.html",
        "articles/1/index.html",
        "articles/4/index.html",
        "search/index.html",
        "status/index.html",
        "404.html",
        "feed.atom",
        "feed.json",
        "static/style.css",
        "api/v1/openapi.json",
        "api/v1/feeds.json",
        "api/v1/stories.json",
        "api/v1/stories/1.json",
        "api/v1/stories/1/versions.json",
        "api/v1/stories/1/versions/1.json",
        "api/v1/stories/1/articles.json",
        "api/v1/articles/4.json",
        "topics/politics/index.html",
        "topics/sport/index.html",
        "topics/politics.atom",
        "topics/politics.json",
    ] {
        assert!(out.join(rel).is_file(), "{rel}");
    }
    assert!(read("topics/politics/index.html").contains("/stories/2"));
    let politics = atom_syndication::Feed::from_str(&read("topics/politics.atom")).unwrap();
    assert_eq!(politics.entries.len(), 1);
    // the same pages the live site serves
    let app = router(st.clone());
    let (_, _, live) = get(&app, "/stories/1").await;
    assert_eq!(read("stories/1/index.html"), live);
    assert!(read("index.html").contains("Mill Street Bridge"));
    assert!(read("404.html").contains("Page not found"));
    // no search and no admin in a static copy
    assert!(read("search/index.html").contains("Search is off on this site."));
    let stories: serde_json::Value = serde_json::from_str(&read("api/v1/stories.json")).unwrap();
    assert_eq!(stories["stories"].as_array().unwrap().len(), 2);
    let feed = atom_syndication::Feed::from_str(&read("feed.atom")).unwrap();
    assert_eq!(feed.entries[0].id, "http://localhost/stories/1");
    let files = walk(&out);
    assert_eq!(files.len(), report.files);
    assert_eq!(
        files
            .iter()
            .map(|f| std::fs::metadata(f).unwrap().len())
            .sum::<u64>(),
        report.bytes
    );

    // exporting again replaces the old copy: a stale file goes, nothing is left over
    std::fs::write(out.join("stale.html"), "old").unwrap();
    let st = st.with_base_url("https://desk.example");
    let again = crate::export(&st, &out).await.unwrap();
    assert_eq!(again.files, report.files);
    assert!(!out.join("stale.html").exists());
    assert!(!dir.path().join("site.partial").exists());
    assert!(!dir.path().join("site.old").exists());
    assert!(read("feed.json").contains("https://desk.example/stories/1"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn unknown_api_paths_answer_json() {
    let app = app().await;
    for uri in [
        "/api/v1/nothing",
        "/api/v2/stories",
        "/api/v1/stories/1/zzz",
    ] {
        let (status, v) = get_json(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            v["error"].as_str().unwrap().contains("no API endpoint"),
            "{uri}"
        );
    }
}

/// The micro-cache: a second read is served from memory, a store change shows
/// once the entry expires or at once after an admin action, and only
/// anonymous successful reads are kept.
#[tokio::test]
async fn page_cache_serves_reads_and_clears_on_admin_actions() {
    let store = fixture_store().await;
    let app = router(
        state(store.clone())
            .with_admin_token("s3cret")
            .with_page_cache(std::time::Duration::from_secs(3600)),
    );
    let cache_of = |h: &axum::http::HeaderMap| {
        h.get(crate::CACHE_HEADER)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (status, h1, story1) = send(&app, "GET", "/stories/1", None, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache_of(&h1).as_deref(), Some("miss"));
    let (_, h2, story2) = send(&app, "GET", "/stories/1", None, "").await;
    assert_eq!(cache_of(&h2).as_deref(), Some("hit"));
    assert_eq!(story1, story2);
    assert_eq!(h1.get("content-type"), h2.get("content-type"));
    // Another query string is another page.
    let (_, h, _) = send(&app, "GET", "/stories/1?x=1", None, "").await;
    assert_eq!(cache_of(&h).as_deref(), Some("miss"));
    // Not found is never kept.
    for _ in 0..2 {
        let (status, h, _) = send(&app, "GET", "/stories/999", None, "").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(cache_of(&h), None);
    }
    // A request with credentials is always rendered.
    let (_, h, _) = send(&app, "GET", "/stories/1", Some("s3cret"), "").await;
    assert_eq!(cache_of(&h), None);

    // A change behind the site's back waits for expiry...
    let (_, _, before) = send(&app, "GET", "/api/v1/feeds", None, "").await;
    store
        .add_feed("https://quiet.example/feed", Some("Quiet Gazette"))
        .await
        .unwrap();
    let (_, h, stale) = send(&app, "GET", "/api/v1/feeds", None, "").await;
    assert_eq!(cache_of(&h).as_deref(), Some("hit"));
    assert_eq!(stale, before);
    // ...while an admin action clears the cache at once.
    let (status, _, _) = send(
        &app,
        "POST",
        "/api/v1/feeds",
        Some("s3cret"),
        "{\"url\":\"https://loud.example/feed\"}",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, h, fresh) = send(&app, "GET", "/api/v1/feeds", None, "").await;
    assert_eq!(cache_of(&h).as_deref(), Some("miss"));
    assert!(fresh.contains("quiet.example") && fresh.contains("loud.example"));
    // A refused admin action changes nothing and clears nothing.
    let (status, _, _) = send(&app, "POST", "/api/v1/feeds", Some("wrong"), "{}").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, h, _) = send(&app, "GET", "/api/v1/feeds", None, "").await;
    assert_eq!(cache_of(&h).as_deref(), Some("hit"));
}

#[tokio::test]
async fn page_cache_entries_expire() {
    let store = fixture_store().await;
    let app = router(state(store.clone()).with_page_cache(std::time::Duration::from_millis(20)));
    let (_, _, before) = send(&app, "GET", "/api/v1/feeds", None, "").await;
    store
        .add_feed("https://quiet.example/feed", None)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (_, h, after) = send(&app, "GET", "/api/v1/feeds", None, "").await;
    assert_eq!(h.get(crate::CACHE_HEADER).unwrap(), "miss");
    assert_ne!(before, after);
    // Without a cache nothing says hit or miss.
    let plain = router(state(store));
    let (_, h, _) = send(&plain, "GET", "/api/v1/feeds", None, "").await;
    assert!(h.get(crate::CACHE_HEADER).is_none());
}

/// Sections: the front page's topic blocks, each topic's page and feeds, the
/// header's links, and the API's topic filter.
#[tokio::test]
async fn topics_have_sections_pages_feeds_and_an_api_filter() {
    let app = app().await;
    let (_, _, front) = get(&app, "/").await;
    // Story 2 (politics, one source) is not a top story but heads its section;
    // its hostile headline stays text.
    assert!(
        front.contains("<h2 id=\"topic-politics\"><a href=\"/topics/politics\">Politics</a></h2>")
    );
    assert!(front.contains("More Politics →"));
    assert!(
        !front.contains("id=\"topic-sport\""),
        "empty sections are left out"
    );
    assert_safe(&front);
    for t in lede_model::Topic::ALL {
        assert!(
            front.contains(&format!("href=\"/topics/{}\"", t.slug())),
            "{t:?} in the header"
        );
    }
    // Later front pages have no sections.
    let (_, _, page2) = get(&app, "/page/2").await;
    assert!(!page2.contains("<div class=\"sections\">"));

    let (status, _, politics) = get(&app, "/topics/politics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(politics.contains("<title>Politics · Eastbrook Desk</title>"));
    assert!(politics.contains("href=\"/stories/2\""));
    assert!(!politics.contains("href=\"/stories/1\""));
    assert!(politics.contains("href=\"/topics/politics.atom\""));
    assert_safe(&politics);
    let (status, _, sport) = get(&app, "/topics/sport").await;
    assert_eq!(status, StatusCode::OK);
    assert!(sport.contains("No stories have been filed under Sport yet."));
    let (status, _, later) = get(&app, "/topics/politics/page/2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(later.contains("rel=\"prev\" href=\"/topics/politics\""));
    for bad in [
        "/topics/gossip",
        "/topics/gossip.atom",
        "/topics/politics/page/0",
        "/topics/politics/page/x",
    ] {
        let (status, _, _) = get(&app, bad).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }

    let (status, ctype, atom) = get(&app, "/topics/politics.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/atom+xml"));
    let feed = atom_syndication::Feed::from_str(&atom).unwrap();
    assert_eq!(feed.title.as_str(), "Eastbrook Desk · Politics");
    assert_eq!(feed.entries.len(), 1);
    let (status, ctype, json) = get(&app, "/topics/politics.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/feed+json"));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 1);
    assert_eq!(json["feed_url"], "http://localhost/topics/politics.json");
    let (_, _, empty) = get(&app, "/topics/sport.json").await;
    let empty: serde_json::Value = serde_json::from_str(&empty).unwrap();
    assert!(empty["items"].as_array().unwrap().is_empty());

    let (status, list) = get_json(&app, "/api/v1/stories?topic=politics").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<i64> = list["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![2]);
    assert_eq!(list["stories"][0]["topic"], "politics");
    let (_, all) = get_json(&app, "/api/v1/stories").await;
    assert!(all["stories"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["topic"].is_null()));
    let (status, err) = get_json(&app, "/api/v1/stories?topic=gossip").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["error"].as_str().unwrap().contains("politics"));
}

/// Feeds in three states for the status page and metrics: one working, one
/// failing for an hour, one failing for a week (dead), whose error text is hostile.
fn feeds_in_every_state(store: &FakeStore) {
    let now = Utc::now();
    let mut feeds = store.feeds.lock().unwrap();
    feeds.push(lede_model::Feed {
        id: 1,
        url: "https://herald.example/feed".into(),
        title: Some("Eastbrook Herald".into()),
        last_fetched: Some(now - Duration::minutes(5)),
        ..Default::default()
    });
    feeds.push(lede_model::Feed {
        id: 2,
        url: "https://westport.example/rss".into(),
        last_fetched: Some(now - Duration::minutes(10)),
        last_error: Some("HTTP 503".into()),
        error_count: 2,
        failing_since: Some(now - Duration::hours(1)),
        ..Default::default()
    });
    feeds.push(lede_model::Feed {
        id: 3,
        url: "https://gone.example/<script>alert(1)</script>".into(),
        last_error: Some("<img src=x onerror=alert(1)>".into()),
        error_count: 40,
        failing_since: Some(now - Duration::days(7)),
        ..Default::default()
    });
}

#[tokio::test]
async fn status_page_shows_counts_and_feed_health() {
    let store = fixture_store().await;
    feeds_in_every_state(&store);
    let app = router(state(store).with_page_cache(std::time::Duration::from_secs(60)));
    let (status, headers, page) = send(&app, "GET", "/status", None, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    assert!(headers.get(crate::CACHE_HEADER).is_none(), "never cached");
    assert!(page.contains("<h1 id=\"status-heading\">Status</h1>"));
    assert!(page.contains("3 (1 ok, 1 failing, 1 dead)"), "{page}");
    assert!(page.contains("articles to cluster"));
    // Dead first, then failing, then working.
    let dead = page.find("gone.example").unwrap();
    let failing = page.find("westport.example").unwrap();
    let ok = page.find("herald.example/feed").unwrap();
    assert!(dead < failing && failing < ok);
    assert!(page.contains("HTTP 503"));
    assert!(
        page.contains("&#60;img src=x onerror=alert(1)&#62;"),
        "{page}"
    );
    assert_safe(&page);
    assert!(!page.contains("<img src=x"));
}

#[tokio::test]
async fn metrics_speak_prometheus() {
    let store = fixture_store().await;
    feeds_in_every_state(&store);
    let app = router(state(store).with_page_cache(std::time::Duration::from_secs(60)));
    // Two reads of one page: a miss, then a hit.
    send(&app, "GET", "/stories/1", None, "").await;
    send(&app, "GET", "/stories/1", None, "").await;
    let (status, headers, text) = send(&app, "GET", "/metrics", None, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let value = |series: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{series} missing:\n{text}"))
    };
    assert_eq!(value("lede_stories"), 2.0);
    assert_eq!(value("lede_articles"), 4.0);
    assert_eq!(value("lede_feeds{health=\"ok\"}"), 1.0);
    assert_eq!(value("lede_feeds{health=\"failing\"}"), 1.0);
    assert_eq!(value("lede_feeds{health=\"dead\"}"), 1.0);
    assert_eq!(value("lede_http_requests_total{cache=\"hit\"}"), 1.0);
    assert_eq!(value("lede_http_requests_total{cache=\"miss\"}"), 1.0);
    // Every sample line belongs to a family declared with HELP and TYPE.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let name = line.split(['{', ' ']).next().unwrap();
        assert!(text.contains(&format!("# TYPE {name} ")), "{line}");
        assert!(text.contains(&format!("# HELP {name} ")), "{line}");
    }
    // The metrics themselves are never cached.
    let (_, headers, _) = send(&app, "GET", "/metrics", None, "").await;
    assert!(headers.get(crate::CACHE_HEADER).is_none());
}

/// A HEAD request never leaves an empty page in the cache for later GETs.
#[tokio::test]
async fn head_requests_do_not_poison_the_page_cache() {
    let app =
        router(state(fixture_store().await).with_page_cache(std::time::Duration::from_secs(3600)));
    let (status, _, body) = send(&app, "HEAD", "/stories/1", None, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty(), "HEAD has no body");
    let (status, _, page) = send(&app, "GET", "/stories/1", None, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Mill Street Bridge"),
        "GET after HEAD: {page:?}"
    );
}

/// A source whose page says it is paywalled carries a badge in the sources panel.
#[tokio::test]
async fn paywalled_sources_are_marked() {
    let app = app().await;
    let (_, _, page) = get(&app, "/stories/1").await;
    let westport = page
        .split("<li>")
        .find(|li| li.contains("Eastbrook shuts its busiest bridge"))
        .expect("Westport Daily in the sources panel");
    assert!(
        westport.contains("<span class=\"paywall\">paywall</span>"),
        "{westport}"
    );
    let herald = page
        .split("<li>")
        .find(|li| li.contains("<span class=\"outlet\">The Eastbrook Herald</span>"))
        .expect("the Herald in the sources panel");
    assert!(!herald.contains("paywall"), "{herald}");
    // The API says so too.
    let (_, story) = get_json(&app, "/api/v1/stories/1").await;
    let sources = story["sources"].as_array().unwrap();
    assert!(sources.iter().any(|s| s["paywalled"] == true));
}
