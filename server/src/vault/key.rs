//! A stored key as the vault hands it out ([`StoredKey`]: the key and the row it came from) and
//! the public mask. The key type itself is [`crate::openrouter::ApiKey`]: the client owns what it
//! applies, and the vault depends on it, never the other way.

use app::AppError;
use secrecy::{ExposeSecret, SecretString};

use crate::openrouter::ApiKey;

/// The stored row a decrypted key came from: its ciphertext and last six characters. What a
/// call learns about the key (OpenRouter refused it) is written only to a row that still holds
/// this ciphertext, never to a key the user saved while the call was in flight.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyOrigin {
    pub(crate) sealed: String,
    pub(crate) last6: String,
}

impl std::fmt::Debug for KeyOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyOrigin(…{})", self.last6)
    }
}

/// A key decrypted from the vault for one call, tagged with the ciphertext it came from.
#[derive(Clone, Debug)]
pub struct StoredKey {
    key: ApiKey,
    origin: KeyOrigin,
    checked_at: Option<i64>,
}

impl StoredKey {
    /// Rebuilds a key decrypted from the vault (it was parsed before it was stored).
    pub(crate) fn from_decrypted(secret: SecretString, sealed: String) -> Result<Self, AppError> {
        let key = ApiKey::parse(secret.expose_secret())?;
        let last6 = key.last6();
        Ok(Self {
            key,
            origin: KeyOrigin { sealed, last6 },
            checked_at: None,
        })
    }

    /// The same key, noting when its facts were last read from OpenRouter (Unix seconds).
    pub(crate) fn with_checked_at(mut self, checked_at: Option<i64>) -> Self {
        self.checked_at = checked_at;
        self
    }

    /// When the key's facts were last read from OpenRouter (Unix seconds), if ever.
    pub fn checked_at(&self) -> Option<i64> {
        self.checked_at
    }

    /// The key, for the OpenRouter client.
    pub fn key(&self) -> &ApiKey {
        &self.key
    }

    /// The stored row this key was decrypted from.
    pub fn origin(&self) -> &KeyOrigin {
        &self.origin
    }
}

/// The mask shown for a stored key: `sk-`, nineteen `*`, and the last six characters.
pub fn mask(last6: &str) -> String {
    format!("sk-{}{last6}", "*".repeat(19))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn the_mask_is_28_characters_and_ends_with_the_last_six() {
        let m = mask("abc123");
        assert_eq!(m, "sk-*******************abc123");
        assert_eq!(m.len(), 28);
    }

    #[test]
    fn a_stored_key_prints_no_key_bytes() {
        let k =
            StoredKey::from_decrypted(SecretString::from(GOOD), "ork1:k1:x".into()).expect("valid");
        let shown = format!("{k:?}");
        assert!(!shown.contains("0123456789"), "{shown}");
        assert!(shown.contains("[REDACTED]"), "{shown}");
    }
}

#[cfg(test)]
#[path = "key_props.rs"]
mod props;
