//! The fake's own routes under `/__fake`, for tests that run it as a separate process.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{key_facts::KeyFacts, recording::RecordedRequest, state::AppState};

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

/// `POST /__fake/auth/expire`: every authorisation code handed out so far expires.
pub(crate) async fn expire_auth_codes(State(state): State<AppState>) -> StatusCode {
    state.auth_codes.expire_all();
    StatusCode::NO_CONTENT
}

/// `PUT /__fake/auth/key-prefix` body: the hex prefix of keys handed out next (`null`: live).
#[derive(Debug, Deserialize)]
pub(crate) struct KeyPrefix {
    prefix: Option<String>,
}

/// `PUT /__fake/auth/key-prefix`: which kind of key the exchange hands out from now on.
pub(crate) async fn set_issued_key_prefix(
    State(state): State<AppState>,
    Json(body): Json<KeyPrefix>,
) -> StatusCode {
    state.auth_codes.set_key_prefix(body.prefix);
    StatusCode::NO_CONTENT
}

/// `PUT /__fake/keys/{prefix}`: what `/key` reports for keys whose hex begins with `prefix`.
pub(crate) async fn set_key_facts(
    State(state): State<AppState>,
    Path(prefix): Path<String>,
    Json(facts): Json<KeyFacts>,
) -> StatusCode {
    state.key_facts.set(&prefix, facts);
    StatusCode::NO_CONTENT
}

/// `DELETE /__fake/keys`: forget every key fact a test set.
pub(crate) async fn clear_key_facts(State(state): State<AppState>) -> StatusCode {
    state.key_facts.clear();
    StatusCode::NO_CONTENT
}
