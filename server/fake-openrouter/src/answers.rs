//! What the fake answers, written as a model would and always the same for the same request.
//!
//! - **Code completion** (the studio's `<before_cursor>…<after_cursor>` prompt): the text to
//!   insert at the cursor ([`continuation`]), never the prompt or its tags.
//! - **Code generation** (the studio's "You are an expert … programmer" system message and a
//!   `Request: …` line): one fenced block with a function for the request, in the asked language.
//! - **Chat**: a short Markdown answer that quotes the question on its first line
//!   (`You asked: <the last user message, white space collapsed>`), then a heading, a bold lead,
//!   a list with inline code, a fenced block in the language the prompt names (else the language
//!   of the file the studio sent along, else Rust) and a small table.
//! - `FAKE_MARKDOWN:hostile` in a chat prompt: [`HOSTILE_MARKDOWN`], a fixed document of
//!   script tags, event attributes and `javascript:`/`data:` links, for tests of safe rendering.

mod continuation;
mod lang;
mod snippets;

use lang::Lang;
use snippets::Intent;

/// The prompt marker that asks for [`HOSTILE_MARKDOWN`].
pub(crate) const HOSTILE_MARKER: &str = "FAKE_MARKDOWN:hostile";

/// Markdown that a renderer must show without running any of it.
pub(crate) const HOSTILE_MARKDOWN: &str = "\
# Hostile answer

<script>window.__pwned = 'script';</script>

<img src=\"x\" onerror=\"window.__pwned = 'img'\">

A [javascript link](javascript:window.__pwned='link') and a [data link](data:text/html,<script>alert(1)</script>).

<a href=\"javascript:alert(1)\" onclick=\"window.__pwned='a'\">raw anchor</a> and <b onmouseover=\"alert(1)\">raw bold</b>.

An autolink <javascript:alert(1)>, a safe one <https://example.com/docs> and [a safe link](https://example.com/ok \"ok\").

![remote image](https://example.com/tracker.png)

<iframe src=\"https://example.com\"></iframe>

```html
<script>alert('inside a code block is only text')</script>
```
";

/// The answer's text for a request whose system messages read `system` and whose last user
/// message is `user`.
pub(crate) fn write(system: &str, user: &str) -> String {
    if let Some((prefix, suffix)) = continuation::cursor_of(user) {
        let lang = continuation::lang_of(system, user);
        return continuation::continue_code(lang, prefix, suffix);
    }
    if let Some(request) = generation_request(system, user) {
        let lang = system
            .split("You are an expert ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(Lang::parse)
            .unwrap_or(Lang::DEFAULT);
        let code = Intent::of(request).code(lang);
        return format!("```{}\n{code}\n```", lang.fence());
    }
    if user.contains(HOSTILE_MARKER) {
        return HOSTILE_MARKDOWN.to_owned();
    }
    chat(system, user)
}

/// The request of a generation prompt: its line that begins `Request: ` (the last one).
fn generation_request<'a>(system: &str, user: &'a str) -> Option<&'a str> {
    if !system.contains("You are an expert ") {
        return None;
    }
    let at = user.rfind("Request: ")? + "Request: ".len();
    user.get(at..)
}

/// A chat answer in Markdown about `user`.
fn chat(system: &str, user: &str) -> String {
    let asked = user.split_whitespace().collect::<Vec<_>>().join(" ");
    let lang = Lang::named_in(user)
        .or_else(|| Lang::of_context(system))
        .unwrap_or(Lang::DEFAULT);
    let intent = Intent::of(user);
    let name = intent.function_name(lang);
    let title = intent.title(lang);
    let code = intent.code(lang);
    let fence = lang.fence();
    let test = lang.test_command();
    let tip = lang.tip();
    let format = lang.format_command();
    format!(
        "You asked: {asked}\n\n\
         ## {title}\n\n\
         **In short:** one small function, `{name}`, does the work; keep it pure and test it.\n\n\
         - Call `{name}` wherever you need it.\n\
         - {tip}\n\
         - Run the tests with `{test}`.\n\n\
         ```{fence}\n{code}\n```\n\n\
         | task | command |\n\
         |---|---|\n\
         | test | `{test}` |\n\
         | format | `{format}` |\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_answer_quotes_the_question_and_has_markdown_in_the_asked_language() {
        let answer = write("", "Write a Python function that adds two numbers");
        assert!(answer.starts_with("You asked: Write a Python function that adds two numbers\n\n"));
        assert!(answer.contains("\n## Adding two numbers in Python\n"));
        assert!(answer.contains("**In short:**"));
        assert!(answer.contains("\n- Call `add`"));
        assert!(answer.contains("```python\ndef add(a: int, b: int) -> int:\n"));
        assert!(answer.contains("| test | `python -m pytest` |\n| format | `black .` |\n"));
        assert_eq!(
            answer,
            write("", "Write a Python function that adds two numbers")
        );
    }

    #[test]
    fn a_chat_answer_takes_the_open_files_language_and_defaults_to_rust() {
        let system = "The user is working on \"svc\" (go). Their question is about this code, \
                      line 1 (9 characters):\n```go\nx := 1\n```";
        let answer = write(system, "what does this do");
        assert!(
            answer.contains("```go\n// Example handles example"),
            "{answer}"
        );
        assert!(
            answer.contains("func Example(input string) string {"),
            "{answer}"
        );
        assert!(write("", "hello").contains("```rust\n"));
        assert!(write("", "two\n  lines").starts_with("You asked: two lines\n"));
    }

    #[test]
    fn a_completion_continues_the_code_and_never_repeats_the_prompt() {
        let system = "You are a code completion engine for rust. You are given the code …";
        let user = "File: demo (rust)\n<before_cursor>fn main() {\n    </before_cursor>\n<after_cursor>\n}\n</after_cursor>";
        let answer = write(system, user);
        assert_eq!(answer, "println!(\"Hello, world!\");");
        for tag in [
            "<before_cursor>",
            "</before_cursor>",
            "<after_cursor>",
            "File:",
        ] {
            assert!(!answer.contains(tag));
        }
    }

    #[test]
    fn a_generation_is_one_fenced_function_in_the_requested_language() {
        let system = "You are an expert typescript programmer. Write typescript code …";
        let user = "Workspace: w (typescript)\nExisting code the answer must fit:\n```typescript\nlet a = 1;\n```\n\nRequest: reverse a string";
        assert_eq!(
            write(system, user),
            "```typescript\n/** Returns `s` with its characters in reverse order. */\nexport function reverse(s: string): string {\n  return [...s].reverse().join(\"\");\n}\n```"
        );
    }

    #[test]
    fn the_hostile_marker_answers_the_fixed_document() {
        assert_eq!(write("", "show me FAKE_MARKDOWN:hostile"), HOSTILE_MARKDOWN);
        assert!(HOSTILE_MARKDOWN.contains("<script>") && HOSTILE_MARKDOWN.contains("javascript:"));
    }
}
