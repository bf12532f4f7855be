//! `POST /api/ai/chat` with a `conversationId`: the prompt and the answer are kept by the
//! server, however the answer ends, and earlier turns go upstream within the context budget.

mod context;
mod endings;
mod kept;

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::send;
use crate::ai::chat_requests;
use crate::helpers::TestApp;

/// Polls the conversation until it holds `n` turns and the last one has `status`.
pub async fn eventually_turns(
    app: &TestApp,
    c: &reqwest::Client,
    id: &str,
    status: &str,
    n: usize,
) -> bool {
    for _ in 0..250 {
        let (_, got) = send(
            app,
            c,
            Method::GET,
            &format!("/api/conversations/{id}"),
            None,
        )
        .await;
        let turns = got["turns"].as_array().cloned().unwrap_or_default();
        if turns.len() == n && turns.last().is_some_and(|t| t["status"] == status) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

async fn turns(app: &TestApp, c: &reqwest::Client, id: &str) -> Vec<Value> {
    let (status, got) = send(
        app,
        c,
        Method::GET,
        &format!("/api/conversations/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{got}");
    got["turns"].as_array().unwrap().clone()
}

fn ask(id: &str, prompt: &str, stream: bool) -> Value {
    json!({"messages": [{"role": "user", "content": prompt}], "conversationId": id, "stream": stream})
}

/// The roles and contents the fake received in its latest chat request.
fn last_sent(app: &TestApp) -> Vec<(String, String)> {
    let sent = chat_requests(app);
    let body = &sent.last().expect("a chat went upstream").body;
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap().to_owned(),
                m["content"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
