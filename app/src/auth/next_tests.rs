use super::*;

#[test]
fn local_paths_with_queries_and_fragments_are_followed() {
    for path in [
        "/",
        "/settings",
        "/settings/",
        "/settings?tab=key",
        "/studio/abc123?x=1&y=a%20b#top",
        "/usage?from=2026-11-01&to=2026-11-30",
        "/a:b@c!$'()*+,;=~",
        "/100%25",
        "/caf%C3%A9",
    ] {
        assert_eq!(safe_next(Some(path)), path, "{path:?}");
    }
}

#[test]
fn no_next_goes_to_the_studio() {
    assert_eq!(safe_next(None), DEFAULT_NEXT);
    assert_eq!(safe_next(Some("")), DEFAULT_NEXT);
}

#[test]
fn anything_a_browser_could_read_as_another_origin_goes_home() {
    for evil in [
        "//evil.test/",
        "///evil.test",
        "https://evil.test/",
        "http:/evil.test",
        "javascript:alert(1)",
        "evil.test",
        " /settings",
        "/\\evil.test",
        "\\/evil.test",
        "/\t/evil.test",
        "/\n/evil.test",
        "/\r\n/evil.test",
        "\t//evil.test",
        "/\0/evil.test",
        "/settings\r\nSet-Cookie: a=b",
        "/%09/evil.test",
        "/%0a/evil.test",
        "/%0D%0A/evil.test",
        "/%00",
        "/%2F/evil.test",
        "/%2f/evil.test",
        "/%5C/evil.test",
        "/%5cevil.test",
        "/%252F/evil.test",
        "/%25252F/evil.test",
        "/%2525252525252F/evil.test",
        "/.//evil.test",
        "/./evil.test",
        "/../evil.test",
        "/%2e%2e/evil.test",
        "/%2E/%2Fevil.test",
        "/a//b",
        "/settings /x",
        "/\u{7f}",
        "/é",
        "/\u{2215}evil.test",
        "/\u{ff0f}evil.test",
        "/\u{202e}tset.live",
        "/<script>",
        "/\"onmouseover=",
        "/{x}",
        "/x|y",
        "/`x`",
    ] {
        assert_eq!(safe_next(Some(evil)), FALLBACK_NEXT, "{evil:?}");
    }
}

#[test]
fn a_very_long_next_goes_home() {
    let long = format!("/{}", "a".repeat(MAX_NEXT_LEN));
    assert_eq!(safe_next(Some(&long)), FALLBACK_NEXT);
    let just_fits = format!("/{}", "a".repeat(MAX_NEXT_LEN - 1));
    assert_eq!(safe_next(Some(&just_fits)), just_fits);
}

#[test]
fn every_followed_next_is_a_valid_header_value() {
    // Every byte from 0 to 255 (as a char), alone and after a slash, and a few ends.
    for c in (0u32..=0x2100).filter_map(char::from_u32) {
        for candidate in [
            format!("/{c}"),
            format!("/a{c}b"),
            format!("{c}/a"),
            format!("/%{c}"),
        ] {
            let out = safe_next(Some(&candidate));
            assert!(
                out.bytes().all(|b| (0x21..0x7f).contains(&b)),
                "{candidate:?} gave {out:?}"
            );
            assert!(out.starts_with('/') && !out.starts_with("//"), "{out:?}");
        }
    }
}

#[test]
fn links_carry_next_on_encoded_or_not_at_all() {
    assert_eq!(
        next_query("/settings?tab=key"),
        "?next=/settings%3Ftab%3Dkey"
    );
    assert_eq!(next_query(""), "");
    assert_eq!(next_query("//evil.test"), "");
    assert_eq!(next_query("/\t/evil.test"), "");
}
