//! The conversation as the assistant keeps it, and as it goes upstream: its turns, the file a
//! prompt may carry, and the messages sent for an answer.

use leptos::prelude::*;

use crate::rules::context::{self, Measured};
use crate::rules::excerpt::Excerpt;

/// One line of the conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// Position in the conversation.
    pub id: usize,
    /// `user` or `assistant`.
    pub role: &'static str,
    /// The text so far.
    pub content: RwSignal<String>,
    /// For an answer: its real cost and tokens, once OpenRouter reported them.
    pub meta: RwSignal<Option<String>>,
    /// For a prompt sent with the open file: the system message that carried it.
    pub context: Option<String>,
    /// And what it carried, for people: "lines 1–3 of adder (45 characters)".
    pub note: Option<String>,
}

/// The file open beside the assistant, which a question may include.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenFile {
    /// The workspace's name.
    pub name: String,
    /// Its language.
    pub language: String,
    /// The part that would be sent (the selection, or the file cut to size).
    pub excerpt: Option<Excerpt>,
}

impl OpenFile {
    /// The system message that carries the excerpt, and its description.
    pub(super) fn message(&self) -> Option<(String, String)> {
        let e = self.excerpt.as_ref()?;
        let what = e.describe();
        let text = format!(
            "The user is working on \"{}\" ({}). Their question is about this code, {what}:\n```{}\n{}\n```",
            self.name, self.language, self.language, e.text
        );
        Some((text, format!("{what} of {}", self.name)))
    }
}

/// The messages for the next answer to `turns`, whose last prompt is the new one: the earlier
/// turns but answers that never started, trimmed to the context budget
/// ([`crate::rules::context`]), then the latest prompt's code (an earlier copy of the file is out
/// of date) as a system message, then that prompt.
pub(super) fn history(turns: &[Turn]) -> Vec<(String, String)> {
    let Some(last) = turns.iter().rposition(|t| t.role == "user") else {
        return Vec::new();
    };
    let earlier: Vec<Turn> = turns[..last]
        .iter()
        .filter(|t| !(t.role == "assistant" && t.content.with_untracked(String::is_empty)))
        .cloned()
        .collect();
    let mut history: Vec<(String, String)> = context::trim(&earlier)
        .iter()
        .map(|t| (t.role.to_owned(), t.content.get_untracked()))
        .collect();
    history.extend(latest(turns));
    history
}

/// What goes with a prompt in a kept conversation, whose earlier turns the server adds: the
/// latest prompt, after its code as a system message when it carries the file.
pub(super) fn latest(turns: &[Turn]) -> Vec<(String, String)> {
    let Some(t) = turns.iter().rev().find(|t| t.role == "user") else {
        return Vec::new();
    };
    let mut new = Vec::with_capacity(2);
    if let Some(context) = &t.context {
        new.push(("system".to_owned(), context.clone()));
    }
    new.push(("user".to_owned(), t.content.get_untracked()));
    new
}

impl Measured for Turn {
    fn chars(&self) -> usize {
        self.content.with_untracked(|c| c.chars().count())
    }
    fn is_answer(&self) -> bool {
        self.role == "assistant"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::excerpt::excerpt;

    fn turn(id: usize, role: &'static str, text: &str, context: Option<&str>) -> Turn {
        Turn {
            id,
            role,
            content: RwSignal::new(text.to_owned()),
            meta: RwSignal::new(None),
            context: context.map(str::to_owned),
            note: None,
        }
    }

    #[test]
    fn the_latest_prompts_code_goes_just_before_it_and_unstarted_answers_do_not() {
        // Signals need an owner when the server build's arenas are on (features unified in tests).
        Owner::new().with(|| {
            let turns = [
                turn(0, "user", "first", Some("old code")),
                turn(1, "assistant", "", None),
                turn(2, "user", "again", None),
                turn(3, "assistant", "answer", None),
                turn(4, "user", "second", Some("new code")),
                turn(5, "assistant", "", None),
            ];
            let sent = history(&turns);
            let roles: Vec<&str> = sent.iter().map(|(r, _)| r.as_str()).collect();
            assert_eq!(roles, ["user", "user", "assistant", "system", "user"]);
            assert_eq!(sent[3].1, "new code");
            assert!(sent.iter().all(|(_, c)| c != "old code"));
            assert_eq!(
                latest(&turns),
                [
                    ("system".into(), "new code".into()),
                    ("user".into(), "second".into())
                ]
            );
        });
    }

    #[test]
    fn earlier_turns_past_the_budget_stay_behind_and_the_prompt_always_goes() {
        // Signals need an owner when the server build's arenas are on (features unified in tests).
        Owner::new().with(|| {
            let big = "x".repeat(context::CONTEXT_BUDGET_CHARS);
            let turns = [
                turn(0, "user", "old", None),
                turn(1, "assistant", &big, None),
                turn(2, "user", "new", None),
            ];
            assert_eq!(history(&turns), [("user".to_owned(), "new".to_owned())]);
        });
    }

    #[test]
    fn the_files_message_names_it_and_fences_the_code_in_its_language() {
        let file = OpenFile {
            name: "adder".into(),
            language: "rust".into(),
            excerpt: excerpt("fn add() {}\n", 0, 0),
        };
        let (text, note) = file.message().unwrap();
        assert!(text.contains("\"adder\" (rust)"), "{text}");
        assert!(text.ends_with("```rust\nfn add() {}\n\n```"), "{text}");
        assert_eq!(note, "line 1 (12 characters) of adder");
        let empty = OpenFile {
            excerpt: None,
            ..file
        };
        assert_eq!(empty.message(), None);
    }
}
