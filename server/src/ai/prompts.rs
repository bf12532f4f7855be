//! Server-side prompt shaping for code completion and generation.
//!
//! Cost policy: every pass here is linear in its input, and the code around the cursor is cut
//! to the windows sent upstream *first* ([`CursorWindow::cut`], which looks at no more than the
//! windows), so that everything after (the prompt, the cleaning of the answer) is bounded by
//! what OpenRouter sees, not by what the client sent. Large inputs are shaped on the blocking
//! pool ([`shape`]) so that they never hold an async worker.

use app::AppError;

use crate::ai::clean;
use crate::openrouter::types::UpstreamMessage;

/// How much of the code before the cursor is sent (the end of it), in characters.
pub const PREFIX_WINDOW: usize = 12_000;
/// How much of the code after the cursor is sent (the start of it), in characters.
pub const SUFFIX_WINDOW: usize = 4_000;
/// How much of a workspace's code is sent as context for generation, in characters.
pub const WORKSPACE_WINDOW: usize = 8_000;
/// Work on more bytes than this runs on the blocking pool rather than on an async worker.
pub const OFFLOAD_BYTES: usize = 32 * 1024;

/// What a workspace adds to a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceContext {
    /// Its name.
    pub name: String,
    /// Its language.
    pub language: String,
    /// Its code.
    pub code: String,
}

/// Runs `work`, which looks at about `bytes` bytes: inline when that is small, else on the
/// blocking pool, so that one request's large input cannot stall the requests of others.
pub async fn shape<T, F>(bytes: usize, work: F) -> Result<T, AppError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    if bytes <= OFFLOAD_BYTES {
        return Ok(work());
    }
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        // The error's text could quote a panic message; whether it panicked is enough.
        tracing::error!(panicked = e.is_panic(), "prompt shaping failed");
        AppError::internal()
    })
}

fn message(role: &str, content: String) -> UpstreamMessage {
    UpstreamMessage {
        role: role.to_owned(),
        content,
    }
}

/// The last `n` characters of `s`; reads at most `n` characters from the end.
fn last_chars(s: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    match s.char_indices().rev().nth(n - 1) {
        Some((at, _)) => s.get(at..).unwrap_or(s),
        None => s,
    }
}

/// The first `n` characters of `s`; reads at most `n + 1` characters.
fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((at, _)) => s.get(..at).unwrap_or(s),
        None => s,
    }
}

/// The code around the cursor, cut to the windows sent upstream: the end of the prefix and the
/// start of the suffix. The model sees only these, so the answer is cleaned against them too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorWindow {
    prefix: String,
    suffix: String,
}

impl CursorWindow {
    /// Cuts `prefix` and `suffix` to [`PREFIX_WINDOW`] and [`SUFFIX_WINDOW`] characters.
    pub fn cut(prefix: &str, suffix: &str) -> Self {
        Self {
            prefix: last_chars(prefix, PREFIX_WINDOW).to_owned(),
            suffix: first_chars(suffix, SUFFIX_WINDOW).to_owned(),
        }
    }

    /// The end of the code before the cursor that is sent.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The start of the code after the cursor that is sent.
    pub fn suffix(&self) -> &str {
        &self.suffix
    }

    /// The bytes both windows hold (what cleaning an answer against them looks at).
    pub fn len(&self) -> usize {
        self.prefix.len() + self.suffix.len()
    }

    /// Whether both windows are empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The model's answer, cleaned against these windows ([`clean::clean_completion`]).
    pub fn clean(&self, answer: &str) -> String {
        clean::clean_completion(answer, &self.prefix, &self.suffix)
    }
}

/// The messages asking for the text to insert between the window's prefix and suffix.
pub fn completion_messages(
    language: &str,
    window: &CursorWindow,
    workspace: Option<&WorkspaceContext>,
) -> Vec<UpstreamMessage> {
    let system = format!(
        "You are a code completion engine for {language}. You are given the code before and \
         after the cursor. Reply with only the text to insert at the cursor: no explanations, \
         no Markdown fences, and do not repeat code that is already before or after the cursor."
    );
    let mut user = String::with_capacity(window.len() + 64);
    if let Some(w) = workspace {
        user.push_str(&format!("File: {} ({})\n", w.name, w.language));
    }
    user.push_str("<before_cursor>");
    user.push_str(window.prefix());
    user.push_str("</before_cursor>\n<after_cursor>");
    user.push_str(window.suffix());
    user.push_str("</after_cursor>");
    vec![message("system", system), message("user", user)]
}

