//! The cap itself: its routes, the 402 for a call whose worst case would pass it, calls without
//! `max_tokens` and free models under it, and the estimate before sending.

use app::rules::spend::worst_cost;
use serde_json::{json, Value};

use super::{gpt4o, limit, put_limit, reserved, until_no_reservations, GPT4O};
use crate::ai::{chat, chat_requests, post_json, user_with_key};
use crate::helpers::{client, spawn_app_with};

#[tokio::test]
async fn a_cap_is_set_read_and_removed_by_its_owner_only_and_bad_ones_are_422() {
    let app = spawn_app_with(&[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let (status, body) = limit(&app, &app.client).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("No spending limit"))
    );

    let (status, body) = put_limit(&app, &app.client, 5.0, "week").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["amountUsd"], 5.0);
    assert_eq!(body["period"], "week");
    assert_eq!(body["spentUsd"], 0.0);
    assert_eq!(body["alert"], Value::Null);
    let start =
        chrono::NaiveDate::parse_from_str(body["periodStart"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap();
    use chrono::Datelike;
    assert_eq!(
        start.weekday(),
        chrono::Weekday::Mon,
        "weeks start on Monday"
    );
    assert!(body["resetsAt"].as_str().unwrap().contains("T00:00:00"));
    assert_eq!(limit(&app, &app.client).await, (200, body));

    for bad in [
        json!({"amountUsd": 0, "period": "day"}),
        json!({"amountUsd": -1, "period": "day"}),
        json!({"amountUsd": 1e9, "period": "day"}),
        json!({"amountUsd": 5, "period": "year"}),
    ] {
        let res = app
            .client
            .put(app.url("/api/user/spend-limit"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{bad}");
    }

    let other = client();
    user_with_key(&app, &other, "b@example.com", "b2").await;
    assert_eq!(
        limit(&app, &other).await.0,
        404,
        "a cap is its owner's only"
    );
    let anonymous = client();
    assert_eq!(limit(&app, &anonymous).await.0, 401);

    let res = app
        .client
        .delete(app.url("/api/user/spend-limit"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(limit(&app, &app.client).await.0, 404);
}

#[tokio::test]
async fn a_call_that_would_pass_the_cap_is_402_naming_the_reset_and_never_goes_upstream() {
    let app = spawn_app_with(&[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    put_limit(&app, &app.client, 0.01, "day").await;
    app.fake.clear();

    // 2,000 answer tokens at $10 a million are $0.02: more than the cap.
    assert!(reserved("hi", 2000) > 0.01);
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &gpt4o("hi", 2000)).await;
    assert_eq!(status, 402, "{body}");
    assert_eq!(body["error"], "Spending limit reached");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("resets at 00:00 UTC on"), "{message}");
    assert!(message.contains("$0.01 daily limit"), "{message}");
    assert!(chat_requests(&app).is_empty(), "nothing went upstream");

    // A call whose worst case fits is sent, and then costs what OpenRouter reported.
    assert!(reserved("hi", 100) < 0.01);
    let (status, answer) = post_json(&app, &app.client, "/api/ai/chat", &gpt4o("hi", 100)).await;
    assert_eq!(status, 200, "{answer}");
    let cost = answer["usage"]["cost"].as_f64().unwrap();
    assert!(
        until_no_reservations(&app).await,
        "the ledger row replaced the reservation"
    );
    let (_, status) = limit(&app, &app.client).await;
    assert!(
        (status["spentUsd"].as_f64().unwrap() - cost).abs() < 1e-12,
        "{status}"
    );
    assert_eq!(status["inFlightUsd"], 0.0);

    // Without a cap the same call is not refused.
    app.client
        .delete(app.url("/api/user/spend-limit"))
        .send()
        .await
        .unwrap();
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &gpt4o("hi", 2000)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn under_a_cap_a_call_without_max_tokens_is_sent_with_the_largest_and_free_models_pass() {
    let app = spawn_app_with(&[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    put_limit(&app, &app.client, 1.0, "month").await;
    app.fake.clear();
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 200);
    assert_eq!(
        chat_requests(&app)[0].body["max_tokens"],
        8192,
        "the reserved worst case is a bound"
    );

    put_limit(&app, &app.client, 0.000_001, "month").await;
    let free = json!({"messages": [{"role": "user", "content": "hi"}], "model": "meta-llama/llama-3.3-70b-instruct:free"});
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &free).await;
    assert_eq!(status, 200, "a free model cannot pass a cap: {body}");
}

#[tokio::test]
async fn the_estimate_before_sending_spans_the_prompt_alone_to_the_worst_case() {
    let app = spawn_app_with(&[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let res = app
        .client
        .put(app.url("/api/user/model-preferences"))
        .json(&json!({"chat": "openai/gpt-4o", "codeCompletion": null, "generation": null, "confirmAboveUsd": 0.05}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .post(app.url("/api/quote_cost"))
        .form(&[
            ("feature", "chat"),
            ("chars", "3000"),
            ("messages", "2"),
            ("max_tokens", "1000"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let quote: Value = res.json().await.unwrap();
    assert_eq!(quote["model"], "openai/gpt-4o");
    assert!(
        (quote["lowUsd"].as_f64().unwrap() - 750.0 * 0.000_002_5).abs() < 1e-12,
        "{quote}"
    );
    let high = worst_cost(3000, 2, 1000, GPT4O);
    assert!(
        (quote["highUsd"].as_f64().unwrap() - high).abs() < 1e-12,
        "{quote}"
    );
    assert_eq!(quote["confirmAboveUsd"], 0.05);
}
