//! The stored OpenRouter key: its status and its log.

use serde::{Deserialize, Serialize};

use super::UserDto;

/// What OpenRouter's `GET /key` last reported about a stored key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OpenRouterFacts {
    /// The key's mask, shown where OpenRouter's own label would be (that label carries hex
    /// digits of the key that the mask does not show).
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiKeySaved {
    /// Always "API key updated successfully".
    pub message: String,
    /// The owner.
    pub user: UserDto,
}

/// One entry of the key log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
