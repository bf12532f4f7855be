//! HTTP handlers, one file per endpoint group.

pub(crate) mod auth;
pub(crate) mod chat;
pub(crate) mod control;
pub(crate) mod credits;
pub(crate) mod key;
pub(crate) mod models;

use crate::errors::ApiError;

/// Any route the fake does not serve.
pub(crate) async fn not_found() -> ApiError {
    ApiError::NotFound
}
