//! Where the master-key ring comes from: a setting, so it belongs to the configuration; the
//! vault (`crate::vault::ring`) reads the ring from it.

use std::path::PathBuf;

/// Where the ring comes from.
#[derive(Debug, Clone)]
pub enum KeyRingSource {
    /// `STUDIO_MASTER_KEYS` (held redacted).
    Env {
        /// The spec.
        spec: secrecy::SecretString,
        /// `STUDIO_MASTER_KEY_PRIMARY`, if set.
        primary: Option<u32>,
    },
    /// A file, created on first start if missing.
    File(PathBuf),
}

impl KeyRingSource {
    /// The setting to name when the ring is at fault.
    pub fn setting(&self) -> &'static str {
        match self {
            Self::Env { .. } => "STUDIO_MASTER_KEYS",
            Self::File(_) => "STUDIO_KEYRING_FILE",
        }
    }
}
