//! The OAuth PKCE flow (`/auth`, `/auth/approve`, `POST /auth/keys`), `/credits`, the `/key`
//! facts a test sets, and the error shape.

use fake_openrouter::{s256_challenge, FakeOpenRouter};
use serde_json::{json, Map, Value};

use crate::helpers::{client, expect_error, fake, get};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// Walks the authorisation page like a browser: reads the page, presses its button, and
/// returns the `code` the redirect to `callback_url` carries.
async fn authorise(fake: &FakeOpenRouter, callback: &str, method: &str) -> String {
    let page = client()
        .get(fake.auth_url())
        .query(&[
            ("callback_url", callback),
            ("code_challenge", &s256_challenge(VERIFIER)),
            ("code_challenge_method", method),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<button"), "the page has a button: {html}");
    assert!(html.contains("action=\"/auth/approve\""));
    let approved = client()
        .post(format!("http://{}/auth/approve", fake.addr()))
        .form(&[
            ("callback_url", callback),
            ("code_challenge", &s256_challenge(VERIFIER)),
            ("code_challenge_method", method),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 302);
    let location = approved.headers()["location"].to_str().unwrap().to_owned();
    let (before, code) = location
        .split_once("code=")
        .expect("a code in the redirect");
    assert!(before.starts_with(callback), "{location}");
    code.to_owned()
}

async fn exchange(fake: &FakeOpenRouter, body: Value) -> reqwest::Response {
    client()
        .post(format!("{}/auth/keys", fake.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_authorisation_button_returns_to_the_callback_keeping_its_query() {
    let fake = fake().await;
    let code = authorise(&fake, "http://app.test/cb?state=abc", "S256").await;
    assert!(code.len() >= 16);
}

#[tokio::test]
async fn a_code_and_its_verifier_buy_a_live_key_once() {
    let fake = fake().await;
    let code = authorise(&fake, "http://app.test/cb", "S256").await;
    let body = json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"});
    let first = exchange(&fake, body.clone()).await;
    assert_eq!(first.status(), 200);
    let answer: Value = first.json().await.unwrap();
    let key = answer["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("sk-or-v1-") && key.len() == 73, "{key}");
    assert!(answer["user_id"].is_string());
    // The key it bought is live.
    let info = client()
        .get(format!("{}/key", fake.base_url()))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), 200);
    // Single use.
    let again = expect_error(exchange(&fake, body).await, 403).await;
    assert_eq!(again["metadata"]["error_type"], "permission_denied");
}

#[tokio::test]
async fn a_wrong_verifier_is_403_and_spends_the_code() {
    let fake = fake().await;
    let code = authorise(&fake, "http://app.test/cb", "S256").await;
    let wrong =
        json!({"code": code, "code_verifier": "x".repeat(43), "code_challenge_method": "S256"});
    let error = expect_error(exchange(&fake, wrong).await, 403).await;
    assert_eq!(error["message"], "Invalid code or code_verifier");
    let right = json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"});
    expect_error(exchange(&fake, right).await, 403).await;
}

#[tokio::test]
async fn an_unknown_challenge_method_is_400_and_an_expired_code_403() {
    let fake = fake().await;
    let code = authorise(&fake, "http://app.test/cb", "S256").await;
    let bad_method =
        json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S512"});
    let error = expect_error(exchange(&fake, bad_method).await, 400).await;
    assert_eq!(error["message"], "Invalid code_challenge_method");
    fake.expire_auth_codes();
    let late = json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"});
    let error = expect_error(exchange(&fake, late).await, 403).await;
    assert_eq!(error["message"], "Authorization code expired");
}

#[tokio::test]
async fn the_issued_key_kind_can_be_chosen_by_a_test() {
    let fake = fake().await;
    fake.set_issued_key_prefix(Some("0a11"));
    let code = authorise(&fake, "http://app.test/cb", "S256").await;
    let body = json!({"code": code, "code_verifier": VERIFIER, "code_challenge_method": "S256"});
    let answer: Value = exchange(&fake, body).await.json().await.unwrap();
    assert!(answer["key"].as_str().unwrap().starts_with("sk-or-v1-0a11"));
}

#[tokio::test]
async fn credits_refuse_ordinary_keys_and_answer_management_keys() {
    let fake = fake().await;
    let error = expect_error(get(&fake, "/credits", Some("abc1")).await, 403).await;
    assert_eq!(error["metadata"]["error_type"], "permission_denied");
    let ok = get(&fake, "/credits", Some("0a11")).await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert!(body["data"]["total_credits"].is_number());
    assert!(body["data"]["total_usage"].is_number());
}

#[tokio::test]
async fn key_reports_every_documented_field_and_the_facts_a_test_sets() {
    let fake = fake().await;
    let body: Value = get(&fake, "/key", Some("abc1")).await.json().await.unwrap();
    for field in [
        "label",
        "limit",
        "limit_remaining",
        "limit_reset",
        "usage",
        "usage_daily",
        "usage_weekly",
        "usage_monthly",
        "is_free_tier",
        "is_management_key",
        "expires_at",
    ] {
        assert!(body["data"].get(field).is_some(), "{field} is present");
    }
    let mut data = Map::new();
    data.insert("expires_at".into(), json!("2030-01-01T00:00:00Z"));
    data.insert("limit_remaining".into(), json!(0.25));
    fake.set_key_facts("abc", data, false);
    let body: Value = get(&fake, "/key", Some("abc1")).await.json().await.unwrap();
    assert_eq!(body["data"]["expires_at"], "2030-01-01T00:00:00Z");
    assert_eq!(body["data"]["limit_remaining"], 0.25);
    assert_eq!(
        body["data"]["limit"], 10.0,
        "fields not set stay as they were"
    );
    fake.set_key_facts("abc", Map::new(), true);
    let error = expect_error(get(&fake, "/key", Some("abc1")).await, 401).await;
    assert_eq!(error["metadata"]["error_type"], "authentication");
}

#[tokio::test]
async fn every_error_carries_its_error_type() {
    let fake = fake().await;
    let cases = [
        ("dead", 401, "authentication"),
        ("0402", 402, "payment_required"),
        ("0429", 429, "rate_limit_exceeded"),
    ];
    for (prefix, status, kind) in cases {
        let response =
            crate::helpers::post_chat(&fake, prefix, &crate::helpers::chat_body(None, "hi", false))
                .await;
        let error = expect_error(response, status).await;
        assert_eq!(error["metadata"]["error_type"], kind, "{prefix}");
    }
}

#[tokio::test]
async fn every_error_type_can_be_asked_for_and_comes_with_its_status() {
    let fake = fake().await;
    let cases = [
        ("authentication", 401),
        ("payment_required", 402),
        ("permission_denied", 403),
        ("rate_limit_exceeded", 429),
        ("provider_overloaded", 529),
        ("provider_unavailable", 503),
        ("context_length_exceeded", 400),
        ("content_policy_violation", 403),
        ("refusal", 400),
        ("timeout", 408),
        ("server", 500),
        ("unmapped", 400),
    ];
    for (kind, status) in cases {
        let body = crate::helpers::chat_body(None, &format!("FAKE_ERROR:{kind}"), false);
        let response = crate::helpers::post_chat(&fake, "abc1", &body).await;
        let error = expect_error(response, status).await;
        assert_eq!(error["metadata"]["error_type"], kind);
    }
    // A free model escapes payment_required; the once-marker fails only the first time.
    let free = crate::helpers::chat_body(
        Some("z-ai/glm-4.5-air:free"),
        "FAKE_ERROR:payment_required",
        false,
    );
    assert_eq!(
        crate::helpers::post_chat(&fake, "abc1", &free)
            .await
            .status(),
        200
    );
    let once = crate::helpers::chat_body(None, "FAKE_ERROR_ONCE:rate_limit_exceeded", false);
    let first = crate::helpers::post_chat(&fake, "abc1", &once).await;
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "3");
    assert_eq!(
        crate::helpers::post_chat(&fake, "abc1", &once)
            .await
            .status(),
        200
    );
}
