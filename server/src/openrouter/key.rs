//! [`ApiKey`]: a caller's OpenRouter key, parsed once at the edge with the one format rule
//! (`app::keys::format`). It lives in a `SecretString`, prints as `[REDACTED]`, and is applied
//! only by [`crate::openrouter::OpenRouterClient::authorized`]; the vault's cipher is the only
//! other reader of its bytes.

use app::keys::format;
use app::AppError;
use secrecy::{ExposeSecret, SecretString};

/// A well-formed OpenRouter inference key: `sk-or-v1-` and 64 lowercase hex digits.
#[derive(Clone)]
pub struct ApiKey {
    secret: SecretString,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl ApiKey {
    /// Trims surrounding white space, then checks the shape (422 if wrong). Error messages
    /// never echo the key.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let key =
            format::check(raw).map_err(|e| AppError::new(422, "Invalid API key", e.message()))?;
        Ok(Self {
            secret: SecretString::from(key.to_owned()),
        })
    }

    /// The key's last six characters (not secret: kept in the clear for the mask).
    pub fn last6(&self) -> String {
        let k = self.secret.expose_secret();
        k[k.len() - 6..].to_owned()
    }

    /// The secret, for the `Authorization` header and the vault's cipher only.
    pub fn secret(&self) -> &SecretString {
        &self.secret
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn a_well_formed_key_parses_after_trimming() {
        let k = ApiKey::parse(&format!("  {GOOD}\n")).expect("valid");
        assert_eq!(k.last6(), "abcdef");
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
            let err = ApiKey::parse(bad).expect_err("invalid");
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
        let k = ApiKey::parse(GOOD).expect("valid");
        assert_eq!(format!("{k:?}"), "ApiKey([REDACTED])");
    }
}
