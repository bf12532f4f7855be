//! The "known device" cookie: proof that this browser signed in to an account before.
//!
//! Set at every successful sign-in (and sign-up), valid for [`MAX_AGE_DAYS`] days. Its value is
//! `<user id>.<issued at>.<device nonce>.<MAC>`, the MAC an HMAC-SHA256 over the rest, keyed by a
//! key derived from the master-key ring ([`crate::vault::keyring::KeyRing::derived_keys`]): every
//! instance sharing the ring can check it, the database holds nothing that forges it, and a cookie
//! signed under an older ring version still verifies after a rotation.
//!
//! A sign-in that carries a valid cookie for the account it names is throttled in its own
//! (account, device) bucket, so someone who only knows the email cannot lock the owner out by
//! failing on purpose (see `auth::throttle`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha2::Sha256;
use tower_cookies::cookie::{Cookie, SameSite};
use tower_cookies::Cookies;
use zeroize::Zeroizing;

use crate::state::AppState;

/// The cookie's name over plain HTTP.
pub const COOKIE: &str = "studio_device";
/// The cookie's name when `PUBLIC_URL` is https (`__Host-` pins it to this origin).
pub const SECURE_COOKIE: &str = "__Host-device";
/// How long a browser stays known after its last successful sign-in.
pub const MAX_AGE_DAYS: i64 = 180;
/// What the ring derives the MAC key for.
const PURPOSE: &str = "aiappsy-studio/known-device-cookie/v1";
/// Cookies issued this far in the future (clock skew between instances) are still accepted.
const SKEW_SECS: i64 = 300;
/// Anything longer is not one of ours and is not even parsed.
const MAX_LEN: usize = 200;

/// A browser that proved it signed in to `user_id` before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownDevice {
    /// The account it signed in to.
    pub user_id: String,
    /// The device's random id, stable across its sign-ins.
    pub nonce: String,
}

fn cookie_name(state: &AppState) -> &'static str {
    if state.config.is_https() {
        SECURE_COOKIE
    } else {
        COOKIE
    }
}

fn signed_part(user_id: &str, issued_at: i64, nonce: &str) -> String {
    format!("{user_id}.{issued_at}.{nonce}")
}

fn mac_with(key: &[u8; 32], message: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(message.as_bytes());
    Some(mac)
}

/// The device this request's cookie proves, if it is valid and was issued for `user_id`.
pub fn recognise(state: &AppState, cookies: &Cookies, user_id: &str) -> Option<KnownDevice> {
    let cookie = cookies.get(cookie_name(state))?;
    let keys = state.ring.current().derived_keys(PURPOSE);
    verify(&keys, cookie.value(), user_id, state.clock.unix())
}

/// The account the browser's known-device cookie was issued for, when the cookie is genuine
/// (checked with no database read).
pub fn vouched_account(state: &AppState, cookies: &Cookies) -> Option<String> {
    let cookie = cookies.get(cookie_name(state))?;
    let user_id = cookie.value().split('.').next()?.to_owned();
    recognise(state, cookies, &user_id).map(|_| user_id)
}

/// Checks a cookie value: shape, account, age, then the MAC under each of `keys`.
pub fn verify(
    keys: &[Zeroizing<[u8; 32]>],
    value: &str,
    user_id: &str,
    now: i64,
) -> Option<KnownDevice> {
    if value.len() > MAX_LEN {
        return None;
    }
    let mut parts = value.split('.');
    let (uid, issued, nonce, tag) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || uid != user_id || nonce.is_empty() {
        return None;
    }
    let issued_at: i64 = issued.parse().ok()?;
    let age = now.checked_sub(issued_at)?;
    if !(-SKEW_SECS..=MAX_AGE_DAYS * 86_400).contains(&age) {
        return None;
    }
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    let message = signed_part(uid, issued_at, nonce);
    let valid = keys
        .iter()
        .filter_map(|key| mac_with(key, &message))
        .any(|mac| mac.verify_slice(&tag).is_ok());
    valid.then(|| KnownDevice {
        user_id: uid.to_owned(),
        nonce: nonce.to_owned(),
    })
}

/// A cookie value for `user_id`, signed with the first of `keys` (the primary version's).
pub fn issue(keys: &[Zeroizing<[u8; 32]>], user_id: &str, nonce: &str, now: i64) -> Option<String> {
    let message = signed_part(user_id, now, nonce);
    let mac = mac_with(keys.first()?, &message)?;
    let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Some(format!("{message}.{tag}"))
}

/// A new random device id.
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Marks this browser as known to `user_id` (keeping its device id if it had one for them).
pub fn remember(state: &AppState, cookies: &Cookies, user_id: &str, known: Option<&KnownDevice>) {
    let nonce = known.map_or_else(new_nonce, |d| d.nonce.clone());
    let keys = state.ring.current().derived_keys(PURPOSE);
    let Some(value) = issue(&keys, user_id, &nonce, state.clock.unix()) else {
        tracing::error!("could not sign a known-device cookie");
        return;
    };
    let cookie = Cookie::build((cookie_name(state), value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(state.config.is_https())
        .max_age(time::Duration::days(MAX_AGE_DAYS))
        .build();
    cookies.add(cookie);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(bytes: &[u8]) -> Vec<Zeroizing<[u8; 32]>> {
        bytes.iter().map(|b| Zeroizing::new([*b; 32])).collect()
    }

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn an_issued_cookie_verifies_for_its_user_only() {
        let k = keys(&[1]);
        let value = issue(&k, "cuser", "nonce1", NOW).expect("signs");
        let device = verify(&k, &value, "cuser", NOW + 60).expect("valid");
        assert_eq!(device.nonce, "nonce1");
        assert!(
            verify(&k, &value, "cother", NOW).is_none(),
            "another account"
        );
    }

    #[test]
    fn a_tampered_forged_or_expired_cookie_is_refused() {
        let k = keys(&[1]);
        let value = issue(&k, "cuser", "nonce1", NOW).expect("signs");
        let tampered = value.replacen("nonce1", "nonce2", 1);
        assert!(verify(&k, &tampered, "cuser", NOW).is_none());
        let forged = issue(&keys(&[9]), "cuser", "nonce1", NOW).expect("signs");
        assert!(verify(&k, &forged, "cuser", NOW).is_none(), "another key");
        let late = NOW + MAX_AGE_DAYS * 86_400 + 1;
        assert!(verify(&k, &value, "cuser", late).is_none(), "too old");
        assert!(
            verify(&k, &value, "cuser", NOW - 3600).is_none(),
            "from the future"
        );
        for junk in [
            "",
            "a.b.c",
            "cuser.x.n.t",
            &format!("{value}.x"),
            &"a".repeat(300),
        ] {
            assert!(verify(&k, junk, "cuser", NOW).is_none(), "{junk:.20}");
        }
    }

    #[test]
    fn a_cookie_signed_under_an_older_ring_version_still_verifies() {
        let before = keys(&[1]);
        let value = issue(&before, "cuser", "n", NOW).expect("signs");
        let after_rotation = keys(&[2, 1]);
        assert!(verify(&after_rotation, &value, "cuser", NOW).is_some());
    }
}
