//! The REST API's routes.

pub mod ai;
pub mod api_key;
pub mod auth;
pub mod health;
pub mod usage;

use axum::routing::get;
use axum::Router;

use app::AppError;

use crate::error::HttpError;
use crate::state::AppState;

/// The routes outside Leptos: health and the JSON API.
pub fn router() -> Router<AppState> {
    let api = Router::new()
        .nest("/auth", auth::router())
        .nest("/user", api_key::router().merge(usage::router()))
        .nest("/ai", ai::router())
        .fallback(|| async { HttpError(AppError::not_found("API endpoint")) });
    Router::new()
        .route("/health", get(health::health))
        .nest("/api", api)
}
