//! `GET /health`: 200 while the database answers, 503 with a JSON reason when it does not.

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
