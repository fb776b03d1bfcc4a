//! Contract test of the LLM writer's wire format.
//!
//! Each test starts a small OpenAI-compatible chat completions server on
//! loopback that records the requests it gets and answers with canned replies
//! written for this test (a good story, citations of sentences that do not
//! exist, a reply that is not a story, HTTP 500, a reply that never comes).
//! It checks what the writer sends (POST /v1/chat/completions, model,
//! messages, the key header) and how it reads what comes back. It is a test of
//! the protocol and the parser, not of any model.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{TimeZone, Utc};
use lede_model::{Analysis, Article, Citation, Story};
use lede_write::{
    ExtractiveWriter, FallbackReason, LlmConfig, LlmError, LlmWriter, StoryInput, Writer,
    WriterConfig,
};
use serde_json::{json, Value};

/// What the server answers.
#[derive(Clone, Copy)]
enum Reply {
    /// A well-formed story citing real sentence numbers (plus one uncited sentence).
    Good,
    /// A story whose headline and dek cite numbers the prompt never gave.
    BadNumbers,
    /// A story in which no sentence cites a real number.
    OnlyBadNumbers,
    /// A chat completion whose message is not a story.
    NotAStory,
    /// A body that is not a chat completion.
    NotACompletion,
    /// HTTP 500.
    ServerError,
    /// No answer for longer than the client waits.
    Slow,
}

/// One request as the server saw it.
#[derive(Clone)]
struct Seen {
    authorization: Option<String>,
    body: Value,
}

struct Server {
    reply: Reply,
    seen: Mutex<Vec<Seen>>,
}

/// Start the server; returns its base URL (with `/v1`) and its state.
async fn start(reply: Reply) -> (String, Arc<Server>) {
    let state = Arc::new(Server {
        reply,
        seen: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/v1/chat/completions", post(complete))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}/v1"), state)
}

/// The number the prompt gave the source sentence containing `needle`.
fn number_of(prompt: &str, needle: &str) -> usize {
    prompt
        .lines()
        .find(|l| l.starts_with('[') && l.contains(needle))
        .and_then(|l| l[1..].split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no numbered sentence contains {needle:?}"))
}

fn completion(content: &str) -> Response {
    Json(json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "test",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop"
        }]
    }))
    .into_response()
}

async fn complete(State(server): State<Arc<Server>>, headers: HeaderMap, body: String) -> Response {
    let body: Value = serde_json::from_str(&body).expect("the request body is JSON");
    server.seen.lock().unwrap().push(Seen {
        authorization: headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_string()),
        body: body.clone(),
    });
    let prompt = body["messages"][1]["content"].as_str().unwrap_or_default();
    match server.reply {
        Reply::Good => {
            let closed = number_of(prompt, "Eastbrook closed the Miller Bridge");
            let cracks = number_of(prompt, "Inspectors found deep cracks");
            let cost = number_of(prompt, "repairs could take six weeks and cost");
            let ferries = number_of(prompt, "Eastbrook added two ferries");
            let mayor = number_of(prompt, "Nobody will cross that bridge");
            let traffic = number_of(prompt, "carries about 40,000 vehicles");
            completion(&format!(
                "<think>The bridge story.</think>\n\
**HEADLINE:** Eastbrook closes Miller Bridge over cracked supports [{closed}][{cracks}]\n\
**DEK:** Eastbrook closed the Miller Bridge on Saturday after inspectors found deep cracks in two steel supports [{closed}, {cracks}].\n\
**LEDE:** Repairs could take six weeks and cost $12 million, city engineer Tomas Reyes said. [{cost}] Eastbrook added two ferries across the Tallow River on Monday. [{ferries}]\n\
**BODY:**\n\
Mayor Lena Ortiz said: \"Nobody will cross that bridge until engineers tell me it is safe.\" [{mayor}]\n\
\n\
The bridge carries about 40,000 vehicles a day. [{traffic}] Drivers are angry about the closure.\n"
            ))
        }
        Reply::BadNumbers => {
            let ferries = number_of(prompt, "Eastbrook added two ferries");
            completion(&format!(
                "HEADLINE: Eastbrook bridge shut for a year [998]\n\
DEK: The Miller Bridge will stay shut for a year. [999]\n\
LEDE: Eastbrook added two ferries across the Tallow River on Monday. [{ferries}][1000]\n\
BODY:\n"
            ))
        }
        Reply::OnlyBadNumbers => completion(
            "HEADLINE: Bridge shut [500]\nDEK: The Miller Bridge will stay shut. [501]\nLEDE: It is closed. [0]\n",
        ),
        Reply::NotAStory => completion("I cannot help with that request."),
        Reply::NotACompletion => Json(json!({"status": "ok"})).into_response(),
        Reply::ServerError => {
            (StatusCode::INTERNAL_SERVER_ERROR, "model is not loaded").into_response()
        }
        Reply::Slow => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            completion("HEADLINE: too late [1]")
        }
    }
}

