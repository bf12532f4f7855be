//! Limits checked before any upstream call.

use std::time::Duration;

use fake_openrouter::FakeConfig;
use serde_json::{json, Value};

use super::{chat, chat_requests, eventually, post, post_json, user_with_key};
use crate::helpers::{client, spawn_app, spawn_app_with_fake};

#[tokio::test]
async fn a_body_over_4_mib_is_413_before_parsing() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    let big = "x".repeat(4 * 1024 * 1024 + 1);
    let body = format!(r#"{{"messages":[{{"role":"user","content":"{big}"}}]}}"#);
    let res = app
        .client
        .post(app.url("/api/ai/chat"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["error"], "Payload too large");
    assert!(app.fake.requests().is_empty());
}

#[tokio::test]
async fn message_caps_and_max_tokens_are_422_before_any_upstream_call() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    let message = |content: String| json!({"role": "user", "content": content});
    let cases = [
        (
            "/api/ai/chat",
            json!({"messages": vec![message("x".into()); 101]}),
            "Too many messages",
        ),
        (
            "/api/ai/chat",
            json!({"messages": [message("x".repeat(32_001))]}),
            "Message too long",
        ),
        (
            "/api/ai/chat",
            json!({"messages": vec![message("x".repeat(32_000)); 7]}),
            "Conversation too long",
        ),
        (
            "/api/ai/chat",
            json!({"messages": [message("x".into())], "maxTokens": 8193}),
            "max_tokens too large",
        ),
        (
            "/api/ai/chat",
            json!({"messages": [message("x".into())], "max_tokens": 100_000}),
            "max_tokens too large",
        ),
        ("/api/ai/chat", json!({"messages": []}), "No messages"),
        (
            "/api/ai/chat",
            json!({"messages": [{"role": "tool", "content": "x"}]}),
            "Invalid message",
        ),
        (
            "/api/ai/code-completion",
            json!({"language": "rust", "prefix": "x".repeat(100_001)}),
            "Input too long",
        ),
        (
            "/api/ai/code-completion",
            json!({"language": "x".repeat(41), "prefix": "x"}),
            "Invalid language",
        ),
        (
            "/api/ai/generate-code",
            json!({"language": "rust", "prompt": "x", "context": "x".repeat(100_001)}),
            "Input too long",
        ),
        (
            "/api/ai/generate-code",
            json!({"language": "rust", "prompt": "x", "maxTokens": 9000}),
            "max_tokens too large",
        ),
    ];
    for (path, body, error) in cases {
        let (status, answer) = post_json(&app, &app.client, path, &body).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (422, Some(error)),
            "{path}: {answer}"
        );
        assert!(
            answer["message"].as_str().unwrap().len() > 10,
            "a clear message"
        );
    }
    assert!(app.fake.requests().is_empty(), "nothing went upstream");
}

#[tokio::test]
async fn calls_over_the_per_user_cap_are_429_with_retry_after() {
    let fake = FakeConfig {
        first_byte_delay: Duration::from_millis(1500),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[("AI_MAX_IN_FLIGHT_PER_USER", "1")]).await;
    let a = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let b_client = client();
    user_with_key(&app, &b_client, "b@example.com", "b2").await;
    let slow = {
        let (url, c) = (app.url("/api/ai/chat"), app.client.clone());
        tokio::spawn(async move {
            c.post(url)
                .json(&chat("first"))
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    assert!(eventually(|| app.state.ai.in_flight.current(&a) == 1).await);
    let res = post(&app, &app.client, "/api/ai/chat", &chat("second")).await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "1");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "Too many requests");
    let (status, _) = post_json(&app, &b_client, "/api/ai/chat", &chat("other user")).await;
    assert_eq!(status, 200, "the cap is per user");
    assert_eq!(slow.await.unwrap(), 200);
    assert_eq!(app.state.ai.in_flight.current(&a), 0);
    assert_eq!(
        chat_requests(&app).len(),
        2,
        "the refused call never went upstream"
    );
}
