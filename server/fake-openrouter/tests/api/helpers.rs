//! Starting a fake and talking to it.

use std::time::Duration;

use fake_openrouter::{key, FakeConfig, FakeOpenRouter};
use serde_json::{json, Value};

/// A fake with the default config: no delays.
pub async fn fake() -> FakeOpenRouter {
    fake_with(FakeConfig::default()).await
}

/// A fake with `config`.
pub async fn fake_with(config: FakeConfig) -> FakeOpenRouter {
    FakeOpenRouter::start(config)
        .await
        .expect("the fake starts")
}

/// A client that never follows redirects and never uses a proxy.
pub fn client() -> reqwest::Client {
    client_builder().build().expect("a client")
}

/// The builder behind [`client`], for tests that add a timeout.
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
}

/// `Authorization` header value for a key whose hex starts with `prefix`.
pub fn bearer(prefix: &str) -> String {
    format!("Bearer {}", key(prefix))
}

/// A chat body with one user message.
pub fn chat_body(model: Option<&str>, prompt: &str, stream: bool) -> Value {
    let mut body = json!({
        "messages": [{"role": "user", "content": prompt}],
        "stream": stream,
    });
    if let Some(model) = model {
        body["model"] = json!(model);
    }
    body
}

/// POSTs `body` to the fake's chat endpoint with the key `prefix`.
pub async fn post_chat(fake: &FakeOpenRouter, prefix: &str, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/chat/completions", fake.base_url()))
        .header("authorization", bearer(prefix))
        .json(body)
        .send()
        .await
        .expect("the fake answers")
}

/// GETs `path` under the base URL with the key `prefix`, or with no key.
pub async fn get(fake: &FakeOpenRouter, path: &str, prefix: Option<&str>) -> reqwest::Response {
    let mut request = client().get(format!("{}{path}", fake.base_url()));
    if let Some(prefix) = prefix {
        request = request.header("authorization", bearer(prefix));
    }
    request.send().await.expect("the fake answers")
}

/// Asserts an OpenRouter error body with `status` and returns its `error` object.
pub async fn expect_error(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status);
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(
        body["error"]["code"], status,
        "error.code equals the status"
    );
    assert!(body["error"]["message"].is_string());
    body["error"].clone()
}

/// One server-sent event as the client sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Comment(String),
    Data(Value),
    Done,
}

/// Splits an SSE body into its events.
pub fn parse_events(text: &str) -> Vec<Event> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            if let Some(comment) = block.strip_prefix(':') {
                Event::Comment(comment.trim().to_owned())
            } else {
                let data = block.strip_prefix("data: ").expect("a data event");
                if data == "[DONE]" {
                    Event::Done
                } else {
                    Event::Data(serde_json::from_str(data).expect("a JSON chunk"))
                }
            }
        })
        .collect()
}

/// The `content` deltas of a stream, in order.
pub fn contents(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Data(chunk) => chunk["choices"][0]["delta"]["content"].as_str(),
            _ => None,
        })
        .filter(|content| !content.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Polls `condition` until it holds or `within` has passed.
pub async fn eventually(within: Duration, condition: impl Fn() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    condition()
}
