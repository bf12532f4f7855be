//! Spending caps, their alerts, and cost estimates before sending.

use serde::{Deserialize, Serialize};

/// `PUT /api/user/spend-limit`: at most `amountUsd` per `period` (UTC days, weeks from Monday,
/// calendar months, as OpenRouter counts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SpendLimit {
    /// USD, more than 0 and at most 100,000.
    #[cfg_attr(feature = "ssr", schema(exclusive_minimum = 0, maximum = 100000))]
    pub amount_usd: f64,
    /// `day`, `week` or `month`.
    #[cfg_attr(feature = "ssr", schema(pattern = "^(day|week|month)$"))]
    pub period: String,
}

/// `GET /api/user/spend-limit`: the cap and where the current period stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SpendLimitStatus {
    /// USD per period.
    pub amount_usd: f64,
    /// `day`, `week` or `month`.
    pub period: String,
    /// What the period's finished calls cost, USD.
    pub spent_usd: f64,
    /// The worst-case cost of the calls still running, USD.
    pub in_flight_usd: f64,
    /// The period's first day, `YYYY-MM-DD` (UTC).
    pub period_start: String,
    /// The period's last day, `YYYY-MM-DD` (UTC).
    pub period_end: String,
    /// RFC 3339: when the next period starts.
    pub resets_at: String,
    /// What the period will have cost at its end if spending goes on at the pace so far, USD.
    pub projected_usd: f64,
    /// The alert to show now: `80` or `100` (percent of the cap), once per period; `null` when
    /// there is none or it was dismissed.
    pub alert: Option<u8>,
}

/// The answer to a cost estimate before sending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CostQuote {
    /// The model the call would use.
    pub model: String,
    /// The least it is likely to cost (the prompt, no answer), USD; `null` when the model's
    /// prices are unknown.
    pub low_usd: Option<f64>,
    /// The most it can cost (the prompt, generously counted, and the longest answer), USD.
    pub high_usd: Option<f64>,
    /// Above this the UI asks before sending, USD.
    pub confirm_above_usd: f64,
    /// The listed prices of the model, then of its fallbacks (OpenRouter bills the one that
    /// answers), so that the browser can update the estimate as the prompt grows; empty when
    /// one of them is unknown.
    pub prices: Vec<QuotedPrice>,
    /// The answer's length the worst case assumes, in tokens.
    pub max_tokens: u32,
}

/// One model's listed prices, USD per token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct QuotedPrice {
    /// The model.
    pub model: String,
    /// Per prompt token.
    pub prompt: f64,
    /// Per completion token.
    pub completion: f64,
}

impl CostQuote {
    /// The range for a prompt of `chars` characters in `messages` messages, from the prices:
    /// the same estimate the server reserves ([`crate::rules::spend`]). `None` when a price is
    /// unknown.
    pub fn range(&self, chars: usize, messages: usize) -> Option<(f64, f64)> {
        use crate::rules::spend::{least_cost, worst_cost, Prices};
        let prices = |p: &QuotedPrice| Prices {
            prompt: p.prompt,
            completion: p.completion,
        };
        let low = least_cost(chars, prices(self.prices.first()?));
        let high = self
            .prices
            .iter()
            .map(|p| worst_cost(chars, messages.max(1), self.max_tokens, prices(p)))
            .fold(0.0, f64::max);
        Some((low, high))
    }
}

/// The confirmation threshold when the user set none, USD.
pub const DEFAULT_CONFIRM_ABOVE_USD: f64 = 0.10;
