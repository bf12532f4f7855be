//! `next` is a same-origin path or nothing: through the real sign-in and sign-up server
//! functions (as a plain HTML form and as the WASM client calls them), the page guard and the
//! sign-in page.

use crate::helpers::{client, spawn_app_with, TestApp, PASSWORD};

/// Every `next` here must land on `/`.
fn hostile_nexts() -> Vec<String> {
    let mut all: Vec<String> = [
        "//evil.test/",
        "https://evil.test/",
        "javascript:alert(1)",
        "evil.test",
        "/\t/evil.test",
        "/\n/evil.test",
        "/\r\n/evil.test",
        "/settings\r\nSet-Cookie: stolen=1",
        "/\0/evil.test",
        "/\\evil.test",
        "/%09/evil.test",
        "/%0A/evil.test",
        "/%2F/evil.test",
        "/%5C/evil.test",
        "/%252F/evil.test",
        "/.//evil.test",
        "/\u{ff0f}evil.test",
        "/é",
        " /settings",
    ]
    .map(str::to_owned)
    .to_vec();
    all.push(format!("/{}", "a".repeat(5000)));
    all
}

/// The test app, believing `X-Forwarded-For` from loopback so that each request below can come
/// from its own address and no per-address limit on sign-ins comes into play.
async fn app_with_an_account() -> TestApp {
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    app.sign_up("next@example.com").await;
    app
}

/// Posts the sign-in form to the server function, as a browser without WASM (`html`) or as
/// the WASM client does; returns the status, `Location` and whether the server-function
/// redirect header was set.
async fn sign_in_with_next(
    app: &TestApp,
    n: usize,
    next: &str,
    html: bool,
) -> (u16, Option<String>, bool) {
    let accept = if html {
        "text/html,application/xhtml+xml"
    } else {
        "application/json"
    };
    let res = client()
        .post(app.url("/api/sign_in"))
        .header("accept", accept)
        .header("x-forwarded-for", format!("198.51.100.{}", n % 250 + 1))
        .form(&[
            ("email", "next@example.com"),
            ("password", PASSWORD),
            ("next", next),
        ])
        .send()
        .await
        .expect("an answer, not a dropped connection");
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let fn_redirect = res.headers().contains_key("serverfnredirect");
    (res.status().as_u16(), location, fn_redirect)
}

#[tokio::test]
async fn a_plain_form_sign_in_with_a_hostile_next_is_sent_home() {
    let app = app_with_an_account().await;
    let nexts = hostile_nexts();
    // One after another: the point is the answer to each, not a burst.
    let mut answers = Vec::new();
    for (n, next) in nexts.iter().enumerate() {
        answers.push(sign_in_with_next(&app, n, next, true).await);
    }
    for (next, (status, location, _)) in nexts.iter().zip(answers) {
        assert_eq!(status, 302, "{next:?}");
        assert_eq!(location.as_deref(), Some("/"), "{next:?}");
    }
}

#[tokio::test]
async fn a_client_side_sign_in_with_a_hostile_next_is_told_to_go_home() {
    let app = app_with_an_account().await;
    let nexts = hostile_nexts();
    // One after another: the point is the answer to each, not a burst.
    let mut answers = Vec::new();
    for (n, next) in nexts.iter().enumerate() {
        answers.push(sign_in_with_next(&app, n, next, false).await);
    }
    for (next, (status, location, fn_redirect)) in nexts.iter().zip(answers) {
        assert_eq!(status, 200, "{next:?}");
        assert!(fn_redirect, "{next:?}: the server-function redirect header");
        assert_eq!(location.as_deref(), Some("/"), "{next:?}");
    }
}

#[tokio::test]
async fn a_local_next_is_followed_after_sign_in_and_none_goes_to_the_studio() {
    let app = app_with_an_account().await;
    for (n, (next, expected)) in [
        ("/settings?tab=key", "/settings?tab=key"),
        ("/studio/abc#top", "/studio/abc#top"),
        ("", "/studio"),
    ]
    .into_iter()
    .enumerate()
    {
        for html in [true, false] {
            let (_, location, _) = sign_in_with_next(&app, n, next, html).await;
            assert_eq!(location.as_deref(), Some(expected), "{next:?}, html {html}");
        }
    }
}

#[tokio::test]
async fn a_sign_up_with_a_hostile_next_is_sent_home() {
    let app = spawn_app_with(&[]).await;
    let nexts = hostile_nexts();
    let mut answers = Vec::new();
    for (n, next) in nexts.iter().enumerate() {
        answers.push({
            let res = client()
                .post(app.url("/api/sign_up"))
                .header("accept", "text/html")
                .form(&[
                    ("email", format!("up{n}@example.com").as_str()),
                    ("password", PASSWORD),
                    ("name", ""),
                    ("next", next),
                ])
                .send()
                .await
                .expect("an answer, not a dropped connection");
            let location = res.headers().get("location").cloned();
            let status = res.status().as_u16();
            (status, location, res.text().await.unwrap_or_default())
        });
    }
    for (next, (status, location, body)) in nexts.iter().zip(answers) {
        assert_eq!(status, 302, "{next:?}: {body}");
        assert_eq!(location.unwrap(), "/", "{next:?}");
    }
}

#[tokio::test]
async fn the_page_guard_keeps_the_way_back_only_when_it_is_a_local_path() {
    let app = spawn_app_with(&[]).await;
    for (path, expected) in [
        ("/settings?tab=key", "/signin?next=/settings%3Ftab%3Dkey"),
        ("/studio/abc", "/signin?next=/studio/abc"),
        ("/studio//evil.test", "/signin"),
        ("/studio/%2F/evil.test", "/signin"),
        ("/studio/%09/x", "/signin"),
        ("/usage?x=%0D%0ASet-Cookie:%20a=b", "/signin"),
    ] {
        let res = app.get(&client(), path).await;
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(res.headers()["location"], expected, "{path}");
    }
}

#[tokio::test]
async fn the_sign_in_page_links_to_sign_up_with_next_encoded_or_without_it() {
    let app = spawn_app_with(&[]).await;
    let page = |query: &'static str| {
        let app = &app;
        async move {
            let res = app.get(&client(), &format!("/signin{query}")).await;
            assert_eq!(res.status(), 200, "{query}");
            res.text().await.unwrap()
        }
    };
    let local = page("?next=%2Fsettings%3Ftab%3Dkey").await;
    assert!(
        local.contains(r#"href="/signup?next=/settings%3Ftab%3Dkey""#),
        "{local}"
    );
    for hostile in ["?next=%2F%2Fevil.test", "?next=%2F%09%2Fevil.test"] {
        let html = page(hostile).await;
        assert!(html.contains(r#"href="/signup""#), "{hostile}: {html}");
        assert!(!html.contains("/signup?next="), "{hostile}: {html}");
    }
}
