//! The shared state and the router.

use std::sync::Arc;

use axum::{
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
    Router,
};

use crate::{
    config::FakeConfig,
    handlers::{chat, control, key, models, not_found},
    inflight::StreamCounters,
    recording::{self, RequestLog, MAX_BODY_BYTES},
};

/// Everything the handlers share; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub(crate) config: Arc<FakeConfig>,
    pub(crate) log: Arc<RequestLog>,
    pub(crate) streams: Arc<StreamCounters>,
}

impl AppState {
    /// Fresh state: an empty log and no open streams.
    pub(crate) fn new(config: FakeConfig) -> Self {
        Self {
            log: Arc::new(RequestLog::new(config.max_recorded_requests)),
            config: Arc::new(config),
            streams: Arc::new(StreamCounters::default()),
        }
    }
}

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
