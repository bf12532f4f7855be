//! In-process caches of what every signed-in request and AI call reads: the session (with the
//! user's auth stamp checked when it was read), the stored key's row (ciphertext and facts, never
//! the plaintext), the model preferences and whether a spending cap is set.
//!
//! **Revocation is not weakened.** Every change to one of these (sign-out, a session ended,
//! a key saved, removed, marked rejected or unusable or rewrapped, a password change, an account
//! disabled or enabled, preferences or a cap changed) is announced in the transaction that makes
//! it ([`announce`]): on PostgreSQL a `NOTIFY` (delivered at commit, never on rollback), on
//! SQLite a row in `cache_changes`, which every instance polls every 250 ms. An announcement
//! names only the user id: every cached thing of that user is forgotten. The instance that made
//! the change also forgets at once, after its commit ([`Caches::forget_user`]).
//!
//! **Bounded staleness.** A cached value is served only while the channel is *live*: the
//! instance heard its own ping (PostgreSQL, sent every 200 ms) or finished a poll (SQLite) that
//! began at most [`LIVE_WINDOW_MS`] ago. Everything committed before that ping or poll began has
//! been applied, so a served value is at most that stale; otherwise lookups go to the database.
//! A channel that was not live (a lost connection, a stall) flushes everything before it serves
//! again, so missed announcements cannot leave anything behind.
//!
//! **A fill never resurrects.** A lookup that misses takes a ticket (the invalidation sequence
//! number) *before* it reads the database; the value is kept only if the user was not
//! invalidated since the ticket, and each cached value is served only while no invalidation of
//! its user came after its ticket. So a read that raced a revocation is never served.
//!
//! **One read per miss.** Concurrent lookups of one user's value that miss wait for the first
//! one's read and take what it cached, instead of each reading the database: a new user's
//! first burst of calls costs one read per value, not one per call.
//!
//! Sizes are bounded (`CACHE_MAX_ENTRIES` sessions and as many users) and every value expires
//! `CACHE_TTL_SECS` after it was read (0 turns the caches off).

mod channel;
mod slots;
#[cfg(test)]
mod tests;
mod turn;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use app::wire::ModelPreferences;

pub use channel::{announce, spawn_channel};
use slots::{Filled, Slots, UserSlot};
use turn::Turn;

use crate::entities::user_api_key;
use crate::metrics::Metrics;

/// How old the last ping or poll may be for cached values to be served.
pub const LIVE_WINDOW_MS: u64 = 750;

/// The caches, as the metrics name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Name {
    /// Session records.
    Session,
    /// Stored keys' rows.
    Key,
    /// Model preferences.
    Prefs,
    /// Whether a spending cap is set.
    SpendLimit,
}

impl Name {
    /// Every cache, in the metrics' order.
    pub const ALL: [Self; 4] = [Self::Session, Self::Key, Self::Prefs, Self::SpendLimit];

    /// The `cache` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Session => "session",
            Self::Key => "key",
            Self::Prefs => "prefs",
            Self::SpendLimit => "spend_limit",
        }
    }
}

/// A session as cached: its owner, its data (also as stored, to compare before a write) and
/// when the database last had it expire and saw it.
#[derive(Clone)]
pub struct CachedSession {
    /// The signed-in user.
    pub user_id: String,
    /// The record's data.
    pub data: HashMap<String, serde_json::Value>,
    /// The data as stored (JSON, keys in order).
    pub encoded: String,
    /// Unix seconds of its idle expiry.
    pub expires_at: i64,
    /// Unix seconds of its last write.
    pub last_seen: i64,
}

/// A permission to keep a value read from the database: the invalidation sequence number taken
/// before the read. `None` when nothing may be cached now.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(Option<u64>);

/// The caches of one instance.
pub struct Caches {
    slots: Mutex<Slots>,
    ttl: Duration,
    base: Instant,
    /// Milliseconds after `base` at which the last ping or poll that succeeded began (0: never).
    heard_ms: AtomicU64,
    metrics: Arc<Metrics>,
    /// The reads in progress, one per user and value: later misses wait on its lock.
    pub(crate) loading: Mutex<HashMap<(String, Name), ReadLock>>,
}

/// Held while one user's value is read from the database.
pub(crate) type ReadLock = Arc<tokio::sync::Mutex<()>>;

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caches").field("ttl", &self.ttl).finish()
    }
}

