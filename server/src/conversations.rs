//! Kept conversations of the assistant, per workspace. Every query is scoped to the caller:
//! another user's conversation, or a conversation in another user's workspace, is "not found"
//! exactly like a missing one, for every operation.
//!
//! Caps, each checked where it cannot be raced: a workspace holds at most
//! [`MAX_CONVERSATIONS_PER_WORKSPACE`] conversations and a conversation at most
//! [`MAX_TURNS_PER_CONVERSATION`] turns (counted and inserted in one transaction that takes the
//! owner's lock first, so a parallel burst cannot pass them; 409 past them); a prompt kept in
//! a conversation holds at most [`MAX_MESSAGE_BYTES`] bytes (422), and an answer is kept up to
//! that size.
//!
//! Answers are written by the chat itself ([`answer`]): `POST /api/ai/chat` with a
//! `conversationId` stores the prompt and an `answering` answer before the call goes upstream,
//! and the answer's text when the call ends however it ends: `done`, `failed` when the stream
//! broke, `stopped` when the client went away (a reload, Stop). A call that produced nothing
//! takes its prompt out again, so a failed call leaves the conversation as it was.

pub mod answer;
mod port;
pub mod sink;
pub mod store;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use app::wire::ConversationSummary;
use app::AppError;

use crate::entities::{conversation, workspace};
use crate::kit::db_failed;
use crate::kit::ids::looks_like_id;
use crate::kit::owned::Owned;

/// Conversations one workspace holds.
pub const MAX_CONVERSATIONS_PER_WORKSPACE: u64 = 50;
/// Turns (prompts and answers) one conversation holds.
pub const MAX_TURNS_PER_CONVERSATION: u64 = 200;
/// Bytes of one prompt or answer kept in a conversation.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// The title of a conversation nobody named, until its first prompt names it.
pub const DEFAULT_TITLE: &str = "New conversation";

impl Owned for conversation::Entity {
    const ID: conversation::Column = conversation::Column::Id;
    const OWNER: conversation::Column = conversation::Column::UserId;
}

fn not_found() -> AppError {
    AppError::not_found("conversation")
}

/// The caller's conversation `id`; 404 when it is missing or someone else's.
pub(crate) async fn owned(
    db: &impl ConnectionTrait,
    user_id: &str,
    id: &str,
) -> Result<conversation::Model, AppError> {
    if !looks_like_id(id) {
        return Err(not_found());
    }
    conversation::Entity::find_by_id(id.to_owned())
        .filter(conversation::Column::UserId.eq(user_id))
        .one(db)
        .await
        .map_err(db_failed)?
        .ok_or_else(not_found)
}

/// Checks that workspace `id` is the caller's (404 otherwise), without reading its code.
pub(crate) async fn own_workspace(
    db: &impl ConnectionTrait,
    user_id: &str,
    id: &str,
) -> Result<(), AppError> {
    let nf = || AppError::not_found("workspace");
    if !looks_like_id(id) {
        return Err(nf());
    }
    workspace::Entity::find_by_id(id.to_owned())
        .filter(workspace::Column::UserId.eq(user_id))
        .select_only()
        .column(workspace::Column::Id)
        .into_tuple::<String>()
        .one(db)
        .await
        .map_err(db_failed)?
        .map(|_| ())
        .ok_or_else(nf)
}

/// The id of workspace `workspace_id`'s current conversation: the one opened last.
pub(crate) async fn current_id(
    db: &impl ConnectionTrait,
    workspace_id: &str,
) -> Result<Option<String>, AppError> {
    conversation::Entity::find()
        .filter(conversation::Column::WorkspaceId.eq(workspace_id))
        .order_by_desc(conversation::Column::OpenedAt)
        .order_by_desc(conversation::Column::Id)
        .select_only()
        .column(conversation::Column::Id)
        .into_tuple::<String>()
        .one(db)
        .await
        .map_err(db_failed)
}

fn summary(c: &conversation::Model, current: bool, turns: u64) -> ConversationSummary {
    ConversationSummary {
        id: c.id.clone(),
        workspace_id: c.workspace_id.clone(),
        title: c.title.clone(),
        current,
        turn_count: u32::try_from(turns).unwrap_or(u32::MAX),
        created_at: c.created_at.to_rfc3339(),
        updated_at: c.updated_at.to_rfc3339(),
    }
}

/// A title from a first prompt: its first line, at most 60 characters.
fn title_from(prompt: &str) -> String {
    let line = prompt.lines().map(str::trim).find(|l| !l.is_empty());
    let line = line.unwrap_or(DEFAULT_TITLE);
    let mut title: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        title.push('…');
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_prompt_names_the_conversation_by_its_first_line_cut_to_sixty() {
        assert_eq!(title_from("\n  How do I sort?\nmore"), "How do I sort?");
        let long = "x".repeat(80);
        assert_eq!(title_from(&long), format!("{}…", "x".repeat(60)));
        assert_eq!(title_from("   \n "), DEFAULT_TITLE);
    }
}
