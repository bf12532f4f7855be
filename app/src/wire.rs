//! Types that travel between browser and server, in the exact JSON shapes of the REST API.

use serde::{Deserialize, Serialize};

/// The error body every endpoint returns: `{"error": "<short>", "message": "<a sentence>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// A short label, such as `"API key required"`.
    pub error: String,
    /// A sentence written for people.
    pub message: String,
    /// Seconds to wait before retrying, when the server knows.
    #[serde(
        rename = "retryAfter",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub retry_after: Option<u32>,
}

/// What the home page shows about the running server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerStatus {
    /// `"sqlite"` or `"postgres"`.
    pub database: String,
    /// Whether the database answered just now.
    pub database_ok: bool,
    /// The server's version.
    pub version: String,
}

/// A string that must never be printed: passwords and API keys in server-function arguments
/// (the `#[server]` macro derives `Debug` on its argument struct). Serialises as a plain string.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Redacted(pub String);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// A user as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDto {
    /// The user's id.
    pub id: String,
    /// Their normalised email.
    pub email: String,
    /// Their display name, if given.
    pub name: Option<String>,
}

/// `{"user": …}`, the body of the auth endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserEnvelope {
    /// The signed-in user.
    pub user: UserDto,
}

/// One of the caller's signed-in sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// The session's public id (not its cookie).
    pub id: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub last_seen_at: String,
    /// The browser, as it identified itself at sign-in.
    pub user_agent: Option<String>,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// `{"sessions": […]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionList {
    /// Newest first.
    pub sessions: Vec<SessionInfo>,
}

/// What OpenRouter's `GET /key` last reported about a stored key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenRouterFacts {
    /// OpenRouter's own masked label.
    pub label: Option<String>,
    /// Credit limit in USD; `None` is unlimited.
    pub limit: Option<f64>,
    /// Credit left under the limit.
    pub limit_remaining: Option<f64>,
    /// `daily`, `weekly`, `monthly`, or `None`.
    pub limit_reset: Option<String>,
    /// Credits used so far.
    pub usage: Option<f64>,
    /// Whether the account never bought credits.
    pub is_free_tier: Option<bool>,
    /// When the key expires, if it does.
    pub expires_at: Option<String>,
}

/// `GET /api/user/api-key`: never the key itself, only its mask and non-secret facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyStatus {
    /// Whether a key is stored.
    pub has_api_key: bool,
    /// `sk-*******************abc123`, or `None`.
    pub api_key: Option<String>,
    /// `active`, `rejected` (OpenRouter refused it on a call), `unusable` (must be re-entered).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<String>,
    /// RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub created_at: Option<String>,
    /// RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub updated_at: Option<String>,
    /// RFC 3339: when OpenRouter last confirmed the key.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub verified_at: Option<String>,
    /// What OpenRouter reported at that time.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub openrouter: Option<OpenRouterFacts>,
}

/// `POST /api/user/api-key` → `{"message": "API key updated successfully", "user": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeySaved {
    /// Always "API key updated successfully".
    pub message: String,
    /// The owner.
    pub user: UserDto,
}

/// One entry of the key log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyEvent {
    /// The entry's id.
    pub id: String,
    /// `set`, `replaced`, `removed`, `verified`, `rejected`, `unusable`.
    pub kind: String,
    /// RFC 3339.
    pub created_at: String,
    /// The client IP, when known.
    pub ip: Option<String>,
    /// The browser, when known.
    pub user_agent: Option<String>,
    /// The key's last six characters, when the entry concerns a key.
    pub last6: Option<String>,
}

/// A page of the key log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyEventPage {
    /// The entries.
    pub events: Vec<ApiKeyEvent>,
    /// 1-based page number.
    pub page: u32,
    /// Entries per page.
    pub per_page: u32,
    /// Whether there are older entries.
    pub has_more: bool,
}

/// One message of a conversation: `{"role": "system" | "user" | "assistant", "content": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

/// `POST /api/ai/chat`. Fields not listed here (a `user_id`, a `provider`) are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatRequest {
    /// The conversation so far, oldest first.
    pub messages: Vec<ChatMessage>,
    /// A model id; the caller's chat default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Answer as `text/event-stream`.
    #[serde(default)]
    pub stream: bool,
    /// A cap on the answer's length, in tokens.
    #[serde(default, alias = "max_tokens", skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Sampling temperature, 0 to 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
}

/// `POST /api/ai/code-completion`: the code around the cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeCompletionRequest {
    /// The file's language, e.g. `rust`.
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
    pub max_tokens: Option<u32>,
}

/// `POST /api/ai/generate-code`: a description of the code wanted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateCodeRequest {
    /// The language to write in.
    pub language: String,
    /// What the code should do.
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
    pub max_tokens: Option<u32>,
}

/// What one AI call used, as OpenRouter reported it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
pub struct StreamDelta {
    /// The next piece of the answer.
    pub content: String,
}

/// The data of the final `event: done` in an AI event stream. (A stream that fails ends with
/// `event: error` and an [`ApiError`] instead.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
pub struct ModelPricing {
    /// Per prompt token.
    pub prompt: String,
    /// Per completion token.
    pub completion: String,
}

/// One model OpenRouter offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// Totals over a set of AI calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageTotals {
    /// Calls made.
    pub calls: u64,
    /// Calls that did not end well (`error:*` or `cancelled`).
    pub failed: u64,
    /// Tokens read.
    pub tokens_in: u64,
    /// Tokens written.
    pub tokens_out: u64,
    /// USD.
    pub cost: f64,
}

/// Totals for one UTC day and one feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// `chat`, `code_completion` or `generate_code`.
    pub feature: String,
    /// The totals.
    #[serde(flatten)]
    pub totals: UsageTotals,
}

/// One AI call in the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageCall {
    /// The entry's id.
    pub id: String,
    /// RFC 3339.
    pub created_at: String,
    /// `chat`, `code_completion` or `generate_code`.
    pub feature: String,
    /// The model asked for.
    pub model: String,
    /// Tokens read.
    pub tokens_in: u32,
    /// Tokens written.
    pub tokens_out: u32,
    /// USD.
    pub cost: f64,
    /// OpenRouter's generation id, when known.
    pub generation_id: Option<String>,
    /// `ok`, `cancelled` or `error:<kind>`.
    pub outcome: String,
    /// How long the call took, in milliseconds.
    pub latency_ms: u32,
}

/// `GET /api/user/usage?from=&to=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageReport {
    /// First day included, `YYYY-MM-DD` (UTC).
    pub from: String,
    /// Last day included, `YYYY-MM-DD` (UTC).
    pub to: String,
    /// Over the whole range.
    pub totals: UsageTotals,
    /// Per day and feature, oldest first.
    pub days: Vec<UsageDay>,
    /// The most recent calls in the range, newest first.
    pub recent: Vec<UsageCall>,
}

/// A workspace in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSummary {
    /// The workspace's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its language, e.g. `rust`.
    pub language: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A workspace with its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// Name, language, id.
    #[serde(flatten)]
    pub summary: WorkspaceSummary,
    /// The code.
    pub code: String,
}
