//! `GET /api/v1/credits`: the account's credits, for management keys only.

use axum::{extract::State, http::HeaderMap, Json};
use serde_json::{json, Value};

use crate::{
    behaviour::{authenticate_with, KeyKind},
    errors::ApiError,
    state::AppState,
};

/// `{"data":{"total_credits","total_usage"}}` for a management key; any other key gets 403.
pub(crate) async fn credits(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let caller = authenticate_with(&state, &headers)?;
    if caller.kind != KeyKind::Management {
        return Err(ApiError::CreditsNeedManagementKey);
    }
    Ok(Json(
        json!({ "data": { "total_credits": 100.0, "total_usage": 25.5 } }),
    ))
}
