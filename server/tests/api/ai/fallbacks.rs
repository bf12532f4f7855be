//! Fallback models: saved per feature, sent as OpenRouter's `models`, and the model that
//! answered recorded in the ledger.

use serde_json::{json, Value};

use super::{chat, chat_requests, parse_events, post, post_json, usage_with, user_with_key, Event};
use crate::helpers::spawn_app_with;

async fn put_prefs(app: &crate::helpers::TestApp, body: &Value) -> (u16, Value) {
    let res = app
        .client
        .put(app.url("/api/user/model-preferences"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn fallbacks_are_checked_kept_when_a_put_omits_them_and_listed_in_the_answer() {
    let app = spawn_app_with(&[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let base = json!({"chat": null, "codeCompletion": null, "generation": null});
    for (fallbacks, why) in [
        (
            json!({"chat": ["a/1", "a/2", "a/3", "a/4"]}),
            "more than three",
        ),
        (
            json!({"chat": ["openai/gpt-4o", "openai/gpt-4o"]}),
            "listed twice",
        ),
        (json!({"generation": ["nobody/knows"]}), "not offered"),
    ] {
        let mut body = base.clone();
        body["fallbacks"] = fallbacks;
        assert_eq!(put_prefs(&app, &body).await.0, 422, "{why}");
    }
    let mut body = base.clone();
    body["fallbacks"] = json!({"chat": ["openai/gpt-4o", "anthropic/claude-3.5-haiku"], "codeCompletion": [], "generation": []});
    let (status, saved) = put_prefs(&app, &body).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(
        saved["fallbacks"]["chat"],
        json!(["openai/gpt-4o", "anthropic/claude-3.5-haiku"])
    );

    // The seed's three fields alone leave the fallbacks as they are.
    let (_, kept) = put_prefs(
        &app,
        &json!({"chat": "openai/gpt-4o-mini", "codeCompletion": null, "generation": null}),
    )
    .await;
    assert_eq!(kept["fallbacks"]["chat"][0], "openai/gpt-4o");
    let read: Value = app
        .get_json(&app.client, "/api/user/model-preferences")
        .await;
    assert_eq!(read, kept);
}

#[tokio::test]
async fn a_fallback_answers_when_the_first_model_fails_and_the_ledger_records_it() {
    let app = spawn_app_with(&[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let prefs = json!({"chat": null, "codeCompletion": null, "generation": null,
        "fallbacks": {"chat": ["openai/gpt-4o"]}});
    assert_eq!(put_prefs(&app, &prefs).await.0, 200);
    app.fake.clear();

    let (status, answer) =
        post_json(&app, &app.client, "/api/ai/chat", &chat("PRIMARY_DOWN hi")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["model"], "openai/gpt-4o", "the fallback answered");
    let sent = &chat_requests(&app)[0].body;
    assert_eq!(sent["model"], "openai/gpt-4o-mini");
    assert_eq!(
        sent["models"],
        json!(["openai/gpt-4o-mini", "openai/gpt-4o"])
    );
    // Billed at the fallback's prices: 4 prompt tokens and 5 answer tokens of gpt-4o.
    let usage = &answer["usage"];
    let (p, c) = (
        usage["promptTokens"].as_f64().unwrap(),
        usage["completionTokens"].as_f64().unwrap(),
    );
    assert!((usage["cost"].as_f64().unwrap() - (p * 0.000_002_5 + c * 0.000_01)).abs() < 1e-15);

    // The default model answers when it can; the stream reports the fallback too.
    let (_, plain) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(plain["model"], "openai/gpt-4o-mini");
    let res = post(
        &app,
        &app.client,
        "/api/ai/chat",
        &json!({"messages": [{"role": "user", "content": "PRIMARY_DOWN"}], "stream": true}),
    )
    .await;
    let events = parse_events(&res.text().await.unwrap());
    let done = events.iter().find_map(|e| match e {
        Event::Named(n, d) if n == "done" => Some(d.clone()),
        _ => None,
    });
    assert_eq!(
        done.map(|d| d["model"].clone()),
        Some(json!("openai/gpt-4o"))
    );

    let report = usage_with(&app, &app.client, 3).await;
    let recent = report["recent"].as_array().unwrap();
    let models: Vec<(&str, &Value)> = recent
        .iter()
        .map(|c| (c["model"].as_str().unwrap(), &c["requestedModel"]))
        .collect();
    assert_eq!(
        models,
        vec![
            ("openai/gpt-4o", &json!("openai/gpt-4o-mini")),
            ("openai/gpt-4o-mini", &Value::Null),
            ("openai/gpt-4o", &json!("openai/gpt-4o-mini")),
        ],
        "newest first; a fallback answer names the model asked for"
    );
}

#[tokio::test]
async fn without_fallbacks_no_models_list_is_sent() {
    let app = spawn_app_with(&[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(chat_requests(&app)[0].body.get("models"), None);
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &chat("PRIMARY_DOWN")).await;
    assert_eq!(
        status, 502,
        "with nothing to fall back on, the failure is passed on"
    );
}
