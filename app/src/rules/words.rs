//! Words for people in place of machine names: a feature as "Code completion", a browser's
//! user-agent string as "Chrome on Linux", a time as "3 minutes ago" or "26 Nov 2026, 02:51 UTC".

/// A feature's name as people read it (`code_completion` is "Code completion").
pub fn feature(name: &str) -> String {
    match name {
        "chat" => "Chat".to_owned(),
        "code_completion" => "Code completion".to_owned(),
        // The ledger says `generate_code`, the model preferences `generation`.
        "generate_code" | "generation" => "Code generation".to_owned(),
        other => {
            let spaced = other.replace(['_', '-'], " ");
            let mut chars = spaced.chars();
            chars.next().map_or_else(String::new, |first| {
                // Feature names are ASCII machine names; `to_uppercase` would bring Unicode's
                // case tables into the WASM bundle for nothing.
                std::iter::once(first.to_ascii_uppercase())
                    .chain(chars)
                    .collect()
            })
        }
    }
}

/// A browser as people name it, from its user-agent string: "Chrome on Linux", "Safari on
/// iOS", "curl"; "Unknown browser" when it says nothing recognisable.
pub fn device(user_agent: &str) -> String {
    let ua = user_agent;
    let has = |s: &str| ua.contains(s);
    let browser = if has("Edg/") || has("Edge/") {
        "Edge"
    } else if has("OPR/") || has("Opera") {
        "Opera"
    } else if has("Firefox/") || has("FxiOS/") {
        "Firefox"
    } else if has("Chrome/") || has("Chromium/") || has("CriOS/") {
        "Chrome"
    } else if has("Safari/") && has("Version/") {
        "Safari"
    } else if let Some(tool) = ["curl/", "Wget/", "python-requests/", "PostmanRuntime/"]
        .into_iter()
        .find(|t| ua.starts_with(t))
    {
        return tool.trim_end_matches('/').to_owned();
    } else {
        return "Unknown browser".to_owned();
    };
    let os = if has("Android") {
        Some("Android")
    } else if has("iPhone") || has("iPad") || has("iPod") {
        Some("iOS")
    } else if has("CrOS") {
        Some("ChromeOS")
    } else if has("Windows") {
        Some("Windows")
    } else if has("Mac OS X") || has("Macintosh") {
        Some("macOS")
    } else if has("Linux") || has("X11") {
        Some("Linux")
    } else {
        None
    };
    match os {
        Some(os) => format!("{browser} on {os}"),
        None => browser.to_owned(),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An RFC 3339 time (as the server sends them) as "26 Nov 2026, 02:51 UTC", or the text as
/// it came when it is not one.
pub fn exact_utc(rfc3339: &str) -> String {
    let part = |r: std::ops::Range<usize>| rfc3339.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute)) = (
        part(0..4),
        part(5..7),
        part(8..10),
        part(11..13),
        part(14..16),
    ) else {
        return rfc3339.to_owned();
    };
    let Some(name) = month
        .checked_sub(1)
        .and_then(|m| MONTHS.get(usize::try_from(m).ok()?))
    else {
        return rfc3339.to_owned();
    };
    let utc = rfc3339.ends_with("+00:00") || rfc3339.ends_with('Z');
    let zone = if utc { " UTC" } else { "" };
    format!("{day} {name} {year}, {hour:02}:{minute:02}{zone}")
}

/// A day (`2026-11-26`) as "26 Nov", or the text as it came when it is not one.
pub fn day(iso: &str) -> String {
    let part = |r: std::ops::Range<usize>| iso.get(r).and_then(|s| s.parse::<usize>().ok());
    match (
        part(5..7).and_then(|m| MONTHS.get(m.checked_sub(1)?)),
        part(8..10),
    ) {
        (Some(month), Some(d)) if iso.len() == 10 => format!("{d} {month}"),
        _ => iso.to_owned(),
    }
}

