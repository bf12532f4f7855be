//! A caller's place in the reads of one user's value (see "One read per miss" in the module
//! above).

use std::sync::Arc;

use super::{Caches, Name, ReadLock};

/// One caller's place in the reads of one user's value; leaving (however the caller ends)
/// forgets the lock once no one else holds or waits for it.
pub(super) struct Turn<'a> {
    caches: &'a Caches,
    key: (String, Name),
    pub(super) lock: ReadLock,
}

impl<'a> Turn<'a> {
    pub(super) fn take(caches: &'a Caches, user_id: &str, name: Name) -> Self {
        let key = (user_id.to_owned(), name);
        let mut loading = caches.loading.lock().unwrap_or_else(|p| p.into_inner());
        let lock = Arc::clone(
            loading
                .entry(key.clone())
                .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(()))),
        );
        drop(loading);
        Self { caches, key, lock }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut loading = self
            .caches
            .loading
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // Clones are made only under this lock: the map's and this one mean nobody else.
        if Arc::strong_count(&self.lock) == 2 {
            loading.remove(&self.key);
        }
    }
}
