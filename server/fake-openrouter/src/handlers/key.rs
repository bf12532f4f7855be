//! `GET /api/v1/key` (and its legacy alias `/api/v1/auth/key`): what the key may spend.

use axum::{
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use crate::{
    behaviour::{authenticate_with, KeyKind},
    errors::ApiError,
    oversized,
    state::AppState,
};

/// The `data` object for the caller's key, in OpenRouter's current documented shape.
///
/// Live keys have a 10 USD monthly limit with 0.5 used; `0402` keys have used all 10;
/// `0a11` keys are management keys without a limit; `b16b` keys get a 64 MiB answer. Facts a
/// test set for the key's prefix replace these.
pub(crate) async fn key_info(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = authenticate_with(&state, &headers)?;
    if caller.key.as_str().starts_with("b16b") {
        return Ok(oversized::key_info());
    }
    let management = caller.kind == KeyKind::Management;
    let (limit, usage, limit_reset) = match caller.kind {
        KeyKind::Management => (None, 0.0, None),
        KeyKind::NoCredits => (Some(10.0), 10.0, Some("monthly")),
        KeyKind::Live | KeyKind::RateLimited | KeyKind::RevokedOnCalls => {
            (Some(10.0), 0.5, Some("monthly"))
        }
    };
    let limit_remaining = limit.map(|limit: f64| (limit - usage).max(0.0));
    let mut data = json!({
        "label": caller.key.label(),
        "limit": limit,
        "limit_reset": limit_reset,
        "limit_remaining": limit_remaining,
        "include_byok_in_limit": false,
        "usage": usage,
        "usage_daily": usage,
        "usage_weekly": usage,
        "usage_monthly": usage,
        "byok_usage": 0.0,
        "byok_usage_daily": 0.0,
        "byok_usage_weekly": 0.0,
        "byok_usage_monthly": 0.0,
        "is_free_tier": false,
        "is_management_key": management,
        "is_provisioning_key": management,
        "creator_user_id": "user_fake0000000000000000000000",
        "expires_at": null,
        "rate_limit": {
            "requests": 1000,
            "interval": "1h",
            "note": "This field is deprecated and safe to ignore.",
        },
    });
    if let (Some(facts), Some(object)) = (
        state.key_facts.of(caller.key.as_str()),
        data.as_object_mut(),
    ) {
        object.extend(facts.data);
    }
    Ok(Json(json!({ "data": data })).into_response())
}
