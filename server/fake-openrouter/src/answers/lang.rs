//! The languages the fake writes code in, and how it tells which one a request is about.

/// A language the fake can write; anything else is answered in [`Lang::DEFAULT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Rust,
    Python,
    TypeScript,
    JavaScript,
    Go,
}

impl Lang {
    /// The studio's first language, used when nothing names another.
    pub(crate) const DEFAULT: Self = Self::Rust;

    /// Its name, for people.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Rust => "Rust",
            Self::Python => "Python",
            Self::TypeScript => "TypeScript",
            Self::JavaScript => "JavaScript",
            Self::Go => "Go",
        }
    }

    /// The info string of its fenced blocks.
    pub(crate) fn fence(self) -> &'static str {
        match self {
            Self::Rust => "rust",
            Self::Python => "python",
            Self::TypeScript => "typescript",
            Self::JavaScript => "javascript",
            Self::Go => "go",
        }
    }

    /// How its tests are run.
    pub(crate) fn test_command(self) -> &'static str {
        match self {
            Self::Rust => "cargo test",
            Self::Python => "python -m pytest",
            Self::TypeScript | Self::JavaScript => "npx vitest run",
            Self::Go => "go test ./...",
        }
    }

    /// How its code is formatted.
    pub(crate) fn format_command(self) -> &'static str {
        match self {
            Self::Rust => "cargo fmt",
            Self::Python => "black .",
            Self::TypeScript | Self::JavaScript => "npx prettier --write .",
            Self::Go => "gofmt -w .",
        }
    }

    /// One habit worth a line in an answer.
    pub(crate) fn tip(self) -> &'static str {
        match self {
            Self::Rust => "Borrow with `&str` and `&[T]` in parameters, so callers keep ownership.",
            Self::Python => {
                "Type hints such as `list[int]` document the contract; `mypy` checks it."
            }
            Self::TypeScript => {
                "Keep `strict` on in `tsconfig.json`, so `undefined` cannot slip through."
            }
            Self::JavaScript => "Prefer `const`, and `===` over `==`.",
            Self::Go => "Return an `error` as the last value instead of panicking.",
        }
    }

    /// The language a name or alias stands for (`"rs"`, `"Python"`, `"ts"`, `"golang"`, ...).
    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "rust" | "rs" => Some(Self::Rust),
            "python" | "py" | "python3" => Some(Self::Python),
            "typescript" | "ts" | "tsx" => Some(Self::TypeScript),
            "javascript" | "js" | "node" | "jsx" => Some(Self::JavaScript),
            "go" | "golang" => Some(Self::Go),
            _ => None,
        }
    }

    /// The language a prompt names in words ("in Python", "a Rust function"). `go` counts only
    /// as "in go" or "golang", since "go" is also a verb.
    pub(crate) fn named_in(text: &str) -> Option<Self> {
        let lower = text.to_ascii_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '#' || c == '+'))
            .filter(|w| !w.is_empty())
            .collect();
        words.iter().enumerate().find_map(|(i, w)| match *w {
            "go" if i > 0 && words[i - 1] == "in" => Some(Self::Go),
            "go" | "rs" | "py" | "ts" | "js" | "node" | "jsx" | "tsx" => None,
            other => Self::parse(other),
        })
    }

    /// The language of the file the studio sent along: its system message names the file as
    /// `"name" (rust)` and fences the code as ```` ```rust ````.
    pub(crate) fn of_context(system: &str) -> Option<Self> {
        let in_parens = system.split('(').skip(1).find_map(|rest| {
            let inside = rest.split(')').next()?;
            Self::parse(inside)
        });
        in_parens.or_else(|| {
            system.split("```").skip(1).step_by(2).find_map(|block| {
                let info = block.lines().next()?;
                Self::parse(info)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_name_languages_in_words_but_go_the_verb_is_not_go() {
        assert_eq!(Lang::named_in("Write a Rust function"), Some(Lang::Rust));
        assert_eq!(
            Lang::named_in("how do I do it in Python?"),
            Some(Lang::Python)
        );
        assert_eq!(Lang::named_in("a TypeScript type"), Some(Lang::TypeScript));
        assert_eq!(Lang::named_in("same in go please"), Some(Lang::Go));
        assert_eq!(Lang::named_in("golang channels"), Some(Lang::Go));
        assert_eq!(Lang::named_in("let's go on"), None);
        assert_eq!(Lang::named_in("hello"), None);
    }

    #[test]
    fn the_studios_file_message_gives_its_language() {
        let system = "The user is working on \"adder\" (python). Their question is about this \
                      code, line 1 (9 characters):\n```python\nx = 1\n```";
        assert_eq!(Lang::of_context(system), Some(Lang::Python));
        assert_eq!(
            Lang::of_context("```ts\nlet a = 1;\n```"),
            Some(Lang::TypeScript)
        );
        assert_eq!(Lang::of_context("be brief (please)"), None);
    }
}
