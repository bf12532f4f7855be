//! The key vault: each user's OpenRouter key, validated, encrypted at rest, and never shown again.
//!
//! - [`key`]: the `OpenRouterKey` newtype (parse, don't validate) and its public mask.
//! - [`envelope`]: the encryption format (XChaCha20-Poly1305, bound to user and key version).
//! - [`keyring`]: the versioned master keys, from the environment or a 0600 file.

pub mod envelope;
pub mod key;
pub mod keyring;
pub mod ring;
pub mod rotate;
pub mod usecases;
