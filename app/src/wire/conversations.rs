//! Kept conversations of the assistant, per workspace.

use serde::{Deserialize, Serialize};

/// A conversation in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    /// The conversation's id.
    pub id: String,
    /// The workspace it belongs to.
    pub workspace_id: String,
    /// Its title: the first prompt's start until renamed.
    pub title: String,
    /// Whether it is the workspace's current conversation (the one the assistant opens).
    pub current: bool,
    /// How many prompts and answers it holds (`turnCount`: a conversation's `turns` are the
    /// turns themselves).
    pub turn_count: u32,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: its last rename or turn.
    pub updated_at: String,
}

/// `GET /api/workspaces/{id}/conversations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationList {
    /// The workspace's conversations, most recently changed first.
    pub conversations: Vec<ConversationSummary>,
}

/// One prompt or answer of a kept conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationTurn {
    /// Its place in the conversation; later turns have higher numbers.
    pub seq: u32,
    /// `user` or `assistant`.
    #[cfg_attr(feature = "ssr", schema(pattern = "^(user|assistant)$"))]
    pub role: String,
    /// The text (of an answer: what was produced, however it ended).
    pub content: String,
    /// `done`; an answer may also be `answering` (still arriving), `stopped` (the client left
    /// or pressed Stop) or `failed` (the stream broke).
    #[cfg_attr(feature = "ssr", schema(pattern = "^(done|answering|stopped|failed)$"))]
    pub status: String,
    /// For an answer: the model that answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// `GET /api/conversations/{id}`: a conversation with its turns, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// Its id, title and times.
    #[serde(flatten)]
    pub summary: ConversationSummary,
    /// Its turns, oldest first.
    pub turns: Vec<ConversationTurn>,
}

/// `POST /api/workspaces/{id}/conversations`. Unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewConversation {
    /// A title, 1 to 100 characters; "New conversation" when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `PATCH /api/conversations/{id}`: what to change (at least one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationChange {
    /// A new title, 1 to 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `true` makes it the workspace's current conversation (`false` is refused: make another
    /// one current instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<bool>,
}
