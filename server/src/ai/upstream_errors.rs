//! OpenRouter's failures, turned into errors the user can act on. OpenRouter's own message is
//! used to pick the case and is logged, but never sent on; the model id in a message is the one
//! this server checked and sent.

use app::AppError;

use crate::openrouter::UpstreamError;
use crate::state::AppState;
use crate::vault::key::KeyOrigin;
use crate::vault::usecases as vault;

/// The user's error, and the ledger's name for the failure (`error:<kind>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    /// What the user sees.
    pub error: AppError,
    /// A short, stable name, e.g. `rate_limited`.
    pub kind: &'static str,
    /// Whether OpenRouter refused the key itself.
    pub key_rejected: bool,
}

pub(crate) fn mapped(kind: &'static str, error: AppError) -> Mapped {
    Mapped {
        error,
        kind,
        key_rejected: false,
    }
}

/// The timeout error, exactly as the API documents it.
pub fn timeout() -> AppError {
    AppError::new(
        504,
        "Upstream timeout",
        "OpenRouter did not answer in time. Please try again.",
    )
    .with_kind("timeout")
}

fn unexpected() -> AppError {
    AppError::new(
        502,
        "Upstream error",
        "OpenRouter gave an unexpected answer. Please try again in a moment.",
    )
}

pub(crate) fn provider_down(status: u16, retry_after: Option<u32>) -> AppError {
    let e = AppError::new(
        status,
        "Provider unavailable",
        "The model's provider is unavailable right now. Please try again in a moment, or choose another model.",
    );
    match retry_after {
        Some(s) => e.with_retry_after(s),
        None => e,
    }
}

/// Chooses the user's error for `e`, on a call to `model`, and names its kind for the browser
/// (OpenRouter's `error_type` when it gave one, else the one its status implies).
pub fn classify(e: &UpstreamError, model: &str) -> Mapped {
    let mut m = classify_inner(e, model);
    if m.error.body.kind.is_none() {
        let kind = match e {
            UpstreamError::Status {
                error_type: Some(t),
                ..
            } => crate::ai::upstream_types::known(t),
            _ => crate::ai::upstream_types::implied(m.kind),
        };
        m.error = m.error.with_kind(kind);
    }
    m
}

fn classify_inner(e: &UpstreamError, model: &str) -> Mapped {
    let (status, message, retry_after, limit_source) = match e {
        UpstreamError::Timeout => return mapped("timeout", timeout()),
        UpstreamError::Unreachable => {
            return mapped(
                "unreachable",
                AppError::new(
                    502,
                    "OpenRouter unreachable",
                    "We could not reach OpenRouter. Please try again in a moment.",
                ),
            )
        }
        UpstreamError::Redirect => return mapped("redirect", unexpected()),
        UpstreamError::Invalid => return mapped("invalid_answer", unexpected()),
        UpstreamError::TooLarge { .. } => return mapped("oversized_answer", unexpected()),
        UpstreamError::Status {
            status,
            message,
            retry_after,
            limit_source,
            error_type,
        } => {
            if let Some(m) = crate::ai::upstream_types::by_type(
                error_type.as_deref(),
                *status,
                message,
                *retry_after,
                limit_source.as_deref(),
            ) {
                return m;
            }
            (
                *status,
                message.to_lowercase(),
                *retry_after,
                limit_source.as_deref(),
            )
        }
    };
    match status {
        403 if message.contains("moderation") || message.contains("flagged") => mapped(
            "flagged",
            AppError::new(
                422,
                "Input flagged",
                "The model's provider flagged the request under its moderation policy. Rephrase it, or choose another model.",
            ),
        ),
        401 | 403 => Mapped {
            error: vault::key_rejected(),
            kind: "key_rejected",
            key_rejected: true,
        },
        402 => {
                mapped("no_credits", out_of_credits(limit_source))
        }
        429 => mapped("rate_limited", rate_limited(&message, retry_after)),
        400 if message.contains("valid model") || message.contains("model not found") => mapped(
            "invalid_model",
            AppError::new(
                422,
                "Unknown model",
                format!("OpenRouter does not accept the model \"{model}\". Choose another model."),
            ),
        ),
        400 => mapped(
            "bad_request",
            AppError::new(
                400,
                "Request refused",
                "OpenRouter refused the request as invalid. Try a shorter conversation or another model.",
            ),
        ),
        404 if message.contains("data policy") || message.contains("no endpoints") => mapped(
            "data_policy",
            AppError::new(
                422,
                "Blocked by data policy",
                format!("No provider of \"{model}\" is allowed by your OpenRouter data policy. Allow more providers in your privacy settings at https://openrouter.ai/settings/privacy, or choose another model."),
            ),
        ),
        408 => mapped("timeout", timeout()),
        413 => mapped(
            "too_large",
            AppError::new(
                413,
                "Request too large",
                "The request is too long for this model. Shorten it, or choose a model with a larger context.",
            ),
        ),
        502 | 503 => mapped("provider_down", provider_down(status, retry_after)),
        500..=599 => mapped("provider_down", provider_down(502, retry_after)),
        _ => mapped("upstream", unexpected()),
    }
}

/// The 402 answer; `limit_source` tells a key's limit from the account's credits.
pub(crate) fn out_of_credits(limit_source: Option<&str>) -> AppError {
    let text = if limit_source.is_some_and(|s| s.contains("key")) {
        "Your OpenRouter key has reached its credit limit. Raise the key's limit at https://openrouter.ai/settings/keys, use another key, or retry with a free model."
    } else {
        "Your OpenRouter account is out of credits. Add credits at https://openrouter.ai/settings/credits, or retry with a free model."
    };
    AppError::new(402, "Out of credits", text)
}

/// The 429 answer, passing `Retry-After` on; `message` (lower-cased) tells the free tier's
/// daily cap from a plain rate limit.
pub(crate) fn rate_limited(message: &str, retry_after: Option<u32>) -> AppError {
    if message.contains("free-models-per-day") {
        // The cap lasts until midnight UTC: waiting a minute does not help, so no countdown.
        return AppError::new(
            429,
            "Rate limited",
            "You have used today's free-model requests on OpenRouter. Add credits at https://openrouter.ai/settings/credits to raise the daily limit, or choose a paid model.",
        );
    }
    let e = AppError::new(
        429,
        "Rate limited",
        "OpenRouter is rate-limiting your key. Please wait a moment and try again.",
    );
    match retry_after {
        Some(s) => e.with_retry_after(s),
        None => e,
    }
}

/// Maps `e` for the user, logs it once, and acts on it: a rejected key is marked so in the
/// vault (which writes a key-log event), if the stored key is still the one the call was made
/// with (`origin`).
pub async fn handle(
    state: &AppState,
    user_id: &str,
    origin: Option<&KeyOrigin>,
    model: &str,
    e: &UpstreamError,
) -> Mapped {
    let m = classify(e, model);
    let upstream_status = match e {
        UpstreamError::Status { status, .. } => *status,
        _ => 0,
    };
    tracing::warn!(
        user.id = %user_id,
        ai.model = %model,
        upstream.status = upstream_status,
        ai.outcome = m.kind,
        error = %e,
        "an AI call failed upstream"
    );
    if m.key_rejected {
        if let Err(err) = vault::mark_rejected(state, user_id, origin).await {
            tracing::error!(user.id = %user_id, error = %err, "could not mark a rejected key");
        }
    }
    m
}

#[cfg(test)]
#[path = "upstream_errors_tests.rs"]
mod tests;
