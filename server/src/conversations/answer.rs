//! A chat call in a kept conversation: [`begin`] stores the prompt and an `answering` answer
//! and builds what goes upstream (the earlier turns trimmed to the context budget of
//! [`app::rules::context`], then the open file's system message, then the prompt); the
//! [`AnswerSink`] it returns keeps the answer.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use app::rules::context::{self, Measured};
use app::wire::ChatMessage;
use app::AppError;

pub use super::sink::AnswerSink;
use super::{owned, title_from, DEFAULT_TITLE, MAX_MESSAGE_BYTES, MAX_TURNS_PER_CONVERSATION};
use crate::entities::{conversation, conversation_turn as turn};
use crate::kit::db_failed;
use crate::kit::ids::new_id;
use crate::openrouter::types::UpstreamMessage;
use crate::state::AppState;

impl Measured for turn::Model {
    fn chars(&self) -> usize {
        self.content.chars().count()
    }
    fn is_answer(&self) -> bool {
        self.role == "assistant"
    }
}

/// The new part of a chat request in a conversation: the prompt last, after at most one system
/// message (the open file). Anything else is refused, before anything is stored or sent.
fn split(new: Vec<ChatMessage>) -> Result<(Option<String>, String), AppError> {
    let invalid = || {
        AppError::new(
            422,
            "Invalid message",
            "With a conversationId, send only the new prompt (role user), optionally after one system message.",
        )
    };
    let mut new = new.into_iter();
    let (first, second, rest) = (new.next(), new.next(), new.next());
    let (system, prompt) = match (first, second, rest) {
        (Some(p), None, None) if p.role == "user" => (None, p.content),
        (Some(s), Some(p), None) if s.role == "system" && p.role == "user" => {
            (Some(s.content), p.content)
        }
        _ => return Err(invalid()),
    };
    if prompt.len() > MAX_MESSAGE_BYTES {
        return Err(AppError::new(
            422,
            "Message too long",
            format!(
                "A prompt kept in a conversation holds at most {MAX_MESSAGE_BYTES} bytes; this one has {}.",
                prompt.len()
            ),
        ));
    }
    Ok((system, prompt))
}

/// What a chat sends upstream: in a conversation (`conversation_id`), [`begin`]'s messages
/// and the sink that keeps the answer; otherwise the request's messages as they are.
pub async fn messages_for(
    state: &AppState,
    user_id: &str,
    conversation_id: Option<&str>,
    messages: Vec<ChatMessage>,
) -> Result<(Vec<UpstreamMessage>, Option<AnswerSink>), AppError> {
    if let Some(id) = conversation_id {
        let (messages, sink) = begin(state, user_id, id, messages).await?;
        return Ok((messages, Some(sink)));
    }
    let messages = messages
        .into_iter()
        .map(|m| UpstreamMessage {
            role: m.role,
            content: m.content,
        })
        .collect();
    Ok((messages, None))
}

/// Stores the prompt and an empty answer in the caller's conversation `id` (404 unless it is
/// theirs; 409 when it is full), and answers the messages to send upstream with the sink that
/// keeps the answer.
pub async fn begin(
    state: &AppState,
    user_id: &str,
    id: &str,
    new: Vec<ChatMessage>,
) -> Result<(Vec<UpstreamMessage>, AnswerSink), AppError> {
    let (system, prompt) = split(new)?;
    let now = state.clock.now();
    let txn = state.db.begin().await.map_err(db_failed)?;
    crate::db::lock_user(&txn, user_id)
        .await
        .map_err(db_failed)?;
    let c = match owned(&txn, user_id, id).await {
        Ok(c) => c,
        Err(e) => {
            txn.rollback().await.map_err(db_failed)?;
            return Err(e);
        }
    };
    let earlier = turn::Entity::find()
        .filter(turn::Column::ConversationId.eq(c.id.as_str()))
        .order_by_asc(turn::Column::Seq)
        .all(&txn)
        .await
        .map_err(db_failed)?;
    if earlier.len() as u64 + 2 > MAX_TURNS_PER_CONVERSATION {
        txn.rollback().await.map_err(db_failed)?;
        return Err(AppError::new(
            409,
            "Conversation full",
            format!("A conversation holds at most {MAX_TURNS_PER_CONVERSATION} prompts and answers. Start a new conversation."),
        ));
    }
    let seq = earlier.last().map_or(0, |t| t.seq + 1);
    let (prompt_id, answer_id) = (new_id(now), new_id(now));
    let row = |id: &str, seq: i32, role: &str, content: String, status: &str| turn::ActiveModel {
        id: Set(id.to_owned()),
        conversation_id: Set(c.id.clone()),
        seq: Set(seq),
        role: Set(role.to_owned()),
        content: Set(content),
        status: Set(status.to_owned()),
        model: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let asked = row(&prompt_id, seq, "user", prompt.clone(), "done");
    let answer = row(&answer_id, seq + 1, "assistant", String::new(), "answering");
    turn::Entity::insert_many([asked, answer])
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    let mut update = conversation::Entity::update_many()
        .col_expr(conversation::Column::UpdatedAt, Expr::value(now))
        .col_expr(conversation::Column::OpenedAt, Expr::value(now));
    if earlier.is_empty() && c.title == DEFAULT_TITLE {
        update = update.col_expr(
            conversation::Column::Title,
            Expr::value(title_from(&prompt)),
        );
    }
    update
        .filter(conversation::Column::Id.eq(c.id.as_str()))
        .exec(&txn)
        .await
        .map_err(db_failed)?;
    txn.commit().await.map_err(db_failed)?;

    // Answers that never produced anything carry nothing a model could use.
    let said: Vec<turn::Model> = earlier
        .into_iter()
        .filter(|t| !t.content.is_empty())
        .collect();
    let mut messages: Vec<UpstreamMessage> = context::trim(&said)
        .iter()
        .map(|t| UpstreamMessage {
            role: t.role.clone(),
            content: t.content.clone(),
        })
        .collect();
    if let Some(system) = system {
        messages.push(UpstreamMessage {
            role: "system".to_owned(),
            content: system,
        });
    }
    messages.push(UpstreamMessage {
        role: "user".to_owned(),
        content: prompt,
    });
    let sink = AnswerSink::new(state, c.id, prompt_id, answer_id);
    Ok((messages, sink))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(role: &str, content: &str) -> ChatMessage {
        ChatMessage {
            role: role.to_owned(),
            content: content.to_owned(),
        }
    }

    #[test]
    fn only_a_prompt_optionally_after_one_system_message_is_accepted() {
        assert_eq!(split(vec![m("user", "hi")]).unwrap(), (None, "hi".into()));
        assert_eq!(
            split(vec![m("system", "code"), m("user", "hi")]).unwrap(),
            (Some("code".into()), "hi".into())
        );
        for bad in [
            vec![m("assistant", "x")],
            vec![m("user", "a"), m("assistant", "b"), m("user", "c")],
            vec![m("user", "a"), m("system", "b")],
            vec![m("system", "a"), m("system", "b"), m("user", "c")],
        ] {
            assert_eq!(split(bad).map_err(|e| e.status), Err(422));
        }
    }

    #[test]
    fn a_prompt_over_the_byte_cap_is_refused_and_one_at_it_is_not() {
        let at = "é".repeat(MAX_MESSAGE_BYTES / 2);
        assert!(split(vec![m("user", &at)]).is_ok());
        let over = format!("{at}x");
        assert_eq!(
            split(vec![m("user", &over)]).map_err(|e| e.status),
            Err(422)
        );
    }
}