impl Caches {
    /// Caches whose values live `ttl` (zero: nothing is cached) and that hold at most
    /// `max_entries` sessions and as many users.
    pub fn new(ttl: Duration, max_entries: usize, metrics: Arc<Metrics>) -> Arc<Self> {
        Arc::new(Self {
            slots: Mutex::new(Slots::new(max_entries.max(1))),
            ttl,
            base: Instant::now(),
            heard_ms: AtomicU64::new(0),
            metrics,
            loading: Mutex::new(HashMap::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        // A panic while holding the lock leaves plain maps behind; empty them and go on.
        self.slots.lock().unwrap_or_else(|poisoned| {
            let mut guard = poisoned.into_inner();
            guard.flush();
            guard
        })
    }

    /// Milliseconds since this cache was made (never 0).
    pub(crate) fn now_ms(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Whether caching is on at all (`CACHE_TTL_SECS` is not 0).
    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// Whether cached values may be served now.
    pub fn is_live(&self) -> bool {
        if self.ttl.is_zero() {
            return false;
        }
        let heard = self.heard_ms.load(Ordering::Acquire);
        heard != 0 && self.now_ms().saturating_sub(heard) <= LIVE_WINDOW_MS
    }

    /// The channel has applied everything committed before `began_ms` (a ping sent then came
    /// back, or a poll that began then finished). If it was not live, everything is forgotten
    /// first: announcements may have been missed meanwhile.
    pub(crate) fn heard(&self, began_ms: u64) {
        if !self.is_live() {
            self.flush_all();
        }
        self.heard_ms.fetch_max(began_ms, Ordering::AcqRel);
    }

    /// The channel lost its connection: nothing is served until it is live again.
    pub(crate) fn lost(&self) {
        self.heard_ms.store(0, Ordering::Release);
        self.flush_all();
    }

    /// Forgets everything.
    pub fn flush_all(&self) {
        self.lock().flush();
    }

    /// Forgets everything cached about `user_id` (call after the change is committed).
    pub fn forget_user(&self, user_id: &str) {
        self.lock().invalidate(user_id);
    }

    /// A ticket for a read about to be made.
    pub fn ticket(&self) -> Ticket {
        if !self.is_live() {
            return Ticket(None);
        }
        Ticket(Some(self.lock().seq()))
    }

    fn count(&self, name: Name, hit: bool) {
        self.metrics.state_cache(name, hit);
    }

    /// The session stored under `key_hash`, if cached and valid.
    pub fn session(&self, key_hash: &str) -> Option<CachedSession> {
        let found = if self.is_live() {
            self.lock().session(key_hash, self.ttl)
        } else {
            None
        };
        self.count(Name::Session, found.is_some());
        found
    }

    /// Keeps a session read under `ticket`.
    pub fn fill_session(&self, ticket: Ticket, key_hash: &str, session: CachedSession) {
        if let (Some(t), true) = (ticket.0, self.is_live()) {
            self.lock().fill_session(t, key_hash, session);
        }
    }

    /// Notes a write that left a cached session's data as it was: its new times.
    pub fn touch_session(&self, key_hash: &str, last_seen: i64, expires_at: i64) {
        self.lock().touch_session(key_hash, last_seen, expires_at);
    }

    /// The user's stored key row (`None`: no key), cached or read by `load`.
    pub async fn key<E>(
        &self,
        user_id: &str,
        load: impl std::future::Future<Output = Result<Option<user_api_key::Model>, E>>,
    ) -> Result<Option<user_api_key::Model>, E> {
        self.get_or_load(user_id, Name::Key, |s| &mut s.key, load)
            .await
    }

    /// The user's model preferences, cached or read by `load`.
    pub async fn prefs<E>(
        &self,
        user_id: &str,
        load: impl std::future::Future<Output = Result<ModelPreferences, E>>,
    ) -> Result<ModelPreferences, E> {
        self.get_or_load(user_id, Name::Prefs, |s| &mut s.prefs, load)
            .await
    }

    /// Whether the user set a spending cap, cached or read by `load`.
    pub async fn capped<E>(
        &self,
        user_id: &str,
        load: impl std::future::Future<Output = Result<bool, E>>,
    ) -> Result<bool, E> {
        self.get_or_load(user_id, Name::SpendLimit, |s| &mut s.capped, load)
            .await
    }

    async fn get_or_load<T: Clone, E>(
        &self,
        user_id: &str,
        name: Name,
        field: fn(&mut UserSlot) -> &mut Option<Filled<T>>,
        load: impl std::future::Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        if !self.is_live() {
            self.count(name, false);
            return load.await;
        }
        if let Some(v) = self.lock().user_value(user_id, field, self.ttl) {
            self.count(name, true);
            return Ok(v);
        }
        // A miss: wait for any read of this value already under way, then look again.
        let turn = Turn::take(self, user_id, name);
        let _held = turn.lock.lock().await;
        let ticket = {
            let mut slots = self.lock();
            if let Some(v) = slots.user_value(user_id, field, self.ttl) {
                drop(slots);
                self.count(name, true);
                return Ok(v);
            }
            slots.seq()
        };
        self.count(name, false);
        let value = load.await;
        if let (Ok(v), true) = (&value, self.is_live()) {
            self.lock().fill_user(ticket, user_id, field, v.clone());
        }
        value
    }
}
