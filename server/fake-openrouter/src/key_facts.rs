//! Facts a test sets for the keys whose hex begins with a prefix (`PUT /__fake/keys/{prefix}`):
//! fields merged into `GET /key`'s `data` (an expiry, a low balance, the free tier), or a key
//! disabled by its owner. They let a test show every key-health banner.

use std::sync::{Mutex, PoisonError};

use serde::Deserialize;
use serde_json::{Map, Value};

/// What a test said about keys beginning with `prefix`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct KeyFacts {
    /// Fields that replace `/key`'s own (`expires_at`, `limit`, `limit_remaining`, …).
    #[serde(default)]
    pub(crate) data: Map<String, Value>,
    /// The owner disabled the key: every endpoint answers 401.
    #[serde(default)]
    pub(crate) disabled: bool,
}

/// The facts set so far, longest prefix first.
#[derive(Debug, Default)]
pub(crate) struct KeyFactsTable(Mutex<Vec<(String, KeyFacts)>>);

impl KeyFactsTable {
    /// Sets (or replaces) the facts for `prefix`.
    pub(crate) fn set(&self, prefix: &str, facts: KeyFacts) {
        let mut table = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        table.retain(|(p, _)| p != prefix);
        table.push((prefix.to_owned(), facts));
        table.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    }

    /// Forgets every fact.
    pub(crate) fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The facts for the key whose hex part is `hex`, if a test set any.
    pub(crate) fn of(&self, hex: &str) -> Option<KeyFacts> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|(p, _)| hex.starts_with(p.as_str()))
            .map(|(_, f)| f.clone())
    }
}
