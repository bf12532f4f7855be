//! The maps behind [`super::Caches`], with the invalidation sequence that keeps a fill from
//! resurrecting what was revoked while it read.
//!
//! `seq` grows by one at every invalidation (of a user, or of everything). A user's slot keeps
//! `stamp`, the `seq` of its last invalidation (or of its creation); a value carries `at`, the
//! ticket (`seq` before its read). A value is valid while `at >= stamp`: no invalidation of its
//! user came after the read began. A slot made anew (first use, or after eviction) takes the
//! current `seq`, so a fill whose ticket is older than any invalidation since is refused.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use app::wire::ModelPreferences;

use super::CachedSession;
use crate::entities::user_api_key;

/// A value read under ticket `at`, at `filled`.
pub(crate) struct Filled<T> {
    at: u64,
    filled: Instant,
    value: T,
}

impl<T> Filled<T> {
    fn new(at: u64, value: T) -> Self {
        Self {
            at,
            filled: Instant::now(),
            value,
        }
    }

    fn fresh(&self, stamp: u64, ttl: Duration) -> bool {
        self.at >= stamp && self.filled.elapsed() < ttl
    }
}

/// What is cached about one user.
#[derive(Default)]
pub(crate) struct UserSlot {
    stamp: u64,
    last_used: Option<Instant>,
    pub(crate) key: Option<Filled<Option<user_api_key::Model>>>,
    pub(crate) prefs: Option<Filled<ModelPreferences>>,
    pub(crate) capped: Option<Filled<bool>>,
}

/// Sessions by the hash of their id, users by id.
pub(crate) struct Slots {
    seq: u64,
    max: usize,
    users: HashMap<String, UserSlot>,
    sessions: HashMap<String, Filled<CachedSession>>,
}

impl Slots {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            seq: 1,
            max,
            users: HashMap::new(),
            sessions: HashMap::new(),
        }
    }

    pub(crate) fn seq(&self) -> u64 {
        self.seq
    }

    pub(crate) fn flush(&mut self) {
        self.seq += 1;
        self.users.clear();
        self.sessions.clear();
    }

    pub(crate) fn invalidate(&mut self, user_id: &str) {
        self.seq += 1;
        if let Some(slot) = self.users.get_mut(user_id) {
            slot.stamp = self.seq;
            slot.key = None;
            slot.prefs = None;
            slot.capped = None;
        }
    }

    pub(crate) fn session(&mut self, key_hash: &str, ttl: Duration) -> Option<CachedSession> {
        let entry = self.sessions.get(key_hash)?;
        let valid = self
            .users
            .get(&entry.value.user_id)
            .is_some_and(|slot| entry.fresh(slot.stamp, ttl));
        if !valid {
            self.sessions.remove(key_hash);
            return None;
        }
        Some(entry.value.clone())
    }

    /// The user's slot, made with the current `seq` if there is none: its stamp.
    fn slot_stamp(&mut self, user_id: &str) -> u64 {
        if !self.users.contains_key(user_id) {
            if self.users.len() >= self.max {
                self.evict_users();
            }
            let slot = UserSlot {
                stamp: self.seq,
                ..UserSlot::default()
            };
            self.users.insert(user_id.to_owned(), slot);
        }
        self.users.get(user_id).map_or(u64::MAX, |s| s.stamp)
    }

    pub(crate) fn fill_session(&mut self, ticket: u64, key_hash: &str, session: CachedSession) {
        if self.slot_stamp(&session.user_id) > ticket {
            return;
        }
        if self.sessions.len() >= self.max && !self.sessions.contains_key(key_hash) {
            self.evict_sessions();
        }
        self.sessions
            .insert(key_hash.to_owned(), Filled::new(ticket, session));
    }

    pub(crate) fn touch_session(&mut self, key_hash: &str, last_seen: i64, expires_at: i64) {
        if let Some(entry) = self.sessions.get_mut(key_hash) {
            entry.value.last_seen = entry.value.last_seen.max(last_seen);
            entry.value.expires_at = entry.value.expires_at.max(expires_at);
        }
    }

    pub(crate) fn user_value<T: Clone>(
        &mut self,
        user_id: &str,
        field: fn(&mut UserSlot) -> &mut Option<Filled<T>>,
        ttl: Duration,
    ) -> Option<T> {
        let slot = self.users.get_mut(user_id)?;
        let stamp = slot.stamp;
        slot.last_used = Some(Instant::now());
        let cell = field(slot);
        match cell {
            Some(v) if v.fresh(stamp, ttl) => Some(v.value.clone()),
            Some(_) => {
                *cell = None;
                None
            }
            None => None,
        }
    }

    pub(crate) fn fill_user<T>(
        &mut self,
        ticket: u64,
        user_id: &str,
        field: fn(&mut UserSlot) -> &mut Option<Filled<T>>,
        value: T,
    ) {
        if self.slot_stamp(user_id) > ticket {
            return;
        }
        if let Some(slot) = self.users.get_mut(user_id) {
            slot.last_used = Some(Instant::now());
            *field(slot) = Some(Filled::new(ticket, value));
        }
    }

    /// Makes room for one more session: drops the invalid and expired ones, else the oldest
    /// eighth.
    fn evict_sessions(&mut self) {
        let users = &self.users;
        self.sessions
            .retain(|_, e| users.get(&e.value.user_id).is_some_and(|s| e.at >= s.stamp));
        if self.sessions.len() < self.max {
            return;
        }
        let mut ages: Vec<Instant> = self.sessions.values().map(|e| e.filled).collect();
        let cut = ages.len() / 8;
        let (_, nth, _) = ages.select_nth_unstable(cut);
        let nth = *nth;
        self.sessions.retain(|_, e| e.filled > nth);
    }

    /// Makes room for one more user: drops the oldest-used eighth of them (their sessions are
    /// then invalid: a slot made anew takes the current `seq`).
    fn evict_users(&mut self) {
        let mut used: Vec<Option<Instant>> = self.users.values().map(|s| s.last_used).collect();
        let cut = used.len() / 8;
        let (_, nth, _) = used.select_nth_unstable(cut);
        let nth = *nth;
        self.users.retain(|_, s| s.last_used > nth);
    }

    #[cfg(test)]
    pub(crate) fn sizes(&self) -> (usize, usize) {
        (self.users.len(), self.sessions.len())
    }
}
