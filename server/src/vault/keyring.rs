//! The master-key ring: several versioned 32-byte keys, one primary for new encryptions, the
//! others kept for reading until the rewrap has moved every row off them.
//!
//! Sources, in order: `STUDIO_MASTER_KEYS` (`1:<base64>,2:<base64>`, for production and several
//! instances), else a JSON file (mode 0600) beside the SQLite database, created on first start.
//! `Debug` prints only the versions.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The key ring.
#[derive(Clone)]
pub struct KeyRing {
    keys: BTreeMap<u32, Zeroizing<[u8; 32]>>,
    primary: u32,
    /// Versions below this are retired: kept in the ring, refused for decryption
    /// (`STUDIO_MIN_DECRYPTION_VERSION`; 0 retires none).
    min_decryption: u32,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut shown = f.debug_struct("KeyRing");
        shown
            .field("versions", &self.keys.keys().collect::<Vec<_>>())
            .field("primary", &self.primary);
        if self.min_decryption > 0 {
            shown.field("min_decryption", &self.min_decryption);
        }
        shown.finish()
    }
}

#[derive(Serialize, Deserialize)]
struct RingFile {
    primary: u32,
    keys: BTreeMap<u32, String>,
}

fn decode_key(kid: u32, b64: &str) -> Result<Zeroizing<[u8; 32]>, String> {
    let bytes = Zeroizing::new(
        STANDARD
            .decode(b64.trim())
            .map_err(|_| format!("master key {kid} is not valid base64"))?,
    );
    let arr: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| format!("master key {kid} must be 32 bytes (it is {})", bytes.len()))?;
    Ok(Zeroizing::new(arr))
}

impl KeyRing {
    /// A ring from raw keys; `primary` must be among them.
    pub fn from_keys(
        keys: impl IntoIterator<Item = (u32, [u8; 32])>,
        primary: u32,
    ) -> Result<Self, String> {
        let keys: BTreeMap<_, _> = keys
            .into_iter()
            .map(|(k, v)| (k, Zeroizing::new(v)))
            .collect();
        Self::checked(keys, primary)
    }

    fn checked(keys: BTreeMap<u32, Zeroizing<[u8; 32]>>, primary: u32) -> Result<Self, String> {
        if keys.is_empty() {
            return Err("the key ring has no keys".into());
        }
        if !keys.contains_key(&primary) {
            return Err(format!(
                "the primary key version {primary} is not in the ring"
            ));
        }
        if keys.keys().any(|k| *k == 0) {
            return Err("key versions start at 1".into());
        }
        Ok(Self {
            keys,
            primary,
            min_decryption: 0,
        })
    }

