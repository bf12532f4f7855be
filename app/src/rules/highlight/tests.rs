use super::*;

fn classes<'a>(lang: &str, code: &'a str) -> Vec<(Class, &'a str)> {
    highlight(lang, code)
        .into_iter()
        .filter(|(class, _)| *class != Class::Plain)
        .collect()
}

#[test]
fn rust_keywords_strings_comments_numbers_and_lifetimes() {
    let code =
        "pub fn f<'a>(s: &'a str) -> u8 { let c = 'x'; /* note */ 42 } // done\n\"hi \\\" there\"";
    assert_eq!(
        classes("rust", code),
        [
            (Class::Keyword, "pub"),
            (Class::Keyword, "fn"),
            (Class::Keyword, "let"),
            (Class::Str, "'x'"),
            (Class::Comment, "/* note */"),
            (Class::Number, "42"),
            (Class::Comment, "// done"),
            (Class::Str, "\"hi \\\" there\""),
        ]
    );
}

#[test]
fn python_triple_quotes_and_hash_comments() {
    let code = "def f():\n    \"\"\"Doc \"quoted\".\"\"\"\n    return 'a' # why\n";
    assert_eq!(
        classes("python", code),
        [
            (Class::Keyword, "def"),
            (Class::Str, "\"\"\"Doc \"quoted\".\"\"\""),
            (Class::Keyword, "return"),
            (Class::Str, "'a'"),
            (Class::Comment, "# why"),
        ]
    );
}

#[test]
fn typescript_and_go_have_their_own_keywords() {
    assert_eq!(
        classes("ts", "export const x = `a ${b}`;"),
        [
            (Class::Keyword, "export"),
            (Class::Keyword, "const"),
            (Class::Str, "`a ${b}`"),
        ]
    );
    assert_eq!(
        classes("go", "func main() { defer f(0x1F, 1.5) }"),
        [
            (Class::Keyword, "func"),
            (Class::Keyword, "defer"),
            (Class::Number, "0x1F"),
            (Class::Number, "1.5"),
        ]
    );
    assert_eq!(classes("go", "fn let"), [], "Rust's words are not Go's");
}

#[test]
fn ranges_and_identifiers_with_digits_are_not_numbers() {
    assert_eq!(
        classes("rust", "for i in 0..n { x2 }"),
        [
            (Class::Keyword, "for"),
            (Class::Keyword, "in"),
            (Class::Number, "0"),
        ]
    );
}

#[test]
fn pieces_concatenate_back_to_the_code_even_unfinished_or_unknown() {
    for (lang, code) in [
        ("rust", "let s = \"never closed"),
        ("rust", "/* open comment\nfn x"),
        ("python", "'''open\n"),
        ("js", "`multi\nline"),
        ("rust", "é 😀 'é' \"ß\""),
        ("brainfuck", "+[->+<]"),
        ("", ""),
    ] {
        let joined: String = highlight(lang, code).iter().map(|(_, t)| *t).collect();
        assert_eq!(joined, code, "{lang}");
    }
    assert_eq!(
        highlight("rust", "let s = \"open\nnext"),
        [
            (Class::Keyword, "let"),
            (Class::Plain, " s = "),
            (Class::Str, "\"open"),
            (Class::Plain, "\nnext"),
        ],
        "an unclosed string stops at the end of its line"
    );
}

#[test]
fn every_class_but_plain_has_a_css_class() {
    assert_eq!(Class::Plain.css(), None);
    for class in [Class::Keyword, Class::Str, Class::Comment, Class::Number] {
        assert!(class.css().is_some_and(|c| c.starts_with("tok-")));
    }
}
