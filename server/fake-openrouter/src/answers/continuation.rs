//! A code completion as a model would give it: the text to insert at the cursor, read from the
//! studio's `<before_cursor>…</before_cursor>\n<after_cursor>…</after_cursor>` prompt. It finishes
//! the line, or writes the next statement of the function the cursor is in, then closes the
//! braces the code after the cursor leaves open. It never repeats the prompt or its tags.

use super::lang::Lang;

/// The code before and after the cursor in a completion prompt, if it is one.
pub(crate) fn cursor_of(user: &str) -> Option<(&str, &str)> {
    let start = user.find("<before_cursor>")? + "<before_cursor>".len();
    let middle = user.rfind("</before_cursor>\n<after_cursor>")?;
    let prefix = user.get(start..middle)?;
    let after = middle + "</before_cursor>\n<after_cursor>".len();
    let end = user.rfind("</after_cursor>").filter(|end| *end >= after)?;
    Some((prefix, user.get(after..end)?))
}

/// The language of a completion request: its system message says "completion engine for rust."
pub(crate) fn lang_of(system: &str, user: &str) -> Lang {
    let named = system
        .split("completion engine for ")
        .nth(1)
        .and_then(|rest| rest.split(['.', ' ']).next())
        .and_then(Lang::parse);
    named
        .or_else(|| Lang::of_context(user.lines().next().unwrap_or_default()))
        .unwrap_or(Lang::DEFAULT)
}

/// The text to insert between `prefix` and `suffix`.
pub(crate) fn continue_code(lang: Lang, prefix: &str, suffix: &str) -> String {
    let line = prefix.rsplit('\n').next().unwrap_or_default();
    let open = unclosed_braces(lang, prefix);
    let unit = indent_unit(lang);
    let trimmed = line.trim();
    let mut out = String::new();
    if trimmed.is_empty() {
        if line.is_empty() {
            out.push_str(&unit.repeat(open));
        }
        out.push_str(&next_statement(lang, prefix));
    } else if let Some(rest) = finish_line(lang, trimmed) {
        out.push_str(&rest);
    } else {
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        out.push_str(terminator(lang, trimmed));
        out.push('\n');
        out.push_str(&indent);
        out.push_str(&next_statement(lang, prefix));
    }
    let closed_after = suffix
        .matches('}')
        .count()
        .saturating_sub(suffix.matches('{').count());
    for level in (0..open.saturating_sub(closed_after)).rev() {
        out.push('\n');
        out.push_str(&unit.repeat(level));
        out.push('}');
    }
    out
}

fn indent_unit(lang: Lang) -> &'static str {
    match lang {
        Lang::Rust | Lang::Python => "    ",
        Lang::TypeScript | Lang::JavaScript => "  ",
        Lang::Go => "\t",
    }
}

