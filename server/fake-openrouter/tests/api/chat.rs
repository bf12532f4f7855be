//! Non-streaming `POST /api/v1/chat/completions`.

use serde_json::{json, Value};

use crate::helpers::{chat_body, fake, post_chat};

fn is_generation_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 3
        && parts[0] == "gen"
        && parts[1].len() >= 10
        && parts[1].chars().all(|c| c.is_ascii_digit())
        && parts[2].len() == 20
        && parts[2].chars().all(|c| c.is_ascii_alphanumeric())
}

#[tokio::test]
async fn a_chat_answers_the_last_user_message_in_markdown_with_usage_and_a_generation_id() {
    let fake = fake().await;
    let body = json!({
        "model": "openai/gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "An answer to first"},
            {"role": "user", "content": "Write a function that adds two numbers"},
        ],
    });
    let response = post_chat(&fake, "abc1", &body).await;
    assert_eq!(response.status(), 200);
    let header_id = response.headers()["x-generation-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();

    let id = body["id"].as_str().unwrap();
    assert!(is_generation_id(id), "{id} is gen-<unix>-<20 alnum>");
    assert_eq!(header_id, id);
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "openai/gpt-4o-mini");
    assert!(body["created"].is_u64());
    let choice = &body["choices"][0];
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["finish_reason"], "stop");
    assert_eq!(choice["message"]["role"], "assistant");
    let content = choice["message"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("You asked: Write a function that adds two numbers\n\n## "),
        "{content}"
    );
    assert!(content.contains("```rust\n/// Returns the sum of `a` and `b`.\npub fn add("));
    assert!(choice["message"]["refusal"].is_null());

    let usage = &body["usage"];
    let prompt = usage["prompt_tokens"].as_u64().unwrap();
    let completion = usage["completion_tokens"].as_u64().unwrap();
    assert!(prompt > 0 && completion > 0);
    assert_eq!(usage["total_tokens"].as_u64(), Some(prompt + completion));
    assert!(
        usage["cost"].as_f64().unwrap() > 0.0,
        "a paid model costs something"
    );
}

#[tokio::test]
async fn the_same_prompt_gets_the_same_answer_and_usage() {
    let fake = fake().await;
    let body = chat_body(None, "deterministic?", false);
    let first: Value = post_chat(&fake, "abc1", &body).await.json().await.unwrap();
    let second: Value = post_chat(&fake, "abc1", &body).await.json().await.unwrap();
    assert_eq!(first["choices"], second["choices"]);
    assert_eq!(first["usage"], second["usage"]);
    assert_ne!(first["id"], second["id"], "each generation has its own id");
}

#[tokio::test]
async fn an_omitted_model_means_the_default_model() {
    let fake = fake().await;
    let body: Value = post_chat(&fake, "abc1", &chat_body(None, "hi", false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["model"], fake_openrouter::DEFAULT_MODEL);
}

#[tokio::test]
async fn a_free_model_costs_nothing() {
    let fake = fake().await;
    let body = chat_body(Some("z-ai/glm-4.5-air:free"), "hi there", false);
    let body: Value = post_chat(&fake, "abc1", &body).await.json().await.unwrap();
    assert_eq!(body["usage"]["cost"].as_f64(), Some(0.0));
}

#[tokio::test]
async fn max_tokens_cuts_the_answer_with_finish_reason_length() {
    let fake = fake().await;
    let mut body = chat_body(None, "a rather long prompt to be cut short", false);
    body["max_tokens"] = json!(3);
    let body: Value = post_chat(&fake, "abc1", &body).await.json().await.unwrap();
    assert_eq!(body["choices"][0]["finish_reason"], "length");
    assert_eq!(body["usage"]["completion_tokens"], 3);
    assert_eq!(body["choices"][0]["message"]["content"], "You asked: a");
}
