//! The request body of `POST /chat/completions` and the deterministic answer to it.

use std::time::{SystemTime, UNIX_EPOCH};

use rand::{distributions::Alphanumeric, Rng};
use serde::Deserialize;
use serde_json::Value;

use crate::{catalogue::Model, errors::ApiError};

/// The fields of a chat request the fake reads; the rest are accepted and ignored.
#[derive(Debug, Deserialize)]
pub(crate) struct ChatRequest {
    model: Option<String>,
    /// OpenRouter's fallback list.
    #[serde(default)]
    models: Option<Vec<String>>,
    messages: Option<Vec<Message>>,
    prompt: Option<String>,
    #[serde(default)]
    pub(crate) stream: bool,
    max_tokens: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Message {
    role: String,
    #[serde(default)]
    content: Value,
}

impl ChatRequest {
    /// Parses the body, refusing it with a 400 as OpenRouter does.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, ApiError> {
        let request: Self = serde_json::from_slice(body)
            .map_err(|error| ApiError::BadRequest(format!("Invalid request body: {error}")))?;
        if request.messages.is_none() && request.prompt.is_none() {
            return Err(ApiError::BadRequest(
                "Input required: specify \"prompt\" or \"messages\"".into(),
            ));
        }
        Ok(request)
    }

    /// The requested model (or the first of `models`), or the default when the request names
    /// none.
    pub(crate) fn model_id(&self) -> &str {
        self.candidates()
            .first()
            .copied()
            .unwrap_or(crate::DEFAULT_MODEL)
    }

    /// The models to try, in order: `model` (or the first of `models`, or the default), then
    /// the rest of `models`, each once.
    pub(crate) fn candidates(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let listed = self.models.iter().flatten().map(String::as_str);
        let first = self.model.as_deref();
        for id in first.into_iter().chain(listed) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        if out.is_empty() {
            out.push(crate::DEFAULT_MODEL);
        }
        out
    }

    /// The texts of every message but the last, oldest first (for `HUGE_CONTEXT`).
    pub(crate) fn earlier_texts(&self) -> Vec<String> {
        let messages = self.messages.as_deref().unwrap_or_default();
        let earlier = messages.len().saturating_sub(1);
        messages[..earlier]
            .iter()
            .map(|message| text_of(&message.content))
            .collect()
    }

    /// The text of the last user message (or of `prompt`); the markers are read from it.
    pub(crate) fn last_user_text(&self) -> String {
        let last_user = self
            .messages
            .iter()
            .flatten()
            .rev()
            .find(|message| message.role == "user")
            .map(|message| text_of(&message.content));
        last_user
            .or_else(|| self.prompt.clone())
            .unwrap_or_default()
    }

    /// The texts of the system messages, joined by blank lines (the fake reads the language and
    /// the kind of request from them).
    pub(crate) fn system_text(&self) -> String {
        self.messages
            .iter()
            .flatten()
            .filter(|message| message.role == "system")
            .map(|message| text_of(&message.content))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Every character the model would read, for the prompt token count.
    fn prompt_chars(&self) -> usize {
        let messages: usize = self
            .messages
            .iter()
            .flatten()
            .map(|message| text_of(&message.content).chars().count())
            .sum();
        messages + self.prompt.as_deref().map_or(0, |p| p.chars().count())
    }
}

/// The text of a message's `content`: a string, or the `text` parts of a parts array.
fn text_of(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// A deterministic answer and what it costs.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) content: String,
    /// `stop`, or `length` when `max_tokens` cut the answer short.
    pub(crate) finish_reason: &'static str,
    pub(crate) prompt_tokens: u64,
    pub(crate) completion_tokens: u64,
    pub(crate) cost: f64,
}

impl Answer {
    /// The answer [`crate::answers::write`] gives the request, counting about four characters
    /// to a token.
    pub(crate) fn to(request: &ChatRequest, model: &Model) -> Self {
        let mut content = crate::answers::write(&request.system_text(), &request.last_user_text());
        let mut completion_tokens = tokens(content.chars().count());
        let mut finish_reason = "stop";
        if let Some(max) = request.max_tokens.filter(|max| *max < completion_tokens) {
            let keep = usize::try_from(max.saturating_mul(4)).unwrap_or(usize::MAX);
            content = content.chars().take(keep).collect();
            completion_tokens = max;
            finish_reason = "length";
        }
        let prompt_tokens = tokens(request.prompt_chars());
        Self {
            cost: model.cost(prompt_tokens, completion_tokens),
            content,
            finish_reason,
            prompt_tokens,
            completion_tokens,
        }
    }

    /// The content in streaming pieces: one word each, with the whitespace that follows it.
    /// Concatenated they give back `content` exactly.
    pub(crate) fn pieces(&self) -> Vec<&str> {
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut in_space = false;
        for (at, ch) in self.content.char_indices() {
            if ch.is_whitespace() {
                in_space = true;
            } else if in_space {
                pieces.push(&self.content[start..at]);
                start = at;
                in_space = false;
            }
        }
        if start < self.content.len() {
            pieces.push(&self.content[start..]);
        }
        pieces
    }

    /// The `usage` object, as OpenRouter reports it.
    pub(crate) fn usage_json(&self) -> Value {
        serde_json::json!({
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "cost": self.cost,
            "is_byok": false,
            "prompt_tokens_details": {
                "cached_tokens": 0, "cache_write_tokens": 0, "audio_tokens": 0, "video_tokens": 0,
            },
            "cost_details": {
                "upstream_inference_cost": self.cost,
                "upstream_inference_prompt_cost": 0,
                "upstream_inference_completions_cost": 0,
            },
            "completion_tokens_details": {
                "reasoning_tokens": 0, "image_tokens": 0, "audio_tokens": 0,
            },
        })
    }
}

/// About four characters to a token, and never zero.
fn tokens(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX).max(1)
}

/// Identity of one generation: `gen-<unix>-<20 alphanumerics>` and its creation time.
#[derive(Debug, Clone)]
pub(crate) struct Generation {
    pub(crate) id: String,
    pub(crate) created: u64,
}

impl Generation {
    /// A fresh generation id, stamped now.
    pub(crate) fn new() -> Self {
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let suffix: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(20)
            .map(char::from)
            .collect();
        Self {
            id: format!("gen-{created}-{suffix}"),
            created,
        }
    }
}

#[cfg(test)]
#[path = "completion_tests.rs"]
mod tests;
