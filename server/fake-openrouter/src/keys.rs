//! OpenRouter key shapes: parsing, masking, and building test keys.

/// Every OpenRouter user key starts with this.
pub const KEY_PREFIX: &str = "sk-or-v1-";

const HEX_LEN: usize = 64;
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The 64 lowercase hex characters of a well-formed key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyHex(String);

impl KeyHex {
    /// Accepts exactly `sk-or-v1-` followed by 64 lowercase hex characters.
    pub(crate) fn parse(key: &str) -> Option<Self> {
        let hex = key.strip_prefix(KEY_PREFIX)?;
        let well_formed = hex.len() == HEX_LEN
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| Self(hex.to_owned()))
    }

    /// The hex part, which selects the key's behaviour by its prefix.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// OpenRouter's own masked form: `sk-or-v1-` + first 3 + `...` + last 3 characters.
    pub(crate) fn label(&self) -> String {
        let hex = self.as_str();
        format!("{KEY_PREFIX}{}...{}", &hex[..3], &hex[HEX_LEN - 3..])
    }
}

/// Builds a well-formed test key whose hex part starts with `prefix`.
///
/// The rest is padded deterministically with `0123456789abcdef` repeated (by position), so
/// `key("dead")` is a revoked key and `key("a1")`, `key("b2")` are two different live keys.
/// `prefix` should be lowercase hex of at most 64 characters; anything else yields a key the
/// fake treats as unknown, and a longer prefix is cut at 64 characters.
pub fn key(prefix: &str) -> String {
    let mut key = String::with_capacity(KEY_PREFIX.len() + HEX_LEN);
    key.push_str(KEY_PREFIX);
    let head: String = prefix.chars().take(HEX_LEN).collect();
    let used = head.chars().count();
    key.push_str(&head);
    key.extend((used..HEX_LEN).map(|i| char::from(HEX_DIGITS[i % HEX_DIGITS.len()])));
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_keys_are_well_formed_and_keep_their_prefix() {
        let built = key("dead");
        assert_eq!(built.len(), 73);
        assert!(built.starts_with("sk-or-v1-dead"));
        assert!(KeyHex::parse(&built).is_some());
    }

    #[test]
    fn different_prefixes_give_different_keys() {
        assert_ne!(key("a1"), key("b2"));
        assert_eq!(key("a1"), key("a1"));
    }

    #[test]
    fn malformed_keys_are_rejected() {
        assert!(KeyHex::parse("sk-or-v1-abc").is_none());
        assert!(KeyHex::parse(&key("DEAD")).is_none());
        assert!(KeyHex::parse(&key("").replace("sk-or-v1-", "sk-or-v2-")).is_none());
    }

    #[test]
    fn labels_use_openrouters_masked_form() {
        let hex = KeyHex::parse(&key("abc")).map(|k| k.label());
        assert_eq!(hex.as_deref(), Some("sk-or-v1-abc...def"));
    }
}
