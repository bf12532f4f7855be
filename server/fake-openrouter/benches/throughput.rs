//! Non-streaming throughput of the fake: N concurrent clients on 127.0.0.1, bounded in time
//! and count, with the fake started in-process with no delays.
//!
//! Run: `cargo bench -p fake-openrouter --bench throughput`
//! Tune with `FAKE_BENCH_CLIENTS` (default 32), `FAKE_BENCH_SECONDS` (default 5) and
//! `FAKE_BENCH_MAX_REQUESTS` (default 2,000,000). Client and server share the machine's
//! cores, so the figure is a lower bound on what the fake alone can serve.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use fake_openrouter::{key, FakeConfig, FakeOpenRouter};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    runtime.block_on(run());
}

async fn run() {
    let clients = env_or("FAKE_BENCH_CLIENTS", 32);
    let seconds = env_or("FAKE_BENCH_SECONDS", 5);
    let max_requests = env_or("FAKE_BENCH_MAX_REQUESTS", 2_000_000);

    let fake = FakeOpenRouter::start(FakeConfig::default())
        .await
        .expect("the fake starts");
    let url = format!("{}/chat/completions", fake.base_url());
    let body = serde_json::to_vec(&serde_json::json!({
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "user", "content": "Write a haiku about loopback interfaces."}],
    }))
    .expect("a JSON body");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(usize::try_from(clients).expect("a small client count"))
        .build()
        .expect("an HTTP client");
    let auth = format!("Bearer {}", key("be0c"));

    // Warm up connections and code paths before measuring.
    for _ in 0..100 {
        send(&client, &url, &auth, &body).await;
    }

    let sent = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, auth, body, sent) = (
            client.clone(),
            url.clone(),
            auth.clone(),
            body.clone(),
            Arc::clone(&sent),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline && sent.fetch_add(1, Ordering::Relaxed) < max_requests {
                let one = Instant::now();
                send(&client, &url, &auth, &body).await;
                latencies.push(one.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("a client task"));
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let count = latencies.len();
    let percentile = |p: usize| latencies.get(count * p / 100).copied().unwrap_or_default();
    println!(
        "fake-openrouter non-streaming: {count} requests, {clients} clients, {:.2} s: \
         {:.0} requests/s (p50 {:?}, p99 {:?})",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        percentile(50),
        percentile(99),
    );
    assert!(
        fake.requests().len() <= fake.config().max_recorded_requests,
        "the request log stays bounded"
    );
    fake.shutdown().await;
}

async fn send(client: &reqwest::Client, url: &str, auth: &str, body: &[u8]) {
    let response = client
        .post(url)
        .header("authorization", auth)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .expect("the fake answers");
    assert_eq!(response.status(), 200);
    response.bytes().await.expect("a whole body");
}
