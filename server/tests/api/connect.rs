//! "Connect with OpenRouter": the OAuth PKCE flow against the fake, end to end over HTTP.

use chrono::Duration;
use fake_openrouter::s256_challenge;
use serde_json::Value;

use crate::helpers::{client, dump_database, spawn_app, TestApp};

/// The start's redirect, read: OpenRouter's page and its query.
struct Started {
    callback_url: String,
    challenge: String,
    method: String,
}

/// A browser presses "Connect with OpenRouter": the start answers 303 to the fake's page.
async fn start(app: &TestApp, browser: &reqwest::Client) -> Started {
    let res = browser
        .post(app.url("/api/user/api-key/connect"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&app.fake.auth_url()),
        "to the configured OPENROUTER_AUTH_URL: {location}"
    );
    let url = reqwest::Url::parse(&location).unwrap();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Started {
        callback_url: param("callback_url"),
        challenge: param("code_challenge"),
        method: param("code_challenge_method"),
    }
}

/// The user approves on the fake's page; answers the callback's path and query with the code.
async fn approve(app: &TestApp, started: &Started) -> String {
    let page = client()
        .get(app.fake.auth_url())
        .query(&[
            ("callback_url", started.callback_url.as_str()),
            ("code_challenge", started.challenge.as_str()),
            ("code_challenge_method", started.method.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let res = client()
        .post(format!("http://{}/auth/approve", app.fake.addr()))
        .form(&[
            ("callback_url", started.callback_url.as_str()),
            ("code_challenge", started.challenge.as_str()),
            ("code_challenge_method", started.method.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let back = reqwest::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    format!("{}?{}", back.path(), back.query().unwrap_or_default())
}

/// Follows the callback in `browser`; answers where it sent the browser.
async fn callback(app: &TestApp, browser: &reqwest::Client, path_and_query: &str) -> String {
    let res = browser
        .get(app.url(path_and_query))
        // OpenRouter's page is another site: the browser says so.
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{path_and_query}");
    res.headers()["location"].to_str().unwrap().to_owned()
}

async fn key_state(app: &TestApp, browser: &reqwest::Client) -> (Value, Vec<String>) {
    let status = app.get_json(browser, "/api/user/api-key").await;
    let events = app.get_json(browser, "/api/user/api-key/events").await;
    let kinds = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    (status, kinds)
}

fn exchanges(app: &TestApp) -> Vec<Value> {
    app.fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/auth/keys")
        .map(|r| r.body)
        .collect()
}

#[tokio::test]
async fn connecting_with_openrouter_stores_the_key_like_a_pasted_one_and_logs_it() {
    let app = spawn_app().await;
    app.sign_up("connect@example.com").await;
    let started = start(&app, &app.client).await;
    assert!(started
        .callback_url
        .contains("/api/user/api-key/connect/callback?state="));
    assert_eq!(started.method, "S256");
    assert_eq!(
        started.challenge.len(),
        43,
        "base64url of 32 bytes, no padding"
    );
    let back = approve(&app, &started).await;
    let landed = callback(&app, &app.client, &back).await;
    assert_eq!(landed, "/settings?connect=connected");

    // The exchange sent the verifier whose S256 is the challenge the browser carried.
    let sent = exchanges(&app);
    assert_eq!(sent.len(), 1);
    let verifier = sent[0]["code_verifier"].as_str().unwrap();
    assert!((43..=128).contains(&verifier.len()), "{verifier}");
    assert_eq!(s256_challenge(verifier), started.challenge);
    assert_eq!(sent[0]["code_challenge_method"], "S256");
    assert!(!started.callback_url.contains(verifier));

    // The key the fake handed out was checked live with GET /key, like a pasted one.
    let checks: Vec<String> = app
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/key")
        .filter_map(|r| r.authorization)
        .collect();
    assert_eq!(checks.len(), 1);
    let key = checks[0].trim_start_matches("Bearer ").to_owned();
    assert!(key.starts_with("sk-or-v1-c0de"), "{key}");

    let (status, kinds) = key_state(&app, &app.client).await;
    assert_eq!(status["hasApiKey"], true);
    assert_eq!(status["status"], "active");
    assert_eq!(
        status["apiKey"].as_str().unwrap(),
        format!("sk-*******************{}", &key[key.len() - 6..])
    );
    assert_eq!(kinds, ["connected"]);
    // Encrypted: the database holds no plaintext, and no page or answer shows it.
    assert!(!dump_database(&app).await.contains(&key[9..]));
    let settings = app
        .get(&app.client, "/settings")
        .await
        .text()
        .await
        .unwrap();
    assert!(!settings.contains(&key[9..]));
    assert!(!landed.contains(&key[9..]) && !back.contains(&key[9..]));
}

#[tokio::test]
async fn a_replayed_callback_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.sign_up("replay@example.com").await;
    let started = start(&app, &app.client).await;
    let back = approve(&app, &started).await;
    assert_eq!(
        callback(&app, &app.client, &back).await,
        "/settings?connect=connected"
    );
    let before = key_state(&app, &app.client).await;
    assert_eq!(
        callback(&app, &app.client, &back).await,
        "/settings?connect=unknown_state"
    );
    assert_eq!(key_state(&app, &app.client).await, before);
    assert_eq!(exchanges(&app).len(), 1, "the replay reached nobody");
}

#[tokio::test]
async fn a_missing_foreign_or_expired_state_ends_on_settings_with_nothing_stored() {
    let app = spawn_app().await;
    app.sign_up("states@example.com").await;
    let other = client();
    app.sign_up_with(&other, "other@example.com").await;

    // No state at all.
    start(&app, &app.client).await;
    assert_eq!(
        callback(
            &app,
            &app.client,
            "/api/user/api-key/connect/callback?code=abc"
        )
        .await,
        "/settings?connect=missing_state"
    );
    // A callback with no flow started in this session.
    assert_eq!(
        callback(
            &app,
            &app.client,
            "/api/user/api-key/connect/callback?state=x&code=abc"
        )
        .await,
        "/settings?connect=unknown_state"
    );
    // Another browser's flow, brought to this one (a login-CSRF attempt).
    start(&app, &app.client).await;
    let theirs = approve(&app, &start(&app, &other).await).await;
    assert_eq!(
        callback(&app, &app.client, &theirs).await,
        "/settings?connect=foreign_state"
    );
    // Approved, but the callback comes after the ten minutes.
    let started = start(&app, &app.client).await;
    let late = approve(&app, &started).await;
    app.clock.advance(Duration::minutes(11));
    assert_eq!(
        callback(&app, &app.client, &late).await,
        "/settings?connect=expired"
    );
    // Signed out: the callback still ends on settings (which asks to sign in).
    assert_eq!(
        callback(&app, &client(), &late).await,
        "/settings?connect=signed_out"
    );

    assert!(exchanges(&app).is_empty(), "no code was ever exchanged");
    let (status, kinds) = key_state(&app, &app.client).await;
    assert_eq!(status["hasApiKey"], false);
    assert!(kinds.is_empty(), "{kinds:?}");
}

#[tokio::test]
async fn every_exchange_refusal_ends_on_settings_with_nothing_stored() {
    let app = spawn_app().await;
    app.sign_up("refusals@example.com").await;

    // The code expired at OpenRouter before the exchange.
    let back = approve(&app, &start(&app, &app.client).await).await;
    app.fake.expire_auth_codes();
    assert_eq!(
        callback(&app, &app.client, &back).await,
        "/settings?connect=exchange_refused"
    );
    // A code OpenRouter never handed out.
    let back = approve(&app, &start(&app, &app.client).await).await;
    let forged = format!("{}x", back);
    assert_eq!(
        callback(&app, &app.client, &forged).await,
        "/settings?connect=exchange_refused"
    );
    // No code: the user went back from OpenRouter's page without approving.
    let started = start(&app, &app.client).await;
    let state = started
        .callback_url
        .split("state=")
        .nth(1)
        .unwrap()
        .to_owned();
    assert_eq!(
        callback(
            &app,
            &app.client,
            &format!("/api/user/api-key/connect/callback?state={state}")
        )
        .await,
        "/settings?connect=missing_state"
    );
    // OpenRouter hands back a management key: refused like a pasted one.
    app.fake.set_issued_key_prefix(Some("0a11"));
    let back = approve(&app, &start(&app, &app.client).await).await;
    assert_eq!(
        callback(&app, &app.client, &back).await,
        "/settings?connect=management_key"
    );
    // ... or a key OpenRouter itself refuses.
    app.fake.set_issued_key_prefix(Some("dead"));
    let back = approve(&app, &start(&app, &app.client).await).await;
    assert_eq!(
        callback(&app, &app.client, &back).await,
        "/settings?connect=key_rejected"
    );

    let (status, kinds) = key_state(&app, &app.client).await;
    assert_eq!(status["hasApiKey"], false);
    // Only the refused key's check is logged, as for a pasted key OpenRouter refuses.
    assert_eq!(kinds, ["rejected"]);
}

#[tokio::test]
async fn the_start_needs_a_session_and_passes_the_cross_site_check() {
    let app = spawn_app().await;
    let res = client()
        .post(app.url("/api/user/api-key/connect"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    app.sign_up("csrf@example.com").await;
    let res = app
        .client
        .post(app.url("/api/user/api-key/connect"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}
