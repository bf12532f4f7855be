//! The assistant's kept conversation on a workspace page. The server keeps the turns (a chat
//! with `conversationId` stores the prompt and the answer); the panel shows them and tells the
//! server which to take out when an exchange is regenerated or edited, or the oldest dropped.
//! Turns are numbered (`seq`) from the first one shown, one after another, as the server
//! numbers them.

use leptos::prelude::*;

use super::{in_panel, Turn};
use crate::wire::Conversation;

/// The workspace's conversation as the panel keeps it.
#[derive(Clone, Copy)]
pub struct Kept {
    /// The workspace.
    pub workspace: StoredValue<String>,
    /// The conversation shown, once there is one.
    pub current: RwSignal<Option<String>>,
    /// Bumped when the list of conversations changed (a title, a new one, a deletion).
    pub changed: RwSignal<u32>,
    /// The number of the first turn shown.
    first_seq: RwSignal<u32>,
    /// Before the next prompt goes: take out this turn and the later ones (an exchange being
    /// regenerated or edited).
    from: RwSignal<Option<u32>>,
    /// And the turns before this one (the oldest, dropped to fit the model's context).
    before: RwSignal<Option<u32>>,
}

impl Kept {
    /// The kept conversations of `workspace`.
    pub fn new(workspace: String) -> Self {
        Self {
            workspace: StoredValue::new(workspace),
            current: RwSignal::new(None),
            changed: RwSignal::new(0),
            first_seq: RwSignal::new(0),
            from: RwSignal::new(None),
            before: RwSignal::new(None),
        }
    }

    /// Shows `conv` in `turns`, numbering from its first turn.
    pub fn show(
        self,
        conv: Conversation,
        turns: RwSignal<Vec<Turn>>,
        panel: StoredValue<Owner>,
        fresh: impl Fn() -> usize,
    ) {
        self.first_seq.set(conv.turns.first().map_or(0, |t| t.seq));
        self.from.set(None);
        self.before.set(None);
        self.current.set(Some(conv.summary.id.clone()));
        let shown = conv
            .turns
            .into_iter()
            .map(|t| {
                let answer = t.role == "assistant";
                let meta = answer
                    .then(|| note(&t.status, t.model.as_deref()))
                    .flatten();
                Turn {
                    id: fresh(),
                    role: if answer { "assistant" } else { "user" },
                    content: in_panel(panel, t.content),
                    meta: in_panel(panel, meta),
                    context: None,
                    note: None,
                }
            })
            .collect();
        turns.set(shown);
    }

    /// Starts afresh: no conversation until the next prompt (or "New conversation") makes one.
    pub fn clear(self, turns: RwSignal<Vec<Turn>>) {
        self.first_seq.set(0);
        self.from.set(None);
        self.before.set(None);
        turns.set(Vec::new());
    }

    /// The last prompt and what follows it are to be asked again or edited: the server takes
    /// them out before the next prompt goes.
    pub fn redo_last(self, turns: &[Turn]) {
        if let Some(i) = turns.iter().rposition(|t| t.role == "user") {
            self.from.set(Some(self.seq(i)));
        }
    }

    /// The oldest `n` turns are dropped: the server takes them out before the next prompt goes.
    pub fn drop_oldest(self, n: usize) {
        let first = self.seq(n);
        self.before.set(Some(first));
        self.first_seq.set(first);
    }

    /// What to take out before the next prompt (`from`, `before`), handed over once.
    #[cfg(any(feature = "hydrate", test))]
    pub fn take_pending(self) -> (Option<u32>, Option<u32>) {
        let pending = (self.from.get_untracked(), self.before.get_untracked());
        self.from.set(None);
        self.before.set(None);
        pending
    }

    fn seq(self, index: usize) -> u32 {
        self.first_seq
            .get_untracked()
            .saturating_add(u32::try_from(index).unwrap_or(u32::MAX))
    }
}

/// An answer's line under it after a reload.
fn note(status: &str, model: Option<&str>) -> Option<String> {
    match status {
        "stopped" => Some("Stopped.".to_owned()),
        "failed" => Some("The answer broke off here.".to_owned()),
        "answering" => Some("Still answering…".to_owned()),
        _ => model.map(|m| format!("Answered by {m}.")),
    }
}

/// Before a prompt goes into the kept conversation: its id (a new conversation when there is
/// none yet), with what was to be taken out taken out.
#[cfg(feature = "hydrate")]
pub(super) async fn prepare(kept: Kept) -> Result<String, crate::AppError> {
    use crate::conversations::{create_conversation, delete_conversation_turns};
    let id = match kept.current.get_untracked() {
        Some(id) => id,
        None => {
            let made = create_conversation(kept.workspace.get_value(), None).await?;
            kept.current.set(Some(made.id.clone()));
            made.id
        }
    };
    let (from, before) = kept.take_pending();
    if before.is_some() {
        delete_conversation_turns(id.clone(), None, before).await?;
    }
    if from.is_some() {
        delete_conversation_turns(id.clone(), from, None).await?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_are_numbered_from_the_first_one_shown() {
        let owner = Owner::new();
        owner.with(|| {
            let kept = Kept::new("w".into());
            kept.first_seq.set(4);
            let turns: Vec<Turn> = ["user", "assistant", "user", "assistant"]
                .into_iter()
                .enumerate()
                .map(|(i, role)| Turn {
                    id: i,
                    role,
                    content: RwSignal::new(String::new()),
                    meta: RwSignal::new(None),
                    context: None,
                    note: None,
                })
                .collect();
            kept.redo_last(&turns);
            assert_eq!(kept.take_pending(), (Some(6), None));
            kept.drop_oldest(2);
            assert_eq!(kept.take_pending(), (None, Some(6)));
            assert_eq!(kept.seq(0), 6, "the first turn shown is now the third");
            assert_eq!(kept.take_pending(), (None, None), "handed over once");
        });
    }

    #[test]
    fn a_reloaded_answer_says_how_it_ended() {
        assert_eq!(note("stopped", Some("m")).as_deref(), Some("Stopped."));
        assert_eq!(note("done", Some("m")).as_deref(), Some("Answered by m."));
        assert_eq!(note("done", None), None);
    }
}
