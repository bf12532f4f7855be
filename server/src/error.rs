//! Errors at the server's two boundaries.
//!
//! - [`StartupError`]: why the process cannot start, as one line naming the setting at fault.
//! - [`HttpError`]: an [`AppError`] on its way out of a REST handler. Its body is the
//!   `{"error","message"}` the user sees; internal detail was logged where it happened.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

pub use app::AppError;

/// Why start-up failed.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A setting has a value that cannot be used.
    #[error("{var}: {reason}")]
    Config {
        /// The environment variable at fault.
        var: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Something outside the configuration failed.
    #[error("{0}")]
    Other(String),
}

impl StartupError {
    /// A configuration error naming its variable.
    pub fn config(var: &'static str, reason: impl Into<String>) -> Self {
        Self::Config {
            var,
            reason: reason.into(),
        }
    }
}

/// An [`AppError`] as an HTTP response.
#[derive(Debug)]
pub struct HttpError(pub AppError);

impl From<AppError> for HttpError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.0.body.retry_after;
        let mut response = (status, Json(self.0.body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
