//! One user's worst requests cannot freeze the server for everyone else.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_openrouter::key;
use serde_json::{json, Value};
use server::ai::limits::{InFlight, MAX_CODE_CHARS, MAX_MESSAGE_CHARS, MAX_TOTAL_CHARS};
use tokio::sync::oneshot;

use super::user_with_key;
use crate::helpers::{client, spawn_app};

/// What B may wait for one answer while A is at it: generous, against the milliseconds an
/// idle server takes, and far below the seconds a quadratic pass over A's input costs.
const BOUND: Duration = Duration::from_secs(2);
/// How often B asks, idle and then under load.
const ROUNDS: usize = 6;

/// A code completion with the largest prefix and suffix allowed, all newlines.
fn worst_completion() -> Value {
    let newlines = "\n".repeat(MAX_CODE_CHARS);
    json!({"language": "rust", "prefix": newlines, "suffix": newlines})
}

/// A chat with as much text as allowed, in messages of the largest size allowed.
fn worst_chat() -> Value {
    let count = MAX_TOTAL_CHARS / MAX_MESSAGE_CHARS;
    let message = json!({"role": "user", "content": "\n".repeat(MAX_MESSAGE_CHARS)});
    json!({"messages": vec![message; count]})
}

/// The slowest `/health` and chat B saw in [`ROUNDS`] tries, and the most calls A had in
/// flight when B started one.
#[derive(Debug, Default, Clone, Copy)]
struct Observed {
    health: Duration,
    chat: Duration,
    a_in_flight: usize,
}

async fn observe(base: &str, b: &reqwest::Client, a: &InFlight, a_id: &str) -> Observed {
    let mut seen = Observed::default();
    for round in 0..ROUNDS {
        seen.a_in_flight = seen.a_in_flight.max(a.current(a_id));
        let started = Instant::now();
        let health = b.get(format!("{base}/health")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        seen.health = seen.health.max(started.elapsed());

        let prompt = format!("B's question {round}");
        let started = Instant::now();
        let res = b
            .post(format!("{base}/api/ai/chat"))
            .json(&json!({"messages": [{"role": "user", "content": prompt}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            super::asked(&body["message"]["content"]),
            Some(prompt.as_str())
        );
        seen.chat = seen.chat.max(started.elapsed());
    }
    seen
}

/// B's side, on its own thread and runtime, so that B's own client never waits for the
/// workers the server shares with A: signs up, measures idle, waits for `go`, measures again.
fn user_b(
    base: String,
    a: InFlight,
    a_id: String,
    idle: oneshot::Sender<Observed>,
    go: oneshot::Receiver<()>,
) -> std::thread::JoinHandle<Observed> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert(
                "sec-fetch-site",
                reqwest::header::HeaderValue::from_static("same-origin"),
            );
            let b = reqwest::Client::builder()
                .cookie_store(true)
                .default_headers(headers)
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap();
            let signed_up = b
                .post(format!("{base}/api/auth/signup"))
                .json(&json!({"email": "b@example.com", "password": crate::helpers::PASSWORD}))
                .send()
                .await
                .unwrap();
            assert_eq!(signed_up.status(), 201);
            let saved = b
                .post(format!("{base}/api/user/api-key"))
                .json(&json!({"apiKey": key("b2")}))
                .send()
                .await
                .unwrap();
            assert_eq!(saved.status(), 200);
            let _ = idle.send(observe(&base, &b, &a, &a_id).await);
            let _ = go.await;
            observe(&base, &b, &a, &a_id).await
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_users_worst_requests_leave_another_users_health_and_chat_answering_promptly() {
    let app = spawn_app().await;
    let a = client();
    let a_id = user_with_key(&app, &a, "a@example.com", "a1").await;
    let cap = app.state.config.ai_max_in_flight_per_user;

    let (idle_tx, idle_rx) = oneshot::channel();
    let (go_tx, go_rx) = oneshot::channel();
    let b = user_b(
        app.url(""),
        app.state.ai.in_flight.clone(),
        a_id.clone(),
        idle_tx,
        go_rx,
    );
    let idle = idle_rx.await.unwrap();

    // A keeps `cap` of the worst requests in flight, in parallel, until B is done.
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let lanes: Vec<_> = (0..cap)
        .map(|lane| {
            let (a, stop, served) = (a.clone(), Arc::clone(&stop), Arc::clone(&served));
            let (path, body) = if lane + 1 < cap {
                (app.url("/api/ai/code-completion"), worst_completion())
            } else {
                (app.url("/api/ai/chat"), worst_chat())
            };
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let res = a.post(&path).json(&body).send().await.unwrap();
                    assert_eq!(res.status(), 200, "{path}");
                    res.bytes().await.unwrap();
                    served.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    go_tx.send(()).unwrap();
    let loaded = tokio::task::spawn_blocking(move || b.join().unwrap())
        .await
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    for lane in lanes {
        lane.await.unwrap();
    }

    eprintln!(
        "idle: {idle:?}; under load: {loaded:?}; A served {}",
        served.load(Ordering::Relaxed)
    );
    assert!(
        loaded.a_in_flight >= 1,
        "A's requests were in flight while B asked"
    );
    assert!(served.load(Ordering::Relaxed) >= cap, "A was served too");
    assert!(loaded.health < BOUND, "/health took {:?}", loaded.health);
    assert!(loaded.chat < BOUND, "B's chat took {:?}", loaded.chat);
}
