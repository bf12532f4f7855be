//! Upstream calls over HTTP/2 (`OPENROUTER_HTTP_VERSION=2`, as OpenRouter negotiates over TLS),
//! and the lanes that keep long streams from queueing behind a connection's stream limit.

use std::time::Duration;

use fake_openrouter::{key, FakeConfig, FakeOpenRouter};
use futures::future::join_all;
use serde_json::json;
use server::openrouter::client::{HttpVersion, Timeouts};
use server::openrouter::types::{ChatCompletionRequest, UpstreamMessage};
use server::openrouter::{ApiKey, OpenRouterClient};

use super::{chat, chat_requests, deltas, parse_events, post, post_json, user_with_key};
use crate::helpers::spawn_app_with;

#[tokio::test]
async fn over_http2_plain_and_streamed_chats_reach_the_fake_and_come_back_whole() {
    let app = spawn_app_with(&[("OPENROUTER_HTTP_VERSION", "2")]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("Say hi")).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        super::asked(&body["message"]["content"]).is_some(),
        "{body}"
    );
    let streamed = json!({"messages": [{"role": "user", "content": "Say hi"}], "stream": true});
    let res = post(&app, &app.client, "/api/ai/chat", &streamed).await;
    assert_eq!(res.status(), 200);
    let events = parse_events(&res.text().await.unwrap());
    assert!(!deltas(&events).is_empty(), "{events:?}");
    let calls = chat_requests(&app);
    assert_eq!(calls.len(), 2);
    for call in calls {
        assert_eq!(call.version, "HTTP/2.0", "{call:?}");
    }
}

/// hyper's HTTP/2 server (the fake's) grants 200 streams per connection, as a real server
/// grants some such number; 250 held streams need a third lane of 100.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_and_fifty_held_streams_all_start_over_three_http2_lanes() {
    let fake = FakeOpenRouter::start(FakeConfig {
        chunk_delay: Duration::from_secs(60),
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let timeouts = Timeouts {
        // Headers come at once; a stream queued behind the connection's limit would wait here.
        completion: Duration::from_secs(10),
        ..Timeouts::default()
    };
    let client = OpenRouterClient::with_version(
        &fake.base_url(),
        "http://studio.test",
        timeouts,
        HttpVersion::Http2,
        100,
    )
    .unwrap();
    let api_key = ApiKey::parse(&key("a1")).unwrap();
    let body = ChatCompletionRequest {
        model: "openai/gpt-4o-mini".into(),
        models: None,
        messages: vec![UpstreamMessage {
            role: "user".into(),
            content: "one two three".into(),
        }],
        stream: true,
        max_tokens: None,
        temperature: None,
        stream_options: None,
    };
    let started = join_all((0..250).map(|_| client.chat_stream(&api_key, &body))).await;
    let held: Vec<_> = started
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every stream got its headers");
    assert_eq!(held.len(), 250);
    assert_eq!(fake.open_streams(), 250, "all are open upstream at once");
    assert_eq!(client.lanes(), 3);
    drop(held);
    // Places are given back: another burst fits the lanes already open.
    let again = join_all((0..150).map(|_| client.chat_stream(&api_key, &body))).await;
    assert!(again.iter().all(Result::is_ok));
    assert_eq!(client.lanes(), 3);
}
