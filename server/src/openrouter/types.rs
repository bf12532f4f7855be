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
