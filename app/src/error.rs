//! The one error type that crosses to the browser.
//!
//! Policy: every variant carries text written for people. Internal detail (database errors,
//! upstream bodies) is logged once on the server where it happens and never placed in here, so a
//! server function that returns `AppError` cannot leak it.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::wire::ApiError;

/// An error a person can act on, with the HTTP status it maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", body.message)]
pub struct AppError {
    /// The HTTP status code for REST responses.
    pub status: u16,
    /// The `{"error", "message"}` body.
    #[serde(flatten)]
    pub body: ApiError,
}

impl AppError {
    /// An error with a status, a short label and a sentence for people.
    pub fn new(status: u16, error: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ApiError {
                error: error.into(),
                message: message.into(),
                retry_after: None,
                kind: None,
            },
        }
    }

    /// The catch-all for failures whose detail was logged server-side.
    pub fn internal() -> Self {
        Self::new(
            500,
            "Internal error",
            "Something went wrong on our side. Please try again in a moment.",
        )
    }

    /// The caller is not signed in.
    pub fn unauthenticated() -> Self {
        Self::new(401, "Unauthorized", "Please sign in to continue.")
    }

    /// The thing does not exist, or belongs to someone else (the two are indistinguishable).
    pub fn not_found(what: &str) -> Self {
        Self::new(404, "Not found", format!("That {what} does not exist."))
    }

    /// The database or another dependency is down.
    pub fn unavailable() -> Self {
        Self::new(
            503,
            "Service unavailable",
            "The service is temporarily unavailable. Please try again shortly.",
        )
    }

    /// Names the kind of upstream failure (OpenRouter's `error_type`) for the browser.
    pub fn with_kind(mut self, kind: &str) -> Self {
        self.body.kind = Some(kind.to_owned());
        self
    }

    /// Adds a `Retry-After` hint, in seconds.
    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.body.retry_after = Some(seconds);
        self
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::new(
                503,
                "Connection problem",
                "Could not reach the server. Check your connection and try again.",
            ),
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                Self::new(400, "Bad request", "The request could not be understood.")
            }
            _ => Self::internal(),
        }
    }
}
