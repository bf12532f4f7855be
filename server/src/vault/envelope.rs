//! The encryption format for stored keys.
//!
//! ```text
//! ork1:k<kid>:<base64url(nonce[24] || ciphertext || tag[16])>
//! ```
//!
//! XChaCha20-Poly1305 under the master key `kid`, with a fresh random 24-byte nonce per
//! encryption (random nonces are safe at this size). The associated data binds the ciphertext
//! to its owner and key version:
//!
//! ```text
//! ork1|user_api_keys.secret|user=<user id>|provider=openrouter|kid=<kid>
//! ```
//!
//! so a ciphertext copied into another user's row, or relabelled with another version, fails
//! authentication instead of decrypting. The `kid` in the header only picks the key; security
//! comes from the tag.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretString};

use crate::vault::keyring::KeyRing;

const VERSION: &str = "ork1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Why a stored value could not be opened. None of these carry key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not in the `ork1:k<kid>:<data>` shape.
    #[error("the stored value is not a vault envelope")]
    Malformed,
    /// The ring has no master key with this version.
    #[error("master key version {0} is not in the key ring")]
    UnknownKey(u32),
    /// The version is retired (below `STUDIO_MIN_DECRYPTION_VERSION`): never used to decrypt.
    #[error("master key version {0} is retired")]
    Retired(u32),
    /// Authentication failed: tampered, moved to another user, or the wrong key.
    #[error("the stored value failed authentication")]
    Unauthentic,
    /// The cipher refused to encrypt (not expected).
    #[error("encryption failed")]
    Encrypt,
}

fn aad(user_id: &str, kid: u32) -> String {
    format!("{VERSION}|user_api_keys.secret|user={user_id}|provider=openrouter|kid={kid}")
}

/// Encrypts `plaintext` for `user_id` under the ring's primary key; returns the envelope and kid.
pub fn seal(
    ring: &KeyRing,
    user_id: &str,
    plaintext: &SecretString,
) -> Result<(String, u32), EnvelopeError> {
    let (kid, key) = ring.primary();
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let aad = aad(user_id, kid);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext.expose_secret().as_bytes(),
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| EnvelopeError::Encrypt)?;
    let mut blob = Vec::with_capacity(NONCE_LEN + sealed.len());
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&sealed);
    Ok((
        format!("{VERSION}:k{kid}:{}", URL_SAFE_NO_PAD.encode(blob)),
        kid,
    ))
}

/// The key version an envelope names, without decrypting.
pub fn kid_of(envelope: &str) -> Result<u32, EnvelopeError> {
    let mut parts = envelope.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(VERSION), Some(k), Some(_)) => k
            .strip_prefix('k')
            .and_then(|n| n.parse().ok())
            .ok_or(EnvelopeError::Malformed),
        _ => Err(EnvelopeError::Malformed),
    }
}

