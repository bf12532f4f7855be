//! Server-side prompt shaping for code completion and generation, and cleaning of the model's
//! answer so that the client gets only code: no Markdown fences, no repeat of the code around
//! the cursor.

use crate::openrouter::types::UpstreamMessage;

/// How much of the code before the cursor is sent (the end of it).
const PREFIX_WINDOW: usize = 12_000;
/// How much of the code after the cursor is sent (the start of it).
const SUFFIX_WINDOW: usize = 4_000;
/// How much of a workspace's code is sent as context for generation.
const WORKSPACE_WINDOW: usize = 8_000;

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

fn message(role: &str, content: String) -> UpstreamMessage {
    UpstreamMessage {
        role: role.to_owned(),
        content,
    }
}

fn last_chars(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((at, _)) if n > 0 => &s[at..],
        _ if n == 0 => "",
        _ => s,
    }
}

fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// The messages asking for the text to insert between `prefix` and `suffix`.
pub fn completion_messages(
    language: &str,
    prefix: &str,
    suffix: &str,
    workspace: Option<&WorkspaceContext>,
) -> Vec<UpstreamMessage> {
    let system = format!(
        "You are a code completion engine for {language}. You are given the code before and \
         after the cursor. Reply with only the text to insert at the cursor: no explanations, \
         no Markdown fences, and do not repeat code that is already before or after the cursor."
    );
    let mut user = String::new();
    if let Some(w) = workspace {
        user.push_str(&format!("File: {} ({})\n", w.name, w.language));
    }
    user.push_str("<before_cursor>");
    user.push_str(last_chars(prefix, PREFIX_WINDOW));
    user.push_str("</before_cursor>\n<after_cursor>");
    user.push_str(first_chars(suffix, SUFFIX_WINDOW));
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

fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// The body of the first fenced block in `answer`, if it has one (an unclosed fence runs to
/// the end).
fn fenced_body(answer: &str) -> Option<String> {
    let mut lines = answer.split_inclusive('\n');
    lines.by_ref().find(|l| is_fence(l))?;
    let body: String = lines.take_while(|l| !is_fence(l)).collect();
    Some(body.strip_suffix('\n').unwrap_or(&body).to_owned())
}

/// Generated code: the first fenced block's body when there is one, else the whole answer,
/// without surrounding blank lines.
pub fn clean_code(answer: &str) -> String {
    let code = fenced_body(answer).unwrap_or_else(|| answer.to_owned());
    code.trim_matches('\n').trim_end().to_owned()
}

/// A completion: fences removed, and any repeat of the code before or after the cursor cut.
pub fn clean_completion(answer: &str, prefix: &str, suffix: &str) -> String {
    let text = fenced_body(answer).unwrap_or_else(|| answer.to_owned());
    let text = strip_repeated_prefix(&text, prefix);
    strip_repeated_suffix(text, suffix).to_owned()
}

/// Cuts the start of `text` when it repeats the end of `prefix` from a line start on (the
/// whole prefix, or its last lines); the longest such repeat wins. A partial line is not cut:
/// `(` after `foo(` may be new code.
fn strip_repeated_prefix<'a>(text: &'a str, prefix: &str) -> &'a str {
    let starts = std::iter::once(0).chain(prefix.match_indices('\n').map(|(i, _)| i + 1));
    for start in starts {
        let tail = &prefix[start..];
        if !tail.trim().is_empty() && text.starts_with(tail) {
            return &text[tail.len()..];
        }
    }
    text
}

/// Cuts the end of `text` when it repeats the whole suffix (of a few characters at least:
/// `)` after `foo()` may be new code), or the suffix's first non-blank line as its own last
/// line (a model closing a brace the code already closes).
fn strip_repeated_suffix<'a>(text: &'a str, suffix: &str) -> &'a str {
    if suffix.trim().is_empty() {
        return text;
    }
    if suffix.trim().chars().count() >= 3 {
        if let Some(cut) = text.strip_suffix(suffix) {
            return cut;
        }
    }
    let Some(first) = suffix.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return text;
    };
    let body = text.trim_end();
    match body.rsplit_once('\n') {
        Some((before, last)) if last.trim() == first => before,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_are_removed_from_generated_code() {
        let answer =
            "Here you go:\n```rust\nfn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n```\nEnjoy!";
        assert_eq!(
            clean_code(answer),
            "fn add(a: i32, b: i32) -> i32 {\n    a + b\n}"
        );
    }

    #[test]
    fn an_unfenced_or_unclosed_answer_is_kept_whole() {
        assert_eq!(clean_code("\nlet x = 1;\n\n"), "let x = 1;");
        assert_eq!(clean_code("```py\nprint(1)\n"), "print(1)");
    }

    #[test]
    fn a_completion_that_repeats_the_current_line_is_cut() {
        let prefix = "fn main() {\n    let total = ";
        let answer = "    let total = a + b;";
        assert_eq!(clean_completion(answer, prefix, ""), "a + b;");
    }

    #[test]
    fn a_completion_that_repeats_the_whole_prefix_is_cut() {
        let prefix = "def f(x):\n    return ";
        assert_eq!(
            clean_completion("def f(x):\n    return x * 2", prefix, ""),
            "x * 2"
        );
    }

    #[test]
    fn a_partial_repeat_is_not_cut() {
        assert_eq!(clean_completion("(a, b)", "call(", ""), "(a, b)");
        assert_eq!(clean_completion("a + b", "x = a", ""), "a + b");
    }

    #[test]
    fn fences_in_a_completion_are_removed_but_indentation_kept() {
        let answer = "```rust\n    x += 1;\n```";
        assert_eq!(clean_completion(answer, "fn f() {\n", "\n}"), "    x += 1;");
    }

    #[test]
    fn a_completion_that_repeats_the_suffix_is_cut() {
        let prefix = "fn f() {\n";
        assert_eq!(
            clean_completion("    x += 1;\n}", prefix, "\n}\n"),
            "    x += 1;"
        );
        let suffix = "\nprintln!(\"{s}\");";
        let answer = "\"{}\", name);\nprintln!(\"{s}\");";
        assert_eq!(
            clean_completion(answer, "let s = format!(", suffix),
            "\"{}\", name);"
        );
        assert_eq!(
            clean_completion("foo()", "x = ", ")"),
            "foo()",
            "one character is not cut"
        );
        assert_eq!(
            clean_completion("    x += 1;", prefix, "\n}\n"),
            "    x += 1;"
        );
    }

    #[test]
    fn the_completion_prompt_holds_the_code_and_the_language() {
        let messages = completion_messages("rust", "let a = ", ";", None);
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
        let messages = completion_messages("rust", &prefix, "", None);
        assert!(messages[1].content.contains("END</before_cursor>"));
        assert!(messages[1].content.chars().count() < PREFIX_WINDOW + 200);
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
    }
}
