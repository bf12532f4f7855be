//! Identifiers in the seed's cuid style: `c` followed by 24 lowercase base-36 characters (a time
//! part, so ids sort roughly by creation, then random characters). The time is the caller's,
//! from the clock, like every other time the server writes.

use chrono::{DateTime, Utc};
use rand::Rng;

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A new unique id, 25 characters, for a row created at `now`.
pub fn new_id(now: DateTime<Utc>) -> String {
    let mut millis = u64::try_from(now.timestamp_millis()).unwrap_or_default();
    let mut time_part = [b'0'; 9];
    for slot in time_part.iter_mut().rev() {
        *slot = ALPHABET[(millis % 36) as usize];
        millis /= 36;
    }
    let mut rng = rand::thread_rng();
    let mut id = String::with_capacity(25);
    id.push('c');
    id.extend(time_part.iter().map(|b| char::from(*b)));
    id.extend((0..15).map(|_| char::from(ALPHABET[rng.gen_range(0..36)])));
    id
}

/// Whether `s` could be an id made by [`new_id`] (used to reject junk before querying).
pub fn looks_like_id(s: &str) -> bool {
    s.len() == 25 && s.starts_with('c') && s.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_cuid_shaped_and_distinct() {
        let now = DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default();
        let a = new_id(now);
        let b = new_id(now);
        assert!(looks_like_id(&a), "{a}");
        assert_ne!(a, b);
        let later = new_id(now + chrono::Duration::seconds(1));
        assert!(a[..10] < later[..10], "ids sort by their time part");
    }

    #[test]
    fn junk_is_not_an_id() {
        assert!(!looks_like_id("1; drop table users"));
        assert!(!looks_like_id(""));
    }
}
