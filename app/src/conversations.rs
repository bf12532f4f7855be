//! Kept conversations: server functions (thin calls to the server's use cases, the same ones
//! the `/api/workspaces/{id}/conversations` and `/api/conversations/{id}` routes call), their
//! port and their registration. Answers are added by `POST /api/ai/chat` with a
//! `conversationId`, which streams.

use leptos::prelude::*;

use crate::error::AppError;
use crate::wire::{Conversation, ConversationList, ConversationSummary};

#[cfg(feature = "ssr")]
use crate::ports::run;

/// The conversations of one of the caller's workspaces, most recently changed first.
#[server(endpoint = "list_conversations")]
pub async fn list_conversations(workspace_id: String) -> Result<ConversationList, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.list_conversations(&req, workspace_id)).await
}

/// Starts a conversation in one of the caller's workspaces; it becomes the current one.
#[server(endpoint = "create_conversation")]
pub async fn create_conversation(
    workspace_id: String,
    title: Option<String>,
) -> Result<ConversationSummary, AppError> {
    let (backend, req) = crate::ports::backend()?;
    let input = crate::wire::NewConversation { title };
    run(backend.create_conversation(&req, workspace_id, input)).await
}

/// One of the caller's conversations with its turns.
#[server(endpoint = "get_conversation")]
pub async fn get_conversation(id: String) -> Result<Conversation, AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.get_conversation(&req, id)).await
}

/// Renames a conversation, or makes it the workspace's current one.
#[server(endpoint = "change_conversation")]
pub async fn change_conversation(
    id: String,
    title: Option<String>,
    current: Option<bool>,
) -> Result<ConversationSummary, AppError> {
    let (backend, req) = crate::ports::backend()?;
    let change = crate::wire::ConversationChange { title, current };
    run(backend.change_conversation(&req, id, change)).await
}

/// Deletes a conversation and its turns.
#[server(endpoint = "delete_conversation")]
pub async fn delete_conversation(id: String) -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.delete_conversation(&req, id)).await
}

/// Takes turns out of a conversation: those from `from` on (the last exchange, to edit or
/// regenerate it), or those before `before` (the oldest).
#[server(endpoint = "delete_conversation_turns")]
pub async fn delete_conversation_turns(
    id: String,
    from: Option<u32>,
    before: Option<u32>,
) -> Result<(), AppError> {
    let (backend, req) = crate::ports::backend()?;
    run(backend.delete_turns(&req, id, from, before)).await
}

/// The server side of this file: the port `server` implements, and the registration list.
#[cfg(feature = "ssr")]
pub mod ssr {
    use http::request::Parts;
    use leptos::server_fn::axum::register_explicit;

    use super::{
        ChangeConversation, CreateConversation, DeleteConversation, DeleteConversationTurns,
        GetConversation, ListConversations,
    };
    use crate::error::AppError;
    use crate::wire::{
        Conversation, ConversationChange, ConversationList, ConversationSummary, NewConversation,
    };

    /// The conversation use cases the UI reaches.
    #[async_trait::async_trait]
    pub trait ConversationsPort: Send + Sync + 'static {
        /// The conversations of one of the caller's workspaces.
        async fn list_conversations(
            &self,
            req: &Parts,
            workspace_id: String,
        ) -> Result<ConversationList, AppError>;
        /// Starts a conversation.
        async fn create_conversation(
            &self,
            req: &Parts,
            workspace_id: String,
            input: NewConversation,
        ) -> Result<ConversationSummary, AppError>;
        /// One conversation with its turns.
        async fn get_conversation(&self, req: &Parts, id: String)
            -> Result<Conversation, AppError>;
        /// Renames a conversation or makes it current.
        async fn change_conversation(
            &self,
            req: &Parts,
            id: String,
            change: ConversationChange,
        ) -> Result<ConversationSummary, AppError>;
        /// Deletes a conversation.
        async fn delete_conversation(&self, req: &Parts, id: String) -> Result<(), AppError>;
        /// Takes turns out of a conversation.
        async fn delete_turns(
            &self,
            req: &Parts,
            id: String,
            from: Option<u32>,
            before: Option<u32>,
        ) -> Result<(), AppError>;
    }

    /// Registers this file's server functions.
    pub fn register() {
        register_explicit::<ListConversations>();
        register_explicit::<CreateConversation>();
        register_explicit::<GetConversation>();
        register_explicit::<ChangeConversation>();
        register_explicit::<DeleteConversation>();
        register_explicit::<DeleteConversationTurns>();
    }
}
