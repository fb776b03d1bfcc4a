//! The LLM writer: a story drafted by a language model behind any
//! OpenAI-compatible chat completions endpoint (llama.cpp server, Ollama,
//! vLLM, a hosted API).
//!
//! The model gets the story's source sentences, numbered and grouped by article
//! with outlet and date, and is asked for a headline, a dek, a lede and body
//! paragraphs in which every sentence ends with the numbers of the sentences it
//! rests on (`[3][7]`). The reply is parsed back into the same [`Story`] shape
//! the extractive writer produces, each number turned into a [`Citation`] of
//! the real source sentence; a sentence with no valid number is dropped and
//! recorded in [`Story::dropped`]. The sections the model is not asked for
//! (timeline, parties, who said what), the sources and the entities come from
//! the [`ExtractiveWriter`], so a drafted story is complete.
//!
//! Replies are cached on disk under a SHA-256 of the request (model, messages,
//! sampling settings), so the same input never calls the endpoint twice.
//!
//! The verify stage checks a draft like any other story.
//! [`LlmWriter::write_verified`] runs a verification the caller passes in and
//! falls back to the extractive writer when the model fails or too much of its
//! draft does not pass.

mod cache;
mod prompt;
mod reply;

use std::path::PathBuf;
use std::time::Duration;

use lede_model::{Citation, CitedSentence, DroppedSentence, Paragraph, Story};
use serde::{Deserialize, Serialize};

use crate::{ExtractiveWriter, StoryInput, Writer, WriterConfig};

pub use prompt::{numbered_sentences, NumberedSentence};
pub use reply::{parse_reply, Draft};

/// Where and how to reach the model. Every field has a default, so a config
/// file needs only what differs (usually `base_url` and `model`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LlmConfig {
    /// Base URL of the API, up to and including the version segment: requests
    /// go to `{base_url}/chat/completions` (llama.cpp: `http://127.0.0.1:8080/v1`,
    /// Ollama: `http://127.0.0.1:11434/v1`, vLLM: `http://127.0.0.1:8000/v1`).
    pub base_url: String,
    /// The model name sent with each request.
    pub model: String,
    /// Name of the environment variable that holds the API key, sent as
    /// `Authorization: Bearer <key>`; none for local servers without keys.
    pub api_key_env: Option<String>,
    /// Seconds a whole request (connect, generate, read) may take.
    pub timeout_secs: u64,
    /// Most tokens the model may generate.
    pub max_tokens: u32,
    /// Sampling temperature; 0 keeps drafts as repeatable as the server allows.
    pub temperature: f32,
    /// Where replies are cached; no cache when unset.
    pub cache_dir: Option<PathBuf>,
    /// Most source sentences sent (the most central ones, shown in source order),
    /// to keep the prompt within a small model's context.
    pub max_source_sentences: usize,
    /// [`LlmWriter::write_verified`] falls back to the extractive writer when
    /// verification drops more than this share of the draft's sentences.
    pub max_dropped_share: f32,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            base_url: "http://127.0.0.1:8080/v1".into(),
            model: String::new(),
            api_key_env: None,
            timeout_secs: 120,
            max_tokens: 1024,
            temperature: 0.0,
            cache_dir: None,
            max_source_sentences: 120,
            max_dropped_share: 0.25,
        }
    }
}

