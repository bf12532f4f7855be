//! Beginning and ending a signed-in session, and checking its absolute lifetime.

use std::net::IpAddr;

use app::AppError;
use tower_sessions::Session;

/// The session cookie's name over plain HTTP.
pub const COOKIE: &str = "studio_sid";
/// The session cookie's name when `PUBLIC_URL` is https (`__Host-` pins it to this origin).
pub const SECURE_COOKIE: &str = "__Host-sid";

/// The keys this app keeps in a session record.
pub mod keys {
    /// The signed-in user's id.
    pub const USER_ID: &str = "user_id";
    /// Unix seconds of the sign-in, for the absolute lifetime.
    pub const AUTH_AT: &str = "auth_at";
    /// The browser's user agent at sign-in (shown in the session list).
    pub const USER_AGENT: &str = "ua";
    /// The client IP at sign-in.
    pub const IP: &str = "ip";
    /// The user's auth stamp at sign-in, read with the password hash that was checked; the
    /// store refuses the session once the user's stamp has moved on (a password change).
    pub const AUTH_STAMP: &str = "auth_stamp";
}

/// Session lifetimes.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Idle timeout: every request, reads included, restarts it.
    pub idle_secs: i64,
    /// Absolute lifetime from sign-in, whatever the activity.
    pub absolute_secs: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_secs: 30 * 60,
            absolute_secs: 12 * 60 * 60,
        }
    }
}

pub(crate) fn store_failed(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "session store failed");
    AppError::unavailable()
}

/// Who signed in: the user and the auth stamp read with the password hash that was checked.
#[derive(Debug, Clone, Copy)]
pub struct SignedIn<'a> {
    /// The user's id.
    pub user_id: &'a str,
    /// The user's auth stamp when their password was read.
    pub auth_stamp: i64,
}

/// Starts a signed-in session for `who` under a new session id (the old id, if any, stops
/// working: no fixation).
pub async fn begin(
    session: &Session,
    who: SignedIn<'_>,
    now: i64,
    user_agent: Option<&str>,
    ip: IpAddr,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(store_failed)?;
    session.clear().await;
    session
        .insert(keys::USER_ID, who.user_id)
        .await
        .map_err(store_failed)?;
    session
        .insert(keys::AUTH_STAMP, who.auth_stamp)
        .await
        .map_err(store_failed)?;
    session
        .insert(keys::AUTH_AT, now)
        .await
        .map_err(store_failed)?;
    let ua: Option<String> = user_agent.map(|s| s.chars().take(500).collect());
    session
        .insert(keys::USER_AGENT, ua)
        .await
        .map_err(store_failed)?;
    session
        .insert(keys::IP, ip.to_string())
        .await
        .map_err(store_failed)?;
    Ok(())
}

/// Gives the session a new id and the user's new auth stamp (after a password change, so this
/// session outlives the change while every other one signed in before it ends).
pub async fn renew(session: &Session, auth_stamp: i64) -> Result<(), AppError> {
    session.cycle_id().await.map_err(store_failed)?;
    session
        .insert(keys::AUTH_STAMP, auth_stamp)
        .await
        .map_err(store_failed)
}

/// Ends the session: the server-side row is deleted and the cookie cleared.
pub async fn end(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(store_failed)
}

/// The signed-in user's id, or `None` for anonymous callers and sessions past their absolute
/// lifetime (which are ended on the spot).
pub async fn user_id(
    session: &Session,
    policy: SessionPolicy,
    now: i64,
) -> Result<Option<String>, AppError> {
    let user_id: Option<String> = session.get(keys::USER_ID).await.map_err(store_failed)?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let auth_at: i64 = session
        .get(keys::AUTH_AT)
        .await
        .map_err(store_failed)?
        .unwrap_or(0);
    if now.saturating_sub(auth_at) > policy.absolute_secs {
        tracing::info!(user.id = %user_id, "session passed its absolute lifetime");
        end(session).await?;
        return Ok(None);
    }
    Ok(Some(user_id))
}
