//! The behaviour table: what the key, the model id and the prompt make the fake do.
//!
//! Checks run in this order, and the first refusal wins: the `Authorization` header (401), the
//! body (400), the key's kind (management 403, credits 402, rate limit 429), then the model
//! (400 invalid, 302 redirect, 404 data policy, 502 provider down), then prompt markers.

use axum::http::{header, HeaderMap};

use crate::{
    catalogue::{self, Model},
    errors::{ApiError, Typed},
    keys::KeyHex,
};

/// What a live key is allowed to do, chosen by the start of its hex part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// Answers everything.
    Live,
    /// Hex begins `0402`: no credits left, so completions get 402.
    NoCredits,
    /// Hex begins `0429`: completions get 429.
    RateLimited,
    /// Hex begins `0a11`: a management key, refused on completions.
    Management,
    /// Hex begins `0401`: revoked after it was checked: `/key` answers as for a live key, and
    /// completions get 401 (after the slow delay when the prompt has `SLOW`).
    RevokedOnCalls,
}

/// A caller whose key passed authentication.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) key: KeyHex,
    pub(crate) kind: KeyKind,
}

/// Checks the `Authorization` header.
///
/// No header, or no bearer token in it, gives "No auth credentials found"; a token that is not
/// a well-formed key, or whose hex begins `dead` (revoked), gives "User not found.".
pub(crate) fn authenticate(headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().map_err(|_| ApiError::UserNotFound))
        .transpose()?
        .and_then(bearer_token)
        .ok_or(ApiError::NoCredentials)?;
    let key = KeyHex::parse(token).ok_or(ApiError::UserNotFound)?;
    let hex = key.as_str();
    let kind = if hex.starts_with("dead") {
        return Err(ApiError::UserNotFound);
    } else if hex.starts_with("0402") {
        KeyKind::NoCredits
    } else if hex.starts_with("0429") {
        KeyKind::RateLimited
    } else if hex.starts_with("0a11") {
        KeyKind::Management
    } else if hex.starts_with("0401") {
        KeyKind::RevokedOnCalls
    } else {
        KeyKind::Live
    };
    Ok(Caller { key, kind })
}

/// [`authenticate`], then refuses a key a test disabled (`PUT /__fake/keys/{prefix}`).
pub(crate) fn authenticate_with(
    state: &crate::state::AppState,
    headers: &HeaderMap,
) -> Result<Caller, ApiError> {
    let caller = authenticate(headers)?;
    if state
        .key_facts
        .of(caller.key.as_str())
        .is_some_and(|facts| facts.disabled)
    {
        return Err(ApiError::KeyDisabled);
    }
    Ok(caller)
}

/// The token after `Bearer ` (scheme matched case-insensitively), if there is one.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl Caller {
    /// Refuses a completion the key may not have, for a request on `model_id`.
    pub(crate) fn may_complete(&self, model_id: &str) -> Result<(), ApiError> {
        match self.kind {
            KeyKind::Live => Ok(()),
            KeyKind::Management => Err(ApiError::ManagementKey),
            KeyKind::RevokedOnCalls => Err(ApiError::UserNotFound),
            KeyKind::NoCredits => Err(ApiError::InsufficientCredits),
            KeyKind::RateLimited => Err(ApiError::RateLimited {
                free_model: model_id.ends_with(":free"),
            }),
        }
    }
}

/// The catalogue model for `id`, or the refusal that special model ids trigger.
pub(crate) fn route_model(id: &str) -> Result<&'static Model, ApiError> {
    match id {
        "down/model" => Err(ApiError::ProviderDown),
        "policy/model" => Err(ApiError::DataPolicy),
        "redirect/model" => Err(ApiError::Redirect),
        _ => catalogue::find(id).ok_or_else(|| ApiError::InvalidModel(id.to_owned())),
    }
}

