//! `GET /api/v1/key`.

use serde_json::Value;

use crate::helpers::{client, expect_error, fake, get};

async fn key_data(prefix: &str) -> Value {
    let fake = fake().await;
    let response = get(&fake, "/key", Some(prefix)).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["data"].clone()
}

#[tokio::test]
async fn a_live_key_shows_its_masked_label_limits_and_usage() {
    let data = key_data("abc1").await;
    let full = fake_openrouter::key("abc1");
    assert_eq!(
        data["label"],
        format!("sk-or-v1-abc...{}", &full[full.len() - 3..])
    );
    assert_eq!(data["limit"], 10.0);
    assert_eq!(data["limit_remaining"], 9.5);
    assert_eq!(data["limit_reset"], "monthly");
    assert_eq!(data["usage"], 0.5);
    assert_eq!(data["is_free_tier"], false);
    assert_eq!(data["is_management_key"], false);
    assert!(
        data.get("expires_at").is_some(),
        "expires_at is present (null)"
    );
}

#[tokio::test]
async fn a_key_out_of_credits_still_answers_with_nothing_remaining() {
    let data = key_data("0402").await;
    assert_eq!(data["limit_remaining"], 0.0);
    assert_eq!(data["is_management_key"], false);
}

#[tokio::test]
async fn a_management_key_says_so() {
    let data = key_data("0a11").await;
    assert_eq!(data["is_management_key"], true);
}

#[tokio::test]
async fn a_revoked_key_is_user_not_found() {
    let fake = fake().await;
    let error = expect_error(get(&fake, "/key", Some("dead")).await, 401).await;
    assert_eq!(error["message"], "User not found.");
}

#[tokio::test]
async fn no_authorization_header_is_no_auth_credentials_found() {
    let fake = fake().await;
    let error = expect_error(get(&fake, "/key", None).await, 401).await;
    assert_eq!(error["message"], "No auth credentials found");
}

#[tokio::test]
async fn a_malformed_key_is_user_not_found() {
    let fake = fake().await;
    let response = client()
        .get(format!("{}/key", fake.base_url()))
        .header("authorization", "Bearer sk-or-v1-tooshort")
        .send()
        .await
        .unwrap();
    let error = expect_error(response, 401).await;
    assert_eq!(error["message"], "User not found.");
}

#[tokio::test]
async fn the_legacy_auth_key_path_answers_the_same() {
    let fake = fake().await;
    let response = get(&fake, "/auth/key", Some("abc1")).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["limit_remaining"], 9.5);
}
