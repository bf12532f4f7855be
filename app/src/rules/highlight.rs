//! A small syntax highlighter for the code blocks of answers: keywords, strings, comments and
//! numbers of the workspace languages (Rust, Python, TypeScript, JavaScript, Go), each a token
//! the view wraps in a `<span class="tok-…">`. Anything else is plain text. Linear in the code,
//! and total: an unfinished string or comment (while an answer streams) runs to the end.

/// What a piece of code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Not highlighted.
    Plain,
    /// A keyword of the language.
    Keyword,
    /// A string or character literal.
    Str,
    /// A comment.
    Comment,
    /// A number.
    Number,
}

impl Class {
    /// The CSS class of its span (`None` for plain text).
    pub fn css(self) -> Option<&'static str> {
        match self {
            Self::Plain => None,
            Self::Keyword => Some("tok-kw"),
            Self::Str => Some("tok-str"),
            Self::Comment => Some("tok-com"),
            Self::Number => Some("tok-num"),
        }
    }
}

/// The lexical rules of one language.
struct Syntax {
    keywords: &'static [&'static str],
    line_comment: &'static str,
    block_comments: bool,
    /// Quote characters that open a string.
    quotes: &'static str,
    /// Whether `'x'` is a character and `'a` a lifetime (Rust).
    lifetimes: bool,
    triple_quotes: bool,
}

const RUST: Syntax = Syntax {
    keywords: &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while",
    ],
    line_comment: "//",
    block_comments: true,
    quotes: "\"",
    lifetimes: true,
    triple_quotes: false,
};

const PYTHON: Syntax = Syntax {
    keywords: &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ],
    line_comment: "#",
    block_comments: false,
    quotes: "\"'",
    lifetimes: false,
    triple_quotes: true,
};

const SCRIPT: Syntax = Syntax {
    keywords: &[
        "as",
        "async",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "from",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "null",
        "of",
        "private",
        "protected",
        "public",
        "readonly",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "type",
        "typeof",
        "undefined",
        "var",
        "void",
        "while",
        "yield",
    ],
    line_comment: "//",
    block_comments: true,
    quotes: "\"'`",
    lifetimes: false,
    triple_quotes: false,
};

const GO: Syntax = Syntax {
    keywords: &[
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "false",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "nil",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "true",
        "type",
        "var",
    ],
    line_comment: "//",
    block_comments: true,
    quotes: "\"'`",
    lifetimes: false,
    triple_quotes: false,
};

fn syntax(lang: &str) -> Option<&'static Syntax> {
    match lang.to_ascii_lowercase().as_str() {
        "rust" | "rs" => Some(&RUST),
        "python" | "py" | "python3" => Some(&PYTHON),
        "typescript" | "ts" | "tsx" | "javascript" | "js" | "jsx" | "node" => Some(&SCRIPT),
        "go" | "golang" => Some(&GO),
        _ => None,
    }
}

/// `code` cut into classed pieces, which concatenate back to `code`. A language the highlighter
/// does not know gives one plain piece.
pub fn highlight<'a>(lang: &str, code: &'a str) -> Vec<(Class, &'a str)> {
    let Some(syntax) = syntax(lang) else {
        return if code.is_empty() {
            Vec::new()
        } else {
            vec![(Class::Plain, code)]
        };
    };
    let mut ranges: Vec<(Class, usize, usize)> = Vec::new();
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let (class, len) = token(syntax, rest);
        let end = at + len.max(rest.chars().next().map_or(1, char::len_utf8));
        match ranges.last_mut() {
            Some((Class::Plain, _, last_end)) if class == Class::Plain => *last_end = end,
            _ => ranges.push((class, at, end)),
        }
        at = end;
    }
    ranges
        .into_iter()
        .map(|(class, start, end)| (class, &code[start..end]))
        .collect()
}

/// The class and byte length of the token at the start of `rest` (0 for one plain character).
fn token(syntax: &Syntax, rest: &str) -> (Class, usize) {
    let first = rest.chars().next().unwrap_or(' ');
    if rest.starts_with(syntax.line_comment) {
        return (Class::Comment, rest.find('\n').unwrap_or(rest.len()));
    }
    if syntax.block_comments && rest.starts_with("/*") {
        return (
            Class::Comment,
            rest.find("*/").map_or(rest.len(), |end| end + 2),
        );
    }
    if syntax.triple_quotes {
        for triple in ["\"\"\"", "'''"] {
            if let Some(body) = rest.strip_prefix(triple) {
                return (
                    Class::Str,
                    body.find(triple).map_or(rest.len(), |end| end + 6),
                );
            }
        }
    }
    if syntax.lifetimes && first == '\'' {
        return match rust_char(rest) {
            0 => (Class::Plain, 0),
            len => (Class::Str, len),
        };
    }
    if syntax.quotes.contains(first) {
        return (Class::Str, string_end(rest, first));
    }
    if first.is_ascii_digit() {
        let mut len = 0;
        let bytes = rest.as_bytes();
        while len < bytes.len() {
            let b = bytes[len];
            let decimal_point = b == b'.' && bytes.get(len + 1).is_some_and(u8::is_ascii_digit);
            if !(b.is_ascii_alphanumeric() || b == b'_' || decimal_point) {
                break;
            }
            len += 1;
        }
        return (Class::Number, len);
    }
    if first.is_alphabetic() || first == '_' {
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let class = if syntax.keywords.contains(&word) {
            Class::Keyword
        } else {
            Class::Plain
        };
        return (class, len);
    }
    (Class::Plain, 0)
}

/// The length of a string opened by `quote` at the start of `rest`, escapes honoured; an
/// unclosed one runs to the end of the line (or of the code, for a backtick string).
fn string_end(rest: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in rest.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '\n' if quote != '`' => return i,
            _ if c == quote => return i + c.len_utf8(),
            _ => {}
        }
    }
    rest.len()
}

/// A Rust `'x'` or `'\n'` character literal's length, or a lifetime's quote alone (plain).
fn rust_char(rest: &str) -> usize {
    let mut chars = rest.char_indices().skip(1);
    match (chars.next(), chars.next()) {
        (Some((_, '\\')), _) => string_end(rest, '\''),
        (Some(_), Some((i, '\''))) => i + 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests;
