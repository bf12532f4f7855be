//! The fake's own routes under `/__fake`, for tests that run it as a separate process.

use axum::{extract::State, http::StatusCode, Json};
use serde_json::{json, Value};

use crate::{recording::RecordedRequest, state::AppState};

/// `GET /__fake/requests`: every recorded request, oldest first.
pub(crate) async fn list_requests(State(state): State<AppState>) -> Json<Vec<RecordedRequest>> {
    Json(state.log.snapshot())
}

/// `DELETE /__fake/requests`: forget the recorded requests.
pub(crate) async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.log.clear();
    StatusCode::NO_CONTENT
}

/// `GET /__fake/streams`: `{"open": n, "cancelled": m}`.
pub(crate) async fn stream_counts(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "open": state.streams.open(),
        "cancelled": state.streams.cancelled(),
    }))
}
