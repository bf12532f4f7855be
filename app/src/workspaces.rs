//! Workspace server functions (thin calls to the server's use cases), their port and their
//! registration.

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::{Workspace, WorkspaceSummary};

#[cfg(feature = "ssr")]
use crate::ports::run;
/// The caller's workspaces.
#[server(endpoint = "list_workspaces")]
pub async fn list_workspaces() -> Result<Vec<WorkspaceSummary>, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.list_workspaces(&req)).await
}

/// One workspace with its code.
#[server(endpoint = "get_workspace")]
pub async fn get_workspace(id: String) -> Result<Workspace, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.get_workspace(&req, id)).await
}

/// Creates a workspace.
#[server(endpoint = "create_workspace")]
pub async fn create_workspace(
    name: String,
    language: String,
) -> Result<WorkspaceSummary, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.create_workspace(&req, name, language)).await
}

/// Renames a workspace.
#[server(endpoint = "rename_workspace")]
pub async fn rename_workspace(id: String, name: String) -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.rename_workspace(&req, id, name)).await
}

/// Deletes a workspace.
#[server(endpoint = "delete_workspace")]
pub async fn delete_workspace(id: String) -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.delete_workspace(&req, id)).await
}

/// Saves a workspace's code.
#[server(endpoint = "save_workspace_code")]
pub async fn save_workspace_code(id: String, code: String) -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.save_workspace_code(&req, id, code)).await
}

/// The server side of this file: the port `server` implements, and the registration list.
#[cfg(feature = "ssr")]
pub mod ssr {
    use http::request::Parts;
    use leptos::server_fn::axum::register_explicit;

    use super::{
        CreateWorkspace, DeleteWorkspace, GetWorkspace, ListWorkspaces, RenameWorkspace,
        SaveWorkspaceCode,
    };
    use crate::error::AppError;
    use crate::wire::{Workspace, WorkspaceSummary};

    /// The workspace use cases the UI reaches.
    #[async_trait::async_trait]
    pub trait WorkspacesPort: Send + Sync + 'static {
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
        async fn rename_workspace(
            &self,
            req: &Parts,
            id: String,
            name: String,
        ) -> Result<(), AppError>;
        /// Saves a workspace's code.
        async fn save_workspace_code(
            &self,
            req: &Parts,
            id: String,
            code: String,
        ) -> Result<(), AppError>;
        /// Deletes a workspace.
        async fn delete_workspace(&self, req: &Parts, id: String) -> Result<(), AppError>;
    }

    /// Registers this file's server functions.
    pub fn register() {
        register_explicit::<ListWorkspaces>();
        register_explicit::<GetWorkspace>();
        register_explicit::<CreateWorkspace>();
        register_explicit::<RenameWorkspace>();
        register_explicit::<DeleteWorkspace>();
        register_explicit::<SaveWorkspaceCode>();
    }
}
