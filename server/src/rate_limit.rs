//! In-memory sliding-window limits that count work while it is in flight.
//!
//! Policy: a request takes its slot *before* it does the costly work ([`Limiter::try_acquire`]),
//! under one lock, so a parallel burst is counted as it arrives and never walks through a limit
//! that would only be counted after the work. A slot can be handed back ([`Limiter::refund`])
//! when the work turned out not to count against the caller (a successful sign-in, a save that
//! failed on the server's side).
//!
//! These limits are per process. The limits that protect accounts across several instances live
//! in the database (`auth::throttle`); these ones bound what one client can make one instance do.
//!
//! Memory is bounded: at most [`MAX_KEYS`] keys are tracked, and each key holds at most `max`
//! timestamps. When the table is full, keys whose window has passed are dropped; if it is still
//! full, new keys are refused (fail closed) until old ones expire.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};

use app::AppError;

use crate::config::LimitSettings;

/// The most keys one limiter tracks at once.
pub const MAX_KEYS: usize = 100_000;

/// A taken slot, to hand back with [`Limiter::refund`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a slot is either kept (the work counted) or refunded"]
pub struct Slot {
    key: String,
    at: i64,
}

/// At most `max` actions per key in any `window_secs` seconds.
#[derive(Debug)]
pub struct Limiter {
    what: &'static str,
    max: usize,
    window_secs: i64,
    entries: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl Limiter {
    /// A limiter for `what` (said in the 429's message, e.g. "sign-in attempts").
    pub fn new(what: &'static str, max: usize, window_secs: i64) -> Self {
        Self {
            what,
            max: max.max(1),
            window_secs: window_secs.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The most actions per window.
    pub fn max(&self) -> usize {
        self.max
    }

    /// The window, in seconds.
    pub fn window_secs(&self) -> i64 {
        self.window_secs
    }

    /// Takes a slot for `key` at `now` (Unix seconds), or refuses with 429 and `Retry-After`.
    pub fn try_acquire(&self, key: &str, now: i64) -> Result<Slot, AppError> {
        let mut map = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if !map.contains_key(key) && map.len() >= MAX_KEYS {
            let window = self.window_secs;
            map.retain(|_, times| times.back().is_some_and(|t| now - t < window));
            if map.len() >= MAX_KEYS {
                return Err(self.refusal(self.window_secs));
            }
        }
        let times = map.entry(key.to_owned()).or_default();
        while times.front().is_some_and(|t| now - t >= self.window_secs) {
            times.pop_front();
        }
        if times.len() >= self.max {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(self.refusal(self.window_secs - (now - oldest)));
        }
        times.push_back(now);
        Ok(Slot {
            key: key.to_owned(),
            at: now,
        })
    }

    /// Hands a slot back: the action it stood for does not count.
    pub fn refund(&self, slot: Slot) {
        let mut map = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(times) = map.get_mut(&slot.key) {
            if let Some(i) = times.iter().rposition(|t| *t == slot.at) {
                times.remove(i);
            }
            if times.is_empty() {
                map.remove(&slot.key);
            }
        }
    }

    fn refusal(&self, retry_after: i64) -> AppError {
        too_many(self.what, retry_after)
    }
}

/// Runs `work` under a slot of `per_user` for `user_id` and one of `per_address` for `ip`, taken
/// together (both or neither) before it starts. A failure on the studio's or upstream's side
/// (5xx) hands both back: the caller's attempt did not count. Anything else keeps them.
pub async fn counted<T>(
    per_user: &Limiter,
    per_address: &Limiter,
    user_id: &str,
    ip: IpAddr,
    now: i64,
    work: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let user_slot = per_user.try_acquire(&user_key(user_id), now)?;
    let ip_slot = match per_address.try_acquire(&ip_key(ip), now) {
        Ok(slot) => slot,
        Err(refused) => {
            per_user.refund(user_slot);
            return Err(refused);
        }
    };
    let result = work.await;
    if result.as_ref().is_err_and(|e| e.status >= 500) {
        per_user.refund(user_slot);
        per_address.refund(ip_slot);
    }
    result
}

/// The 429 every limit answers: which limit, and how long to wait.
pub fn too_many(what: &str, retry_after: i64) -> AppError {
    let secs = u32::try_from(retry_after.max(1)).unwrap_or(u32::MAX);
    AppError::new(
        429,
        "Too many requests",
        format!("Too many {what}. Please wait {secs} seconds and try again."),
    )
    .with_retry_after(secs)
}

/// The part of a client address that limits count by: the address itself for IPv4, its /64 for
/// IPv6 (one subscriber usually holds a whole /64), and the IPv4 address inside an IPv4-mapped
/// IPv6 one.
pub fn client_net(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The key a per-address limit uses for `ip`.
pub fn ip_key(ip: IpAddr) -> String {
    format!("ip:{}", client_net(ip))
}

/// The key a per-user limit uses for `user_id`.
pub fn user_key(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// Every per-process limit, built once and shared through the app state.
#[derive(Debug)]
pub struct Limits {
    /// Sign-in attempts per client address (/64 for IPv6), refunded on success.
    pub sign_in_ip: Limiter,
    /// Sign-ups per client address.
    pub sign_up_ip: Limiter,
    /// Key saves (each a live call to OpenRouter) per user.
    pub key_save_user: Limiter,
    /// Key saves per client address.
    pub key_save_ip: Limiter,
    /// Password changes (each an Argon2 verify of the current password) per client address.
    pub password_ip: Limiter,
    /// Workspaces created per user.
    pub workspace_user: Limiter,
    /// Workspaces created per client address.
    pub workspace_ip: Limiter,
}

/// Sign-in attempts one client address may make per minute (not configurable: the README promises it).
pub const SIGN_IN_PER_ADDRESS_MINUTE: usize = 10;

impl Limits {
    /// The limits, with the configurable ones taken from `settings`.
    pub fn new(settings: &LimitSettings) -> Self {
        Self {
            sign_in_ip: Limiter::new(
                "sign-in attempts from your network",
                SIGN_IN_PER_ADDRESS_MINUTE,
                60,
            ),
            sign_up_ip: Limiter::new(
                "sign-ups from your network",
                settings.signups_per_address_hour,
                3600,
            ),
            key_save_user: Limiter::new("key checks", settings.key_checks_per_user_hour, 3600),
            key_save_ip: Limiter::new(
                "key checks from your network",
                settings.key_checks_per_address_hour,
                3600,
            ),
            password_ip: Limiter::new("password attempts from your network", 10, 60),
            workspace_user: Limiter::new("new workspaces", 30, 3600),
            workspace_ip: Limiter::new("new workspaces from your network", 60, 3600),
        }
    }
}

#[cfg(test)]
#[path = "rate_limit_tests.rs"]
mod tests;