fn article(id: i64, outlet: &str, day: u32, title: &str, sentences: &[&str]) -> Article {
    Article {
        id,
        url: format!(
            "https://{}.example/{id}",
            outlet.to_lowercase().replace(' ', "-")
        ),
        outlet: outlet.into(),
        title: title.into(),
        published: Some(Utc.with_ymd_and_hms(2031, 3, day, 8, 0, 0).unwrap()),
        ..Default::default()
    }
    .with_sentences(sentences)
}

/// A fictional story told by three fictional outlets.
fn articles() -> Vec<Article> {
    vec![
        article(1, "Eastbrook Herald", 8, "Eastbrook closes Miller Bridge after inspectors find cracks", &[
            "Eastbrook closed the Miller Bridge to all traffic on Saturday after inspectors found deep cracks in two of its steel supports.",
            "The bridge carries about 40,000 vehicles a day across the Tallow River.",
            "Mayor Lena Ortiz said: \"Nobody will cross that bridge until engineers tell me it is safe.\"",
        ]),
        article(2, "Westport Daily", 9, "Miller Bridge closure snarls Eastbrook traffic", &[
            "Traffic backed up for miles on Sunday as commuters searched for routes around the closed Miller Bridge in Eastbrook.",
            "Inspectors found deep cracks in two steel supports of the Miller Bridge on Saturday, the city said.",
            "City engineer Tomas Reyes said repairs could take six weeks and cost $12 million.",
        ]),
        article(3, "Tallow Valley News", 10, "Eastbrook adds ferries as bridge stays shut", &[
            "Eastbrook added two ferries across the Tallow River on Monday while the Miller Bridge stays closed for repairs.",
            "The city said repairs to the cracked supports could take six weeks.",
        ]),
    ]
}

fn config(base_url: String, model: &str) -> LlmConfig {
    LlmConfig {
        base_url,
        model: model.into(),
        timeout_secs: 1,
        max_tokens: 700,
        ..LlmConfig::default()
    }
}

fn writer(config: LlmConfig) -> LlmWriter {
    LlmWriter::new(config, WriterConfig::default()).expect("a valid config")
}

/// Run `f` with the story input of the fixture.
fn with_input<T>(f: impl FnOnce(&StoryInput) -> T) -> T {
    let articles = articles();
    let analyses: Vec<Analysis> = articles
        .iter()
        .map(|a| Analysis {
            article: a.id,
            ..Default::default()
        })
        .collect();
    let copies = HashMap::new();
    f(&StoryInput {
        id: 11,
        articles: &articles,
        analyses: &analyses,
        copies: &copies,
        previous: None,
        now: Utc.with_ymd_and_hms(2031, 3, 10, 12, 0, 0).unwrap(),
    })
}

async fn draft(writer: &LlmWriter) -> Result<Story, LlmError> {
    let articles = articles();
    let analyses: Vec<Analysis> = Vec::new();
    let copies = HashMap::new();
    let input = StoryInput {
        id: 11,
        articles: &articles,
        analyses: &analyses,
        copies: &copies,
        previous: None,
        now: Utc.with_ymd_and_hms(2031, 3, 10, 12, 0, 0).unwrap(),
    };
    writer.draft(&input).await
}

fn cites(article: i64, sentence: usize) -> Citation {
    Citation { article, sentence }
}

#[tokio::test]
async fn sends_an_openai_chat_request() {
    let (url, server) = start(Reply::Good).await;
    draft(&writer(config(url, "news-writer-7b"))).await.unwrap();
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let body = &seen[0].body;
    assert_eq!(body["model"], "news-writer-7b");
    assert_eq!(body["max_tokens"], 700);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["role"], "user");
    let prompt = body["messages"][1]["content"].as_str().unwrap();
    // Numbered sentences under their outlet and date.
    assert!(prompt.contains("Article: Eastbrook Herald, 2031-03-08"));
    assert!(prompt.contains("Article: Tallow Valley News, 2031-03-10"));
    assert!(prompt.contains("[1] Eastbrook closed the Miller Bridge"));
    assert!(prompt.contains("HEADLINE:") && prompt.contains("[3][7]"));
    // No key configured: no key sent.
    assert_eq!(seen[0].authorization, None);
}

