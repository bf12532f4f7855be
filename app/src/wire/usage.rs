//! What AI use cost.

use serde::{Deserialize, Serialize};

/// Totals over a set of AI calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsageCall {
    /// The entry's id.
    pub id: String,
    /// RFC 3339.
    pub created_at: String,
    /// `chat`, `code_completion` or `generate_code`.
    pub feature: String,
    /// The model that answered (OpenRouter bills that one); the one asked for when none did.
    pub model: String,
    /// The model asked for, when a fallback answered instead (`null` otherwise).
    #[serde(default)]
    pub requested_model: Option<String>,
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
