//! The code the fake writes for a request: a function chosen by what the prompt asks for, in
//! the asked language. The same prompt and language always give the same code.

use super::lang::Lang;

/// What a prompt asks a function to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Intent {
    Add,
    Reverse,
    Fibonacci,
    Sort,
    /// Anything else: a function named after the prompt's words.
    Named(Words),
}

/// The words a function is named after, lower case, at least one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Words(Vec<String>);

/// Words that say nothing about what a function does.
const FILLER: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "that",
    "this",
    "it",
    "is",
    "are",
    "be",
    "do",
    "does",
    "what",
    "how",
    "why",
    "can",
    "you",
    "me",
    "my",
    "i",
    "please",
    "write",
    "function",
    "code",
    "some",
    "make",
    "create",
    "give",
    "show",
    "which",
    "about",
    "rust",
    "python",
    "typescript",
    "javascript",
    "go",
    "golang",
];

impl Words {
    /// Up to three telling words of `prompt`; `["example"]` when it has none.
    fn of(prompt: &str) -> Self {
        let words: Vec<String> = prompt
            .split(|c: char| !c.is_ascii_alphabetic())
            .map(str::to_ascii_lowercase)
            .filter(|w| w.len() > 1 && !FILLER.contains(&w.as_str()))
            .take(3)
            .collect();
        if words.is_empty() {
            Self(vec!["example".to_owned()])
        } else {
            Self(words)
        }
    }

    fn snake(&self) -> String {
        self.0.join("_")
    }

    fn camel(&self, upper_first: bool) -> String {
        let mut out = String::new();
        for (i, w) in self.0.iter().enumerate() {
            let mut chars = w.chars();
            if let Some(first) = chars.next() {
                if i > 0 || upper_first {
                    out.push(first.to_ascii_uppercase());
                } else {
                    out.push(first);
                }
                out.extend(chars);
            }
        }
        out
    }
}

impl Intent {
    /// What `prompt` asks for.
    pub(crate) fn of(prompt: &str) -> Self {
        let lower = prompt.to_ascii_lowercase();
        let has = |w: &str| lower.contains(w);
        if has("fibonacci") || has("fib(") {
            Self::Fibonacci
        } else if has("revers") {
            Self::Reverse
        } else if has("sort") {
            Self::Sort
        } else if has("add") || has("sum") || has("plus") {
            Self::Add
        } else {
            Self::Named(Words::of(prompt))
        }
    }

    /// A heading for an answer about it.
    pub(crate) fn title(&self, lang: Lang) -> String {
        match self {
            Self::Add => format!("Adding two numbers in {}", lang.name()),
            Self::Reverse => format!("Reversing a string in {}", lang.name()),
            Self::Fibonacci => format!("Fibonacci numbers in {}", lang.name()),
            Self::Sort => format!("Sorting a list in {}", lang.name()),
            Self::Named(_) => format!("A {} sketch", lang.name()),
        }
    }

    /// The function's name as `lang` spells it.
    pub(crate) fn function_name(&self, lang: Lang) -> String {
        let plain = match self {
            Self::Add => "add",
            Self::Reverse => "reverse",
            Self::Fibonacci => "fibonacci",
            Self::Sort => "sorted",
            Self::Named(words) => {
                return match lang {
                    Lang::Rust | Lang::Python => words.snake(),
                    Lang::TypeScript | Lang::JavaScript => words.camel(false),
                    Lang::Go => words.camel(true),
                };
            }
        };
        if lang == Lang::Go {
            let mut go = plain.to_owned();
            go[..1].make_ascii_uppercase();
            go
        } else {
            plain.to_owned()
        }
    }

