//! `GET /health`: 200 while the database answers, 503 with a JSON reason when it does not.
//! `GET /ready`: the same, and 503 `draining` once shutdown has begun.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::health::status;
use crate::state::AppState;

/// The body of `GET /health`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only its schema is used: the handler answers with `json!`.
struct Health {
    /// `ok` or `unavailable`.
    status: String,
    /// `sqlite` or `postgres`.
    database: String,
    /// Why it is unavailable (with 503 only).
    reason: Option<String>,
}

/// The server's health: whether its database answers.
#[utoipa::path(
    get,
    path = "/health",
    tag = "meta",
    responses(
        (status = 200, description = "Serving: `{\"status\": \"ok\", \"database\": \"sqlite\" | \"postgres\"}`.", body = Health),
        (status = 503, description = "The database does not answer: `status` is `unavailable`, with a `reason`.", body = Health),
    )
)]
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let s = status(&state).await;
    if s.database_ok {
        (
            StatusCode::OK,
            Json(json!({"status": "ok", "database": s.database})),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "unavailable",
                "database": s.database,
                "reason": "The database is not answering.",
            })),
        )
    }
}

/// The body of `GET /ready`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only its schema is used: the handler answers with `json!`.
struct Readiness {
    /// `ready`, `draining` or `unavailable`.
    status: String,
    /// `sqlite` or `postgres`.
    database: String,
    /// Why it is not ready (with 503 only).
    reason: Option<String>,
}

/// Whether this instance should be sent traffic: its database answers and it is not shutting
/// down. `/health` says whether the process serves at all.
#[utoipa::path(
    get,
    path = "/ready",
    tag = "meta",
    responses(
        (status = 200, description = "Ready for traffic: `{\"status\": \"ready\", \"database\": ...}`.", body = Readiness),
        (status = 503, description = "Shutting down (`draining`) or the database does not answer (`unavailable`), with a `reason`.", body = Readiness),
    )
)]
pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let database = state.config.database.kind().as_str();
    if state.draining.load(Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "draining",
                "database": database,
                "reason": "This instance is shutting down.",
            })),
        );
    }
    let s = status(&state).await;
    if s.database_ok {
        (
            StatusCode::OK,
            Json(json!({"status": "ready", "database": s.database})),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "unavailable",
                "database": s.database,
                "reason": "The database is not answering.",
            })),
        )
    }
}
