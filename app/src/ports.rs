//! The ports through which server functions reach server-side use cases.
//!
//! `app` cannot depend on `server` (the arrow points the other way), so each feature file
//! declares what it needs (its `ssr::…Port` trait, beside its server functions) and the `server`
//! crate implements it beside that feature's use cases, calling the same functions its REST
//! routes call. The implementation is provided to Leptos as context; server functions fetch it
//! with [`backend`] and pass the request's [`Parts`] so the server can tell who is asking.

use std::sync::Arc;

use http::request::Parts;
use leptos::prelude::use_context;

use crate::ai::ssr::AiPort;
use crate::auth::ssr::AuthPort;
use crate::conversations::ssr::ConversationsPort;
use crate::error::AppError;
use crate::keys::ssr::KeysPort;
use crate::pages::home::ssr::StatusPort;
use crate::spend::ssr::SpendPort;
use crate::workspaces::ssr::WorkspacesPort;

/// Every feature's port: what the server implements and hands to Leptos. A feature file declares
/// its own port next to its server functions (e.g. [`KeysPort`] in `crate::keys`); only a new
/// feature file is added here.
pub trait Backend:
    AuthPort + KeysPort + WorkspacesPort + ConversationsPort + AiPort + StatusPort + SpendPort
{
}

impl<T> Backend for T where
    T: AuthPort + KeysPort + WorkspacesPort + ConversationsPort + AiPort + StatusPort + SpendPort
{
}

/// The shared handle placed in Leptos context.
#[derive(Clone)]
pub struct BackendHandle(pub Arc<dyn Backend>);

/// Fetches the backend and the current request from context, or fails with an internal error
/// (logged) if either is missing.
pub fn backend() -> Result<(Arc<dyn Backend>, Parts), AppError> {
    let handle = use_context::<BackendHandle>();
    let parts = use_context::<Parts>();
    match (handle, parts) {
        (Some(h), Some(p)) => Ok((h.0, p)),
        _ => {
            leptos::logging::error!("the Backend port or the request was not in Leptos context");
            Err(AppError::internal())
        }
    }
}

/// Sets the HTTP status of the server function's response to the error's, and its
/// `Retry-After` when the error has one (a 429 says when to come back, as on the REST API).
pub fn set_status(error: &AppError) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(error.status) {
            response.set_status(code);
        }
        if let Some(secs) = error.body.retry_after {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
    }
}

/// Runs a use case for a server function, setting the response's status to the error's on
/// failure (one place, shared by every server function).
pub async fn run<T>(
    f: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let out = f.await;
    if let Err(e) = &out {
        set_status(e);
    }
    out
}
