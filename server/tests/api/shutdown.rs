//! Operating the server: graceful shutdown (streams finish or are cut at the grace period,
//! and no usage row is lost), readiness, and the metrics listener.

use std::sync::atomic::Ordering;
use std::time::Duration;

use fake_openrouter::FakeConfig;
use futures::future::join_all;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use server::entities::ai_usage;

use crate::ai::{parse_events, user_with_key, Event};
use crate::helpers::{client, spawn_app_until, spawn_app_with, TestApp};

fn stream_chat(prompt: &str) -> Value {
    json!({"messages": [{"role": "user", "content": prompt}], "stream": true})
}

/// `n` users with keys, each with their own browser.
async fn users(app: &TestApp, n: usize) -> Vec<(String, reqwest::Client)> {
    let mut out = Vec::new();
    for i in 0..n {
        let browser = client();
        let id = user_with_key(
            app,
            &browser,
            &format!("u{i}@example.com"),
            &format!("{i:02x}"),
        )
        .await;
        out.push((id, browser));
    }
    out
}

/// Starts one streamed chat per user and waits until each has its first answer bytes, so all
/// are open at once; returns the bodies still being read.
async fn open_streams(
    app: &TestApp,
    users: &[(String, reqwest::Client)],
) -> Vec<reqwest::Response> {
    let started = users.iter().map(|(_, browser)| async move {
        let res = browser
            .post(app.url("/api/ai/chat"))
            .json(&stream_chat("one two three four five six seven eight"))
            .send()
            .await
            .expect("the stream starts");
        assert_eq!(res.status(), 200);
        res
    });
    join_all(started).await
}

async fn rows_of(app: &TestApp, outcome: &str) -> usize {
    ai_usage::Entity::find()
        .filter(ai_usage::Column::Outcome.eq(outcome))
        .all(&app.db)
        .await
        .expect("the ledger reads")
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_shutdown_open_streams_finish_and_every_usage_row_is_written_before_the_server_stops() {
    let fake = FakeConfig {
        chunk_delay: Duration::from_millis(150),
        ..FakeConfig::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (app, server) = spawn_app_until(fake, &[("SHUTDOWN_GRACE_SECS", "30")], async {
        let _ = stopped.await;
    })
    .await;
    let users = users(&app, 6).await;
    let streams = open_streams(&app, &users).await;

    stop.send(()).unwrap();
    // The answers still arrive whole, and `/ready` has said the server is draining.
    let texts = join_all(
        streams
            .into_iter()
            .map(|res| async move { res.text().await.expect("the stream is read to its end") }),
    )
    .await;
    assert!(app.state.draining.load(Ordering::Relaxed));
    for text in &texts {
        let events = parse_events(text);
        assert!(
            matches!(events.last(), Some(Event::Named(name, _)) if name == "done"),
            "each stream ended with done: {text}"
        );
    }
    tokio::time::timeout(Duration::from_secs(30), server)
        .await
        .expect("the server stopped after its last stream")
        .unwrap()
        .unwrap();
    // The server has stopped: whatever the ledger had queued is in the database now.
    assert_eq!(
        rows_of(&app, "ok").await,
        users.len(),
        "one row per call, none lost"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_still_open_at_the_end_of_the_grace_period_are_cut_and_recorded_as_cancelled() {
    let fake = FakeConfig {
        // About 20 s per answer: far past the one-second grace.
        chunk_delay: Duration::from_secs(2),
        ..FakeConfig::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (app, server) = spawn_app_until(fake, &[("SHUTDOWN_GRACE_SECS", "1")], async {
        let _ = stopped.await;
    })
    .await;
    let users = users(&app, 3).await;
    let streams = open_streams(&app, &users).await;

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(15), server)
        .await
        .expect("the server stopped soon after the grace period, without waiting for the answers")
        .unwrap()
        .unwrap();
    for res in streams {
        let read = tokio::time::timeout(Duration::from_secs(5), res.text()).await;
        let ended_early = match read {
            Ok(Ok(text)) => !text.contains("event: done"),
            Ok(Err(_)) => true,
            Err(_) => panic!("a cut stream's client was left hanging"),
        };
        assert!(ended_early, "a cut stream did not finish its answer");
    }
    assert_eq!(
        rows_of(&app, "cancelled").await,
        users.len(),
        "every cut call has its row, written before the server stopped"
    );
}

#[tokio::test]
async fn ready_says_draining_once_shutdown_has_begun_while_health_stays_up() {
    let app = spawn_app_with(&[]).await;
    let ready = app.get(&app.client, "/ready").await;
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert!(body["database"].is_string());

    app.state.draining.store(true, Ordering::Relaxed);
    let ready = app.get(&app.client, "/ready").await;
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "draining");
    assert!(body["reason"].as_str().unwrap().contains("shutting down"));
    assert_eq!(app.get(&app.client, "/health").await.status(), 200);
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_only_and_count_calls_and_streams() {
    let (app, _server) = spawn_app_until(
        FakeConfig::default(),
        &[("METRICS_ADDR", "127.0.0.1:0")],
        std::future::pending(),
    )
    .await;
    let metrics_addr = app.metrics_addr.expect("a metrics listener");
    let users = users(&app, 1).await;
    let browser = &users[0].1;
    let plain = browser
        .post(app.url("/api/ai/chat"))
        .json(&json!({"messages": [{"role": "user", "content": "hello"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    let streamed = browser
        .post(app.url("/api/ai/chat"))
        .json(&stream_chat("hello again"))
        .send()
        .await
        .unwrap();
    assert!(streamed.text().await.unwrap().contains("event: done"));

    let public = app.get(&app.client, "/metrics").await;
    assert_eq!(public.status(), 404, "never on the public listener");

    // The ledger and the stream guard finish just after the answers; allow them a moment.
    let mut text = String::new();
    for _ in 0..50 {
        let res = reqwest::get(format!("http://{metrics_addr}/metrics"))
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        text = res.text().await.unwrap();
        if text.contains("studio_ledger_rows_written_total 2")
            && text.contains("studio_open_streams 0")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        text.contains("studio_http_requests_total{class=\"ai\",status=\"2xx\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("studio_upstream_calls_total{feature=\"chat\",outcome=\"ok\"} 2"),
        "{text}"
    );
    assert!(text.contains("studio_streams_opened_total 1"), "{text}");
    assert!(text.contains("studio_open_streams 0"), "{text}");
    assert!(
        text.contains("studio_ledger_rows_written_total 2"),
        "{text}"
    );
    assert!(
        text.contains("studio_ledger_rows_dropped_total 0"),
        "{text}"
    );
    assert!(
        text.contains("studio_model_cache_lookups_total{result=\"hit\"}"),
        "{text}"
    );
    assert!(
        text.contains("studio_http_requests_total{class=\"page\",status=\"4xx\"} 1"),
        "{text}"
    );
    assert!(!text.contains("sk-or-v1-"), "no key shape in the metrics");
}
