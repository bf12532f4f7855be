//! The conversation as the assistant keeps it, and as it goes upstream: its turns, the file a
//! prompt may carry, and the messages sent for an answer.

use leptos::prelude::*;

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

/// The messages for the next answer to `turns`: every turn but answers that never started, the
/// latest prompt's code (an earlier copy of the file is out of date) as a system message just
/// before that prompt.
pub(super) fn history(turns: &[Turn]) -> Vec<(String, String)> {
    let latest_context = turns.iter().rposition(|t| t.context.is_some());
    let mut history = Vec::with_capacity(turns.len() + 1);
    for (i, t) in turns.iter().enumerate() {
        if t.role == "assistant" && t.content.with_untracked(String::is_empty) {
            continue;
        }
        if let (Some(context), true) = (&t.context, latest_context == Some(i)) {
            history.push(("system".to_owned(), context.clone()));
        }
        history.push((t.role.to_owned(), t.content.get_untracked()));
    }
    history
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
    fn only_the_latest_prompts_code_goes_just_before_it_and_unstarted_answers_do_not() {
        // Signals need an owner when the server build's arenas are on (features unified in tests).
        Owner::new().with(|| {
            let turns = [
                turn(0, "user", "first", Some("old code")),
                turn(1, "assistant", "answer", None),
                turn(2, "user", "second", Some("new code")),
                turn(3, "assistant", "", None),
            ];
            let sent = history(&turns);
            let roles: Vec<&str> = sent.iter().map(|(r, _)| r.as_str()).collect();
            assert_eq!(roles, ["user", "assistant", "system", "user"]);
            assert_eq!(sent[2].1, "new code");
            assert!(sent.iter().all(|(_, c)| c != "old code"));
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
