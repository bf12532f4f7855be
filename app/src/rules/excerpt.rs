//! The part of the open file that goes with a question to the assistant: the selection when
//! there is one, else the whole file; either way at most [`MAX_CHARS`] characters, cut around
//! the cursor, in whole lines, and described for the user ("lines 3–7 of main, 120 characters").

/// The most of the file sent with one question.
pub const MAX_CHARS: usize = 12_000;

/// What is sent, and how to say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// The text sent.
    pub text: String,
    /// Its first and last line, counted from 1.
    pub lines: (usize, usize),
    /// Whether it is the user's selection.
    pub selection: bool,
    /// Whether the file (or selection) was longer than what is sent.
    pub cut: bool,
}

impl Excerpt {
    /// "your selection (lines 3–7, 120 characters)" or "lines 1–40 (1,234 characters)".
    pub fn describe(&self) -> String {
        let (a, b) = self.lines;
        let lines = if a == b {
            format!("line {a}")
        } else {
            format!("lines {a}–{b}")
        };
        let chars = self.text.chars().count();
        let what = if self.selection {
            format!("your selection ({lines}, {chars} characters)")
        } else {
            format!("{lines} ({chars} characters)")
        };
        if self.cut {
            format!("{what}, cut to fit")
        } else {
            what
        }
    }
}

/// The excerpt of `code` for a cursor or selection from byte `start` to byte `end` (clamped to
/// the code and to character boundaries); `None` for an empty file.
pub fn excerpt(code: &str, start: usize, end: usize) -> Option<Excerpt> {
    let floor = |i: usize| {
        let mut i = i.min(code.len());
        while !code.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (floor(start.min(end)), floor(start.max(end)));
    let selection = start < end;
    let (from, to) = if selection {
        (start, end)
    } else {
        (0, code.len())
    };
    if from == to {
        return None;
    }
    let (from, to, cut) = bound(code, from, to, start);
    let line_of = |i: usize| code[..i].matches('\n').count() + 1;
    let text = code[from..to].to_owned();
    let last = (to - usize::from(text.ends_with('\n'))).max(from);
    Some(Excerpt {
        lines: (line_of(from), line_of(last)),
        text,
        selection,
        cut,
    })
}

/// `code[from..to]` cut to at most [`MAX_CHARS`] characters around `cursor`, two thirds before
/// it, at line ends where it can be; linear in the part looked at.
fn bound(code: &str, from: usize, to: usize, cursor: usize) -> (usize, usize, bool) {
    let part = &code[from..to];
    if part.len() <= MAX_CHARS || part.chars().count() <= MAX_CHARS {
        return (from, to, false);
    }
    let cursor = cursor.clamp(from, to);
    // Walk back from the cursor, then forward, by characters.
    let before_budget = MAX_CHARS * 2 / 3;
    let mut lo = cursor;
    for (n, (i, _)) in code[from..cursor].char_indices().rev().enumerate() {
        if n >= before_budget {
            break;
        }
        lo = from + i;
    }
    let after_budget = MAX_CHARS - code[lo..cursor].chars().count();
    let mut hi = cursor;
    for (n, (i, c)) in code[cursor..to].char_indices().enumerate() {
        if n >= after_budget {
            break;
        }
        hi = cursor + i + c.len_utf8();
    }
    // Whole lines: start after a line break, end at one, when the cut leaves any.
    if lo > from {
        if let Some(nl) = code[lo..cursor].find('\n') {
            lo += nl + 1;
        }
    }
    if hi < to {
        if let Some(nl) = code[cursor..hi].rfind('\n') {
            hi = cursor + nl + 1;
        }
    }
    (lo, hi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_selection_the_whole_file_goes() {
        let e = excerpt("fn main() {\n}\n", 3, 3).unwrap();
        assert_eq!(e.text, "fn main() {\n}\n");
        assert_eq!(e.lines, (1, 2));
        assert!(!e.selection && !e.cut);
        assert_eq!(e.describe(), "lines 1–2 (14 characters)");
    }

    #[test]
    fn a_selection_goes_alone_with_its_lines() {
        let code = "a\nbb\nccc\ndddd\n";
        let from = code.find("bb").unwrap();
        let to = code.find("dddd").unwrap();
        let e = excerpt(code, to, from).unwrap();
        assert_eq!(e.text, "bb\nccc\n");
        assert_eq!(e.lines, (2, 3));
        assert_eq!(e.describe(), "your selection (lines 2–3, 7 characters)");
    }

    #[test]
    fn an_empty_file_sends_nothing_and_offsets_past_the_end_are_clamped() {
        assert_eq!(excerpt("", 0, 0), None);
        assert_eq!(excerpt("é", 1, 1).unwrap().text, "é", "inside a character");
        assert_eq!(excerpt("abc", 99, 99).unwrap().text, "abc");
    }

    #[test]
    fn a_long_file_is_cut_around_the_cursor_in_whole_lines() {
        let code: String = (0..5_000).map(|i| format!("line {i}\n")).collect();
        let cursor = code.find("line 4000\n").unwrap();
        let e = excerpt(&code, cursor, cursor).unwrap();
        assert!(e.cut);
        assert!(e.text.chars().count() <= MAX_CHARS);
        assert!(e.text.contains("line 4000\n"), "the cursor's line goes");
        assert!(
            e.text.starts_with("line ") && e.text.ends_with('\n'),
            "whole lines"
        );
        let first: usize = e.text[5..e.text.find('\n').unwrap()].parse().unwrap();
        assert_eq!(e.lines.0, first + 1);
        assert!(e.describe().ends_with("cut to fit"));
    }

    #[test]
    fn a_single_long_line_is_cut_by_characters() {
        let code = "é".repeat(MAX_CHARS * 3);
        let e = excerpt(&code, code.len() / 2, code.len() / 2).unwrap();
        assert_eq!(e.text.chars().count(), MAX_CHARS);
        assert_eq!(e.lines, (1, 1));
    }
}
