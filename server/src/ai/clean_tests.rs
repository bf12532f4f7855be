use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::ai::prompts::{CursorWindow, PREFIX_WINDOW};

/// The rule of [`strip_repeated_prefix`], written the obvious (quadratic) way, to check the
/// linear one against.
fn naive_strip<'a>(text: &'a str, prefix: &str) -> &'a str {
    let starts = std::iter::once(0).chain(prefix.match_indices('\n').map(|(i, _)| i + 1));
    for start in starts {
        let tail = &prefix[start..];
        if !tail.trim().is_empty() && text.starts_with(tail) {
            return &text[tail.len()..];
        }
    }
    text
}

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
    assert_eq!(clean_code("```"), "");
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
fn the_longest_repeat_of_the_prefix_wins() {
    let prefix = "a\nb\na\nb\n";
    assert_eq!(strip_repeated_prefix("a\nb\na\nb\nc", prefix), "c");
    assert_eq!(strip_repeated_prefix("a\nb\nc", prefix), "c");
    assert_eq!(strip_repeated_prefix("b\nc", prefix), "c");
}

#[test]
fn the_linear_cut_agrees_with_the_obvious_rule_on_random_inputs() {
    let alphabet = ['a', 'b', '\n', ' ', 'é', '\t'];
    let mut rng = StdRng::seed_from_u64(11);
    let word = |rng: &mut StdRng, max: usize| -> String {
        let n = rng.gen_range(0..=max);
        (0..n)
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
            .collect()
    };
    for _ in 0..20_000 {
        let prefix = word(&mut rng, 12);
        // Answers that start with an end of the prefix are the interesting ones.
        let cut = rng.gen_range(0..=prefix.len());
        let tail = prefix.get(cut..).unwrap_or_default();
        let text = format!("{tail}{}", word(&mut rng, 6));
        assert_eq!(
            strip_repeated_prefix(&text, &prefix),
            naive_strip(&text, &prefix),
            "text {text:?} after prefix {prefix:?}"
        );
    }
}

#[test]
fn a_prefix_of_100k_newlines_leaves_the_answer_whole() {
    let window = CursorWindow::cut(&"\n".repeat(100_000), "");
    assert_eq!(window.clean("x = 1"), "x = 1");
    let blank_echo = format!("{}x", "\n".repeat(50_000));
    assert_eq!(
        window.clean(&blank_echo),
        blank_echo,
        "blank lines are not a repeat"
    );
    assert_eq!(
        clean_completion(&blank_echo, &"\n".repeat(100_000), ""),
        blank_echo
    );
}

#[test]
fn an_answer_that_echoes_a_window_of_100k_short_lines_is_cut_to_the_new_code() {
    let prefix = "a\n".repeat(50_000);
    let window = CursorWindow::cut(&prefix, "");
    assert_eq!(window.prefix().len(), PREFIX_WINDOW);
    let answer = format!("{}b = 2", window.prefix());
    assert_eq!(window.clean(&answer), "b = 2");
    // An answer repeating only some of those lines loses just them.
    assert_eq!(window.clean(&format!("{}b", "a\n".repeat(700))), "b");
}

#[test]
fn an_answer_of_100k_multibyte_characters_is_cut_on_character_boundaries() {
    let prefix = "é😀\n".repeat(40_000);
    let window = CursorWindow::cut(&prefix, "");
    let answer = format!("{}ß{}", window.prefix(), "é".repeat(100_000));
    let cleaned = window.clean(&answer);
    assert_eq!(cleaned, format!("ß{}", "é".repeat(100_000)));
    let unrelated = "😀".repeat(100_000);
    assert_eq!(window.clean(&unrelated), unrelated);
}

#[test]
fn a_prefix_without_newlines_is_cut_only_when_repeated_whole() {
    let prefix = "(".repeat(100_000);
    let window = CursorWindow::cut(&prefix, "");
    let answer = "(".repeat(PREFIX_WINDOW + 5);
    assert_eq!(window.clean(&answer), "(((((");
    assert_eq!(window.clean("(((x"), "(((x");
}

#[test]
fn a_suffix_of_100k_newlines_or_braces_is_handled_within_its_window() {
    let newlines = "\n".repeat(100_000);
    let window = CursorWindow::cut("fn f() {\n", &newlines);
    assert_eq!(window.clean("    x += 1;\n"), "    x += 1;\n");
    let braces = "}\n".repeat(50_000);
    let window = CursorWindow::cut("fn f() {\n", &braces);
    assert_eq!(window.clean("    x += 1;\n}"), "    x += 1;");
}

#[test]
fn an_answer_of_a_million_fences_is_read_once() {
    let answer = "```\n".repeat(250_000);
    assert_eq!(clean_code(&answer), "");
    let unclosed = format!("```rust\n{}", "x\n".repeat(500_000));
    assert_eq!(clean_code(&unclosed).len(), 2 * 500_000 - 1);
}