    /// Parses `1:<base64>,2:<base64>`; the primary is `primary`, or else the highest version.
    pub fn parse(spec: &str, primary: Option<u32>) -> Result<Self, String> {
        let mut keys = BTreeMap::new();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (kid, b64) = entry
                .split_once(':')
                .ok_or("expected VERSION:BASE64 entries")?;
            let kid: u32 = kid
                .trim()
                .parse()
                .map_err(|_| "key versions are whole numbers")?;
            keys.insert(kid, decode_key(kid, b64)?);
        }
        let primary = primary
            .or_else(|| keys.keys().next_back().copied())
            .unwrap_or(0);
        Self::checked(keys, primary)
    }

    /// A ring with one fresh random key, version 1.
    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        Self {
            keys: BTreeMap::from([(1, key)]),
            primary: 1,
            min_decryption: 0,
        }
    }

    /// This ring plus a fresh random key, which becomes the primary.
    pub fn with_new_primary(&self) -> Self {
        let next = self.keys.keys().next_back().copied().unwrap_or(0) + 1;
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        let mut keys = self.keys.clone();
        keys.insert(next, key);
        Self {
            keys,
            primary: next,
            min_decryption: self.min_decryption,
        }
    }

    /// The primary version and key.
    pub fn primary(&self) -> (u32, &[u8; 32]) {
        // `checked` guarantees the primary is present.
        let key = self
            .keys
            .get(&self.primary)
            .map(|k| &**k)
            .unwrap_or(&[0u8; 32]);
        (self.primary, key)
    }

    /// The key with version `kid`.
    pub fn get(&self, kid: u32) -> Option<&[u8; 32]> {
        self.keys.get(&kid).map(|k| &**k)
    }

    /// This ring with every version below `min` retired: still held (so rotation checks still
    /// see them), but [`crate::vault::envelope::open`] refuses them. The primary must not be
    /// retired.
    pub fn retiring_below(&self, min: u32) -> Result<Self, String> {
        if self.primary < min {
            return Err(format!(
                "the primary master key version {} would be retired; make version {min} or \
                 later the primary first (`studio rotate-key`)",
                self.primary
            ));
        }
        Ok(Self {
            min_decryption: min,
            ..self.clone()
        })
    }

    /// Whether version `kid` is retired (below the minimum decryption version).
    pub fn is_retired(&self, kid: u32) -> bool {
        kid < self.min_decryption
    }

    /// The lowest version still allowed to decrypt (0 when none is retired).
    pub fn min_decryption(&self) -> u32 {
        self.min_decryption
    }

    /// Whether `newer` could come from this ring by rotation: it keeps every version this ring
    /// has, each with the same key (rotation only adds versions).
    pub fn is_extended_by(&self, newer: &KeyRing) -> bool {
        self.keys
            .iter()
            .all(|(kid, key)| newer.get(*kid).is_some_and(|k| k == &**key))
    }

    /// A 32-byte key for `purpose` from each version's master key (HMAC-SHA256 keyed by the
    /// master key over the purpose label), the primary's first. The master keys themselves never
    /// leave the ring, and every instance sharing the ring derives the same keys. Signers use the
    /// first; verifiers accept any, so a rotation does not void what older versions signed.
    pub fn derived_keys(&self, purpose: &str) -> Vec<Zeroizing<[u8; 32]>> {
        use hmac::{Hmac, Mac as _};
        let derive = |master: &[u8; 32]| {
            let mut out = Zeroizing::new([0u8; 32]);
            if let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(master) {
                mac.update(purpose.as_bytes());
                out.copy_from_slice(&mac.finalize().into_bytes());
            }
            out
        };
        let (_, primary) = self.primary();
        std::iter::once(derive(primary))
            .chain(
                self.keys
                    .iter()
                    .filter(|(kid, _)| **kid != self.primary)
                    .map(|(_, key)| derive(key)),
            )
            .collect()
    }

    /// The versions the ring holds, lowest first.
    pub fn versions(&self) -> impl Iterator<Item = u32> + '_ {
        self.keys.keys().copied()
    }

    /// Whether the ring has version `kid`.
    pub fn contains(&self, kid: u32) -> bool {
        self.keys.contains_key(&kid)
    }

    /// Reads a ring file, which must be private to its owner
    /// ([`crate::vault::file_mode::check_private`]).
    pub fn load_file(path: &Path) -> Result<Self, String> {
        crate::vault::file_mode::check_private(path)?;
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the key ring {}: {e}", path.display()))?;
        let file: RingFile = serde_json::from_str(&text)
            .map_err(|_| format!("the key ring {} is not valid", path.display()))?;
        let keys = file
            .keys
            .iter()
            .map(|(kid, b64)| decode_key(*kid, b64).map(|k| (*kid, k)))
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        Self::checked(keys, file.primary)
    }

    /// Writes the ring to `path` atomically, readable by its owner only.
    pub fn save_file(&self, path: &Path) -> Result<(), String> {
        let file = RingFile {
            primary: self.primary,
            keys: self
                .keys
                .iter()
                .map(|(k, v)| (*k, STANDARD.encode(v.as_slice())))
                .collect(),
        };
        let text = Zeroizing::new(serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?);
        let tmp = path.with_extension("json.tmp");
        let fail = |e: std::io::Error| format!("cannot write the key ring {}: {e}", path.display());
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut out = options.open(&tmp).map_err(fail)?;
        #[cfg(unix)]
        {
            // `mode` applies only to a file it creates: a leftover temporary file keeps its own.
            use std::os::unix::fs::PermissionsExt as _;
            out.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(fail)?;
        }
        out.write_all(text.as_bytes()).map_err(fail)?;
        out.sync_all().map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(fail)?;
        Ok(())
    }
}

#[cfg(test)]
#[path = "keyring_tests.rs"]
mod tests;
