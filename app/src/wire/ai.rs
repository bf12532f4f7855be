//! The AI endpoints: requests, answers, stream events, models and preferences.

use serde::{Deserialize, Serialize};

/// One message of a conversation: `{"role": "system" | "user" | "assistant", "content": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatMessage {
    /// `system`, `user` or `assistant`.
    #[cfg_attr(feature = "ssr", schema(pattern = "^(system|user|assistant)$"))]
    pub role: String,
    /// The text.
    pub content: String,
}

/// `POST /api/ai/chat`. Fields not listed here (a `user_id`, a `provider`) are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatRequest {
    /// The conversation so far, oldest first.
    #[cfg_attr(feature = "ssr", schema(min_items = 1, max_items = 100))]
    pub messages: Vec<ChatMessage>,
    /// A model id; the caller's chat default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Answer as `text/event-stream`.
    #[serde(default)]
    pub stream: bool,
    /// A cap on the answer's length, in tokens.
    #[serde(default, alias = "max_tokens", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 8192))]
    pub max_tokens: Option<u32>,
    /// Sampling temperature, 0 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 2))]
    pub temperature: Option<f32>,
    /// One of the caller's kept conversations. Then `messages` is only what is new: the prompt
    /// last, optionally after one `system` message (the open file); the conversation's earlier
    /// turns go before them, trimmed to the context budget, and the server keeps the prompt and
    /// the answer (a stopped or broken answer as far as it got).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
}

/// `POST /api/ai/code-completion`: the code around the cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CodeCompletionRequest {
    /// The file's language, e.g. `rust`.
    #[cfg_attr(
        feature = "ssr",
        schema(
            max_length = 40,
            pattern = "^[A-Za-z0-9 +#._-]*[A-Za-z0-9+#._-][A-Za-z0-9 +#._-]*$"
        )
    )]
    pub language: String,
    /// The code before the cursor.
    pub prefix: String,
    /// The code after the cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// One of the caller's workspaces, for context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// A model id; the caller's code-completion default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// A cap on the completion's length, in tokens.
    #[serde(default, alias = "max_tokens", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 8192))]
    pub max_tokens: Option<u32>,
}

/// `POST /api/ai/generate-code`: a description of the code wanted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GenerateCodeRequest {
    /// The language to write in.
    #[cfg_attr(
        feature = "ssr",
        schema(
            max_length = 40,
            pattern = "^[A-Za-z0-9 +#._-]*[A-Za-z0-9+#._-][A-Za-z0-9 +#._-]*$"
        )
    )]
    pub language: String,
    /// What the code should do.
    #[cfg_attr(feature = "ssr", schema(pattern = "\\S"))]
    pub prompt: String,
    /// Existing code the answer should fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// One of the caller's workspaces, for context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// A model id; the caller's generation default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Answer as `text/event-stream`.
    #[serde(default)]
    pub stream: bool,
    /// A cap on the answer's length, in tokens.
    #[serde(default, alias = "max_tokens", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 8192))]
    pub max_tokens: Option<u32>,
}

/// What one AI call used, as OpenRouter reported it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiUsage {
    /// Tokens read.
    pub prompt_tokens: u32,
    /// Tokens written.
    pub completion_tokens: u32,
    /// Their sum.
    pub total_tokens: u32,
    /// USD charged, when OpenRouter said.
    pub cost: Option<f64>,
}

/// The answer to a chat request that did not stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatReply {
    /// The assistant's message.
    pub message: ChatMessage,
    /// The model that answered.
    pub model: String,
    /// What it used.
    pub usage: AiUsage,
    /// OpenRouter's generation id.
    pub generation_id: Option<String>,
}

/// The answer to a code-completion request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CodeCompletionReply {
    /// The text to insert at the cursor, and nothing else.
    pub completion: String,
    /// The model that answered.
    pub model: String,
    /// What it used.
    pub usage: AiUsage,
    /// OpenRouter's generation id.
    pub generation_id: Option<String>,
}

/// The answer to a code-generation request that did not stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GenerateCodeReply {
    /// The code, without Markdown fences.
    pub code: String,
    /// The model that answered.
    pub model: String,
    /// What it used.
    pub usage: AiUsage,
    /// OpenRouter's generation id.
    pub generation_id: Option<String>,
}

/// The data of an `event: delta` in an AI event stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StreamDelta {
    /// The next piece of the answer.
    pub content: String,
}

/// The data of the final `event: done` in an AI event stream. (A stream that fails ends with
/// `event: error` and an [`ApiError`] instead.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StreamDone {
    /// The model that answered.
    pub model: String,
    /// What it used.
    pub usage: AiUsage,
    /// OpenRouter's generation id.
    pub generation_id: Option<String>,
    /// `stop`, `length`, … as OpenRouter reported it.
    pub finish_reason: Option<String>,
    /// For code generation: the whole answer, cleaned of Markdown fences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A model's price per token in USD, as OpenRouter writes it (decimal strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ModelPricing {
    /// Per prompt token.
    pub prompt: String,
    /// Per completion token.
    pub completion: String,
}

/// One model OpenRouter offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiModel {
    /// The id to send, e.g. `openai/gpt-4o-mini`.
    pub id: String,
    /// A name for people.
    pub name: String,
    /// The context window, in tokens.
    pub context_length: Option<u64>,
    /// Prices.
    pub pricing: Option<ModelPricing>,
}

/// `GET /api/ai/models`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AiModelList {
    /// The models, in OpenRouter's order.
    pub models: Vec<AiModel>,
    /// RFC 3339: when the list was fetched from OpenRouter.
    pub fetched_at: String,
    /// Whether the last refresh failed and this is the last good list.
    pub stale: bool,
}

/// `GET` / `PUT /api/user/model-preferences`: the caller's default model per feature
/// (`null` means the server's default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ModelPreferences {
    /// For chat.
    #[serde(default)]
    pub chat: Option<String>,
    /// For code completion.
    #[serde(default)]
    pub code_completion: Option<String>,
    /// For code generation.
    #[serde(default)]
    pub generation: Option<String>,
    /// Ordered fallback models per feature, sent to OpenRouter as its `models` list. Absent in
    /// a `PUT`: left as they are; absent in an answer: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallbacks: Option<FallbackModels>,
    /// Above this estimated cost (USD) the assistant and the workspace ask before sending.
    /// Absent in a `PUT`: left as it is; absent in an answer: the default, 0.10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 1000))]
    pub confirm_above_usd: Option<f64>,
}

/// Up to three fallback models per feature, tried in order when the default one fails.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FallbackModels {
    /// For chat.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_items = 3))]
    pub chat: Vec<String>,
    /// For code completion.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_items = 3))]
    pub code_completion: Vec<String>,
    /// For code generation.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_items = 3))]
    pub generation: Vec<String>,
}

impl FallbackModels {
    /// Whether no feature has a fallback.
    pub fn is_empty(&self) -> bool {
        self.chat.is_empty() && self.code_completion.is_empty() && self.generation.is_empty()
    }
}