/// How many `{` of `code` are still open, outside strings and comments.
fn unclosed_braces(lang: Lang, code: &str) -> usize {
    let mut depth = 0usize;
    let mut quote = None;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`') => quote = Some(c),
            (None, '\'') if lang != Lang::Rust => quote = Some(c),
            (None, '#') if lang == Lang::Python => skip_line(&mut chars),
            (None, '/') if chars.peek() == Some(&'/') => skip_line(&mut chars),
            (None, '{') => depth += 1,
            (None, '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

fn skip_line(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if c == '\n' {
            break;
        }
    }
}

/// The rest of a line that stops where something must follow (`= `, `.`, `(`, `:`).
fn finish_line(lang: Lang, line: &str) -> Option<String> {
    let semi = terminator(lang, "x");
    let text = if line.ends_with('=') && !line.ends_with("==") {
        let value = if lang == Lang::Python { "None" } else { "0" };
        format!(" {value}{semi}")
    } else if line.ends_with('.') {
        let method = match lang {
            Lang::Rust => "to_string()",
            Lang::Python => "strip()",
            Lang::TypeScript | Lang::JavaScript => "toString()",
            Lang::Go => "String()",
        };
        format!("{method}{semi}")
    } else if line.ends_with('(') {
        format!("){semi}")
    } else if line.ends_with(':') && lang == Lang::Python {
        "\n    pass".to_owned()
    } else {
        return None;
    };
    Some(text)
}

/// What ends a statement on `line`: `;` where the language wants one and it is missing.
fn terminator(lang: Lang, line: &str) -> &'static str {
    let open_ended = [';', '{', '}', ',', ':'].iter().any(|c| line.ends_with(*c));
    match lang {
        Lang::Rust | Lang::TypeScript | Lang::JavaScript if !open_ended => ";",
        _ => "",
    }
}

/// The function the cursor is in: its name, parameter names, whether it returns something, and
/// whether its body is still empty.
struct Function {
    name: String,
    params: Vec<String>,
    returns: bool,
    empty: bool,
}

fn function_at(lang: Lang, prefix: &str) -> Option<Function> {
    let keyword = match lang {
        Lang::Rust => "fn ",
        Lang::Python => "def ",
        Lang::TypeScript | Lang::JavaScript => "function ",
        Lang::Go => "func ",
    };
    let at = prefix.rfind(keyword)? + keyword.len();
    let rest = prefix.get(at..)?;
    let (name, rest) = rest.split_once('(')?;
    let (params, rest) = rest.split_once(')')?;
    let body_open = if lang == Lang::Python { ':' } else { '{' };
    let (between, body) = rest.split_once(body_open)?;
    let params = params
        .split(',')
        .filter_map(|p| {
            let p = p.trim().trim_start_matches("mut ");
            let end = p.find([':', ' ', '=']).unwrap_or(p.len());
            let name = p.get(..end)?.trim();
            (!name.is_empty() && name != "self" && name != "&self").then(|| name.to_owned())
        })
        .collect();
    Some(Function {
        name: name.trim().to_owned(),
        params,
        returns: !between.trim().trim_start_matches(':').trim().is_empty()
            && !between.contains("-> None")
            && !between.contains(": void"),
        empty: body.trim().is_empty(),
    })
}

/// A plausible next statement, without leading indentation.
fn next_statement(lang: Lang, prefix: &str) -> String {
    let print = |text: &str| match lang {
        Lang::Rust => format!("println!(\"{text}\");"),
        Lang::Python => format!("print(\"{text}\")"),
        Lang::TypeScript | Lang::JavaScript => format!("console.log(\"{text}\");"),
        Lang::Go => format!("fmt.Println(\"{text}\")"),
    };
    let Some(f) = function_at(lang, prefix)
        .filter(|_| unclosed_braces(lang, prefix) > 0 || lang == Lang::Python)
    else {
        return print("Hello, world!");
    };
    let lower = f.name.to_ascii_lowercase();
    if f.empty && f.params.len() >= 2 && (lower.contains("add") || lower.contains("sum")) {
        let sum = format!("{} + {}", f.params[0], f.params[1]);
        return match lang {
            Lang::Rust => sum,
            Lang::Python | Lang::Go => format!("return {sum}"),
            Lang::TypeScript | Lang::JavaScript => format!("return {sum};"),
        };
    }
    if f.returns && f.empty {
        return match lang {
            Lang::Rust => "todo!()".to_owned(),
            Lang::Python => "raise NotImplementedError".to_owned(),
            Lang::TypeScript | Lang::JavaScript => {
                "throw new Error(\"not implemented\");".to_owned()
            }
            Lang::Go => "panic(\"not implemented\")".to_owned(),
        };
    }
    if lower == "main" && f.empty {
        return print("Hello, world!");
    }
    print(&format!("{} done", f.name.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(lang: Lang, prefix: &str, suffix: &str) -> String {
        continue_code(lang, prefix, suffix)
    }

    #[test]
    fn the_prompt_is_read_between_its_tags_and_the_language_from_the_system_message() {
        let user = "File: adder (rust)\n<before_cursor>fn a() {</before_cursor>\n<after_cursor>}\n</after_cursor>";
        assert_eq!(cursor_of(user), Some(("fn a() {", "}\n")));
        assert_eq!(cursor_of("no tags"), None);
        let system = "You are a code completion engine for python. You are given ...";
        assert_eq!(lang_of(system, user), Lang::Python);
        assert_eq!(lang_of("", user), Lang::Rust);
    }

    #[test]
    fn an_empty_body_gets_its_statement_and_the_closing_brace_only_when_missing() {
        let prefix = "fn add(a: i32, b: i32) -> i32 {\n    ";
        assert_eq!(complete(Lang::Rust, prefix, "\n}\n"), "a + b");
        assert_eq!(complete(Lang::Rust, prefix, ""), "a + b\n}");
        assert_eq!(
            complete(Lang::Rust, "fn main() {\n    ", "\n}\n"),
            "println!(\"Hello, world!\");"
        );
        assert_eq!(
            complete(Lang::Python, "def add(x, y):\n    ", ""),
            "return x + y"
        );
        assert_eq!(
            complete(
                Lang::TypeScript,
                "function size(s: string): number {\n  ",
                "\n}"
            ),
            "throw new Error(\"not implemented\");"
        );
        assert_eq!(
            complete(Lang::Go, "func main() {\n", ""),
            "\tfmt.Println(\"Hello, world!\")\n}"
        );
    }

    #[test]
    fn a_line_that_stops_midway_is_finished() {
        assert_eq!(complete(Lang::Rust, "fn f() {\n    let x =", "\n}"), " 0;");
        assert_eq!(complete(Lang::Python, "name = value.", ""), "strip()");
        assert_eq!(complete(Lang::TypeScript, "f(", ""), ");");
        assert_eq!(complete(Lang::Python, "if ready:", ""), "\n    pass");
        assert_eq!(
            complete(Lang::Rust, "fn f() {\n    let y = 2", "\n}"),
            ";\n    println!(\"f done\");"
        );
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        assert_eq!(
            unclosed_braces(Lang::Rust, "let s = \"{\"; // {\nfn a() {"),
            1
        );
        assert_eq!(unclosed_braces(Lang::Python, "x = '{'  # {"), 0);
        assert_eq!(unclosed_braces(Lang::Rust, "fn a() {}"), 0);
    }
}
