//! `GET /health`: 200 while the database answers, 503 with a JSON reason when it does not.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::health::status;
use crate::state::AppState;

/// The route.
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
