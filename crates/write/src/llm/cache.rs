//! The reply cache: one JSON file per request, named by the SHA-256 of the
//! request body (model, messages and sampling settings), so the same input
//! is sent to the model once.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::LlmError;

/// What a cache file holds.
#[derive(Serialize, Deserialize)]
struct Entry {
    model: String,
    content: String,
}

/// The cache slot of one request.
pub(super) struct Cache {
    path: PathBuf,
}

impl Cache {
    pub(super) fn new(dir: &Path, request_body: &str) -> Self {
        let key = hex::encode(Sha256::digest(request_body.as_bytes()));
        Cache {
            path: dir.join(format!("{key}.json")),
        }
    }

    /// The cached reply, if there is a readable one for this model. An
    /// unreadable file is treated as missing (and overwritten on success).
    pub(super) fn get(&self, model: &str) -> Option<String> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        match serde_json::from_str::<Entry>(&text) {
            Ok(e) if e.model == model => Some(e.content),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!(path = %self.path.display(), "unreadable LLM cache entry: {e}");
                None
            }
        }
    }

    /// Store a reply: written to a temporary file and renamed, so a reader
    /// never sees half an entry.
    pub(super) fn put(&self, model: &str, content: &str) -> Result<(), LlmError> {
        let err = |source| LlmError::Cache {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let entry = serde_json::to_string(&Entry {
            model: model.to_string(),
            content: content.to_string(),
        })
        .expect("a cache entry serialises");
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, entry).map_err(err)?;
        std::fs::rename(&tmp, &self.path).map_err(err)
    }
}
