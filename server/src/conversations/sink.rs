//! The [`AnswerSink`]: collects an answer of a kept conversation and writes it when the call
//! ends, however it ends (also when the client went away and the stream was dropped).

use std::sync::Arc;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::MAX_MESSAGE_BYTES;
use crate::entities::{conversation, conversation_turn as turn};
use crate::kit::Clock;
use crate::state::AppState;

/// Collects an answer and writes it to its conversation when the call ends: with
/// [`AnswerSink::finish`], or, when it is dropped unfinished (the client went away), as
/// `stopped`. An answer that produced nothing takes its prompt out with it.
pub struct AnswerSink {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    conversation_id: String,
    prompt_id: String,
    answer_id: String,
    text: String,
    ended: bool,
}

impl AnswerSink {
    /// A sink for the answer `answer_id` to the prompt `prompt_id` of `conversation_id`.
    pub(super) fn new(
        state: &AppState,
        conversation_id: String,
        prompt_id: String,
        answer_id: String,
    ) -> Self {
        Self {
            db: state.db.clone(),
            clock: state.clock.clone(),
            conversation_id,
            prompt_id,
            answer_id,
            text: String::new(),
            ended: false,
        }
    }

    /// Adds a piece of the answer (kept up to [`MAX_MESSAGE_BYTES`], cut at a character).
    pub fn push(&mut self, piece: &str) {
        push_capped(&mut self.text, piece);
    }

    /// Writes the answer with `status` (`done`, `failed`, `stopped`) and the model that
    /// answered, before the caller answers its client, so that the next prompt finds it.
    pub async fn finish(mut self, status: &'static str, model: Option<String>) {
        // The text stays in the sink until it is written: if this future is dropped on the way
        // (the client left), the sink's drop writes it.
        write(self.parts(), self.text.clone(), status, model).await;
        self.ended = true;
    }

    /// The same in the background, where nothing can wait (a stream being dropped).
    pub fn finish_later(mut self, status: &'static str, model: Option<String>) {
        self.ended = true;
        self.spawn(status, model);
    }

    /// The call failed before anything was produced: the prompt and the answer are taken out.
    pub async fn abandon(mut self) {
        self.ended = true;
        let text = std::mem::take(&mut self.text);
        write(self.parts(), text, "failed", None).await;
    }

    fn parts(&self) -> Parts {
        Parts {
            db: self.db.clone(),
            clock: self.clock.clone(),
            conversation_id: self.conversation_id.clone(),
            prompt_id: self.prompt_id.clone(),
            answer_id: self.answer_id.clone(),
        }
    }

    fn spawn(&mut self, status: &'static str, model: Option<String>) {
        let text = std::mem::take(&mut self.text);
        let parts = self.parts();
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(write(parts, text, status, model));
            }
            Err(_) => {
                tracing::error!(conversation.id = %self.conversation_id, "no runtime to keep an answer with");
            }
        }
    }
}

impl Drop for AnswerSink {
    fn drop(&mut self) {
        if !self.ended {
            self.ended = true;
            self.spawn("stopped", None);
        }
    }
}

/// Appends as much of `piece` as fits [`MAX_MESSAGE_BYTES`], cut at a character.
fn push_capped(text: &mut String, piece: &str) {
    let room = MAX_MESSAGE_BYTES.saturating_sub(text.len());
    let mut cut = room.min(piece.len());
    while !piece.is_char_boundary(cut) {
        cut -= 1;
    }
    text.push_str(&piece[..cut]);
}

struct Parts {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    conversation_id: String,
    prompt_id: String,
    answer_id: String,
}

/// Writes an ended answer (or takes out an empty one with its prompt); failures are logged.
async fn write(p: Parts, text: String, status: &str, model: Option<String>) {
    let now = p.clock.now();
    let result = if text.is_empty() {
        turn::Entity::delete_many()
            .filter(turn::Column::Id.is_in([p.prompt_id.clone(), p.answer_id.clone()]))
            .exec(&p.db)
            .await
            .map(|_| ())
    } else {
        let mut update = turn::Entity::update_many()
            .col_expr(turn::Column::Content, Expr::value(text))
            .col_expr(turn::Column::Status, Expr::value(status))
            .col_expr(turn::Column::UpdatedAt, Expr::value(now));
        if let Some(model) = model {
            update = update.col_expr(turn::Column::Model, Expr::value(model));
        }
        update
            .filter(turn::Column::Id.eq(p.answer_id.as_str()))
            .exec(&p.db)
            .await
            .map(|_| ())
    };
    let touched = match result {
        Ok(()) => conversation::Entity::update_many()
            .col_expr(conversation::Column::UpdatedAt, Expr::value(now))
            .filter(conversation::Column::Id.eq(p.conversation_id.as_str()))
            .exec(&p.db)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = touched {
        tracing::error!(conversation.id = %p.conversation_id, error = %e, "could not keep an answer");
    }
}

/// A call that failed before answering takes its prompt out of the conversation again.
pub async fn abandon(keep: Option<AnswerSink>) {
    if let Some(sink) = keep {
        sink.abandon().await;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_answer_is_cut_at_the_cap_on_a_character_boundary() {
        let mut text = String::new();
        super::push_capped(&mut text, &"a".repeat(super::MAX_MESSAGE_BYTES - 1));
        super::push_capped(&mut text, "éé");
        assert_eq!(text.len(), super::MAX_MESSAGE_BYTES - 1);
        super::push_capped(&mut text, "b");
        assert_eq!(text.len(), super::MAX_MESSAGE_BYTES);
        super::push_capped(&mut text, "c");
        assert_eq!(text.len(), super::MAX_MESSAGE_BYTES);
    }
}
