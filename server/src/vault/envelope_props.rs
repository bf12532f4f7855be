//! Property tests of the envelope: any key for any owner round-trips; any other owner, version,
//! ring, bit flip, truncation or edited character fails; arbitrary text never panics the
//! decoder, and nothing it opens is longer than its input allows (security cases 3, 4 and 6).
//!
//! `PROPTEST_CASES` sets the number of cases (default 256).

use super::*;
use proptest::prelude::*;

fn ring() -> KeyRing {
    KeyRing::from_keys([(1, [7u8; 32]), (2, [9u8; 32])], 2).expect("valid ring")
}

/// A printable key of 1 to 256 bytes, as the round-trip case asks.
fn printable_key() -> impl Strategy<Value = String> {
    "[ -~]{1,256}"
}

/// Any owner id, up to 64 characters (the real ones are fixed-width ids).
fn owner() -> impl Strategy<Value = String> {
    "[0-9a-zA-Z_-]{1,64}"
}

/// The blob inside an envelope.
fn blob_of(envelope: &str) -> Vec<u8> {
    let data = envelope.splitn(3, ':').nth(2).expect("three parts");
    URL_SAFE_NO_PAD.decode(data).expect("base64url")
}

fn with_blob(kid: u32, blob: &[u8]) -> String {
    format!("ork1:k{kid}:{}", URL_SAFE_NO_PAD.encode(blob))
}

/// Text that looks like an envelope in part: the right prefix and kid, then anything.
fn near_envelope() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,200}",
        "(ork1|ORK1|ork2|vault)?:?k?[0-9]{0,12}:?[A-Za-z0-9_=+/-]{0,200}",
        prop::collection::vec(any::<u8>(), 0..200).prop_map(|b| with_blob(2, &b)),
    ]
}

proptest! {
    #[test]
    fn any_printable_key_for_any_owner_round_trips_and_is_bound_to_them(
        plain in printable_key(),
        user in owner(),
        other in owner(),
    ) {
        let r = ring();
        let (env, kid) = seal(&r, &user, &SecretString::from(plain.clone())).expect("seals");
        prop_assert_eq!(kid, 2);
        prop_assert_eq!(kid_of(&env), Ok(2));
        let opened = open(&r, &user, kid, &env).expect("opens");
        prop_assert_eq!(opened.expose_secret(), plain.as_str());
        // nonce + ciphertext + tag: the plaintext is exactly the rest.
        prop_assert_eq!(blob_of(&env).len(), NONCE_LEN + plain.len() + TAG_LEN);
        if other != user {
            prop_assert_eq!(open(&r, &other, kid, &env).unwrap_err(), EnvelopeError::Unauthentic);
        }
        prop_assert!(open(&r, &user, 1, &env).is_err(), "the row's version column changed");
        let relabelled = env.replacen("ork1:k2:", "ork1:k1:", 1);
        prop_assert!(open(&r, &user, 1, &relabelled).is_err(), "the header's version changed");
    }

    #[test]
    fn any_bit_flip_or_truncation_fails(
        plain in printable_key(),
        at in any::<prop::sample::Index>(),
        bit in 0u8..8,
        cut in any::<prop::sample::Index>(),
    ) {
        let r = ring();
        let (env, _) = seal(&r, "u", &SecretString::from(plain)).expect("seals");
        let blob = blob_of(&env);
        let mut flipped = blob.clone();
        let i = at.index(flipped.len());
        flipped[i] ^= 1 << bit;
        prop_assert_eq!(open(&r, "u", 2, &with_blob(2, &flipped)).unwrap_err(), EnvelopeError::Unauthentic);
        let cut = cut.index(blob.len());
        let truncated = open(&r, "u", 2, &with_blob(2, &blob[..cut]));
        prop_assert!(truncated.is_err(), "truncated at {}", cut);
        if cut < NONCE_LEN + TAG_LEN {
            prop_assert_eq!(truncated.unwrap_err(), EnvelopeError::Malformed);
        }
    }

    #[test]
    fn any_edited_character_of_the_stored_text_fails(
        plain in printable_key(),
        at in any::<prop::sample::Index>(),
        replacement in any::<char>(),
    ) {
        let r = ring();
        let (env, _) = seal(&r, "u", &SecretString::from(plain)).expect("seals");
        let chars: Vec<char> = env.chars().collect();
        let i = at.index(chars.len());
        prop_assume!(chars[i] != replacement);
        let mut edited = chars;
        edited[i] = replacement;
        let edited: String = edited.into_iter().collect();
        prop_assert!(open(&r, "u", 2, &edited).is_err(), "{:?}", edited);
    }

    #[test]
    fn arbitrary_text_never_panics_and_never_opens(text in near_envelope(), kid in 0u32..4) {
        let r = ring();
        // Whatever kid_of says, it says it without panicking, and open agrees with it.
        let named = kid_of(&text);
        let opened = open(&r, "u", kid, &text);
        prop_assert!(opened.is_err(), "random text opened: {:?}", text);
        if named.is_err() {
            prop_assert_eq!(opened.unwrap_err(), EnvelopeError::Malformed);
        }
    }
}
