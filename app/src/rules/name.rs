//! A display name (an account's, a workspace's): trimmed, at most 100 characters, no control
//! characters. Whether an empty name is allowed is the caller's choice (an account's name is
//! optional, a workspace's is not), as is the sentence that explains a refusal.

/// Characters in a name, at most.
pub const MAX_NAME_CHARS: usize = 100;

/// The name is longer than [`MAX_NAME_CHARS`] or holds a control character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidName;

/// Checks a name; on success, the trimmed name, or `None` when nothing is left.
pub fn parse_name(raw: &str) -> Result<Option<&str>, InvalidName> {
    let name = raw.trim();
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(InvalidName);
    }
    Ok(Some(name).filter(|n| !n.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_an_empty_one_is_none() {
        assert_eq!(parse_name("  Ada Lovelace "), Ok(Some("Ada Lovelace")));
        assert_eq!(parse_name(" \t "), Ok(None));
        assert_eq!(parse_name(""), Ok(None));
    }

    #[test]
    fn long_names_and_control_characters_are_refused() {
        assert_eq!(parse_name(&"é".repeat(100)).map(|n| n.is_some()), Ok(true));
        assert_eq!(parse_name(&"é".repeat(101)), Err(InvalidName));
        assert_eq!(parse_name("a\u{7}b"), Err(InvalidName));
        assert_eq!(parse_name("line\nbreak"), Err(InvalidName));
    }
}
