//! Completions the fake refuses, by key, by model and by body.

use fake_openrouter::REDIRECT_LOCATION;

use crate::helpers::{chat_body, client, expect_error, fake, post_chat};

#[tokio::test]
async fn completions_without_a_key_are_no_auth_credentials_found() {
    let fake = fake().await;
    let response = client()
        .post(format!("{}/chat/completions", fake.base_url()))
        .json(&chat_body(None, "hi", false))
        .send()
        .await
        .unwrap();
    let error = expect_error(response, 401).await;
    assert_eq!(error["message"], "No auth credentials found");
}

#[tokio::test]
async fn completions_with_a_revoked_key_are_user_not_found() {
    let fake = fake().await;
    let error = expect_error(
        post_chat(&fake, "dead", &chat_body(None, "hi", true)).await,
        401,
    )
    .await;
    assert_eq!(error["message"], "User not found.");
}

#[tokio::test]
async fn a_key_out_of_credits_gets_402_from_the_credits_source() {
    let fake = fake().await;
    let error = expect_error(
        post_chat(&fake, "0402", &chat_body(None, "hi", false)).await,
        402,
    )
    .await;
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("Insufficient credits"));
    assert_eq!(error["metadata"]["limit_source"], "openrouter_credits");
}

#[tokio::test]
async fn a_rate_limited_key_gets_429_with_retry_after_and_rate_limit_headers() {
    let fake = fake().await;
    let response = post_chat(&fake, "0429", &chat_body(None, "hi", true)).await;
    let headers = response.headers().clone();
    let error = expect_error(response, 429).await;
    let retry_after: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after > 0);
    assert_eq!(headers["x-ratelimit-limit"], "50");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert!(headers.contains_key("x-ratelimit-reset"));
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("Rate limit exceeded"));
    assert_eq!(error["metadata"]["headers"]["X-RateLimit-Remaining"], "0");
}

#[tokio::test]
async fn a_management_key_is_refused_completions() {
    let fake = fake().await;
    let error = expect_error(
        post_chat(&fake, "0a11", &chat_body(None, "hi", false)).await,
        403,
    )
    .await;
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("Management keys"));
}

#[tokio::test]
async fn bad_model_is_not_a_valid_model_id() {
    let fake = fake().await;
    let response = post_chat(&fake, "abc1", &chat_body(Some("bad/model"), "hi", false)).await;
    let error = expect_error(response, 400).await;
    assert_eq!(error["message"], "bad/model is not a valid model ID");
}

#[tokio::test]
async fn an_unlisted_model_is_not_a_valid_model_id_either() {
    let fake = fake().await;
    let response = post_chat(
        &fake,
        "abc1",
        &chat_body(Some("nobody/nothing"), "hi", true),
    )
    .await;
    let error = expect_error(response, 400).await;
    assert_eq!(error["message"], "nobody/nothing is not a valid model ID");
}

#[tokio::test]
async fn down_model_is_a_502_naming_the_provider() {
    let fake = fake().await;
    let response = post_chat(&fake, "abc1", &chat_body(Some("down/model"), "hi", true)).await;
    let error = expect_error(response, 502).await;
    assert_eq!(error["metadata"]["provider_name"], "Fake");
    assert!(error["metadata"]["raw"].is_string());
}

#[tokio::test]
async fn policy_model_is_a_404_about_the_data_policy() {
    let fake = fake().await;
    let response = post_chat(&fake, "abc1", &chat_body(Some("policy/model"), "hi", false)).await;
    let error = expect_error(response, 404).await;
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("No endpoints found matching your data policy"));
}

#[tokio::test]
async fn redirect_model_answers_302_to_a_dead_port() {
    let fake = fake().await;
    let response = post_chat(
        &fake,
        "abc1",
        &chat_body(Some("redirect/model"), "hi", false),
    )
    .await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], REDIRECT_LOCATION);
    assert_eq!(REDIRECT_LOCATION, "http://127.0.0.1:1/elsewhere");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_400() {
    let fake = fake().await;
    let response = client()
        .post(format!("{}/chat/completions", fake.base_url()))
        .header("authorization", crate::helpers::bearer("abc1"))
        .body("not json")
        .send()
        .await
        .unwrap();
    expect_error(response, 400).await;
}

#[tokio::test]
async fn midstream_fail_without_streaming_is_a_502() {
    let fake = fake().await;
    let response = post_chat(&fake, "abc1", &chat_body(None, "x MIDSTREAM_FAIL", false)).await;
    expect_error(response, 502).await;
}

#[tokio::test]
async fn an_unknown_route_is_a_404_in_the_error_shape() {
    let fake = fake().await;
    expect_error(
        crate::helpers::get(&fake, "/nothing/here", Some("abc1")).await,
        404,
    )
    .await;
}
