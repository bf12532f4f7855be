//! The shape of an OpenRouter inference key, written once: the settings form hints with it while
//! the user types, and the server parses every key with it (`server::openrouter::ApiKey::parse`)
//! before anything else sees the key. Its messages never quote the key.

/// Every OpenRouter inference key starts with this.
pub const PREFIX: &str = "sk-or-v1-";
/// Lowercase hexadecimal digits after [`PREFIX`].
pub const HEX_LEN: usize = 64;
/// The longest input looked at, before trimming; anything longer is refused unread.
pub const MAX_INPUT: usize = 256;

/// What is wrong with a key as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormatError {
    /// More than [`MAX_INPUT`] bytes.
    InputTooLong,
    /// Nothing but white space.
    Empty,
    /// A line break or another control character inside the key.
    ControlCharacters,
    /// It does not start with [`PREFIX`].
    WrongPrefix,
    /// A character after the prefix that is not `0-9` or `a-f`.
    NotLowercaseHex,
    /// Fewer than [`HEX_LEN`] digits after the prefix.
    TooShort,
    /// More than [`HEX_LEN`] digits after the prefix.
    TooLong,
}

/// Checks `raw`'s shape; on success, the key with surrounding white space trimmed.
pub fn check(raw: &str) -> Result<&str, KeyFormatError> {
    if raw.len() > MAX_INPUT {
        return Err(KeyFormatError::InputTooLong);
    }
    let key = raw.trim();
    if key.is_empty() {
        return Err(KeyFormatError::Empty);
    }
    if key.chars().any(char::is_control) {
        return Err(KeyFormatError::ControlCharacters);
    }
    let Some(hex) = key.strip_prefix(PREFIX) else {
        return Err(KeyFormatError::WrongPrefix);
    };
    if !hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(KeyFormatError::NotLowercaseHex);
    }
    match hex.len() {
        HEX_LEN => Ok(key),
        n if n < HEX_LEN => Err(KeyFormatError::TooShort),
        _ => Err(KeyFormatError::TooLong),
    }
}

impl KeyFormatError {
    /// The sentence the server answers a malformed key with (422).
    pub fn message(self) -> &'static str {
        match self {
            Self::InputTooLong => {
                "That is too long to be an OpenRouter key (at most 256 characters)."
            }
            Self::Empty => "Please enter your OpenRouter API key.",
            Self::ControlCharacters => {
                "The key contains line breaks or control characters; paste it again on one line."
            }
            Self::WrongPrefix => {
                "OpenRouter keys start with sk-or-v1-. Copy the key from openrouter.ai/settings/keys."
            }
            Self::NotLowercaseHex | Self::TooShort | Self::TooLong => {
                "After sk-or-v1-, an OpenRouter key has exactly 64 lowercase hexadecimal characters."
            }
        }
    }

    /// The shorter hint shown under the field while the user types; `None` for an empty field,
    /// which is not an error until the form is sent.
    pub fn hint(self) -> Option<&'static str> {
        match self {
            Self::Empty => None,
            Self::WrongPrefix => Some("OpenRouter keys start with sk-or-v1-."),
            Self::NotLowercaseHex => {
                Some("After sk-or-v1-, only lowercase hexadecimal characters (0-9, a-f).")
            }
            Self::TooShort => Some("Too short: the part after sk-or-v1- has 64 characters."),
            Self::TooLong => Some("Too long: the part after sk-or-v1- has 64 characters."),
            Self::InputTooLong | Self::ControlCharacters => Some(self.message()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn a_well_formed_key_passes_after_trimming() {
        assert_eq!(check(&format!("  {GOOD}\n")), Ok(GOOD));
    }

    #[test]
    fn each_malformation_is_named() {
        let upper = GOOD.to_uppercase().replace("SK-OR-V1-", "sk-or-v1-");
        let with_lf = format!("{}\n{}", &GOOD[..20], &GOOD[21..]);
        let with_nul = format!("{}\0{}", &GOOD[..20], &GOOD[20..]);
        let long_input = format!("{GOOD}{}", "a".repeat(300));
        let cases = [
            ("", KeyFormatError::Empty),
            ("  \t ", KeyFormatError::Empty),
            ("sk-abc", KeyFormatError::WrongPrefix),
            (upper.as_str(), KeyFormatError::NotLowercaseHex),
            (&GOOD[..GOOD.len() - 1], KeyFormatError::TooShort),
            (with_lf.as_str(), KeyFormatError::ControlCharacters),
            (with_nul.as_str(), KeyFormatError::ControlCharacters),
            (long_input.as_str(), KeyFormatError::InputTooLong),
        ];
        for (input, expected) in cases {
            assert_eq!(check(input), Err(expected), "{input:?}");
        }
        assert_eq!(check(&format!("{GOOD}ab")), Err(KeyFormatError::TooLong));
    }

    #[test]
    fn no_message_or_hint_quotes_the_key() {
        for e in [
            KeyFormatError::InputTooLong,
            KeyFormatError::Empty,
            KeyFormatError::ControlCharacters,
            KeyFormatError::WrongPrefix,
            KeyFormatError::NotLowercaseHex,
            KeyFormatError::TooShort,
            KeyFormatError::TooLong,
        ] {
            assert!(!e.message().contains("0123456789abcdef"));
            assert!(!e.message().is_empty());
            assert!(e.hint().is_none_or(|h| !h.contains("0123456789abcdef")));
        }
        assert_eq!(KeyFormatError::Empty.hint(), None);
    }
}
