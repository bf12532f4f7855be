//! Upstream answers are read with a cap: an oversized body is a clean 502, an over-long event
//! stream line ends the stream with an error event; neither is read to its end.

use std::time::{Duration, Instant};

use fake_openrouter::key;
use serde_json::json;
use server::openrouter::ApiKey;
use server::openrouter::UpstreamError;

use super::{chat, parse_events, post, post_json, user_with_key, Event};
use crate::helpers::spawn_app;

/// Reading all of a 64 MiB answer from the fake takes far longer than this on this machine's
/// debug build; stopping at the cap does not.
const PROMPTLY: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_upstream_bodies_give_a_json_502_without_being_read_whole() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let started = Instant::now();
    let calls = [
        chat("OVERSIZED_BODY please"),
        chat("OVERSIZED_ERROR please"),
        chat("OVERSIZED_BODY again"),
        chat("OVERSIZED_ERROR again"),
    ];
    let answers = futures::future::join_all(
        calls
            .iter()
            .map(|body| post_json(&app, &app.client, "/api/ai/chat", body)),
    )
    .await;
    for (i, (status, body)) in answers.iter().enumerate() {
        assert_eq!(*status, 502, "call {i}: {body}");
        assert!(
            body["error"].is_string() && body["message"].is_string(),
            "{body}"
        );
        assert!(
            !body.to_string().contains("xxxx"),
            "no upstream text: {body}"
        );
    }
    assert_eq!(answers[0].1["error"], "Upstream error");
    assert_eq!(answers[1].1["error"], "Provider unavailable");
    assert!(started.elapsed() < PROMPTLY, "took {:?}", started.elapsed());

    // The studio still answers normally afterwards.
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hello")).await;
    assert_eq!(
        (status, super::asked(&body["message"]["content"])),
        (200, Some("hello"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_over_long_event_stream_line_ends_the_stream_with_an_error_event() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let started = Instant::now();
    let body = json!({"messages": [{"role": "user", "content": "OVERSIZED_BODY"}], "stream": true});
    let streams = futures::future::join_all((0..3).map(|_| async {
        let res = post(&app, &app.client, "/api/ai/chat", &body).await;
        assert_eq!(res.status(), 200);
        res.text().await.unwrap()
    }))
    .await;
    for text in streams {
        let events = parse_events(&text);
        let Some(Event::Named(name, data)) = events.last() else {
            panic!("no final event in {text:.200}")
        };
        assert_eq!(name, "error", "{text:.200}");
        assert_eq!(data["error"], "Stream interrupted");
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::Named(n, _) if n == "done" || n == "delta")),
            "nothing of the over-long line was relayed"
        );
    }
    assert!(started.elapsed() < PROMPTLY, "took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_key_check_answer_is_refused_and_saves_nothing() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let oversized = key("b16b");
    let parsed = ApiKey::parse(&oversized).unwrap();
    let save = json!({"apiKey": oversized});
    let (direct, saved) = tokio::join!(
        app.state.openrouter.key_info(&parsed),
        post_json(&app, &app.client, "/api/user/api-key", &save)
    );
    assert!(
        matches!(direct, Err(UpstreamError::TooLarge { .. })),
        "{direct:?}"
    );
    assert!(saved.0 >= 500, "{saved:?}");
    let stored = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(stored["hasApiKey"], false, "{stored}");
}
