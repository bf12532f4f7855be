//! The key vault: each user's OpenRouter key, validated, encrypted at rest, and never shown again.
//!
//! - [`key`]: a stored key as the vault hands it out (an [`crate::openrouter::ApiKey`] and the
//!   row it came from) and its public mask.
//! - [`envelope`]: the encryption format (XChaCha20-Poly1305, bound to user and key version).
//! - [`keyring`]: the versioned master keys, from the environment or a 0600 file, whose mode
//!   [`file_mode`] checks.
//! - [`ring`]: the ring as servers hold it, re-read when its file changes; [`open`]: loading
//!   it at start-up, refused when it cannot open the stored keys.
//! - [`rotate`]: the rewrap that moves stored keys to the primary version; [`check`]: trying
//!   every stored key against the ring (`studio check-keys`); [`retire`]: the versions below
//!   `STUDIO_MIN_DECRYPTION_VERSION`, refused for decryption once rewrapped.
//! - [`usecases`]: read status, remove, and the re-exports of [`save`] (the limited, verified
//!   save) and [`use_key`] (decrypt for a call; exact status changes); [`events`]: the bounded
//!   key log; [`facts`]: what OpenRouter reported about a key, mapped once.

pub mod check;
pub mod connect;
pub mod envelope;
pub mod events;
pub mod facts;
pub mod file_mode;
pub mod health;
pub mod health_view;
pub mod key;
pub mod keyring;
pub mod open;
pub mod retire;
pub mod ring;
pub mod rotate;
pub mod save;
pub mod use_key;
pub mod usecases;
