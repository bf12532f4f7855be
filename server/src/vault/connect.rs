//! "Connect with OpenRouter": OpenRouter's OAuth flow with PKCE (RFC 7636, S256).
//!
//! [`start`] makes a random state and nonce, keeps them in the caller's session with the
//! challenge and an expiry ([`FLOW_TTL_SECS`]), and answers the authorisation URL with the
//! challenge. The verifier is never stored: it is an HMAC of the account and the nonce under a
//! key derived from the master-key ring ([`verifier_for`]), made again at the callback. A
//! session record is plain JSON in the database, and the database driver logs statements with
//! their values at DEBUG, so a stored verifier would have been one log line from the code.
//! [`finish`] takes the flow out of the session (so every callback ends it: a replay finds
//! nothing), checks the state and the expiry, exchanges the code at `POST /auth/keys`, and
//! hands the key to [`save_key_via`], the very use case a pasted key goes through (format,
//! limits, live check, encryption, key log). The key is never in a URL, a log or a page: only
//! the outcome's name is ([`Outcome`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::AuthUser;
use crate::kit::RequestMeta;
use crate::openrouter::UpstreamError;
use crate::state::AppState;
use crate::vault::save::{save_key_via, Via};

/// How long a started flow waits for its callback.
pub const FLOW_TTL_SECS: i64 = 10 * 60;

/// The callback's path, under `PUBLIC_URL`.
pub const CALLBACK_PATH: &str = "/api/user/api-key/connect/callback";

/// The session key the pending flow is kept under.
const SESSION_KEY: &str = "openrouter_connect";

/// What the ring derives the verifiers' key for.
const VERIFIER_PURPOSE: &str = "aiappsy-studio/openrouter-pkce-verifier/v1";

/// A flow started and not yet finished: nothing in it buys a key (the verifier is derived
/// again from the nonce, with a key only the server holds).
#[derive(Serialize, Deserialize)]
struct Pending {
    state: String,
    nonce: String,
    /// The verifier's S256 challenge, which tells which of the ring's keys made it.
    challenge: String,
    expires_at: i64,
}

/// The PKCE verifier of `user_id`'s flow `nonce` under `key`: base64url of an HMAC-SHA256,
/// 43 characters (PKCE asks for 43 to 128).
fn verifier_for(key: &[u8; 32], user_id: &str, nonce: &str) -> Option<String> {
    use hmac::{Hmac, Mac as _};
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(user_id.as_bytes());
    mac.update(b".");
    mac.update(nonce.as_bytes());
    Some(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// The verifier of `pending` for `user_id`: made again under each of the ring's keys, the one
/// whose challenge the flow sent (a rotation since the start is survived).
fn verifier_of(state: &AppState, user_id: &str, pending: &Pending) -> Option<String> {
    state
        .ring
        .current()
        .derived_keys(VERIFIER_PURPOSE)
        .iter()
        .filter_map(|key| verifier_for(key, user_id, &pending.nonce))
        .find(|v| same(&s256_challenge(v), &pending.challenge))
}

/// How a callback ended, named in the redirect to the settings page (which words it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The key was checked and stored.
    Connected,
    /// The callback had no `state` (or no `code`: the user went back without approving).
    MissingState,
    /// This session has no flow waiting: never started here, already finished, or replaced.
    UnknownState,
    /// The state is not the one this session's flow made.
    ForeignState,
    /// The flow waited longer than ten minutes.
    Expired,
    /// OpenRouter would not exchange the code (invalid, used, expired, or a bad verifier).
    ExchangeRefused,
    /// OpenRouter could not be reached, or answered something unreadable.
    Unreachable,
    /// OpenRouter handed back a key that OpenRouter itself refuses.
    KeyRejected,
    /// A management key, which cannot run completions.
    ManagementKey,
    /// Too many key checks for now.
    RateLimited,
    /// The session ended before the callback.
    SignedOut,
    /// Anything else (the database, the cipher); logged.
    Failed,
}

impl Outcome {
    /// The name in `/settings?connect=<name>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::MissingState => "missing_state",
            Self::UnknownState => "unknown_state",
            Self::ForeignState => "foreign_state",
            Self::Expired => "expired",
            Self::ExchangeRefused => "exchange_refused",
            Self::Unreachable => "unreachable",
            Self::KeyRejected => "key_rejected",
            Self::ManagementKey => "management_key",
            Self::RateLimited => "rate_limited",
            Self::SignedOut => "signed_out",
            Self::Failed => "failed",
        }
    }

    /// Where the browser goes after the callback.
    pub fn settings_url(self) -> String {
        format!("/settings?connect={}", self.as_str())
    }
}

fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// `base64url(sha256(verifier))` without padding.
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Starts a flow for the signed-in caller and answers the authorisation URL to send the
/// browser to. A flow started earlier in the same session is replaced.
pub async fn start(state: &AppState, auth: &AuthUser) -> Result<String, app::AppError> {
    let nonce = random_token(24);
    let flow_state = random_token(24);
    let key = state
        .ring
        .current()
        .derived_keys(VERIFIER_PURPOSE)
        .into_iter()
        .next();
    let Some(verifier) = key.and_then(|k| verifier_for(&k, &auth.user_id, &nonce)) else {
        tracing::error!("the key ring gave no key for the connection's verifier");
        return Err(app::AppError::internal());
    };
    let challenge = s256_challenge(&verifier);
    let pending = Pending {
        state: flow_state.clone(),
        nonce,
        challenge: challenge.clone(),
        expires_at: state.clock.unix() + FLOW_TTL_SECS,
    };
    auth.session
        .insert(SESSION_KEY, pending)
        .await
        .map_err(crate::auth::session::store_failed)?;
    let callback = format!(
        "{}{CALLBACK_PATH}?state={flow_state}",
        state.config.public_origin
    );
    let url = reqwest::Url::parse_with_params(
        &state.config.openrouter_auth_url,
        [
            ("callback_url", callback.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ],
    )
    .map_err(|e| {
        tracing::error!(error = %e, "OPENROUTER_AUTH_URL does not make a URL");
        app::AppError::internal()
    })?;
    tracing::info!(user.id = %auth.user_id, "OpenRouter connection started");
    Ok(url.into())
}

/// Equal-length comparison that does not stop at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Finishes the caller's flow with the callback's `code` and `state`.
pub async fn finish(
    state: &AppState,
    auth: &AuthUser,
    meta: &RequestMeta,
    code: Option<&str>,
    returned_state: Option<&str>,
) -> Outcome {
    // Taken out first: whatever this callback says, the flow is over.
    let pending = match auth.session.remove::<Pending>(SESSION_KEY).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "could not read the OpenRouter connection from the session");
            return Outcome::Failed;
        }
    };
    let outcome = check(state, &auth.user_id, pending, code, returned_state);
    let (code, verifier) = match outcome {
        Ok(pair) => pair,
        Err(outcome) => {
            tracing::info!(user.id = %auth.user_id, outcome = outcome.as_str(), "OpenRouter connection refused");
            return outcome;
        }
    };
    let key = match state.openrouter.exchange_code(code, &verifier).await {
        Ok(key) => key,
        Err(e) => {
            tracing::warn!(user.id = %auth.user_id, error = %e, "OpenRouter would not exchange the code");
            return match e {
                UpstreamError::Status {
                    status: 400..=499, ..
                } => Outcome::ExchangeRefused,
                _ => Outcome::Unreachable,
            };
        }
    };
    match save_key_via(state, auth, meta, key.expose_secret(), Via::OpenRouter).await {
        Ok(()) => {
            tracing::info!(user.id = %auth.user_id, "OpenRouter connection finished");
            Outcome::Connected
        }
        Err(e) => {
            tracing::info!(user.id = %auth.user_id, error = %e.body.error, "the key from OpenRouter was not stored");
            match (e.status, e.body.error.as_str()) {
                (422, "Management key") => Outcome::ManagementKey,
                (422, _) => Outcome::KeyRejected,
                (429, _) => Outcome::RateLimited,
                (503, _) => Outcome::Unreachable,
                _ => Outcome::Failed,
            }
        }
    }
}

fn check<'c>(
    state: &AppState,
    user_id: &str,
    pending: Option<Pending>,
    code: Option<&'c str>,
    returned_state: Option<&str>,
) -> Result<(&'c str, SecretString), Outcome> {
    let returned_state = returned_state
        .filter(|s| !s.is_empty())
        .ok_or(Outcome::MissingState)?;
    let pending = pending.ok_or(Outcome::UnknownState)?;
    if !same(returned_state, &pending.state) {
        return Err(Outcome::ForeignState);
    }
    if state.clock.unix() >= pending.expires_at {
        return Err(Outcome::Expired);
    }
    let code = code
        .filter(|c| !c.is_empty() && c.len() <= 2048)
        .ok_or(Outcome::MissingState)?;
    // None: the ring lost the key the flow started under; the user starts again.
    let verifier = verifier_of(state, user_id, &pending).ok_or(Outcome::Expired)?;
    Ok((code, SecretString::from(verifier)))
}

#[cfg(test)]
#[path = "connect_tests.rs"]
mod tests;
