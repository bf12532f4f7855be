//! Types that travel between browser and server, in the exact JSON shapes of the REST API.

use serde::{Deserialize, Serialize};

mod ai;
mod auth;
mod conversations;
mod health;
mod keys;
mod spend;
mod usage;
mod workspaces;

pub use ai::*;
pub use auth::*;
pub use conversations::*;
pub use health::*;
pub use keys::*;
pub use spend::*;
pub use usage::*;
pub use workspaces::*;

/// The error body every endpoint returns: `{"error": "<short>", "message": "<a sentence>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// On a failed AI call: OpenRouter's `error_type` (`payment_required`,
    /// `rate_limit_exceeded`, `context_length_exceeded`, …), so that the browser can offer the
    /// matching recovery. Absent on every other error.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<String>,
}

/// What the home page shows about the running server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