#[tokio::test]
async fn sends_the_key_from_the_named_variable() {
    std::env::set_var("LEDE_CONTRACT_TEST_KEY", "sk-test-4471");
    let (url, server) = start(Reply::Good).await;
    let mut cfg = config(url, "hosted-model");
    cfg.api_key_env = Some("LEDE_CONTRACT_TEST_KEY".into());
    draft(&writer(cfg)).await.unwrap();
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some("Bearer sk-test-4471")
    );
}

#[test]
fn a_named_key_variable_must_be_set() {
    let mut cfg = config("http://127.0.0.1:9/v1".into(), "m");
    cfg.api_key_env = Some("LEDE_CONTRACT_TEST_UNSET_KEY".into());
    let err = LlmWriter::new(cfg, WriterConfig::default()).err().unwrap();
    assert!(matches!(err, LlmError::MissingKey(ref v) if v == "LEDE_CONTRACT_TEST_UNSET_KEY"));
    let no_model = LlmWriter::new(
        config("http://127.0.0.1:9/v1".into(), " "),
        WriterConfig::default(),
    );
    assert!(matches!(no_model.err().unwrap(), LlmError::Config(_)));
}

#[tokio::test]
async fn a_good_reply_becomes_a_cited_story() {
    let (url, _server) = start(Reply::Good).await;
    let story = draft(&writer(config(url, "m"))).await.unwrap();
    assert_eq!(
        story.headline.text,
        "Eastbrook closes Miller Bridge over cracked supports"
    );
    assert_eq!(story.headline.citations, vec![cites(1, 0), cites(2, 1)]);
    // "[a, b]." : both numbers, and the full stop moves inside the sentence.
    assert_eq!(
        story.dek.text,
        "Eastbrook closed the Miller Bridge on Saturday after inspectors found deep cracks in two steel supports."
    );
    assert_eq!(story.dek.citations, vec![cites(1, 0), cites(2, 1)]);
    assert_eq!(story.lede.sentences.len(), 2);
    assert_eq!(story.lede.sentences[0].citations, vec![cites(2, 2)]);
    assert_eq!(story.lede.sentences[1].citations, vec![cites(3, 0)]);
    assert_eq!(story.body.len(), 2);
    assert_eq!(
        story.body[0].sentences[0].text,
        "Mayor Lena Ortiz said: \"Nobody will cross that bridge until engineers tell me it is safe.\""
    );
    assert_eq!(story.body[0].sentences[0].citations, vec![cites(1, 2)]);
    // The uncited sentence is dropped, with the reason.
    assert_eq!(story.body[1].sentences.len(), 1);
    assert!(
        story
            .dropped
            .iter()
            .any(|d| d.text == "Drivers are angry about the closure."
                && d.reason.contains("cited no"))
    );
    // The rest of the story comes with the draft.
    assert_eq!(story.id, 11);
    assert_eq!(story.sources.len(), 3);
    assert_eq!(story.independent_sources, 3);
}

#[tokio::test]
async fn citations_of_missing_numbers_are_dropped() {
    let (url, _server) = start(Reply::BadNumbers).await;
    let story = draft(&writer(config(url, "m"))).await.unwrap();
    // Headline and dek cited only numbers that do not exist: dropped; the one
    // valid sentence becomes the dek and the headline falls back to it.
    assert_eq!(
        story.dek.text,
        "Eastbrook added two ferries across the Tallow River on Monday."
    );
    assert_eq!(story.dek.citations, vec![cites(3, 0)]);
    assert_eq!(story.headline, story.dek);
    let reasons: Vec<&str> = story.dropped.iter().map(|d| d.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("[998]")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("[999]")), "{reasons:?}");
    assert!(!story.all_sentences().any(|s| s.text.contains("for a year")));
}

#[tokio::test]
async fn a_reply_with_no_valid_citation_is_an_error() {
    let (url, _server) = start(Reply::OnlyBadNumbers).await;
    let err = draft(&writer(config(url, "m"))).await.unwrap_err();
    assert!(matches!(err, LlmError::Malformed(_)), "{err}");
}

#[tokio::test]
async fn a_reply_that_is_not_a_story_is_malformed() {
    let (url, _server) = start(Reply::NotAStory).await;
    let err = draft(&writer(config(url, "m"))).await.unwrap_err();
    assert!(
        matches!(err, LlmError::Malformed(ref m) if m.contains("labels")),
        "{err}"
    );

    let (url, _server) = start(Reply::NotACompletion).await;
    let err = draft(&writer(config(url, "m"))).await.unwrap_err();
    assert!(
        matches!(err, LlmError::Malformed(ref m) if m.contains("choices")),
        "{err}"
    );
}

