//! The implementation of `app`'s ports ([`app::ports::Backend`]), handed to Leptos as context.
//!
//! [`StudioBackend`] is the one type that implements every feature's port; each `impl` lives
//! beside that feature's use cases (`impl AuthPort` in `auth::usecases`, `impl KeysPort` in
//! `vault::usecases`, `impl WorkspacesPort` in `workspaces`, `impl AiPort` in `ai::usecases`,
//! `impl StatusPort` in `health`), so a new server function is written in the `app` feature file
//! and the `server` feature file only. Every method works out who is asking from the request,
//! then calls the same use case the matching REST route calls. This file imports no feature;
//! the features import it.

use http::request::Parts;

use crate::kit::{request_meta, RequestMeta};
use crate::state::AppState;

/// The server-side use cases, as server functions reach them.
pub struct StudioBackend {
    pub(crate) state: AppState,
}

impl StudioBackend {
    /// Wraps the application state.
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// Where the request came from.
    pub(crate) fn meta(&self, req: &Parts) -> RequestMeta {
        request_meta(
            &self.state.config.trusted_proxies,
            &req.extensions,
            &req.headers,
        )
    }
}