/// `seconds` ago (negative: in the future) in words: "just now", "3 minutes ago",
/// "yesterday", "in 2 hours".
pub fn ago(seconds: i64) -> String {
    let future = seconds < 0;
    let s = seconds.unsigned_abs();
    if s < 45 {
        return "just now".to_owned();
    }
    let (n, unit) = match s {
        0..=89 => (1, "minute"),
        90..=2_699 => (s.div_ceil(60).min(45), "minute"),
        2_700..=5_399 => (1, "hour"),
        5_400..=79_199 => ((s + 1_800) / 3_600, "hour"),
        79_200..=129_599 => (1, "day"),
        129_600..=2_246_399 => ((s + 43_200) / 86_400, "day"),
        2_246_400..=3_887_999 => (1, "month"),
        3_888_000..=29_807_999 => ((s + 1_296_000) / 2_592_000, "month"),
        _ => ((s + 15_768_000) / 31_536_000, "year"),
    };
    if n == 1 && unit == "day" {
        return if future { "tomorrow" } else { "yesterday" }.to_owned();
    }
    let amount = if n == 1 {
        match unit {
            "hour" => format!("an {unit}"),
            _ => format!("a {unit}"),
        }
    } else {
        format!("{n} {unit}s")
    };
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_read_as_words() {
        assert_eq!(feature("code_completion"), "Code completion");
        assert_eq!(feature("generate_code"), "Code generation");
        assert_eq!(feature("generation"), "Code generation");
        assert_eq!(feature("chat"), "Chat");
        assert_eq!(feature("some_new_thing"), "Some new thing");
        assert_eq!(feature(""), "");
    }

    #[test]
    fn browsers_are_named_with_their_system() {
        let chrome_linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(device(chrome_linux), "Chrome on Linux");
        let headless = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";
        assert_eq!(device(headless), "Chrome on Linux");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        assert_eq!(device(edge), "Edge on Windows");
        let safari_ios = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device(safari_ios), "Safari on iOS");
        let firefox_mac =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.0; rv:132.0) Gecko/20100101 Firefox/132.0";
        assert_eq!(device(firefox_mac), "Firefox on macOS");
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        assert_eq!(device(android), "Chrome on Android");
        assert_eq!(device("curl/8.5.0"), "curl");
        assert_eq!(device("something odd"), "Unknown browser");
        assert_eq!(device(""), "Unknown browser");
    }

    #[test]
    fn exact_times_read_as_dates() {
        assert_eq!(
            exact_utc("2026-11-26T02:51:42.739821824+00:00"),
            "26 Nov 2026, 02:51 UTC"
        );
        assert_eq!(exact_utc("2026-01-05T23:07:00Z"), "5 Jan 2026, 23:07 UTC");
        assert_eq!(exact_utc("2026-13-05T23:07:00Z"), "2026-13-05T23:07:00Z");
        assert_eq!(exact_utc("yesterday"), "yesterday");
        assert_eq!(exact_utc("2026-00-05T23:07:00Z"), "2026-00-05T23:07:00Z");
        assert_eq!(exact_utc("2026-é1-05T23:07"), "2026-é1-05T23:07");
    }

    #[test]
    fn days_read_as_day_and_month() {
        assert_eq!(day("2026-11-26"), "26 Nov");
        assert_eq!(day("2026-01-05"), "5 Jan");
        assert_eq!(day("2026-13-05"), "2026-13-05");
        assert_eq!(day("2026-11-26T00:00"), "2026-11-26T00:00");
        assert_eq!(day("x"), "x");
    }

    #[test]
    fn spans_of_time_read_as_words() {
        assert_eq!(ago(5), "just now");
        assert_eq!(ago(-5), "just now");
        assert_eq!(ago(60), "a minute ago");
        assert_eq!(ago(180), "3 minutes ago");
        assert_eq!(ago(3_600), "an hour ago");
        assert_eq!(ago(3 * 3_600), "3 hours ago");
        assert_eq!(ago(-3 * 3_600), "in 3 hours");
        assert_eq!(ago(26 * 3_600), "yesterday");
        assert_eq!(ago(5 * 86_400), "5 days ago");
        assert_eq!(ago(40 * 86_400), "a month ago");
        assert_eq!(ago(100 * 86_400), "3 months ago");
        assert_eq!(ago(800 * 86_400), "2 years ago");
        assert!(
            ago(i64::MIN).starts_with("in "),
            "no overflow at the extremes"
        );
        assert!(ago(i64::MAX).ends_with(" years ago"));
    }
}
