//! Other sites: cross-origin writes are refused before any handler runs, state changes refuse
//! GET and HEAD, and no origin may read an answer.

use serde_json::{json, Value};

use crate::helpers::{session_cookie, spawn_app, PASSWORD};

#[tokio::test]
async fn a_cross_origin_post_is_refused_before_any_handler_runs() {
    let app = spawn_app().await;
    // No default headers: each case says exactly what a browser would send.
    let bare = reqwest::Client::new();
    for headers in [
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.test"),
        ],
        vec![("origin", "https://evil.test")],
        vec![("origin", "null")],
    ] {
        let mut req = bare
            .post(app.url("/api/auth/signup"))
            .json(&json!({"email": "victim@example.com", "password": PASSWORD}));
        for (k, v) in &headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "{headers:?}");
    }
    let ok = app
        .post(
            &app.new_client(),
            "/api/auth/signin",
            &json!({"email": "victim@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(ok.status(), 401, "the account was never created");
}

#[tokio::test]
async fn cross_site_writes_to_the_key_change_nothing() {
    let app = spawn_app().await;
    let res = app
        .post(
            &app.client,
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": PASSWORD}),
        )
        .await;
    let cookie = session_cookie(&res).unwrap();
    let saved = app
        .post(
            &app.client,
            "/api/user/api-key",
            &json!({"apiKey": fake_openrouter::key("a1")}),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let before = app.get_json(&app.client, "/api/user/api-key").await;
    let other_key = fake_openrouter::key("b2");
    let form = format!("api_key={other_key}");
    let bare = reqwest::Client::new();
    let attempts = [
        // A form on another site posting to the server functions, as a browser sends it.
        ("POST", "/api/save_key", Some("https://evil.test")),
        ("POST", "/api/remove_key", Some("https://evil.test")),
        ("DELETE", "/api/user/api-key", Some("https://evil.test")),
        // An old browser that sends neither header, but the user's cookie.
        ("POST", "/api/save_key", None),
        ("DELETE", "/api/user/api-key", None),
    ];
    for (method, path, origin) in attempts {
        let mut req = bare
            .request(method.parse().unwrap(), app.url(path))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.clone());
        if let Some(origin) = origin {
            req = req
                .header("origin", origin)
                .header("sec-fetch-site", "cross-site");
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "{method} {path} from {origin:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "Forbidden");
    }
    let after = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(before, after, "the key is as it was");
    assert!(app
        .fake
        .requests()
        .iter()
        .all(|r| r.authorization.as_deref() != Some(&format!("Bearer {other_key}"))));
    // The studio's own page, same cookie: served.
    let res = bare
        .delete(app.url("/api/user/api-key"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn state_changes_refuse_get_and_head_with_405() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    for path in [
        "/api/save_key",
        "/api/remove_key",
        "/api/auth/signout",
        "/api/auth/password",
        "/api/ai/chat",
        "/api/ai/generate-code",
    ] {
        for method in ["GET", "HEAD"] {
            let res = app
                .client
                .request(method.parse().unwrap(), app.url(path))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 405, "{method} {path}");
        }
    }
    let still = app.get_json(&app.client, "/api/auth/session").await;
    assert_eq!(still["user"]["email"], "a@example.com", "still signed in");
}

#[tokio::test]
async fn no_origin_is_ever_allowed_to_read_responses() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    for origin in ["https://evil.test", "null"] {
        let res = app
            .client
            .get(app.url("/api/auth/session"))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert!(
            !res.headers().contains_key("access-control-allow-origin"),
            "{origin}"
        );
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, app.url("/api/user/api-key"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert!(
            !preflight
                .headers()
                .contains_key("access-control-allow-origin"),
            "{origin}"
        );
    }
}
