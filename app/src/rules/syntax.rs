//! Which highlighting the code editor uses for a workspace's language: the language name as the
//! workspace stores it (free text, see [`crate::rules::language`]) to one of the syntaxes the
//! editor's bundle carries (`frontend/editor/src/main.js`, `SYNTAXES`). A language without one
//! is edited as plain text, with everything else the editor does.

/// The editor's syntax id for `language`, if the bundle has one.
pub fn syntax_for(language: &str) -> Option<&'static str> {
    let name = language.trim().to_ascii_lowercase();
    Some(match name.as_str() {
        "rust" | "rs" => "rust",
        "python" | "python3" | "py" => "python",
        "javascript" | "js" | "node" | "nodejs" | "mjs" | "cjs" | "ecmascript" => "javascript",
        "jsx" => "jsx",
        "typescript" | "ts" => "typescript",
        "tsx" => "tsx",
        "go" | "golang" => "go",
        "json" => "json",
        "c" | "c++" | "cpp" | "cxx" | "cc" | "h" | "hpp" => "cpp",
        "java" => "java",
        "html" | "htm" | "xhtml" => "html",
        "css" => "css",
        "sql" | "postgresql" | "postgres" | "sqlite" | "mysql" => "sql",
        "markdown" | "md" => "markdown",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::syntax_for;

    #[test]
    fn the_studios_languages_and_their_usual_names_have_a_syntax() {
        for (name, id) in [
            ("rust", "rust"),
            ("Rust", "rust"),
            (" python ", "python"),
            ("typescript", "typescript"),
            ("TS", "typescript"),
            ("go", "go"),
            ("Golang", "go"),
            ("C++", "cpp"),
            ("c", "cpp"),
            ("javascript", "javascript"),
            ("tsx", "tsx"),
            ("SQL", "sql"),
        ] {
            assert_eq!(syntax_for(name), Some(id), "{name}");
        }
    }

    #[test]
    fn other_languages_are_plain_text() {
        for name in ["", "cobol", "C#", "F# 6", "rust script", "objective-c"] {
            assert_eq!(syntax_for(name), None, "{name}");
        }
    }
}
