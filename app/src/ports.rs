//! The port through which server functions reach server-side use cases.
//!
//! `app` cannot depend on `server` (the arrow points the other way), so it declares what it needs
//! here and the `server` crate implements it once, calling the same use-case functions its REST
//! routes call. The implementation is provided to Leptos as context; server functions fetch it
//! with [`backend`] and pass the request's [`Parts`] so the server can tell who is asking.

use std::sync::Arc;

use http::request::Parts;
use leptos::prelude::use_context;

use crate::error::AppError;
use crate::wire::{
    ApiKeyEventPage, ApiKeyStatus, CodeCompletionReply, CodeCompletionRequest, GenerateCodeReply,
    GenerateCodeRequest, Redacted, ServerStatus, SessionInfo, UsageReport, UserDto, Workspace,
    WorkspaceSummary,
};

/// Server-side use cases, as the UI sees them.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The server's health and database kind.
    async fn server_status(&self) -> Result<ServerStatus, AppError>;
    /// Creates an account and signs it in.
    async fn sign_up(
        &self,
        req: &Parts,
        email: String,
        password: Redacted,
        name: Option<String>,
    ) -> Result<UserDto, AppError>;
    /// Signs in.
    async fn sign_in(
        &self,
        req: &Parts,
        email: String,
        password: Redacted,
    ) -> Result<UserDto, AppError>;
    /// Signs out (ends the server-side session).
    async fn sign_out(&self, req: &Parts) -> Result<(), AppError>;
    /// The signed-in user, or `None`.
    async fn current_user(&self, req: &Parts) -> Result<Option<UserDto>, AppError>;
    /// The caller's sessions.
    async fn list_sessions(&self, req: &Parts) -> Result<Vec<SessionInfo>, AppError>;
    /// Ends one of the caller's sessions.
    async fn end_session(&self, req: &Parts, id: String) -> Result<(), AppError>;
    /// Ends all of the caller's sessions but this one.
    async fn end_other_sessions(&self, req: &Parts) -> Result<u64, AppError>;
    /// The caller's key status (mask and facts; never the key).
    async fn key_status(&self, req: &Parts) -> Result<ApiKeyStatus, AppError>;
    /// Verifies, encrypts and stores a key for the caller.
    async fn save_key(&self, req: &Parts, api_key: Redacted) -> Result<(), AppError>;
    /// Removes the caller's key.
    async fn remove_key(&self, req: &Parts) -> Result<(), AppError>;
    /// A page of the caller's key log.
    async fn key_events(&self, req: &Parts, page: u32) -> Result<ApiKeyEventPage, AppError>;
    /// The caller's AI usage and cost over the last `days` days.
    async fn usage(&self, req: &Parts, days: u32) -> Result<UsageReport, AppError>;
    /// The caller's workspaces.
    async fn list_workspaces(&self, req: &Parts) -> Result<Vec<WorkspaceSummary>, AppError>;
    /// One of the caller's workspaces.
    async fn get_workspace(&self, req: &Parts, id: String) -> Result<Workspace, AppError>;
    /// Creates a workspace.
    async fn create_workspace(
        &self,
        req: &Parts,
        name: String,
        language: String,
    ) -> Result<WorkspaceSummary, AppError>;
    /// Renames a workspace.
    async fn rename_workspace(&self, req: &Parts, id: String, name: String)
        -> Result<(), AppError>;
    /// Saves a workspace's code.
    async fn save_workspace_code(
        &self,
        req: &Parts,
        id: String,
        code: String,
    ) -> Result<(), AppError>;
    /// Deletes a workspace.
    async fn delete_workspace(&self, req: &Parts, id: String) -> Result<(), AppError>;
    /// Code completion at the cursor (the same use case as `POST /api/ai/code-completion`).
    async fn complete_code(
        &self,
        req: &Parts,
        input: CodeCompletionRequest,
    ) -> Result<CodeCompletionReply, AppError>;
    /// Code generation (the same use case as `POST /api/ai/generate-code`).
    async fn generate_code(
        &self,
        req: &Parts,
        input: GenerateCodeRequest,
    ) -> Result<GenerateCodeReply, AppError>;
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
