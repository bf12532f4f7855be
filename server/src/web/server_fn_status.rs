//! A server function's error answers with the error's own status.
//!
//! A server function that fails in its body sets the status of the `AppError` it returns
//! (`app::ports::run`). One whose arguments cannot be decoded fails before its body runs, and the
//! server-function framework answers every such error 500. This layer reads the (small) error
//! body of those answers and puts its status on the response, so a malformed call is the 400 it
//! says it is, and a 500 always means the server failed.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use app::AppError;

use crate::error::HttpError;

/// The header the server-function framework puts on its error answers.
const SERVER_FN_ERROR: &str = "serverfnerror";
/// An `AppError` body is a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The middleware.
pub async fn error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key(SERVER_FN_ERROR)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        tracing::error!("a server function's error body could not be read");
        return HttpError(AppError::internal()).into_response();
    };
    if let Some(status) = serde_json::from_slice::<AppError>(&bytes)
        .ok()
        .and_then(|e| StatusCode::from_u16(e.status).ok())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
