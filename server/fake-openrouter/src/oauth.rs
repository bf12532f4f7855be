//! OpenRouter's OAuth PKCE flow, faked: the codes the authorisation page hands out, each bound
//! to its challenge, single-use and expiring, and the keys their exchange returns.

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::{distributions::Alphanumeric, Rng};
use sha2::{Digest, Sha256};

use crate::errors::ApiError;

/// How long a code may wait for its exchange unless configured otherwise.
pub const DEFAULT_CODE_TTL: Duration = Duration::from_secs(600);

/// The prefix of the hex part of keys the exchange hands out (a live key) unless a test asks
/// for another (`PUT /__fake/auth/key-prefix`).
pub const ISSUED_KEY_PREFIX: &str = "c0de";

/// `base64url(sha256(verifier))` without padding: the S256 challenge of `verifier`.
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[derive(Debug)]
struct Pending {
    challenge: String,
    method: String,
    key: String,
    expires: Instant,
}

/// The codes handed out and not yet exchanged.
#[derive(Debug, Default)]
pub(crate) struct AuthCodes {
    pending: Mutex<HashMap<String, Pending>>,
    key_prefix: Mutex<Option<String>>,
}

impl AuthCodes {
    /// A new code for `challenge` (by `method`), valid for `ttl`, and the key it will buy.
    pub(crate) fn issue(&self, challenge: &str, method: &str, ttl: Duration) -> String {
        let code: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(32)
            .map(char::from)
            .collect();
        let prefix = self
            .key_prefix
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .unwrap_or_else(|| ISSUED_KEY_PREFIX.to_owned());
        let hex: String = (0..64)
            .map(|_| char::from(b"0123456789abcdef"[rand::thread_rng().gen_range(0..16)]))
            .collect();
        let key = crate::key(&format!("{prefix}{}", &hex[prefix.len().min(64)..]));
        let pending = Pending {
            challenge: challenge.to_owned(),
            method: method.to_owned(),
            key,
            expires: Instant::now() + ttl,
        };
        let mut codes = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        // A fake that is left running must not grow without bound.
        if codes.len() >= 10_000 {
            codes.clear();
        }
        codes.insert(code.clone(), pending);
        code
    }

    /// Exchanges `code` for its key once. The code is spent by any attempt that names it, as
    /// a code guessed or intercepted must not be tried again with another verifier.
    pub(crate) fn exchange(
        &self,
        code: &str,
        verifier: &str,
        method: &str,
    ) -> Result<String, ApiError> {
        if method != "S256" && method != "plain" {
            return Err(ApiError::InvalidChallengeMethod);
        }
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(code)
            .ok_or(ApiError::InvalidCode)?;
        if Instant::now() >= pending.expires {
            return Err(ApiError::CodeExpired);
        }
        let computed = match method {
            "S256" => s256_challenge(verifier),
            _ => verifier.to_owned(),
        };
        if method != pending.method || computed != pending.challenge {
            return Err(ApiError::InvalidCode);
        }
        Ok(pending.key)
    }

    /// Makes every code handed out so far expired.
    pub(crate) fn expire_all(&self) {
        let now = Instant::now();
        for p in self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values_mut()
        {
            p.expires = now;
        }
    }

    /// Chooses the hex prefix of keys issued from now on (`None`: the default live prefix).
    pub(crate) fn set_key_prefix(&self, prefix: Option<String>) {
        *self
            .key_prefix
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = prefix;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_s256_challenge_matches_rfc_7636s_example() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn a_code_buys_one_key_once_with_its_verifier_only() {
        let codes = AuthCodes::default();
        let verifier = "a".repeat(43);
        let code = codes.issue(&s256_challenge(&verifier), "S256", DEFAULT_CODE_TTL);
        let key = codes.exchange(&code, &verifier, "S256");
        assert!(key.as_deref().is_ok_and(|k| k.starts_with("sk-or-v1-c0de")));
        assert_eq!(
            codes.exchange(&code, &verifier, "S256"),
            Err(ApiError::InvalidCode)
        );
        let other = codes.issue(&s256_challenge(&verifier), "S256", DEFAULT_CODE_TTL);
        assert_eq!(
            codes.exchange(&other, &"b".repeat(43), "S256"),
            Err(ApiError::InvalidCode)
        );
        // The failed attempt spent the code.
        assert_eq!(
            codes.exchange(&other, &verifier, "S256"),
            Err(ApiError::InvalidCode)
        );
    }

    #[test]
    fn an_expired_code_and_an_unknown_method_are_refused() {
        let codes = AuthCodes::default();
        let verifier = "v".repeat(64);
        let code = codes.issue(&s256_challenge(&verifier), "S256", DEFAULT_CODE_TTL);
        assert_eq!(
            codes.exchange(&code, &verifier, "S512"),
            Err(ApiError::InvalidChallengeMethod)
        );
        codes.expire_all();
        assert_eq!(
            codes.exchange(&code, &verifier, "S256"),
            Err(ApiError::CodeExpired)
        );
    }

    #[test]
    fn a_chosen_prefix_picks_the_issued_keys_behaviour() {
        let codes = AuthCodes::default();
        codes.set_key_prefix(Some("0a11".into()));
        let code = codes.issue("x", "plain", DEFAULT_CODE_TTL);
        let key = codes.exchange(&code, "x", "plain");
        assert!(key.as_deref().is_ok_and(|k| k.starts_with("sk-or-v1-0a11")));
    }
}