/// Decrypts an envelope that must belong to `user_id` and name `expected_kid` (the row's
/// `key_version` column); any mismatch fails, and a retired version is refused.
pub fn open(
    ring: &KeyRing,
    user_id: &str,
    expected_kid: u32,
    envelope: &str,
) -> Result<SecretString, EnvelopeError> {
    let kid = kid_of(envelope)?;
    if kid != expected_kid {
        return Err(EnvelopeError::Unauthentic);
    }
    let data = envelope
        .splitn(3, ':')
        .nth(2)
        .ok_or(EnvelopeError::Malformed)?;
    let blob = URL_SAFE_NO_PAD
        .decode(data)
        .map_err(|_| EnvelopeError::Malformed)?;
    if blob.len() < NONCE_LEN + TAG_LEN {
        return Err(EnvelopeError::Malformed);
    }
    if ring.is_retired(kid) {
        return Err(EnvelopeError::Retired(kid));
    }
    let key = ring.get(kid).ok_or(EnvelopeError::UnknownKey(kid))?;
    let cipher = XChaCha20Poly1305::new(key.into());
    let (nonce, sealed) = blob.split_at(NONCE_LEN);
    let aad = aad(user_id, kid);
    let plain = cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| EnvelopeError::Unauthentic)?;
    String::from_utf8(plain)
        .map(SecretString::from)
        .map_err(|_| EnvelopeError::Unauthentic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn ring() -> KeyRing {
        KeyRing::from_keys([(1, [7u8; 32]), (2, [9u8; 32])], 2).expect("valid ring")
    }

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn a_sealed_key_opens_to_the_same_key() {
        let r = ring();
        let (env, kid) = seal(&r, "cuser1", &secret("sk-or-v1-abc")).expect("seals");
        assert_eq!(kid, 2);
        assert!(env.starts_with("ork1:k2:"));
        assert_eq!(
            open(&r, "cuser1", 2, &env).expect("opens").expose_secret(),
            "sk-or-v1-abc"
        );
    }

    #[test]
    fn the_same_key_sealed_twice_gives_different_ciphertexts() {
        let r = ring();
        // 100,000 seals of one key: every nonce (the first 24 bytes) differs.
        let nonces: HashSet<Vec<u8>> = (0..100_000)
            .map(|_| {
                let env = seal(&r, "u", &secret("same")).expect("seals").0;
                let data = env.splitn(3, ':').nth(2).expect("data").to_owned();
                let blob = URL_SAFE_NO_PAD.decode(&data).expect("b64");
                blob[..24].to_vec()
            })
            .collect();
        assert_eq!(nonces.len(), 100_000);
    }

    #[test]
    fn random_keys_and_owners_round_trip_and_stay_bound_to_their_owner() {
        use rand::{Rng, RngCore};
        let r = ring();
        let mut rng = rand::thread_rng();
        for _ in 0..2_000 {
            let len = rng.gen_range(1..=256);
            let plain: String = (0..len)
                .map(|_| char::from(rng.gen_range(0x20u8..0x7f)))
                .collect();
            let owner = format!("c{:016x}", rng.next_u64());
            let (env, kid) = seal(&r, &owner, &secret(&plain)).expect("seals");
            let opened = open(&r, &owner, kid, &env).expect("opens");
            assert_eq!(opened.expose_secret(), plain);
            assert!(open(&r, &format!("{owner}x"), kid, &env).is_err());
            // Arbitrary text never panics the parser.
            let junk: String = (0..rng.gen_range(0..120))
                .map(|_| char::from(rng.gen_range(0x20u8..0x7f)))
                .collect();
            assert!(open(&r, &owner, kid, &format!("ork1:k{kid}:{junk}")).is_err());
        }
    }

    #[test]
    fn tampered_or_truncated_input_fails_without_panicking() {
        let r = ring();
        let (env, _) = seal(&r, "u", &secret("sk-or-v1-abc")).expect("seals");
        let data = env.splitn(3, ':').nth(2).expect("data").to_owned();
        let blob = URL_SAFE_NO_PAD.decode(&data).expect("b64");
        for i in 0..blob.len() {
            for bit in [0x01u8, 0x80] {
                let mut b = blob.clone();
                b[i] ^= bit;
                let tampered = format!("ork1:k2:{}", URL_SAFE_NO_PAD.encode(&b));
                assert!(open(&r, "u", 2, &tampered).is_err(), "bit flip at {i}");
            }
        }
        for cut in 0..blob.len() {
            let truncated = format!("ork1:k2:{}", URL_SAFE_NO_PAD.encode(&blob[..cut]));
            assert!(open(&r, "u", 2, &truncated).is_err(), "truncated at {cut}");
        }
        for junk in [
            "",
            "ork1",
            "ork1:k2",
            "ork1:kx:AAAA",
            "vault:v1:abcd",
            "ork1:k2:!!!",
        ] {
            assert!(open(&r, "u", 2, junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn a_wrong_master_key_fails() {
        let (env, _) = seal(&ring(), "u", &secret("k")).expect("seals");
        let other = KeyRing::from_keys([(2, [1u8; 32])], 2).expect("valid ring");
        assert_eq!(
            open(&other, "u", 2, &env).unwrap_err(),
            EnvelopeError::Unauthentic
        );
    }

    #[test]
    fn a_ciphertext_moved_to_another_user_fails() {
        let r = ring();
        let (env, _) = seal(&r, "alice", &secret("k")).expect("seals");
        assert_eq!(
            open(&r, "bob", 2, &env).unwrap_err(),
            EnvelopeError::Unauthentic
        );
    }

    #[test]
    fn a_relabelled_key_version_fails() {
        let r = ring();
        let (env, _) = seal(&r, "u", &secret("k")).expect("seals");
        let relabelled = env.replacen("ork1:k2:", "ork1:k1:", 1);
        assert!(
            open(&r, "u", 1, &relabelled).is_err(),
            "header changed to kid 1"
        );
        assert!(
            open(&r, "u", 1, &env).is_err(),
            "row column changed to kid 1"
        );
    }

    #[test]
    fn an_unknown_key_version_is_reported_as_such() {
        let r = ring();
        let (env, _) = seal(&r, "u", &secret("k")).expect("seals");
        let only_one = KeyRing::from_keys([(1, [7u8; 32])], 1).expect("valid ring");
        assert_eq!(
            open(&only_one, "u", 2, &env).unwrap_err(),
            EnvelopeError::UnknownKey(2)
        );
    }
}

#[cfg(test)]
#[path = "envelope_props.rs"]
mod props;
