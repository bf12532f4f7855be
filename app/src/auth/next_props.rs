//! Property tests of the `next` check: for any text, what is followed is a same-origin path that
//! a browser, after every percent-decoding and its own clean-ups (tabs and line feeds dropped,
//! `\` read as `/`, `.` and `..` resolved), still reads as a path on this site; plain paths are
//! always followed; encoding for a link round-trips; nothing panics.
//!
//! `PROPTEST_CASES` sets the number of cases (default 256).

use super::*;
use proptest::prelude::*;

/// Characters that matter to the check, so that random text hits its edges often.
fn tricky() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z0-9]{1,3}",
        2 => prop::sample::select(&[
            "/", "//", "\\", ".", "..", "%", "%2f", "%2F", "%5c", "%5C", "%25", "%2e", "%2E",
            "%00", "%09", "%0a", "%0d", "%7f", "%c3%a9", "%ff", "?", "#", ":", "@", "\t", "\n",
            "\r", " ", "\u{0}", "\u{7f}", "é", "\u{2215}", "\u{ff0f}", "%%", "%2", "~", "&", "=",
        ][..])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

fn any_next() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => tricky(),
        2 => tricky().prop_map(|t| format!("/{t}")),
        1 => any::<String>(),
        1 => "[ -~]{0,64}",
    ]
}

/// A path anyone would call plain: segments of unreserved characters, a query and a fragment.
fn plain_path() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[A-Za-z0-9_~-]{1,12}", 0..6),
        any::<bool>(),
        prop::option::of("[A-Za-z0-9=&_-]{0,20}"),
        prop::option::of("[A-Za-z0-9_-]{0,10}"),
    )
        .prop_map(|(segments, slash, query, fragment)| {
            let mut p = format!("/{}", segments.join("/"));
            if slash && !segments.is_empty() {
                p.push('/');
            }
            if let Some(q) = query {
                p.push_str(&format!("?{q}"));
            }
            if let Some(f) = fragment {
                p.push_str(&format!("#{f}"));
            }
            p
        })
}

/// Percent-decoding until nothing changes (bounded), as lenient as any router.
fn fully_decoded(s: &str) -> Vec<u8> {
    let mut text = s.as_bytes().to_vec();
    for _ in 0..16 {
        let next = percent_decode(&text);
        if next == text {
            break;
        }
        text = next;
    }
    text
}

/// What a browser makes of a path: tabs and line feeds dropped, `\` as `/`, and the path part
/// (before `?` or `#`) with `.` and `..` segments resolved (RFC 3986 §5.2.4).
fn as_a_browser_reads_it(raw: &[u8]) -> Vec<u8> {
    let cleaned: Vec<u8> = raw
        .iter()
        .filter(|b| !matches!(b, b'\t' | b'\n' | b'\r'))
        .map(|b| if *b == b'\\' { b'/' } else { *b })
        .collect();
    let end = cleaned
        .iter()
        .position(|b| *b == b'?' || *b == b'#')
        .unwrap_or(cleaned.len());
    let (path, rest) = cleaned.split_at(end);
    let mut out: Vec<&[u8]> = Vec::new();
    for seg in path.split(|b| *b == b'/') {
        match seg {
            b"." => {}
            b".." if out.len() > 1 => {
                out.pop();
            }
            b".." => {}
            s => out.push(s),
        }
    }
    let mut resolved = out.join(&b'/');
    resolved.extend_from_slice(rest);
    resolved
}

proptest! {
    #[test]
    fn whatever_is_followed_stays_on_this_site_however_it_is_read(next in any_next()) {
        let out = safe_next(Some(&next));
        if out == next {
            prop_assert!(is_same_origin_path(&next));
            prop_assert!(next.len() <= MAX_NEXT_LEN);
            prop_assert!(next.bytes().all(|b| (0x21..0x7f).contains(&b)), "{:?}", next);
            for form in [next.as_bytes().to_vec(), fully_decoded(&next)] {
                let read = as_a_browser_reads_it(&form);
                prop_assert!(read.starts_with(b"/"), "{:?} reads as {:?}", next, read);
                prop_assert!(!read.starts_with(b"//"), "{:?} reads as {:?}", next, read);
            }
        } else {
            prop_assert!(out == DEFAULT_NEXT || out == FALLBACK_NEXT, "{:?} gave {:?}", next, out);
            prop_assert!(next.is_empty() || !is_same_origin_path(&next));
        }
    }

    #[test]
    fn plain_paths_are_always_followed(path in plain_path()) {
        prop_assert_eq!(safe_next(Some(&path)), path);
    }

    #[test]
    fn links_carry_exactly_what_would_be_followed(next in prop_oneof![any_next(), plain_path()]) {
        let query = next_query(&next);
        if !next.is_empty() && is_same_origin_path(&next) {
            let encoded = query.strip_prefix("?next=").expect("a next query");
            prop_assert!(encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~/%".contains(&b)));
            prop_assert_eq!(percent_decode(encoded.as_bytes()), next.as_bytes());
        } else {
            prop_assert_eq!(query, "");
        }
    }

    #[test]
    fn encoding_any_text_round_trips(text in any::<String>()) {
        let encoded = encode_component(&text);
        prop_assert!(encoded.is_ascii());
        prop_assert_eq!(percent_decode(encoded.as_bytes()), text.as_bytes());
    }
}
