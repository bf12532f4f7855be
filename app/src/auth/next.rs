//! Where to go after signing in: a same-origin path, or nothing.
//!
//! Policy: `next` is followed only when it is a plain path on this site, written in printable
//! ASCII URL characters, that no browser or router can read as another origin. Browsers drop tabs
//! and line feeds inside a URL, read `\` as `/`, and resolve `.` segments, so `/\t/evil.test`,
//! `/\evil.test` and `/.//evil.test` all lead to `//evil.test`; and a router that decodes the
//! path before navigating turns `/%2F/evil.test` into the same. So the check runs on the text as
//! written and again after each round of percent-decoding, and refuses control characters,
//! backslashes, empty, `.` and `..` segments, and anything too long. What it accepts is always a
//! valid header value, so no `next` can reach a panic in a redirect.

/// Where sign-in goes when no `next` was asked for.
pub const DEFAULT_NEXT: &str = "/studio";
/// Where a `next` that is not a safe same-origin path goes.
pub const FALLBACK_NEXT: &str = "/";
/// The longest `next` followed, in bytes.
pub const MAX_NEXT_LEN: usize = 2048;
/// Rounds of percent-decoding checked; text that still decodes further is refused.
const DECODE_ROUNDS: usize = 4;

/// The path to go to after sign-in or sign-up: `next` when it is a same-origin path,
/// [`DEFAULT_NEXT`] when there is none, and [`FALLBACK_NEXT`] for anything else.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        None | Some("") => DEFAULT_NEXT.to_owned(),
        Some(n) if is_same_origin_path(n) => n.to_owned(),
        Some(_) => FALLBACK_NEXT.to_owned(),
    }
}

/// `?next=<encoded path>` for a link that carries `next` on to another page, or nothing when
/// `next` is empty or not a same-origin path.
pub fn next_query(next: &str) -> String {
    if next.is_empty() || !is_same_origin_path(next) {
        return String::new();
    }
    format!("?next={}", encode_component(next))
}

/// Whether `s` is a path on this site that no browser can read as another origin (see the
/// module's policy).
pub fn is_same_origin_path(s: &str) -> bool {
    if s.len() > MAX_NEXT_LEN || !s.bytes().all(is_url_byte) {
        return false;
    }
    let mut text = s.as_bytes().to_vec();
    for _ in 0..=DECODE_ROUNDS {
        if !is_plain_path(&text) {
            return false;
        }
        let decoded = percent_decode(&text);
        if decoded == text {
            return true;
        }
        text = decoded;
    }
    false
}

/// Printable ASCII that may stand in a URL's path, query or fragment as written.
fn is_url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?#%".contains(&b)
}

/// Starts with `/`, holds no control character or backslash, and its path (up to
/// `?` or `#`) has no empty, `.` or `..` segment (a trailing `/` is allowed).
fn is_plain_path(text: &[u8]) -> bool {
    let Some(rest) = text.strip_prefix(b"/") else {
        return false;
    };
    // Bytes past ASCII can only come from decoding (UTF-8 in a path), which is harmless.
    if text.iter().any(|&b| b < 0x20 || b == 0x7f || b == b'\\') {
        return false;
    }
    let path_end = rest
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .unwrap_or(rest.len());
    let path = &rest[..path_end];
    let segments: Vec<&[u8]> = path.split(|&b| b == b'/').collect();
    let last = segments.len().saturating_sub(1);
    segments.iter().enumerate().all(|(i, seg)| {
        let empty_inside = seg.is_empty() && i != last;
        !empty_inside && *seg != b"." && *seg != b".."
    })
}

/// One round of percent-decoding; a `%` without two hex digits stays as it is.
fn percent_decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let hex = |j: usize| text.get(j).and_then(|b| char::from(*b).to_digit(16));
        match (text[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                // Two hex digits make at most 255, so the cast cannot truncate.
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Percent-encodes everything but unreserved characters and `/`, for use as a query value.
pub fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
#[path = "next_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "next_props.rs"]
mod props;
