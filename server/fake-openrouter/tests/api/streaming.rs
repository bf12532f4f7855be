//! Streaming `POST /api/v1/chat/completions`.

use std::time::Duration;

use fake_openrouter::FakeConfig;
use futures::StreamExt;
use serde_json::Value;

use crate::helpers::{
    chat_body, contents, eventually, fake, fake_with, parse_events, post_chat, Event,
};

const PROMPT: &str = "Write a Rust function that adds two numbers\nand returns the sum";

async fn stream_events(prompt: &str) -> (Vec<Event>, String) {
    let fake = fake().await;
    let response = post_chat(&fake, "abc1", &chat_body(None, prompt, true)).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let generation = response.headers()["x-generation-id"]
        .to_str()
        .unwrap()
        .to_owned();
    (parse_events(&response.text().await.unwrap()), generation)
}

fn data(event: &Event) -> &Value {
    match event {
        Event::Data(chunk) => chunk,
        other => panic!("expected a data chunk, got {other:?}"),
    }
}

#[tokio::test]
async fn a_stream_sends_comment_role_contents_finish_usage_then_done() {
    let (events, generation) = stream_events(PROMPT).await;

    assert_eq!(events[0], Event::Comment("OPENROUTER PROCESSING".into()));
    let role = data(&events[1]);
    assert_eq!(role["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(role["object"], "chat.completion.chunk");

    let n = events.len();
    assert_eq!(events[n - 1], Event::Done, "[DONE] comes last");
    let usage = data(&events[n - 2]);
    assert_eq!(
        usage["choices"],
        serde_json::json!([]),
        "usage chunk has empty choices"
    );
    assert!(usage["usage"]["total_tokens"].as_u64().unwrap() > 0);
    assert!(usage["usage"]["cost"].is_number());
    let finish = data(&events[n - 3]);
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");

    let middle = &events[2..n - 3];
    assert!(middle.len() >= 5, "the content comes in several chunks");
    for event in middle {
        let chunk = data(event);
        assert!(chunk["choices"][0]["delta"]["content"].is_string());
        assert!(chunk["choices"][0]["finish_reason"].is_null());
    }
    for event in &events[1..n - 1] {
        assert_eq!(
            data(event)["id"],
            generation.as_str(),
            "one generation id throughout"
        );
    }
}

#[tokio::test]
async fn streamed_chunks_concatenate_to_the_non_streamed_content() {
    let (events, _) = stream_events(PROMPT).await;
    let fake = fake().await;
    let body: Value = post_chat(&fake, "abc1", &chat_body(None, PROMPT, false))
        .await
        .json()
        .await
        .unwrap();
    let whole = body["choices"][0]["message"]["content"].as_str().unwrap();
    assert_eq!(contents(&events).concat(), whole);
    let usage = data(&events[events.len() - 2]);
    assert_eq!(
        usage["usage"]["total_tokens"],
        body["usage"]["total_tokens"]
    );
}

#[tokio::test]
async fn midstream_fail_sends_two_chunks_then_an_error_chunk_and_no_done() {
    let (events, _) = stream_events("please MIDSTREAM_FAIL now").await;
    assert!(matches!(events[0], Event::Comment(_)));
    assert_eq!(data(&events[1])["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(contents(&events), ["You ", "asked: "]);
    let last = data(events.last().unwrap());
    assert_eq!(last["choices"][0]["finish_reason"], "error");
    assert!(
        last["error"]["message"].is_string(),
        "the error is top-level"
    );
    assert!(!events.contains(&Event::Done));
    assert_eq!(events.len(), 5);
}

#[tokio::test]
async fn a_client_that_drops_a_stream_is_counted_as_cancelled() {
    let fake = fake_with(FakeConfig {
        chunk_delay: Duration::from_millis(100),
        ..FakeConfig::default()
    })
    .await;
    let long_prompt = "word ".repeat(200);
    let response = post_chat(&fake, "abc1", &chat_body(None, &long_prompt, true)).await;
    let mut body = response.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(first.starts_with(b": OPENROUTER PROCESSING"));
    assert_eq!(fake.open_streams(), 1);

    drop(body);
    assert!(
        eventually(Duration::from_secs(5), || fake.open_streams() == 0).await,
        "the stream closes once the client has gone"
    );
    assert_eq!(fake.cancelled_streams(), 1);
    let counts: Value = crate::helpers::client()
        .get(format!("http://{}/__fake/streams", fake.addr()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counts, serde_json::json!({"open": 0, "cancelled": 1}));
}

#[tokio::test]
async fn a_stream_read_to_the_end_is_closed_and_not_cancelled() {
    let fake = fake().await;
    let response = post_chat(&fake, "abc1", &chat_body(None, PROMPT, true)).await;
    let _ = response.text().await.unwrap();
    assert!(eventually(Duration::from_secs(2), || fake.open_streams() == 0).await);
    assert_eq!(fake.cancelled_streams(), 0);
}
