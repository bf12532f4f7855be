//! The conversation use cases as the server functions reach them.

use app::conversations::ssr::ConversationsPort;
use app::wire::{
    Conversation, ConversationChange, ConversationList, ConversationSummary, NewConversation,
};
use app::AppError;
use http::request::Parts;

use super::store;
use crate::auth::extract::require;
use crate::backend::StudioBackend;

#[async_trait::async_trait]
impl ConversationsPort for StudioBackend {
    async fn list_conversations(
        &self,
        req: &Parts,
        workspace_id: String,
    ) -> Result<ConversationList, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        store::list(&self.state, &auth, &workspace_id).await
    }

    async fn create_conversation(
        &self,
        req: &Parts,
        workspace_id: String,
        input: NewConversation,
    ) -> Result<ConversationSummary, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        store::create(&self.state, &auth, &workspace_id, input).await
    }

    async fn get_conversation(&self, req: &Parts, id: String) -> Result<Conversation, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        store::get(&self.state, &auth, &id).await
    }

    async fn change_conversation(
        &self,
        req: &Parts,
        id: String,
        change: ConversationChange,
    ) -> Result<ConversationSummary, AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        store::change(&self.state, &auth, &id, change).await
    }

    async fn delete_conversation(&self, req: &Parts, id: String) -> Result<(), AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        store::delete(&self.state, &auth, &id).await
    }

    async fn delete_turns(
        &self,
        req: &Parts,
        id: String,
        from: Option<u32>,
        before: Option<u32>,
    ) -> Result<(), AppError> {
        let auth = require(&self.state, &req.extensions).await?;
        store::delete_turns(&self.state, &auth, &id, from, before).await
    }
}
