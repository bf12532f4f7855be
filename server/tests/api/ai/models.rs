//! The model list and each user's default models.

use serde_json::{json, Value};

use super::{chat, chat_requests, post_json, user_with_key};
use crate::helpers::{client, spawn_app};

#[tokio::test]
async fn the_model_list_comes_from_openrouter_without_a_key_and_is_cached() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    let mut lists = Vec::new();
    for _ in 0..3 {
        let res = app
            .client
            .get(app.url("/api/ai/models"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        lists.push(res.json::<Value>().await.unwrap());
    }
    let models = lists[0]["models"].as_array().unwrap();
    let mini = models
        .iter()
        .find(|m| m["id"] == "openai/gpt-4o-mini")
        .unwrap();
    assert_eq!(mini["name"], "OpenAI: GPT-4o-mini");
    assert_eq!(mini["contextLength"], 128_000);
    assert_eq!(mini["pricing"]["prompt"], "0.00000015");
    assert_eq!(lists[0]["stale"], false);
    assert_eq!(lists[0], lists[2]);
    let fetched: Vec<_> = app
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/models")
        .collect();
    assert_eq!(fetched.len(), 1, "fetched once, then served from the cache");
    assert_eq!(fetched[0].authorization, None, "the list needs no key");
}

#[tokio::test]
async fn default_models_are_saved_per_feature_and_unknown_ones_refused() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let url = app.url("/api/user/model-preferences");
    let empty: Value = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        empty,
        json!({"chat": null, "codeCompletion": null, "generation": null})
    );

    let bad = json!({"chat": "nobody/knows", "codeCompletion": null, "generation": null});
    let res = app.client.put(&url).json(&bad).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("nobody/knows"));

    let prefs = json!({"chat": "anthropic/claude-3.5-haiku", "codeCompletion": "openai/gpt-4o", "generation": null});
    let res = app.client.put(&url).json(&prefs).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let saved: Value = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(saved, prefs);
    let other = client();
    user_with_key(&app, &other, "b@example.com", "b2").await;
    let theirs: Value = other.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(theirs["chat"], Value::Null, "preferences are per user");

    app.fake.clear();
    post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    let with_model =
        json!({"messages": [{"role": "user", "content": "hi"}], "model": "openai/gpt-4o"});
    post_json(&app, &app.client, "/api/ai/chat", &with_model).await;
    post_json(
        &app,
        &app.client,
        "/api/ai/code-completion",
        &json!({"language": "c", "prefix": "int "}),
    )
    .await;
    post_json(
        &app,
        &app.client,
        "/api/ai/generate-code",
        &json!({"language": "c", "prompt": "x"}),
    )
    .await;
    let models: Vec<Value> = chat_requests(&app)
        .into_iter()
        .map(|r| r.body["model"].clone())
        .collect();
    assert_eq!(
        models,
        [
            json!("anthropic/claude-3.5-haiku"),
            json!("openai/gpt-4o"),
            json!("openai/gpt-4o"),
            json!("openai/gpt-4o-mini"),
        ],
        "the user's default per feature, the request's model over it, the server's default last"
    );
}
