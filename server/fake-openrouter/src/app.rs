//! The router: OpenRouter's routes and the fake's own, over the shared [`AppState`].

use axum::{
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
    Router,
};

use crate::{
    handlers::{auth, chat, control, credits, key, models, not_found},
    recording::{self, MAX_BODY_BYTES},
    state::AppState,
};

/// OpenRouter's routes under `/api/v1`, plus the fake's own under `/__fake`.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/auth", get(auth::auth_page))
        .route("/auth/approve", post(auth::approve))
        .route("/api/v1/auth/keys", post(auth::exchange))
        .route("/api/v1/credits", get(credits::credits))
        .route("/api/v1/key", get(key::key_info))
        .route("/api/v1/auth/key", get(key::key_info))
        .route("/api/v1/chat/completions", post(chat::chat_completions))
        .route("/api/v1/models", get(models::list_models))
        .route(
            "/__fake/requests",
            get(control::list_requests).delete(control::clear_requests),
        )
        .route("/__fake/streams", get(control::stream_counts))
        .route("/__fake/auth/expire", post(control::expire_auth_codes))
        .route(
            "/__fake/auth/key-prefix",
            axum::routing::put(control::set_issued_key_prefix),
        )
        .route(
            "/__fake/keys",
            axum::routing::delete(control::clear_key_facts),
        )
        .route(
            "/__fake/keys/{prefix}",
            axum::routing::put(control::set_key_facts),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            recording::record,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
