//! However an answer ends, the conversation keeps what was produced: a client that leaves, a
//! failed call, a stream broken midway.

use std::time::Duration;

use fake_openrouter::FakeConfig;
use futures::StreamExt;
use reqwest::Method;

use super::{ask, eventually_turns, turns};
use crate::ai::{deltas, parse_events, user_with_key};
use crate::conversations::{conversation, send, workspace};
use crate::helpers::{spawn_app, spawn_app_with_fake};

#[tokio::test]
async fn a_client_that_leaves_mid_answer_leaves_what_was_produced_in_the_conversation() {
    let fake = FakeConfig {
        chunk_delay: Duration::from_millis(200),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[]).await;
    let c = app.new_client();
    user_with_key(&app, &c, "a@example.com", "a1").await;
    let ws = workspace(&app, &c).await;
    let id = conversation(&app, &c, &ws).await;
    let prompt = "a long answer with many many words that takes seconds to stream out";
    let res = app.post(&c, "/api/ai/chat", &ask(&id, prompt, true)).await;
    let mut body = res.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        seen.push_str(&String::from_utf8_lossy(
            &body.next().await.unwrap().unwrap(),
        ));
    }
    // Meanwhile, another device sees the prompt and the answer on its way.
    let kept = turns(&app, &c, &id).await;
    assert_eq!(kept[0]["content"], prompt);
    assert_eq!(kept[1]["status"], "answering");
    drop(body);
    assert!(
        eventually_turns(&app, &c, &id, "stopped", 2).await,
        "{:?}",
        turns(&app, &c, &id).await
    );
    let kept = turns(&app, &c, &id).await;
    let produced = kept[1]["content"].as_str().unwrap();
    let received = deltas(&parse_events(seen.trim_end_matches(|ch| ch != '\n')));
    assert!(!produced.is_empty());
    assert!(
        produced.starts_with(&received),
        "what the client saw is kept: {produced:?} / {received:?}"
    );
    assert!(app.fake.cancelled_streams() >= 1);
}

#[tokio::test]
async fn a_call_that_fails_leaves_the_conversation_as_it_was_and_a_broken_stream_keeps_its_part() {
    let app = spawn_app().await;
    let c = app.new_client();
    user_with_key(&app, &c, "a@example.com", "a1").await;
    let ws = workspace(&app, &c).await;
    let id = conversation(&app, &c, &ws).await;
    let (status, _) = send(
        &app,
        &c,
        Method::POST,
        "/api/ai/chat",
        Some(ask(&id, "FAKE_ERROR:provider_unavailable", false)),
    )
    .await;
    assert!(status >= 500, "{status}");
    let (status, _) = send(
        &app,
        &c,
        Method::POST,
        "/api/ai/chat",
        Some(ask(&id, "FAKE_ERROR:rate_limit_exceeded", true)),
    )
    .await;
    assert_eq!(status, 429);
    assert!(
        turns(&app, &c, &id).await.is_empty(),
        "nothing kept of failed calls"
    );

    let res = app
        .post(
            &c,
            "/api/ai/chat",
            &ask(&id, "MIDSTREAM_FAIL now please", true),
        )
        .await;
    let events = parse_events(&res.text().await.unwrap());
    assert!(eventually_turns(&app, &c, &id, "failed", 2).await);
    let kept = turns(&app, &c, &id).await;
    assert_eq!(kept[1]["content"].as_str().unwrap(), deltas(&events));
}
