//! OpenRouter's wire shapes, as far as this app reads them.

use serde::{Deserialize, Serialize};

/// `GET /key` → `{"data": KeyInfo}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct KeyInfo {
    /// OpenRouter's own masked label, e.g. `sk-or-v1-au7...890`.
    pub label: Option<String>,
    /// Credit limit in USD; `None` is unlimited.
    pub limit: Option<f64>,
    /// Credit left under the limit.
    pub limit_remaining: Option<f64>,
    /// `daily`, `weekly`, `monthly` or `None`.
    pub limit_reset: Option<String>,
    /// Credits used.
    pub usage: Option<f64>,
    /// Credits used today (UTC).
    #[serde(default)]
    pub usage_daily: Option<f64>,
    /// Whether the account never bought credits.
    pub is_free_tier: Option<bool>,
    /// Management keys cannot run completions.
    #[serde(default)]
    pub is_management_key: bool,
    /// Legacy name of `is_management_key`.
    #[serde(default)]
    pub is_provisioning_key: bool,
    /// When the key expires (RFC 3339), if it does.
    pub expires_at: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct KeyEnvelope {
    pub data: KeyInfo,
}

/// OpenRouter's error body: `{"error": {"code", "message", "metadata"?}}`.
#[derive(Deserialize)]
pub(crate) struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Deserialize)]
pub(crate) struct ErrorDetail {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
}

/// One message sent to `POST /chat/completions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpstreamMessage {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

/// `stream_options` on a streaming request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StreamOptions {
    /// Ask for a final chunk carrying `usage`.
    pub include_usage: bool,
}

/// The body of `POST /chat/completions`, as far as this app fills it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatCompletionRequest {
    /// The model id.
    pub model: String,
    /// OpenRouter's fallback list: the model, then the models to try in order when it fails
    /// (absent without fallbacks). OpenRouter bills, and reports in `model`, the one that answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<String>>,
    /// The conversation.
    pub messages: Vec<UpstreamMessage>,
    /// Whether to answer as an event stream.
    pub stream: bool,
    /// A cap on the answer's length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// Streaming options (only when streaming).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
}

/// `usage` in a completion or in a stream's last chunk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
pub struct Usage {
    /// Tokens read.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Tokens written.
    #[serde(default)]
    pub completion_tokens: u64,
    /// Their sum.
    #[serde(default)]
    pub total_tokens: u64,
    /// USD charged.
    #[serde(default)]
    pub cost: Option<f64>,
}

/// The text of a choice: `message.content` (chat), or `text` (prompt calls).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChoiceMessage {
    /// The content; `null` when the model only called tools.
    #[serde(default)]
    pub content: Option<String>,
}

/// One choice of a non-streaming completion, or of a stream chunk (`delta`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Choice {
    /// The whole message (non-streaming).
    #[serde(default)]
    pub message: Option<ChoiceMessage>,
    /// The next piece (streaming).
    #[serde(default)]
    pub delta: Option<ChoiceMessage>,
    /// Text of a prompt (non-chat) call.
    #[serde(default)]
    pub text: Option<String>,
    /// `stop`, `length`, `error`, …
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// An error carried inside a 200 answer (top level), e.g. a provider failing mid-stream.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InlineError {
    /// A number on HTTP errors, a number or a string mid-stream.
    #[serde(default)]
    pub code: Option<serde_json::Value>,
    /// OpenRouter's message (logged, never sent as is).
    #[serde(default)]
    pub message: String,
}

/// A non-streaming completion, or one chunk of a stream.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChatCompletion {
    /// The generation id, `gen-…`.
    #[serde(default)]
    pub id: Option<String>,
    /// The model that answered.
    #[serde(default)]
    pub model: Option<String>,
    /// Usually one.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// What it used.
    #[serde(default)]
    pub usage: Option<Usage>,
    /// Set when the provider failed although the status was 200.
    #[serde(default)]
    pub error: Option<InlineError>,
}

impl ChatCompletion {
    /// The first choice's text, whichever field carries it.
    pub fn text(&self) -> Option<&str> {
        let choice = self.choices.first()?;
        choice
            .message
            .as_ref()
            .or(choice.delta.as_ref())
            .and_then(|m| m.content.as_deref())
            .or(choice.text.as_deref())
    }

    /// The first choice's finish reason.
    pub fn finish_reason(&self) -> Option<&str> {
        self.choices.first()?.finish_reason.as_deref()
    }
}

/// A model's prices, as OpenRouter writes them (decimal strings, USD per token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ModelPricing {
    /// Per prompt token.
    #[serde(default)]
    pub prompt: String,
    /// Per completion token.
    #[serde(default)]
    pub completion: String,
}

/// One entry of `GET /models`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ModelEntry {
    /// The id to send.
    pub id: String,
    /// A name for people.
    #[serde(default)]
    pub name: Option<String>,
    /// The context window.
    #[serde(default)]
    pub context_length: Option<u64>,
    /// Prices.
    #[serde(default)]
    pub pricing: Option<ModelPricing>,
}

/// `GET /models` → `{"data": [...]}`.
#[derive(Deserialize)]
pub(crate) struct ModelsEnvelope {
    pub data: Vec<ModelEntry>,
}
