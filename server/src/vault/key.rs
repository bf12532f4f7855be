//! An OpenRouter API key, parsed once at the edge. It lives in a `SecretString`, prints as
//! `[REDACTED]`, and is exposed only to the cipher and the `Authorization` header.

use app::AppError;
use secrecy::{ExposeSecret, SecretString};

const PREFIX: &str = "sk-or-v1-";
const HEX_LEN: usize = 64;
const MAX_INPUT: usize = 256;

/// A well-formed OpenRouter inference key: `sk-or-v1-` and 64 lowercase hex digits.
#[derive(Clone)]
pub struct OpenRouterKey {
    secret: SecretString,
    origin: Option<KeyOrigin>,
}

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

impl std::fmt::Debug for OpenRouterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenRouterKey([REDACTED])")
    }
}

fn invalid(message: &str) -> AppError {
    AppError::new(422, "Invalid API key", message)
}

impl OpenRouterKey {
    /// Trims surrounding white space, then checks the shape. Error messages never echo the key.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        if raw.len() > MAX_INPUT {
            return Err(invalid(
                "That is too long to be an OpenRouter key (at most 256 characters).",
            ));
        }
        let key = raw.trim();
        if key.is_empty() {
            return Err(invalid("Please enter your OpenRouter API key."));
        }
        if key.chars().any(|c| c.is_control()) {
            return Err(invalid(
                "The key contains line breaks or control characters; paste it again on one line.",
            ));
        }
        let Some(hex) = key.strip_prefix(PREFIX) else {
            return Err(invalid("OpenRouter keys start with sk-or-v1-. Copy the key from openrouter.ai/settings/keys."));
        };
        if hex.len() != HEX_LEN
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(invalid("After sk-or-v1-, an OpenRouter key has exactly 64 lowercase hexadecimal characters."));
        }
        Ok(Self {
            secret: SecretString::from(key.to_owned()),
            origin: None,
        })
    }

    /// Rebuilds a key decrypted from the vault (it was parsed before it was stored), tagged with
    /// the ciphertext it came from.
    pub(crate) fn from_decrypted(secret: SecretString, sealed: String) -> Result<Self, AppError> {
        let mut key = Self::parse(secret.expose_secret())?;
        key.origin = Some(KeyOrigin {
            sealed,
            last6: key.last6(),
        });
        Ok(key)
    }

    /// The stored row this key was decrypted from; `None` for a key typed in by the user.
    pub fn origin(&self) -> Option<&KeyOrigin> {
        self.origin.as_ref()
    }

    /// The key's last six characters (not secret: kept in the clear for the mask).
    pub fn last6(&self) -> String {
        let k = self.secret.expose_secret();
        k[k.len() - 6..].to_owned()
    }

    /// The secret, for the cipher and the `Authorization` header only.
    pub fn secret(&self) -> &SecretString {
        &self.secret
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
    fn a_well_formed_key_parses_after_trimming() {
        let k = OpenRouterKey::parse(&format!("  {GOOD}\n")).expect("valid");
        assert_eq!(k.last6(), "abcdef");
    }

    #[test]
    fn the_mask_is_28_characters_and_ends_with_the_last_six() {
        let m = mask("abc123");
        assert_eq!(m, "sk-*******************abc123");
        assert_eq!(m.len(), 28);
    }

    #[test]
    fn malformed_keys_are_422_and_never_echoed() {
        let upper = GOOD.to_uppercase();
        let short = &GOOD[..GOOD.len() - 1];
        let with_nul = format!("{}\0{}", &GOOD[..20], &GOOD[20..]);
        let with_lf = format!("{}\n{}", &GOOD[..20], &GOOD[21..]);
        let long = format!("{GOOD}{}", "a".repeat(300));
        for bad in [
            "",
            "sk-abc",
            upper.as_str(),
            short,
            with_nul.as_str(),
            with_lf.as_str(),
            long.as_str(),
        ] {
            let err = OpenRouterKey::parse(bad).expect_err("invalid");
            assert_eq!(err.status, 422);
            assert!(
                !err.body.message.contains("0123456789abcdef"),
                "{}",
                err.body.message
            );
        }
    }

    #[test]
    fn a_key_prints_redacted() {
        let k = OpenRouterKey::parse(GOOD).expect("valid");
        assert_eq!(format!("{k:?}"), "OpenRouterKey([REDACTED])");
    }
}

#[cfg(test)]
#[path = "key_props.rs"]
mod props;
