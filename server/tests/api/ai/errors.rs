//! OpenRouter's failures become actionable errors.

use std::time::{Duration, Instant};

use fake_openrouter::{key, FakeConfig};
use serde_json::{json, Value};

use super::{chat, chat_requests, force_key, post, post_json, user_with_key, FAKE_SPECIAL_MODELS};
use crate::helpers::{spawn_app, spawn_app_with, spawn_app_with_fake, TestApp};

async fn chat_with_model(app: &TestApp, model: &str) -> (u16, Value) {
    let body = json!({"messages": [{"role": "user", "content": "hi"}], "model": model});
    post_json(app, &app.client, "/api/ai/chat", &body).await
}

#[tokio::test]
async fn a_rejected_key_is_marked_logged_and_the_user_told_to_update_it() {
    let app = spawn_app().await;
    let id = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    force_key(&app, &id, &key("dead")).await;
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "API key rejected");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("update your key in settings"));
    assert!(
        !body.to_string().contains("User not found"),
        "OpenRouter's words stay inside"
    );
    let key_status = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(key_status["status"], "rejected");
    let log = app.get_json(&app.client, "/api/user/api-key/events").await;
    assert_eq!(log["events"][0]["kind"], "rejected");

    let calls_before = chat_requests(&app).len();
    let (status, again) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!((status, &again), (400, &body), "the same answer, from here");
    assert_eq!(
        chat_requests(&app).len(),
        calls_before,
        "a rejected key is not sent to OpenRouter again"
    );
    let (status, _) = post_json(
        &app,
        &app.client,
        "/api/user/api-key",
        &json!({"apiKey": key("a2")}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 200, "a newly saved key is active again");
}

#[tokio::test]
async fn out_of_credits_is_402_with_openrouters_remedy() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "0402").await;
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 402);
    assert_eq!(body["error"], "Out of credits");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("https://openrouter.ai/settings/credits"));
}

#[tokio::test]
async fn a_rate_limit_is_429_and_passes_retry_after_on() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "0429").await;
    let res = post(
        &app,
        &app.client,
        "/api/ai/code-completion",
        &json!({"language": "go", "prefix": "x"}),
    )
    .await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "60");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "Rate limited");
    assert_eq!(body["retryAfter"], 60);
    assert_eq!(
        app.fake
            .requests()
            .iter()
            .filter(|r| r.path == "/api/v1/chat/completions")
            .count(),
        1,
        "a 429 is passed on, never retried against OpenRouter"
    );
}

#[tokio::test]
async fn an_invalid_model_is_named_and_a_data_policy_refusal_points_to_privacy_settings() {
    let app = spawn_app_with(&[FAKE_SPECIAL_MODELS]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let (status, body) = chat_with_model(&app, "bad/model").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("Unknown model"))
    );
    assert!(body["message"].as_str().unwrap().contains("\"bad/model\""));
    let (status, body) = chat_with_model(&app, "policy/model").await;
    assert_eq!(status, 422);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("data policy")
            && message.contains("https://openrouter.ai/settings/privacy")
    );
}

#[tokio::test]
async fn a_provider_outage_is_502_provider_unavailable() {
    let app = spawn_app_with(&[FAKE_SPECIAL_MODELS]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let (status, body) = chat_with_model(&app, "down/model").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (502, Some("Provider unavailable"))
    );
    assert!(
        !body.to_string().contains("upstream connect error"),
        "no upstream body: {body}"
    );
    assert_eq!(chat_requests(&app).len(), 1, "a 5xx is not retried");
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_key_goes_nowhere_else() {
    let app = spawn_app_with(&[FAKE_SPECIAL_MODELS]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    let (status, body) = chat_with_model(&app, "redirect/model").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (502, Some("Upstream error"))
    );
    assert_eq!(
        chat_requests(&app).len(),
        1,
        "one request, to the configured host only"
    );
}

#[tokio::test]
async fn an_unknown_model_is_refused_before_any_upstream_call() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    for path in [
        "/api/ai/chat",
        "/api/ai/generate-code",
        "/api/ai/code-completion",
    ] {
        let body = json!({"messages": [{"role": "user", "content": "hi"}], "language": "c",
            "prompt": "x", "prefix": "x", "model": "nobody/knows"});
        let (status, answer) = post_json(&app, &app.client, path, &body).await;
        assert_eq!(status, 422, "{path}");
        assert!(answer["message"].as_str().unwrap().contains("nobody/knows"));
    }
    assert!(chat_requests(&app).is_empty());
}

#[tokio::test]
async fn a_stalled_upstream_is_504_within_the_timeout_and_frees_the_slot() {
    let app = spawn_app_with(&[
        ("UPSTREAM_TIMEOUT_SECS", "1"),
        ("AI_MAX_IN_FLIGHT_PER_USER", "1"),
    ])
    .await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    for stream in [false, true] {
        let started = Instant::now();
        let body =
            json!({"messages": [{"role": "user", "content": "SLOW please"}], "stream": stream});
        let (status, answer) = post_json(&app, &app.client, "/api/ai/chat", &body).await;
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(status, 504, "stream: {stream}");
        assert_eq!(
            answer,
            json!({"error": "Upstream timeout", "message": "OpenRouter did not answer in time. Please try again.", "kind": "timeout"})
        );
    }
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &chat("fast")).await;
    assert_eq!(status, 200, "the stalled calls gave their slot back");
}

#[tokio::test]
async fn a_stream_that_goes_silent_ends_with_a_timeout_event() {
    let fake = FakeConfig {
        chunk_delay: Duration::from_millis(2500),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[("UPSTREAM_TIMEOUT_SECS", "1")]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let body = json!({"messages": [{"role": "user", "content": "one two"}], "stream": true});
    let started = Instant::now();
    let res = post(&app, &app.client, "/api/ai/chat", &body).await;
    assert_eq!(res.status(), 200);
    let events = super::parse_events(&res.text().await.unwrap());
    assert!(started.elapsed() < Duration::from_secs(3));
    let last = events.last().unwrap();
    assert_eq!(
        last,
        &super::Event::Named(
            "error".into(),
            json!({"error": "Upstream timeout", "message": "OpenRouter did not answer in time. Please try again.", "kind": "timeout"})
        )
    );
}
