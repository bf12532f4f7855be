//! The router: OpenRouter's routes and the fake's own, over the shared [`AppState`].

use axum::{
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
    Router,
};

use crate::{
    handlers::{chat, control, key, models, not_found},
    recording::{self, MAX_BODY_BYTES},
    state::AppState,
};

/// OpenRouter's routes under `/api/v1`, plus the fake's own under `/__fake`.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/key", get(key::key_info))
        .route("/api/v1/auth/key", get(key::key_info))
        .route("/api/v1/chat/completions", post(chat::chat_completions))
        .route("/api/v1/models", get(models::list_models))
        .route(
            "/__fake/requests",
            get(control::list_requests).delete(control::clear_requests),
        )
        .route("/__fake/streams", get(control::stream_counts))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            recording::record,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
