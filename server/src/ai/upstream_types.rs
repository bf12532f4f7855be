//! OpenRouter's `metadata.error_type`, each with its own answer for people, and the `kind` the
//! browser reads to offer a recovery (a free model on `payment_required`, a countdown on
//! `rate_limit_exceeded`, dropping the oldest turns on `context_length_exceeded`). A body
//! without an `error_type`, or with `unmapped`, is answered by its status
//! ([`crate::ai::upstream_errors`]).

use app::AppError;

use crate::ai::upstream_errors::{
    mapped, out_of_credits, provider_down, rate_limited, timeout, Mapped,
};
use crate::vault::usecases as vault;

/// Every `error_type` OpenRouter documents.
pub const ERROR_TYPES: [&str; 12] = [
    "authentication",
    "payment_required",
    "permission_denied",
    "rate_limit_exceeded",
    "provider_overloaded",
    "provider_unavailable",
    "context_length_exceeded",
    "content_policy_violation",
    "refusal",
    "timeout",
    "server",
    "unmapped",
];

/// `error_type` as one of [`ERROR_TYPES`]; anything else is `unmapped`.
pub fn known(error_type: &str) -> &'static str {
    ERROR_TYPES
        .into_iter()
        .find(|t| *t == error_type)
        .unwrap_or("unmapped")
}

/// The `error_type` a failure without one implies, from the ledger's name for it.
pub fn implied(ledger_kind: &str) -> &'static str {
    match ledger_kind {
        "key_rejected" => "authentication",
        "no_credits" => "payment_required",
        "rate_limited" => "rate_limit_exceeded",
        "provider_down" => "provider_unavailable",
        "flagged" => "content_policy_violation",
        "too_large" => "context_length_exceeded",
        "timeout" => "timeout",
        _ => "unmapped",
    }
}

fn with_wait(e: AppError, retry_after: Option<u32>) -> AppError {
    match retry_after {
        Some(s) => e.with_retry_after(s),
        None => e,
    }
}

/// The answer for a failure OpenRouter typed, or `None` to answer it by its status.
pub fn by_type(
    error_type: Option<&str>,
    status: u16,
    message: &str,
    retry_after: Option<u32>,
    limit_source: Option<&str>,
) -> Option<Mapped> {
    let t = known(error_type?);
    let m = match t {
        "authentication" => Mapped {
            error: vault::key_rejected(),
            kind: "key_rejected",
            key_rejected: true,
        },
        "payment_required" => mapped("no_credits", out_of_credits(limit_source)),
        "permission_denied" => mapped(
            "permission_denied",
            AppError::new(
                403,
                "Not permitted",
                "OpenRouter does not let your key use this model or feature. Choose another model, or check the key's settings on OpenRouter.",
            ),
        ),
        "rate_limit_exceeded" => mapped(
            "rate_limited",
            rate_limited(&message.to_lowercase(), retry_after),
        ),
        "provider_overloaded" => mapped(
            "provider_overloaded",
            with_wait(
                AppError::new(
                    503,
                    "Provider overloaded",
                    "The model's provider is overloaded right now. Wait a moment and try again, or choose another model.",
                ),
                retry_after,
            ),
        ),
        "provider_unavailable" => mapped(
            "provider_down",
            provider_down(if status == 503 { 503 } else { 502 }, retry_after),
        ),
        "context_length_exceeded" => mapped(
            "context_length",
            AppError::new(
                422,
                "Conversation too long",
                "The conversation is longer than this model can read. Drop the oldest turns, shorten your message, or choose a model with a larger context.",
            ),
        ),
        "content_policy_violation" => mapped(
            "flagged",
            AppError::new(
                422,
                "Input flagged",
                "The model's provider flagged the request under its moderation policy. Rephrase it, or choose another model.",
            ),
        ),
        "refusal" => mapped(
            "refusal",
            AppError::new(
                422,
                "Model refused",
                "The model declined to answer this request. Rephrase it, or choose another model.",
            ),
        ),
        "timeout" => mapped("timeout", timeout()),
        "server" => mapped(
            "upstream_server",
            AppError::new(
                502,
                "OpenRouter error",
                "OpenRouter had an internal error while answering. Please try again in a moment.",
            ),
        ),
        // Named by its status, which says more than "unmapped" does.
        _ => return None,
    };
    Some(Mapped {
        error: m.error.with_kind(t),
        ..m
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_type_has_its_own_message_and_names_its_kind() {
        let mut messages = std::collections::BTreeSet::new();
        for t in ERROR_TYPES.into_iter().filter(|t| *t != "unmapped") {
            let m = by_type(Some(t), 400, "", Some(3), None).unwrap_or_else(|| panic!("{t}"));
            assert_eq!(m.error.body.kind.as_deref(), Some(t));
            assert!(
                messages.insert(m.error.body.message.clone()),
                "{t} has its own message"
            );
        }
        assert!(by_type(Some("unmapped"), 400, "", None, None).is_none());
        assert!(by_type(None, 400, "", None, None).is_none());
        assert_eq!(known("something new"), "unmapped");
    }

    #[test]
    fn waits_are_passed_on_and_a_402_offers_a_free_model() {
        let m = by_type(
            Some("rate_limit_exceeded"),
            429,
            "Rate limit exceeded",
            Some(3),
            None,
        );
        assert_eq!(
            m.map(|m| (m.error.status, m.error.body.retry_after)),
            Some((429, Some(3)))
        );
        let m = by_type(Some("payment_required"), 402, "", None, None);
        assert!(m.is_some_and(|m| m.error.body.message.contains("free model")));
    }
}
