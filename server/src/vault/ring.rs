//! The key ring as the running server holds it. A ring kept in a file is re-read when the file
//! changes, so `studio rotate-key` can run while servers are serving: they pick up the new
//! primary for writes and the new version for reads without a restart.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use crate::config::KeyRingSource;
use crate::vault::keyring::KeyRing;

/// The shared, possibly reloading, ring.
#[derive(Debug, Clone)]
pub struct SharedRing {
    inner: Arc<RwLock<Loaded>>,
    file: Option<PathBuf>,
    /// Versions below this are retired in every ring this holds, reloaded ones too.
    min_decryption: u32,
}

#[derive(Debug)]
struct Loaded {
    ring: Arc<KeyRing>,
    modified: Option<SystemTime>,
}

fn modified(path: &PathBuf) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl SharedRing {
    /// Loads the ring from its source; a missing ring file is created with one fresh key.
    /// Returns the ring and whether a file was created.
    pub fn load(source: &KeyRingSource) -> Result<(Self, bool), String> {
        match source {
            KeyRingSource::Env { spec, primary } => {
                use secrecy::ExposeSecret as _;
                let ring = KeyRing::parse(spec.expose_secret(), *primary)?;
                Ok((Self::fixed(ring), false))
            }
            KeyRingSource::File(path) => {
                let created = !path.exists();
                if created {
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir)
                            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                    }
                    KeyRing::generate().save_file(path)?;
                }
                let ring = KeyRing::load_file(path)?;
                let loaded = Loaded {
                    ring: Arc::new(ring),
                    modified: modified(path),
                };
                Ok((
                    Self {
                        inner: Arc::new(RwLock::new(loaded)),
                        file: Some(path.clone()),
                        min_decryption: 0,
                    },
                    created,
                ))
            }
        }
    }

    /// A ring that never reloads (tests, environment rings).
    pub fn fixed(ring: KeyRing) -> Self {
        Self {
            inner: Arc::new(RwLock::new(Loaded {
                ring: Arc::new(ring),
                modified: None,
            })),
            file: None,
            min_decryption: 0,
        }
    }

    /// This ring with every version below `min` retired, now and in every reload
    /// ([`KeyRing::retiring_below`]).
    pub fn retiring_below(self, min: u32) -> Result<Self, String> {
        {
            let mut loaded = self
                .inner
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            loaded.ring = Arc::new(loaded.ring.retiring_below(min)?);
        }
        Ok(Self {
            min_decryption: min,
            ..self
        })
    }

    /// The current ring, re-read first if its file changed.
    pub fn current(&self) -> Arc<KeyRing> {
        if let Some(path) = &self.file {
            let now = modified(path);
            let stale = self
                .inner
                .read()
                .map(|l| l.modified != now)
                .unwrap_or(false);
            if stale {
                let old = self.inner.read().map(|l| l.ring.clone()).ok();
                let min = self.min_decryption;
                match KeyRing::load_file(path).and_then(|r| r.retiring_below(min)) {
                    Ok(ring) if old.as_ref().is_some_and(|o| !o.is_extended_by(&ring)) => {
                        // Not a rotation of the ring in use: another ring, or a version removed
                        // or changed. Using it would make stored keys look unusable.
                        tracing::error!(ring = ?ring, "the key-ring file changed into a ring that drops or changes versions in use; keeping the old one");
                        if let Ok(mut l) = self.inner.write() {
                            l.modified = now;
                        }
                    }
                    Ok(ring) => {
                        if let Ok(mut l) = self.inner.write() {
                            tracing::info!(ring = ?ring, "key ring reloaded");
                            *l = Loaded {
                                ring: Arc::new(ring),
                                modified: now,
                            };
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "could not reload the key ring; keeping the old one")
                    }
                }
            }
        }
        match self.inner.read() {
            Ok(l) => l.ring.clone(),
            Err(poisoned) => poisoned.into_inner().ring.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotated_ring_file_is_picked_up_but_another_ring_is_not() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("keyring.json");
        let (shared, created) =
            SharedRing::load(&KeyRingSource::File(path.clone())).expect("a ring is created");
        assert!(created);
        let first = shared.current();
        let rotated = first.with_new_primary();
        std::thread::sleep(std::time::Duration::from_millis(20));
        rotated.save_file(&path).expect("saved");
        assert_eq!(shared.current().primary().0, 2, "the rotation is picked up");

        std::thread::sleep(std::time::Duration::from_millis(20));
        KeyRing::generate()
            .with_new_primary()
            .with_new_primary()
            .save_file(&path)
            .expect("saved");
        let kept = shared.current();
        assert_eq!(kept.primary().0, 2, "another ring is refused");
        assert_eq!(kept.get(1), first.get(1), "the old keys stay in use");
    }
}