/// The first of `candidates` that answers, skipping those that fail as OpenRouter's fallback
/// routing does (invalid, data policy, provider down); the last refusal when none answers.
/// `primary_down` makes the first one fail as down.
pub(crate) fn route_models(
    candidates: &[&str],
    primary_down: bool,
) -> Result<&'static Model, ApiError> {
    let mut last = ApiError::ProviderDown;
    for (i, id) in candidates.iter().enumerate() {
        let routed = if i == 0 && primary_down {
            Err(ApiError::ProviderDown)
        } else {
            route_model(id)
        };
        match routed {
            Ok(model) => return Ok(model),
            Err(
                e @ (ApiError::ProviderDown | ApiError::DataPolicy | ApiError::InvalidModel(_)),
            ) => {
                last = e;
            }
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// A marker in the last user message that changes how the answer is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Markers {
    /// `MIDSTREAM_FAIL`: the stream breaks after two content chunks (502 when not streaming).
    pub(crate) midstream_fail: bool,
    /// `SLOW`: the answer is held for the configured slow delay.
    pub(crate) slow: bool,
    /// `TRICKLE`: a stream's chunks come [`crate::streaming::TRICKLE`] apart (to stop one
    /// mid-answer).
    pub(crate) trickle: bool,
    /// `PRIMARY_DOWN`: the first model tried is down, so a fallback answers.
    pub(crate) primary_down: bool,
    /// `OVERSIZED_BODY`: a completion of 64 MiB, or when streaming a data line of 64 MiB.
    pub(crate) oversized_body: bool,
    /// `OVERSIZED_ERROR`: a 500 whose error body is 64 MiB.
    pub(crate) oversized_error: bool,
    /// `FAKE_ERROR:<error_type>`: that failure, every time (`payment_required` only on models
    /// that are not `:free`, as a key without credits can still use free models).
    pub(crate) fake_error: Option<Typed>,
    /// `FAKE_ERROR_ONCE:<error_type>`: that failure the first time this prompt is seen, then
    /// the answer (a retry succeeds).
    pub(crate) fake_error_once: Option<Typed>,
}

fn typed_marker(prompt: &str, marker: &str) -> Option<Typed> {
    let rest = &prompt[prompt.find(marker)? + marker.len()..];
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
        .collect();
    Typed::ALL.into_iter().find(|t| t.name() == name)
}

impl Markers {
    /// Reads the markers from the last user message.
    pub(crate) fn of(prompt: &str) -> Self {
        Self {
            midstream_fail: prompt.contains("MIDSTREAM_FAIL"),
            slow: prompt.contains("SLOW"),
            trickle: prompt.contains("TRICKLE"),
            primary_down: prompt.contains("PRIMARY_DOWN"),
            oversized_body: prompt.contains("OVERSIZED_BODY"),
            oversized_error: prompt.contains("OVERSIZED_ERROR"),
            fake_error: typed_marker(prompt, "FAKE_ERROR:"),
            fake_error_once: typed_marker(prompt, "FAKE_ERROR_ONCE:"),
        }
    }
}

/// The failure the request asked for by a marker, if any: `FAKE_ERROR:<type>` (every time),
/// `FAKE_ERROR_ONCE:<type>` (the first time `seen_before` says no), or `HUGE_CONTEXT` in a
/// message before the last (context_length_exceeded until the oldest turns are dropped).
pub(crate) fn asked_failure(
    markers: &Markers,
    model_id: &str,
    earlier: &[String],
    seen_before: impl FnOnce() -> bool,
) -> Option<ApiError> {
    if let Some(t) = markers.fake_error {
        if !(t == Typed::PaymentRequired && model_id.ends_with(":free")) {
            return Some(ApiError::Typed(t));
        }
    }
    if earlier.iter().any(|m| m.contains("HUGE_CONTEXT")) {
        return Some(ApiError::Typed(Typed::ContextLengthExceeded));
    }
    match markers.fake_error_once {
        Some(t) if !seen_before() => Some(ApiError::Typed(t)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "behaviour_tests.rs"]
mod tests;
