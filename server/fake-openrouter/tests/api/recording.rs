//! The request log, over HTTP and through the library.

use fake_openrouter::{key, FakeConfig, RecordedRequest};
use serde_json::{json, Value};

use crate::helpers::{chat_body, client, fake, fake_with, get, post_chat};

async fn recorded_over_http(base: &str) -> Vec<RecordedRequest> {
    let control = base.replace("/api/v1", "/__fake/requests");
    client()
        .get(control)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_chat_request_is_recorded_with_its_key_attribution_headers_and_body() {
    let fake = fake().await;
    let body = chat_body(Some("openai/gpt-4o"), "whose key is this?", true);
    let response = client()
        .post(format!("{}/chat/completions", fake.base_url()))
        .header("authorization", format!("Bearer {}", key("a1")))
        .header("http-referer", "http://127.0.0.1:3000")
        .header("x-openrouter-title", "AiAppsy Web Studio")
        .header("x-title", "AiAppsy (legacy)")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    for requests in [fake.requests(), recorded_over_http(&fake.base_url()).await] {
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/api/v1/chat/completions");
        assert_eq!(request.authorization, Some(format!("Bearer {}", key("a1"))));
        assert_eq!(request.bearer_key(), Some(key("a1").as_str()));
        assert_eq!(
            request.http_referer.as_deref(),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(
            request.x_openrouter_title.as_deref(),
            Some("AiAppsy Web Studio")
        );
        assert_eq!(request.x_title.as_deref(), Some("AiAppsy (legacy)"));
        assert_eq!(request.title(), Some("AiAppsy Web Studio"));
        assert_eq!(request.body, body);
    }
}

#[tokio::test]
async fn two_users_requests_are_told_apart_by_their_keys() {
    let fake = fake().await;
    post_chat(&fake, "a1", &chat_body(None, "from A", false)).await;
    post_chat(&fake, "b2", &chat_body(None, "from B", false)).await;
    let keys: Vec<Option<String>> = fake
        .requests()
        .iter()
        .map(|r| r.bearer_key().map(str::to_owned))
        .collect();
    assert_eq!(keys, [Some(key("a1")), Some(key("b2"))]);
}

#[tokio::test]
async fn refused_requests_and_bodies_that_are_not_json_are_recorded_too() {
    let fake = fake().await;
    get(&fake, "/key", None).await;
    client()
        .post(format!("{}/chat/completions", fake.base_url()))
        .body("plain words")
        .send()
        .await
        .unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].path, "/api/v1/key");
    assert_eq!(requests[0].authorization, None);
    assert_eq!(requests[0].body, Value::Null);
    assert_eq!(requests[1].body, json!("plain words"));
}

#[tokio::test]
async fn delete_clears_the_log_and_control_routes_are_not_recorded() {
    let fake = fake().await;
    post_chat(&fake, "a1", &chat_body(None, "one", false)).await;
    let control = format!("http://{}/__fake/requests", fake.addr());
    let deleted = client().delete(&control).send().await.unwrap();
    assert!(deleted.status().is_success());
    assert!(recorded_over_http(&fake.base_url()).await.is_empty());
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn the_library_can_clear_the_log() {
    let fake = fake().await;
    post_chat(&fake, "a1", &chat_body(None, "one", false)).await;
    assert_eq!(fake.requests().len(), 1);
    fake.clear();
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn the_log_keeps_only_the_newest_requests_up_to_its_cap() {
    let fake = fake_with(FakeConfig {
        max_recorded_requests: 3,
        ..FakeConfig::default()
    })
    .await;
    for n in 0..5 {
        post_chat(&fake, "a1", &chat_body(None, &format!("n{n}"), false)).await;
    }
    let prompts: Vec<Value> = fake
        .requests()
        .into_iter()
        .map(|r| r.body["messages"][0]["content"].clone())
        .collect();
    assert_eq!(prompts, [json!("n2"), json!("n3"), json!("n4")]);
}
