//! Positions in code as the browser counts them (UTF-16 code units: a textarea's selection,
//! CodeMirror's document positions) and as Rust slices it (UTF-8 bytes).

/// The byte offset in `code` of the position `utf16_pos` (in UTF-16 units), rounded down to the
/// start of a character it falls inside and clamped to the end of the code.
pub fn byte_offset(code: &str, utf16_pos: usize) -> usize {
    let mut units = 0;
    for (i, c) in code.char_indices() {
        if units >= utf16_pos {
            return i;
        }
        units += c.len_utf16();
        if units > utf16_pos {
            return i;
        }
    }
    code.len()
}

/// The length of `text` in UTF-16 units (where a position after it is, for the browser).
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::{byte_offset, utf16_len};
    use proptest::prelude::*;

    #[test]
    fn a_browser_position_maps_to_a_byte_offset() {
        assert_eq!(byte_offset("abc", 1), 1);
        assert_eq!(
            byte_offset("é😀x", 3),
            "é😀".len(),
            "😀 is two UTF-16 units"
        );
        assert_eq!(byte_offset("é😀x", 2), "é".len(), "inside 😀: its start");
        assert_eq!(byte_offset("ab", 99), 2);
        assert_eq!(byte_offset("", 0), 0);
        assert_eq!(utf16_len("é😀x"), 4);
    }

    proptest! {
        #[test]
        fn every_character_boundary_round_trips(code in "\\PC{0,40}", cut in 0usize..60) {
            let mut at = cut.min(code.len());
            while !code.is_char_boundary(at) {
                at -= 1;
            }
            prop_assert_eq!(byte_offset(&code, utf16_len(&code[..at])), at);
        }

        #[test]
        fn any_position_lands_on_a_boundary(code in "\\PC{0,40}", pos in 0usize..100) {
            let at = byte_offset(&code, pos);
            prop_assert!(code.is_char_boundary(at));
            prop_assert!(utf16_len(&code[..at]) <= pos);
        }
    }
}