/// Why the LLM writer produced no draft.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("LLM writer config: {0}")]
    Config(String),
    #[error("the API key variable {0} is not set")]
    MissingKey(String),
    #[error("the story has no source sentence to send")]
    NoSources,
    #[error("{url}: no reply within {after:?}")]
    Timeout { url: String, after: Duration },
    #[error("{url}: HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("{url}: {source}")]
    Transport {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("malformed reply: {0}")]
    Malformed(String),
    #[error("cache {path}: {source}")]
    Cache {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Why [`LlmWriter::write_verified`] returned the extractive story.
#[derive(Debug, thiserror::Error)]
pub enum FallbackReason {
    #[error(transparent)]
    Error(#[from] LlmError),
    #[error("verification dropped {dropped} of {checked} drafted sentences")]
    Rejected { dropped: usize, checked: usize },
    #[error("verification replaced the drafted {0}")]
    Replaced(&'static str),
}

/// The LLM writer. Cheap to share: one HTTP client for all requests.
pub struct LlmWriter {
    config: LlmConfig,
    api_key: Option<String>,
    client: reqwest::Client,
    extractive: ExtractiveWriter,
}

impl LlmWriter {
    /// A writer for `config`; `writer` sets the word budget and the sections
    /// taken from the extractive writer (which is also the fallback). Fails
    /// when the config is unusable or names a key variable that is not set.
    pub fn new(config: LlmConfig, writer: WriterConfig) -> Result<Self, LlmError> {
        if config.model.trim().is_empty() {
            return Err(LlmError::Config("no model name".into()));
        }
        let url = reqwest::Url::parse(&config.base_url)
            .map_err(|e| LlmError::Config(format!("base_url {:?}: {e}", config.base_url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(LlmError::Config(format!(
                "base_url {:?}: not http(s)",
                config.base_url
            )));
        }
        let api_key = match &config.api_key_env {
            None => None,
            Some(var) => Some(
                std::env::var(var)
                    .ok()
                    .filter(|k| !k.trim().is_empty())
                    .ok_or_else(|| LlmError::MissingKey(var.clone()))?,
            ),
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(config.timeout_secs))
            .build()
            .map_err(|e| LlmError::Config(format!("HTTP client: {e}")))?;
        Ok(LlmWriter {
            config,
            api_key,
            client,
            extractive: ExtractiveWriter::new(writer),
        })
    }

    /// The config this writer runs with.
    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// The extractive writer used for sections and as the fallback.
    pub fn extractive(&self) -> &ExtractiveWriter {
        &self.extractive
    }

    fn endpoint(&self) -> String {
        format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        )
    }

    /// Draft a story with the model: headline, dek, lede and body from the
    /// model (cited, uncited sentences dropped), everything else from the
    /// extractive writer. Not verified: the caller runs the verifier.
    pub async fn draft(&self, input: &StoryInput<'_>) -> Result<Story, LlmError> {
        let base = self.extractive.write(input);
        let numbered = numbered_sentences(input, self.config.max_source_sentences);
        if numbered.is_empty() {
            return Err(LlmError::NoSources);
        }
        let articles: Vec<&lede_model::Article> = input.articles.iter().collect();
        let messages = prompt::messages(&numbered, self.extractive.config.max_words, &articles);
        let request = serde_json::json!({
            "model": self.config.model,
            "messages": messages,
            "max_tokens": self.config.max_tokens,
            "temperature": self.config.temperature,
            "stream": false,
        });
        let body = request.to_string();
        let cache = self
            .config
            .cache_dir
            .as_deref()
            .map(|dir| cache::Cache::new(dir, &body));
        let cached = cache.as_ref().and_then(|c| c.get(&self.config.model));
        let from_cache = cached.is_some();
        let content = match cached {
            Some(c) => c,
            None => self.complete(body).await?,
        };
        let draft = parse_reply(&content, &numbered)?;
        if !from_cache {
            if let Some(c) = &cache {
                c.put(&self.config.model, &content)?;
            }
        }
        Ok(assemble(base, draft, self.extractive.config.max_words))
    }

    /// One chat completion: the assistant message's text.
    async fn complete(&self, body: String) -> Result<String, LlmError> {
        let url = self.endpoint();
        let mut request = self
            .client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        let transport = |e: reqwest::Error| {
            if e.is_timeout() {
                LlmError::Timeout {
                    url: url.clone(),
                    after: Duration::from_secs(self.config.timeout_secs),
                }
            } else {
                LlmError::Transport {
                    url: url.clone(),
                    source: e,
                }
            }
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let text = response.text().await.map_err(transport)?;
        if !status.is_success() {
            return Err(LlmError::Status {
                url,
                status: status.as_u16(),
                body: text.chars().take(300).collect(),
            });
        }
        reply::message_content(&text)
    }

    /// Draft with the model and verify with `verify` (which drops what fails,
    /// as `lede_verify::verify_story` does). The extractive story, verified the
    /// same way, is returned instead when the model fails, when verification
    /// replaces the drafted headline or dek, or when it drops more than
    /// [`LlmConfig::max_dropped_share`] of the drafted sentences; the reason
    /// comes with it.
    pub async fn write_verified(
        &self,
        input: &StoryInput<'_>,
        verify: impl Fn(&mut Story),
    ) -> (Story, Option<FallbackReason>) {
        let reason = match self.draft(input).await {
            Ok(mut story) => {
                let before = prose(&story);
                let (headline, dek) = (story.headline.text.clone(), story.dek.text.clone());
                verify(&mut story);
                let after = prose(&story);
                let dropped = before.iter().filter(|s| !after.contains(s)).count();
                if story.headline.text != headline {
                    FallbackReason::Replaced("headline")
                } else if story.dek.text != dek {
                    FallbackReason::Replaced("dek")
                } else if dropped as f32 > self.config.max_dropped_share * before.len() as f32 {
                    FallbackReason::Rejected {
                        dropped,
                        checked: before.len(),
                    }
                } else {
                    return (story, None);
                }
            }
            Err(e) => FallbackReason::Error(e),
        };
        let mut story = self.extractive.write(input);
        verify(&mut story);
        (story, Some(reason))
    }
}

/// The texts of headline, dek, lede and body.
fn prose(story: &Story) -> Vec<String> {
    std::iter::once(&story.headline)
        .chain(std::iter::once(&story.dek))
        .chain(&story.lede.sentences)
        .chain(story.body.iter().flat_map(|p| &p.sentences))
        .map(|s| s.text.clone())
        .collect()
}

/// The extractive story with its prose replaced by the model's draft, cut to
/// the word budget (dek, lede and body together).
fn assemble(mut story: Story, draft: Draft, max_words: usize) -> Story {
    let Draft {
        headline,
        dek,
        mut lede,
        mut body,
        dropped,
    } = draft;
    body.retain(|p| !p.is_empty());
    // Without a DEK line the first cited sentence stands in (the parser
    // guarantees there is one).
    let dek = match dek {
        Some(d) => d,
        None if !lede.is_empty() => lede.remove(0),
        None if !body.is_empty() => {
            let d = body[0].remove(0);
            body.retain(|p| !p.is_empty());
            d
        }
        None => return story,
    };
    let mut words = word_count(&dek);
    let mut within = |s: &CitedSentence| {
        words += word_count(s);
        words <= max_words
    };
    let lede: Vec<CitedSentence> = lede.into_iter().take_while(&mut within).collect();
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    'body: for p in body {
        let mut paragraph = Paragraph::default();
        for s in p {
            if !within(&s) {
                if !paragraph.sentences.is_empty() {
                    paragraphs.push(paragraph);
                }
                break 'body;
            }
            paragraph.sentences.push(s);
        }
        paragraphs.push(paragraph);
    }
    story.lede = Paragraph {
        date: None,
        sentences: lede,
    };
    if story.lede.sentences.is_empty() && !paragraphs.is_empty() {
        story.lede = paragraphs.remove(0);
    }
    story.body = paragraphs;
    story.headline = headline.unwrap_or_else(|| dek.clone());
    story.dek = dek;
    story.dropped.extend(dropped);
    story
}

fn word_count(s: &CitedSentence) -> usize {
    s.text.split_whitespace().count()
}

/// Turn a model's sentence number (1-based) into a citation, if it exists.
fn citation_of(numbered: &[NumberedSentence], n: usize) -> Option<Citation> {
    n.checked_sub(1)
        .and_then(|i| numbered.get(i))
        .map(|s| s.citation)
}

/// A sentence the parser refused, as the story records it.
fn refused(text: &str, reason: String) -> DroppedSentence {
    DroppedSentence {
        text: text.to_string(),
        reason,
    }
}
