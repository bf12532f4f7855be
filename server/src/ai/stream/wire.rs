//! The event stream's wire pieces: the usage in the API's shape, one SSE event, and the two
//! mid-stream errors.

use app::wire::AiUsage;
use app::AppError;

use crate::openrouter::types::Usage;

/// OpenRouter's usage in the API's shape.
pub fn wire_usage(usage: Option<Usage>) -> AiUsage {
    let u = usage.unwrap_or_default();
    let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    AiUsage {
        prompt_tokens: n(u.prompt_tokens),
        completion_tokens: n(u.completion_tokens),
        total_tokens: n(u.total_tokens.max(u.prompt_tokens + u.completion_tokens)),
        cost: u.cost,
    }
}

pub(super) fn event<T: serde::Serialize>(out: &mut Vec<u8>, name: &str, data: &T) {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
    out.extend_from_slice(format!("event: {name}\ndata: {json}\n\n").as_bytes());
}

pub(super) fn midstream() -> AppError {
    AppError::new(
        502,
        "Provider error",
        "The model's provider failed in the middle of the answer; what arrived so far is shown. Please try again.",
    )
}

pub(super) fn interrupted() -> AppError {
    AppError::new(
        502,
        "Stream interrupted",
        "The answer from OpenRouter was cut off; what arrived so far is shown. Please try again.",
    )
}