/// The messages asking for code that does what `prompt` says.
pub fn generation_messages(
    language: &str,
    prompt: &str,
    context: Option<&str>,
    workspace: Option<&WorkspaceContext>,
) -> Vec<UpstreamMessage> {
    let system = format!(
        "You are an expert {language} programmer. Write {language} code for the user's request. \
         Reply with only the code, in a single Markdown code block; put any explanation in code \
         comments."
    );
    let mut user = String::new();
    let context = context
        .filter(|c| !c.trim().is_empty())
        .map(str::to_owned)
        .or_else(|| {
            workspace
                .filter(|w| !w.code.trim().is_empty())
                .map(|w| first_chars(&w.code, WORKSPACE_WINDOW).to_owned())
        });
    if let Some(w) = workspace {
        user.push_str(&format!("Workspace: {} ({})\n", w.name, w.language));
    }
    if let Some(context) = context {
        user.push_str(&format!(
            "Existing code the answer must fit:\n```{language}\n{context}\n```\n\n"
        ));
    }
    user.push_str("Request: ");
    user.push_str(prompt);
    vec![message("system", system), message("user", user)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_text(language: &str, prefix: &str, suffix: &str) -> String {
        let window = CursorWindow::cut(prefix, suffix);
        completion_messages(language, &window, None)[1]
            .content
            .clone()
    }

    #[test]
    fn the_completion_prompt_holds_the_code_and_the_language() {
        let messages = completion_messages("rust", &CursorWindow::cut("let a = ", ";"), None);
        assert_eq!(messages[0].role, "system");
        assert!(messages[0].content.contains("rust"));
        assert!(messages[1]
            .content
            .contains("<before_cursor>let a = </before_cursor>"));
        assert!(messages[1]
            .content
            .contains("<after_cursor>;</after_cursor>"));
    }

    #[test]
    fn long_code_is_windowed_around_the_cursor() {
        let prefix = format!("{}END", "a".repeat(PREFIX_WINDOW * 2));
        let text = user_text("rust", &prefix, "");
        assert!(text.contains("END</before_cursor>"));
        assert!(text.chars().count() < PREFIX_WINDOW + 200);
    }

    #[test]
    fn a_prefix_of_100k_newlines_sends_exactly_the_window() {
        let prefix = "\n".repeat(100_000);
        let suffix = "\n".repeat(100_000);
        let window = CursorWindow::cut(&prefix, &suffix);
        assert_eq!(window.prefix(), "\n".repeat(PREFIX_WINDOW));
        assert_eq!(window.suffix(), "\n".repeat(SUFFIX_WINDOW));
        let text = user_text("rust", &prefix, &suffix);
        let expected = format!(
            "<before_cursor>{}</before_cursor>\n<after_cursor>{}</after_cursor>",
            "\n".repeat(PREFIX_WINDOW),
            "\n".repeat(SUFFIX_WINDOW)
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn a_prefix_of_100k_multibyte_characters_is_windowed_by_characters() {
        let prefix = "é".repeat(50_000) + &"😀".repeat(50_000);
        let suffix = "ß".repeat(100_000);
        let window = CursorWindow::cut(&prefix, &suffix);
        assert_eq!(window.prefix(), "😀".repeat(PREFIX_WINDOW));
        assert_eq!(window.suffix(), "ß".repeat(SUFFIX_WINDOW));
        let mixed = "aé\n😀".repeat(25_000);
        let cut = CursorWindow::cut(&mixed, &mixed);
        assert_eq!(cut.prefix().chars().count(), PREFIX_WINDOW);
        assert!(mixed.ends_with(cut.prefix()));
        assert_eq!(cut.suffix().chars().count(), SUFFIX_WINDOW);
        assert!(mixed.starts_with(cut.suffix()));
    }

    #[test]
    fn the_answer_is_cleaned_against_the_window_that_was_sent() {
        let prefix = format!("fn old() {{}}\n{}", "x = 1\n".repeat(10_000));
        let window = CursorWindow::cut(&prefix, "");
        let answer = format!("{}y = 2", window.prefix());
        assert_eq!(window.clean(&answer), "y = 2");
    }

    #[test]
    fn generation_uses_the_workspace_code_when_no_context_is_given() {
        let w = WorkspaceContext {
            name: "demo".into(),
            language: "python".into(),
            code: "def helper(): pass".into(),
        };
        let messages = generation_messages("python", "add two numbers", None, Some(&w));
        assert!(messages[1].content.contains("def helper(): pass"));
        assert!(messages[1].content.ends_with("Request: add two numbers"));
        let own = generation_messages("python", "x", Some("import os"), Some(&w));
        assert!(own[1].content.contains("import os"));
        assert!(!own[1].content.contains("def helper"));
    }

    #[test]
    fn windows_respect_character_boundaries() {
        assert_eq!(last_chars("héllo", 3), "llo");
        assert_eq!(last_chars("hé", 5), "hé");
        assert_eq!(first_chars("héllo", 2), "hé");
        assert_eq!(last_chars("abc", 0), "");
        assert_eq!(first_chars("abc", 0), "");
    }

    #[tokio::test]
    async fn large_work_is_shaped_off_the_async_workers_with_the_same_result() {
        let small = shape(10, || std::thread::current().id()).await;
        assert_eq!(small.ok(), Some(std::thread::current().id()));
        let big = "\n".repeat(100_000);
        let n = big.len();
        let (count, thread) = shape(n, move || (big.len(), std::thread::current().id()))
            .await
            .unwrap_or((0, std::thread::current().id()));
        assert_eq!(count, n);
        assert_ne!(
            thread,
            std::thread::current().id(),
            "ran on the blocking pool"
        );
    }
}
