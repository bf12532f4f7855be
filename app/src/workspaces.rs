//! Workspace and editor server functions: thin calls to the server's use cases.

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::{
    CodeCompletionReply, CodeCompletionRequest, GenerateCodeReply, GenerateCodeRequest, Workspace,
    WorkspaceSummary,
};

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

/// Completion at the cursor.
#[server(endpoint = "complete_code", input = server_fn::codec::Json)]
pub async fn complete_code(input: CodeCompletionRequest) -> Result<CodeCompletionReply, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.complete_code(&req, input)).await
}

/// Code from a prompt.
#[server(endpoint = "generate_code", input = server_fn::codec::Json)]
pub async fn generate_code(input: GenerateCodeRequest) -> Result<GenerateCodeReply, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.generate_code(&req, input)).await
}
