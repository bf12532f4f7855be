//! The AI endpoints against the fake OpenRouter.

mod caps;
mod concurrency;
mod endpoints;
mod errors;
mod fairness;
mod fallbacks;
mod ledger;
mod limits;
mod models;
mod spend;
mod streaming;
mod upstream_http2;
mod usage_csv;

use std::time::Duration;

use fake_openrouter::{key, RecordedRequest};
use serde_json::{json, Value};

pub use crate::helpers::force_key;
use crate::helpers::TestApp;

/// The special models of the fake, accepted although its `/models` does not list them.
pub const FAKE_SPECIAL_MODELS: (&str, &str) = (
    "AI_EXTRA_MODELS",
    "bad/model,down/model,policy/model,redirect/model",
);

/// Signs up `email` on `client` and stores the key whose hex starts with `prefix`.
pub async fn user_with_key(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    prefix: &str,
) -> String {
    let id = app.sign_up_with(client, email).await;
    let res = client
        .post(app.url("/api/user/api-key"))
        .json(&json!({"apiKey": key(prefix)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "saving the key for {email}");
    id
}

/// POSTs `body` as JSON to `path`.
pub async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    app.post(client, path, body).await
}

/// POSTs and reads the status and JSON body.
pub async fn post_json(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let res = post(app, client, path, body).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A one-message chat body.
pub fn chat(prompt: &str) -> Value {
    json!({"messages": [{"role": "user", "content": prompt}]})
}

/// The question a chat answer of the fake quotes on its first line (`You asked: …`).
pub fn asked(answer: &Value) -> Option<&str> {
    answer.as_str()?.lines().next()?.strip_prefix("You asked: ")
}

/// The chat-completion requests the fake received, oldest first.
pub fn chat_requests(app: &TestApp) -> Vec<RecordedRequest> {
    app.fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/chat/completions")
        .collect()
}

/// One event of a client-side event stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A `: …` comment line.
    Comment(String),
    /// `event: <name>` with its JSON `data:`.
    Named(String, Value),
}

/// Reads a whole `text/event-stream` body.
pub fn parse_events(text: &str) -> Vec<Event> {
    let mut events = Vec::new();
    for block in text.split("\n\n").filter(|b| !b.trim().is_empty()) {
        if let Some(comment) = block.strip_prefix(':') {
            events.push(Event::Comment(comment.trim().to_owned()));
            continue;
        }
        let mut name = String::from("message");
        let mut data = String::new();
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event: ") {
                name = v.to_owned();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push_str(v);
            }
        }
        events.push(Event::Named(name, serde_json::from_str(&data).unwrap()));
    }
    events
}

/// The concatenated `delta` contents of `events`.
pub fn deltas(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Named(n, d) if n == "delta" => d["content"].as_str().map(str::to_owned),
            _ => None,
        })
        .collect()
}

/// The caller's usage report, once it holds `calls` calls (the ledger writes in the
/// background), or the last report after five seconds.
pub async fn usage_with(app: &TestApp, client: &reqwest::Client, calls: u64) -> Value {
    let mut report = Value::Null;
    for _ in 0..100 {
        report = client
            .get(app.url("/api/user/usage"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if report["totals"]["calls"].as_u64() == Some(calls) {
            return report;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    report
}

/// Polls `check` every 20 ms for up to five seconds.
pub async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..250 {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}
