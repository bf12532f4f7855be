//! `GET /api/user/api-key/health`: what may soon stop the caller's key, worded for people.

use serde::{Deserialize, Serialize};

/// One thing wrong, or about to go wrong, with the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeyProblem {
    /// `expired`, `expires_soon`, `low_balance`, `rejected` or `free_tier_cap`.
    pub kind: String,
    /// A short heading.
    pub title: String,
    /// What happened and what to do, in a sentence or two.
    pub advice: String,
}

/// The key's health: its problems (none when all is well) and where to fix them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeyHealth {
    /// Worst first; empty when the key is fine or none is stored.
    pub problems: Vec<KeyProblem>,
    /// The key's page on OpenRouter (`https://openrouter.ai/keys/<sha256 of the key>`), or the
    /// key list for keys stored before the hash was kept.
    pub key_page: Option<String>,
    /// When the facts were last read from OpenRouter (RFC 3339).
    pub checked_at: Option<String>,
}