#[tokio::test]
async fn an_http_error_is_reported_with_its_status() {
    let (url, _server) = start(Reply::ServerError).await;
    let err = draft(&writer(config(url.clone(), "m"))).await.unwrap_err();
    match err {
        LlmError::Status {
            status,
            body,
            url: at,
        } => {
            assert_eq!(status, 500);
            assert_eq!(body, "model is not loaded");
            assert_eq!(at, format!("{url}/chat/completions"));
        }
        other => panic!("expected a status error, got {other}"),
    }
}

#[tokio::test]
async fn a_slow_reply_times_out() {
    let (url, _server) = start(Reply::Slow).await;
    let err = draft(&writer(config(url, "m"))).await.unwrap_err();
    assert!(matches!(err, LlmError::Timeout { .. }), "{err}");
}

#[tokio::test]
async fn a_cached_reply_is_not_requested_again() {
    let dir = tempfile::tempdir().unwrap();
    let (url, server) = start(Reply::Good).await;
    let mut cfg = config(url, "m");
    cfg.cache_dir = Some(dir.path().join("llm-cache"));
    let w = writer(cfg.clone());
    let first = draft(&w).await.unwrap();
    let second = draft(&w).await.unwrap();
    assert_eq!(server.seen.lock().unwrap().len(), 1);
    assert_eq!(first, second);
    // A new writer on the same cache directory reads it too.
    let third = draft(&writer(cfg.clone())).await.unwrap();
    assert_eq!(third, first);
    assert_eq!(server.seen.lock().unwrap().len(), 1);
    // Another model is another request.
    cfg.model = "other".into();
    draft(&writer(cfg)).await.unwrap();
    assert_eq!(server.seen.lock().unwrap().len(), 2);
    let files = std::fs::read_dir(dir.path().join("llm-cache"))
        .unwrap()
        .count();
    assert_eq!(files, 2);
}

#[tokio::test]
async fn failed_replies_are_not_cached() {
    let dir = tempfile::tempdir().unwrap();
    let (url, server) = start(Reply::NotAStory).await;
    let mut cfg = config(url, "m");
    cfg.cache_dir = Some(dir.path().to_path_buf());
    let w = writer(cfg);
    assert!(draft(&w).await.is_err());
    assert!(draft(&w).await.is_err());
    assert_eq!(server.seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn falls_back_to_the_extractive_writer() {
    let extractive = with_input(|input| ExtractiveWriter::default().write(input));
    // The model fails: the extractive story, with the error.
    let (url, _server) = start(Reply::ServerError).await;
    let w = writer(config(url, "m"));
    let articles = articles();
    let copies = HashMap::new();
    let input = StoryInput {
        id: 11,
        articles: &articles,
        analyses: &[],
        copies: &copies,
        previous: None,
        now: Utc.with_ymd_and_hms(2031, 3, 10, 12, 0, 0).unwrap(),
    };
    let (story, reason) = w.write_verified(&input, |_| {}).await;
    assert!(matches!(
        reason,
        Some(FallbackReason::Error(LlmError::Status { .. }))
    ));
    assert_eq!(story.dek, extractive.dek);

    // The model answers and everything passes: its story, no reason.
    let (url, _server) = start(Reply::Good).await;
    let w = writer(config(url, "m"));
    let (story, reason) = w.write_verified(&input, |_| {}).await;
    assert!(reason.is_none());
    assert!(story.headline.text.contains("cracked supports"));

    // Verification replaces the drafted dek: the extractive story instead.
    let replace_dek = |s: &mut Story| {
        if s.dek.text.contains("two steel supports") {
            s.dek = s.lede.sentences.remove(0);
        }
    };
    let (story, reason) = w.write_verified(&input, replace_dek).await;
    assert!(matches!(reason, Some(FallbackReason::Replaced("dek"))));
    assert_eq!(story.dek, extractive.dek);

    // Verification drops most of the body: rejected.
    let drop_body = |s: &mut Story| {
        s.body.clear();
        s.lede.sentences.truncate(1);
    };
    let (_, reason) = w.write_verified(&input, drop_body).await;
    assert!(
        matches!(
            reason,
            Some(FallbackReason::Rejected {
                dropped: 3,
                checked: 6
            })
        ),
        "{reason:?}"
    );
}
