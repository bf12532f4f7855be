//! What guards every answer: 401 JSON for anonymous API callers, the sign-in redirect for
//! pages, the nonce CSP and the other security headers, and no caching.

use serde_json::{json, Value};

use crate::helpers::{client, spawn_app};

#[tokio::test]
async fn every_protected_route_answers_401_json_to_anonymous_callers() {
    let app = spawn_app().await;
    let c = client();
    for (method, path) in [
        ("GET", "/api/auth/session"),
        ("GET", "/api/auth/sessions"),
        ("DELETE", "/api/auth/sessions/cabc"),
        ("POST", "/api/auth/password"),
    ] {
        let res = c
            .request(method.parse().unwrap(), app.url(path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "Unauthorized");
    }
}

#[tokio::test]
async fn anonymous_page_visits_go_to_sign_in_and_come_back() {
    let app = spawn_app().await;
    let res = client()
        .get(app.url("/settings?tab=key"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/signin?next=/settings%3Ftab%3Dkey"
    );
}

#[tokio::test]
async fn html_pages_carry_a_nonce_csp_and_the_other_security_headers() {
    let app = spawn_app().await;
    let res = app.get(&app.client, "/").await;
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("'wasm-unsafe-eval'")
            && csp.contains("'nonce-")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert!(
        csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"),
        "{csp}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(
        h["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(h["cross-origin-opener-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    for script in html.split("<script").skip(1) {
        assert!(
            script.starts_with(&format!(" nonce=\"{nonce}\""))
                || script.contains(&format!("nonce=\"{nonce}\"")),
            "script without the nonce: {script:.80}"
        );
    }
}

#[tokio::test]
async fn authenticated_responses_are_not_cached() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let res = app.get(&app.client, "/api/auth/session").await;
    assert_eq!(res.headers()["cache-control"], "no-store");
}
