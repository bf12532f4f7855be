//! Property tests of the key parser and the mask: every well-formed key parses (with any white
//! space around it) and masks to `sk-` + 19 `*` + its last six characters; every other input,
//! however long or strange, is a 422 that never quotes it, and nothing panics.
//!
//! `PROPTEST_CASES` sets the number of cases (default 256).

use super::*;
use crate::openrouter::ApiKey;
use app::keys::format::{HEX_LEN, MAX_INPUT, PREFIX};
use proptest::prelude::*;

/// A well-formed key.
fn good_key() -> impl Strategy<Value = String> {
    "[0-9a-f]{64}".prop_map(|hex| format!("{PREFIX}{hex}"))
}

/// White space `trim` removes, short enough to keep the input within 256 bytes.
fn padding() -> impl Strategy<Value = String> {
    "[ \t\r\n\u{a0}\u{2003}]{0,20}"
}

/// Input near a key: a key with one character changed, cut, lengthened or upper-cased, or
/// arbitrary text.
fn near_key() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,300}",
        "sk-or-v1-[0-9a-fA-F\0\n\r ]{0,80}",
        (good_key(), any::<prop::sample::Index>(), any::<char>()).prop_map(|(k, at, c)| {
            let mut chars: Vec<char> = k.chars().collect();
            let i = at.index(chars.len());
            chars[i] = c;
            chars.into_iter().collect()
        }),
        (good_key(), 0usize..73).prop_map(|(k, cut)| k[..cut].to_owned()),
        (good_key(), "[0-9a-f]{1,200}").prop_map(|(k, more)| format!("{k}{more}")),
        good_key().prop_map(|k| k.to_uppercase()),
    ]
}

/// What the parser must accept: after trimming, `sk-or-v1-` and 64 lowercase hex digits, and
/// at most 256 bytes as sent.
fn is_well_formed(raw: &str) -> bool {
    let key = raw.trim();
    raw.len() <= MAX_INPUT
        && key.len() == PREFIX.len() + HEX_LEN
        && key.starts_with(PREFIX)
        && key[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

proptest! {
    #[test]
    fn every_well_formed_key_parses_and_masks_to_the_promised_shape(
        key in good_key(),
        before in padding(),
        after in padding(),
    ) {
        let parsed = ApiKey::parse(&format!("{before}{key}{after}")).expect("valid");
        prop_assert_eq!(parsed.secret().expose_secret(), key.as_str());
        prop_assert_eq!(parsed.last6(), &key[key.len() - 6..]);
        let shown = mask(&parsed.last6());
        prop_assert_eq!(shown.len(), 28);
        prop_assert!(shown.starts_with("sk-*******************"), "{}", shown);
        prop_assert!(shown.ends_with(&key[key.len() - 6..]), "{}", shown);
        // Nothing of the key but its last six characters is in the mask.
        prop_assert!(!shown.contains(&key[PREFIX.len()..PREFIX.len() + 7]));
        prop_assert_eq!(format!("{parsed:?}"), "ApiKey([REDACTED])");
    }

    #[test]
    fn any_other_input_is_a_422_that_never_quotes_it(raw in near_key()) {
        match ApiKey::parse(&raw) {
            Ok(parsed) => {
                prop_assert!(is_well_formed(&raw), "accepted {:?}", raw);
                prop_assert_eq!(parsed.secret().expose_secret(), raw.trim());
            }
            Err(err) => {
                prop_assert!(!is_well_formed(&raw), "refused {:?}", raw);
                prop_assert_eq!(err.status, 422);
                let trimmed = raw.trim();
                // (Shorter text could be a word of the message itself, such as `sk-or-v1-`.)
                if trimmed.len() > 16 {
                    prop_assert!(!err.body.message.contains(trimmed));
                }
                let hex = trimmed.strip_prefix(PREFIX).unwrap_or_default();
                if hex.len() >= 6 {
                    prop_assert!(!err.body.message.contains(hex), "{}", err.body.message);
                }
            }
        }
    }

    #[test]
    fn the_mask_of_any_six_characters_is_28_characters(last6 in "[ -~]{6}") {
        let shown = mask(&last6);
        prop_assert_eq!(shown.len(), 28);
        prop_assert_eq!(&shown[..22], "sk-*******************");
        prop_assert_eq!(&shown[22..], last6.as_str());
    }
}
