//! Refuses state-changing requests that a browser sends from another origin, before any handler
//! (REST or server function) runs. Leptos server functions do no such check of their own.
//!
//! For every method but GET, HEAD and OPTIONS: `Sec-Fetch-Site` decides when present
//! (`same-origin` and `none` pass); otherwise an `Origin` header must equal the public origin.
//! Requests with neither are not from a modern browser (curl, scripts) and pass.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;

use app::AppError;

use crate::error::HttpError;
use crate::state::AppState;

/// The middleware.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if is_same_origin(req.headers(), &state.config.public_origin) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-origin write refused");
        HttpError(AppError::new(
            403,
            "Forbidden",
            "This request came from another site and was refused.",
        ))
        .into_response()
    }
}

fn is_same_origin(headers: &http::HeaderMap, public_origin: &str) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match (header("sec-fetch-site"), header("origin")) {
        (Some(site), _) => matches!(site, "same-origin" | "none"),
        (None, Some(origin)) => origin.eq_ignore_ascii_case(public_origin),
        (None, None) => true,
    }
}
