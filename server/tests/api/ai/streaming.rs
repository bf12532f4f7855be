//! Event streams: order, keep-alives, mid-stream failure, client cancellation.

use std::time::{Duration, Instant};

use fake_openrouter::FakeConfig;
use futures::StreamExt;
use serde_json::{json, Value};

use super::{
    chat_requests, deltas, eventually, parse_events, post, usage_with, user_with_key, Event,
};
use crate::helpers::{spawn_app, spawn_app_with_fake};

fn stream_chat(prompt: &str) -> Value {
    json!({"messages": [{"role": "user", "content": prompt}], "stream": true})
}

#[tokio::test]
async fn a_streamed_chat_relays_every_chunk_in_order_then_done() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    let prompt = "Write a Rust function that adds two numbers";
    let res = post(&app, &app.client, "/api/ai/chat", &stream_chat(prompt)).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let events = parse_events(&res.text().await.unwrap());
    assert_eq!(
        events[0],
        Event::Comment("keep-alive".into()),
        "OpenRouter's keep-alive is relayed as a comment"
    );
    let streamed = deltas(&events);
    assert_eq!(
        super::asked(&Value::String(streamed.clone())),
        Some(prompt),
        "every piece, in order"
    );
    assert!(
        streamed.contains("```rust\n") && streamed.trim_end().ends_with('|'),
        "the whole Markdown answer: {streamed}"
    );
    let pieces = events
        .iter()
        .filter(|e| matches!(e, Event::Named(n, _) if n == "delta"))
        .count();
    assert!(
        pieces >= 5,
        "one event per upstream chunk, not one for the whole answer"
    );
    let Some(Event::Named(name, done)) = events.last() else {
        panic!("no final event")
    };
    assert_eq!(name, "done");
    assert_eq!(done["model"], "openai/gpt-4o-mini");
    assert_eq!(done["finishReason"], "stop");
    assert!(done["usage"]["totalTokens"].as_u64().unwrap() > 0);
    assert!(done["usage"]["cost"].as_f64().unwrap() > 0.0);
    assert!(done["generationId"].as_str().unwrap().starts_with("gen-"));
    let sent = &chat_requests(&app)[0];
    assert_eq!(sent.body["stream"], true);
    assert_eq!(sent.body["stream_options"]["include_usage"], true);
    assert!(!events
        .iter()
        .any(|e| format!("{e:?}").contains("OPENROUTER PROCESSING")));
}

#[tokio::test]
async fn chunks_reach_the_client_as_they_arrive_not_after_the_whole_answer() {
    let fake = FakeConfig {
        chunk_delay: Duration::from_millis(300),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let started = Instant::now();
    let res = post(
        &app,
        &app.client,
        "/api/ai/chat",
        &stream_chat("one two three four five six"),
    )
    .await;
    let mut body = res.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        seen.push_str(&String::from_utf8_lossy(
            &body.next().await.unwrap().unwrap(),
        ));
    }
    let first = started.elapsed();
    while let Some(chunk) = body.next().await {
        seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    let total = started.elapsed();
    assert!(
        total >= Duration::from_millis(2000),
        "the fake paced the answer: {total:?}"
    );
    assert!(
        first < Duration::from_millis(1200),
        "first delta after {first:?} of {total:?}"
    );
    assert!(seen.contains("event: done"));
}

#[tokio::test]
async fn a_provider_failure_mid_stream_ends_with_an_error_event_and_keeps_what_was_produced() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let res = post(
        &app,
        &app.client,
        "/api/ai/chat",
        &stream_chat("MIDSTREAM_FAIL now please"),
    )
    .await;
    assert_eq!(res.status(), 200);
    let events = parse_events(&res.text().await.unwrap());
    assert_eq!(
        deltas(&events),
        "You asked: ",
        "the two pieces before the failure"
    );
    let Some(Event::Named(name, error)) = events.last() else {
        panic!("no final event")
    };
    assert_eq!(name, "error");
    assert_eq!(error["error"], "Provider error");
    assert!(
        !error.to_string().contains("Provider disconnected"),
        "OpenRouter's words stay inside"
    );
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::Named(n, _) if n == "done")));
    let report = usage_with(&app, &app.client, 1).await;
    let call = &report["recent"][0];
    assert_eq!(call["outcome"], "error:midstream");
    assert!(
        call["tokensOut"].as_u64().unwrap() > 0,
        "what was produced is counted"
    );
    assert!(call["generationId"].as_str().unwrap().starts_with("gen-"));
}

#[tokio::test]
async fn a_client_that_disconnects_cancels_the_upstream_stream_and_frees_its_slot() {
    let fake = FakeConfig {
        chunk_delay: Duration::from_millis(200),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[]).await;
    let user = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let prompt = "a long answer with many many words that takes seconds to stream out";
    let res = post(&app, &app.client, "/api/ai/chat", &stream_chat(prompt)).await;
    let mut body = res.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        seen.push_str(&String::from_utf8_lossy(
            &body.next().await.unwrap().unwrap(),
        ));
    }
    assert_eq!(app.fake.open_streams(), 1);
    assert_eq!(app.state.ai.in_flight.current(&user), 1);
    drop(body);
    assert!(
        eventually(|| app.fake.open_streams() == 0 && app.fake.cancelled_streams() == 1).await,
        "upstream still open: {} open, {} cancelled",
        app.fake.open_streams(),
        app.fake.cancelled_streams()
    );
    assert!(
        eventually(|| app.state.ai.in_flight.current(&user) == 0).await,
        "slot freed"
    );
    let report = usage_with(&app, &app.client, 1).await;
    let call = &report["recent"][0];
    assert_eq!(call["outcome"], "cancelled");
    assert_eq!(call["feature"], "chat");
    assert!(call["tokensOut"].as_u64().unwrap() > 0);
    let models = app.get_json(&app.client, "/api/ai/models").await;
    let model = models["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == call["model"])
        .expect("the model is listed");
    let price = |k: &str| -> f64 { model["pricing"][k].as_str().unwrap().parse().unwrap() };
    let expected = call["tokensIn"].as_f64().unwrap() * price("prompt")
        + call["tokensOut"].as_f64().unwrap() * price("completion");
    assert!(expected > 0.0);
    assert!(
        (call["cost"].as_f64().unwrap() - expected).abs() < 1e-12,
        "the cut-off call costs its estimated tokens at the model's prices: {call}"
    );
}

#[tokio::test]
async fn a_streamed_generation_ends_with_the_cleaned_code() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let body = json!({"language": "rust", "prompt": "add numbers", "stream": true});
    let res = post(&app, &app.client, "/api/ai/generate-code", &body).await;
    assert_eq!(res.status(), 200);
    let events = parse_events(&res.text().await.unwrap());
    let Some(Event::Named(name, done)) = events.last() else {
        panic!("no final event")
    };
    assert_eq!(name, "done");
    let code = done["code"].as_str().unwrap();
    assert!(
        deltas(&events).starts_with("```rust\n"),
        "the model's answer is fenced"
    );
    assert!(!code.contains("```"), "{code}");
    assert!(
        code.contains("pub fn add(a: i64, b: i64) -> i64 {"),
        "{code}"
    );
}
