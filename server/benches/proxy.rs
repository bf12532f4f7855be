//! The studio's proxy overhead: the same non-streaming chat sent to the fake OpenRouter directly,
//! then through the studio (session lookup, key decryption, limits, the upstream call, the usage
//! ledger), by the same number of concurrent clients, each signed in as its own user.
//!
//! Run: `cargo bench -p server --bench proxy`
//! Tune with `PROXY_BENCH_CLIENTS` (default 32), `PROXY_BENCH_SECONDS` (default 5) and
//! `PROXY_BENCH_DATABASE_URL` (default: a fresh SQLite file; a `postgres://` URL names a fresh,
//! empty database), and `CACHE_TTL_SECS` (0 turns the studio's state caches off). Clients,
//! studio and fake share the machine's cores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_openrouter::{key, FakeConfig, FakeOpenRouter};
use server::config::Config;
use server::kit::clock::SystemClock;
use server::Application;

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

/// One client: where it sends, with what.
#[derive(Clone)]
struct Target {
    client: reqwest::Client,
    url: String,
    authorization: Option<String>,
}

async fn run() {
    let clients = env_or("PROXY_BENCH_CLIENTS", 32);
    let seconds = env_or("PROXY_BENCH_SECONDS", 5);
    let fake = FakeOpenRouter::start(FakeConfig::default())
        .await
        .expect("the fake starts");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database_url = std::env::var("PROXY_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("studio.db").display()));
    let keyring = dir.path().join("keyring.json").display().to_string();
    let config = Config::from_lookup(|name| match name {
        "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".to_owned()),
        "DATABASE_URL" => Some(database_url.clone()),
        "OPENROUTER_BASE_URL" => Some(fake.base_url()),
        "STUDIO_KEYRING_FILE" => Some(keyring.clone()),
        "AI_MAX_IN_FLIGHT_PER_USER" => Some("4".to_owned()),
        // Every bench client signs up and saves a key from 127.0.0.1.
        "LIMIT_SIGNUPS_PER_ADDRESS_HOUR"
        | "LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR"
        | "LIMIT_KEY_CHECKS_PER_USER_HOUR" => Some("100000".to_owned()),
        // `CACHE_TTL_SECS=0` measures the studio without its state caches.
        "CACHE_TTL_SECS" => std::env::var(name).ok(),
        _ => None,
    })
    .expect("a valid configuration");
    let app = Application::build_with_clock(config, Arc::new(SystemClock))
        .await
        .expect("the studio starts");
    let studio = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));

    let body = serde_json::json!({
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "user", "content": "Write a haiku about loopback interfaces."}],
    });

    let mut direct = Vec::new();
    let mut proxied = Vec::new();
    for i in 0..clients {
        let k = key(&format!("{i:04x}"));
        direct.push(Target {
            client: reqwest::Client::new(),
            url: format!("{}/chat/completions", fake.base_url()),
            authorization: Some(format!("Bearer {k}")),
        });
        proxied.push(signed_in(&studio, i, &k).await);
    }

    for (name, targets) in [("fake directly", &direct), ("through the studio", &proxied)] {
        for concurrency in [1, clients] {
            let targets = &targets[..usize::try_from(concurrency).expect("a small count")];
            measure(targets, &body, Duration::from_secs(60), 50).await;
            let (count, elapsed, p50, p99) =
                measure(targets, &body, Duration::from_secs(seconds), usize::MAX).await;
            println!(
                "{name:>20}, {concurrency:>3} clients: {count:>7} requests in {:.2} s, \
                 {:>6.0} requests/s, p50 {:>8.2?}, p99 {:>8.2?}",
                elapsed.as_secs_f64(),
                count as f64 / elapsed.as_secs_f64(),
                p50,
                p99
            );
        }
    }
    fake.shutdown().await;
}

/// Signs up user `i` on `studio` and stores `k` as their key.
async fn signed_in(studio: &str, i: u64, k: &str) -> Target {
    // As a browser on the studio's own page sends it (the CSRF layer wants it with a cookie).
    let mut same_origin = reqwest::header::HeaderMap::new();
    same_origin.insert(
        "sec-fetch-site",
        reqwest::header::HeaderValue::from_static("same-origin"),
    );
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(same_origin)
        .build()
        .expect("an HTTP client");
    let res = client
        .post(format!("{studio}/api/auth/signup"))
        .json(&serde_json::json!({
            "email": format!("bench{i}@example.com"),
            "password": "correct horse battery staple",
            "name": "Bench",
        }))
        .send()
        .await
        .expect("sign-up answers");
    assert_eq!(res.status(), 201, "sign-up");
    let res = client
        .post(format!("{studio}/api/user/api-key"))
        .json(&serde_json::json!({"apiKey": k}))
        .send()
        .await
        .expect("saving the key answers");
    assert_eq!(res.status(), 200, "saving the key");
    Target {
        client,
        url: format!("{studio}/api/ai/chat"),
        authorization: None,
    }
}

/// Each target sends requests back to back for `duration` or `each` requests, whichever comes
/// first; returns the count, the time taken, and the p50 and p99 latencies.
async fn measure(
    targets: &[Target],
    body: &serde_json::Value,
    duration: Duration,
    each: usize,
) -> (usize, Duration, Duration, Duration) {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = targets
        .iter()
        .cloned()
        .map(|t| {
            let body = body.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline && latencies.len() < each {
                    let one = Instant::now();
                    let mut req = t.client.post(&t.url).json(&body);
                    if let Some(a) = &t.authorization {
                        req = req.header("authorization", a);
                    }
                    let res = req.send().await.expect("an answer");
                    assert_eq!(res.status(), 200, "{}", t.url);
                    res.bytes().await.expect("a whole body");
                    latencies.push(one.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("a client task"));
    }
    let elapsed = started.elapsed();
    all.sort_unstable();
    let at = |p: usize| all.get(all.len() * p / 100).copied().unwrap_or_default();
    (all.len(), elapsed, at(50), at(99))
}