    /// The function, without fences, ending without a newline.
    pub(crate) fn code(&self, lang: Lang) -> String {
        let name = self.function_name(lang);
        let body = match (self, lang) {
            (Self::Add, Lang::Rust) => "(a: i64, b: i64) -> i64 {\n    a + b\n}",
            (Self::Add, Lang::Python) => "(a: int, b: int) -> int:\n    return a + b",
            (Self::Add, Lang::TypeScript) => "(a: number, b: number): number {\n  return a + b;\n}",
            (Self::Add, Lang::JavaScript) => "(a, b) {\n  return a + b;\n}",
            (Self::Add, Lang::Go) => "(a, b int) int {\n\treturn a + b\n}",
            (Self::Reverse, Lang::Rust) => "(s: &str) -> String {\n    s.chars().rev().collect()\n}",
            (Self::Reverse, Lang::Python) => "(s: str) -> str:\n    return s[::-1]",
            (Self::Reverse, Lang::TypeScript) => {
                "(s: string): string {\n  return [...s].reverse().join(\"\");\n}"
            }
            (Self::Reverse, Lang::JavaScript) => "(s) {\n  return [...s].reverse().join(\"\");\n}",
            (Self::Reverse, Lang::Go) => {
                "(s string) string {\n\tr := []rune(s)\n\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {\n\t\tr[i], r[j] = r[j], r[i]\n\t}\n\treturn string(r)\n}"
            }
            (Self::Fibonacci, Lang::Rust) => {
                "(n: u32) -> u64 {\n    let (mut a, mut b) = (0u64, 1u64);\n    for _ in 0..n {\n        (a, b) = (b, a + b);\n    }\n    a\n}"
            }
            (Self::Fibonacci, Lang::Python) => {
                "(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a"
            }
            (Self::Fibonacci, Lang::TypeScript) => {
                "(n: number): number {\n  let [a, b] = [0, 1];\n  for (let i = 0; i < n; i++) {\n    [a, b] = [b, a + b];\n  }\n  return a;\n}"
            }
            (Self::Fibonacci, Lang::JavaScript) => {
                "(n) {\n  let [a, b] = [0, 1];\n  for (let i = 0; i < n; i++) {\n    [a, b] = [b, a + b];\n  }\n  return a;\n}"
            }
            (Self::Fibonacci, Lang::Go) => {
                "(n int) int {\n\ta, b := 0, 1\n\tfor i := 0; i < n; i++ {\n\t\ta, b = b, a+b\n\t}\n\treturn a\n}"
            }
            (Self::Sort, Lang::Rust) => {
                "(mut items: Vec<i64>) -> Vec<i64> {\n    items.sort_unstable();\n    items\n}"
            }
            (Self::Sort, Lang::Python) => "(items: list[int]) -> list[int]:\n    return sorted(items)",
            (Self::Sort, Lang::TypeScript) => {
                "(items: number[]): number[] {\n  return [...items].sort((a, b) => a - b);\n}"
            }
            (Self::Sort, Lang::JavaScript) => {
                "(items) {\n  return [...items].sort((a, b) => a - b);\n}"
            }
            (Self::Sort, Lang::Go) => {
                "(items []int) []int {\n\tout := append([]int(nil), items...)\n\tsort.Ints(out)\n\treturn out\n}"
            }
            (Self::Named(_), Lang::Rust) => {
                "(input: &str) -> String {\n    input.trim().to_owned()\n}"
            }
            (Self::Named(_), Lang::Python) => "(text: str) -> str:\n    return text.strip()",
            (Self::Named(_), Lang::TypeScript) => {
                "(input: string): string {\n  return input.trim();\n}"
            }
            (Self::Named(_), Lang::JavaScript) => "(input) {\n  return input.trim();\n}",
            (Self::Named(_), Lang::Go) => {
                "(input string) string {\n\treturn strings.TrimSpace(input)\n}"
            }
        };
        let doc = self.doc();
        match lang {
            Lang::Rust => format!("/// {doc}\npub fn {name}{body}"),
            Lang::Python => {
                let (signature, rest) = body.split_once('\n').unwrap_or((body, ""));
                format!("def {name}{signature}\n    \"\"\"{doc}\"\"\"\n{rest}")
            }
            Lang::TypeScript => format!("/** {doc} */\nexport function {name}{body}"),
            Lang::JavaScript => format!("/** {doc} */\nfunction {name}{body}"),
            Lang::Go => format!("// {name} {}\nfunc {name}{body}", lower_first(&doc)),
        }
    }

    /// One sentence on what the function does.
    fn doc(&self) -> String {
        match self {
            Self::Add => "Returns the sum of `a` and `b`.".to_owned(),
            Self::Reverse => "Returns `s` with its characters in reverse order.".to_owned(),
            Self::Fibonacci => "Returns the `n`th Fibonacci number (0, 1, 1, 2, ...).".to_owned(),
            Self::Sort => "Returns the items in ascending order.".to_owned(),
            Self::Named(words) => format!(
                "Handles {}: returns the input without surrounding white space.",
                words.0.join(" ")
            ),
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_pick_the_function_and_its_name_follows_the_language() {
        assert_eq!(Intent::of("a function that adds two numbers"), Intent::Add);
        assert_eq!(Intent::of("Reverse a string"), Intent::Reverse);
        let named = Intent::of("explain lifetimes please");
        assert_eq!(named.function_name(Lang::Rust), "explain_lifetimes");
        assert_eq!(named.function_name(Lang::TypeScript), "explainLifetimes");
        assert_eq!(named.function_name(Lang::Go), "ExplainLifetimes");
        assert_eq!(Intent::of("???").function_name(Lang::Python), "example");
        assert_eq!(Intent::Add.function_name(Lang::Go), "Add");
    }

    #[test]
    fn the_code_is_a_whole_function_in_the_language() {
        let rust = Intent::Add.code(Lang::Rust);
        assert!(rust.starts_with("/// Returns the sum"), "{rust}");
        assert!(rust.contains("pub fn add(a: i64, b: i64) -> i64 {\n    a + b\n}"));
        let python = Intent::Add.code(Lang::Python);
        assert_eq!(
            python,
            "def add(a: int, b: int) -> int:\n    \"\"\"Returns the sum of `a` and `b`.\"\"\"\n    return a + b"
        );
        assert!(Intent::Sort.code(Lang::Go).starts_with("// Sorted returns"));
        assert!(Intent::Reverse
            .code(Lang::TypeScript)
            .contains("export function reverse("));
        for lang in [
            Lang::Rust,
            Lang::Python,
            Lang::TypeScript,
            Lang::JavaScript,
            Lang::Go,
        ] {
            let code = Intent::of("parse a config").code(lang);
            assert!(!code.ends_with('\n') && !code.contains("```"), "{code}");
        }
    }
}
