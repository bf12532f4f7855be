//! Personal spending caps: the routes, the reservation of each call's worst case, racing calls,
//! stale reservations, alerts and the estimate before sending.

use std::time::Duration;

use app::rules::spend::{worst_cost, Prices};
use fake_openrouter::FakeConfig;
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use super::{chat, chat_requests, eventually, post_json, user_with_key};
use crate::helpers::{client, spawn_app_with, spawn_app_with_fake, TestApp};
use server::entities::{ai_usage, spend_reservation};

const GPT4O: Prices = Prices {
    prompt: 0.000_002_5,
    completion: 0.000_01,
};

/// A one-message chat on gpt-4o with `max_tokens`.
fn gpt4o(prompt: &str, max_tokens: u32) -> Value {
    json!({"messages": [{"role": "user", "content": prompt}], "model": "openai/gpt-4o", "maxTokens": max_tokens})
}

/// The worst case the studio reserves for [`gpt4o`].
fn reserved(prompt: &str, max_tokens: u32) -> f64 {
    worst_cost(prompt.chars().count(), 1, max_tokens, GPT4O)
}

async fn put_limit(app: &TestApp, c: &reqwest::Client, amount: f64, period: &str) -> (u16, Value) {
    let res = c
        .put(app.url("/api/user/spend-limit"))
        .json(&json!({"amountUsd": amount, "period": period}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn limit(app: &TestApp, c: &reqwest::Client) -> (u16, Value) {
    let res = c
        .get(app.url("/api/user/spend-limit"))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Signs `email` in again on the default client (moving the clock past the idle timeout ends
/// the session).
async fn sign_in_again(app: &TestApp, email: &str) {
    let body = json!({"email": email, "password": crate::helpers::PASSWORD});
    let res = app.post(&app.client, "/api/auth/signin", &body).await;
    assert_eq!(res.status(), 200);
}

async fn reservations(app: &TestApp) -> u64 {
    spend_reservation::Entity::find()
        .count(&app.db)
        .await
        .unwrap()
}

/// Waits until no reservation is left (the ledger replaced them all).
async fn until_no_reservations(app: &TestApp) -> bool {
    for _ in 0..250 {
        if reservations(app).await == 0 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

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
async fn racing_calls_never_overshoot_the_cap_by_more_than_one_reservation() {
    // Each admitted call is held upstream for two seconds, so every reservation of the burst is
    // still in flight while the rest of it is decided.
    let fake = FakeConfig {
        slow_delay: Duration::from_secs(2),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[("AI_MAX_IN_FLIGHT_PER_USER", "64")]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let prompt = "SLOW hi";
    let each = reserved(prompt, 1000);
    let cap = 4.5 * each;
    put_limit(&app, &app.client, cap, "day").await;
    app.fake.clear();

    let body = gpt4o(prompt, 1000);
    let burst = (0..24).map(|_| post_json(&app, &app.client, "/api/ai/chat", &body));
    let answers = futures::future::join_all(burst).await;
    let admitted: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, b)| b)
        .collect();
    let refused = answers.iter().filter(|(s, _)| *s == 402).count();
    assert_eq!(admitted.len() + refused, 24, "{answers:?}");
    assert_eq!(
        admitted.len(),
        4,
        "exactly the calls whose worst cases fit under the cap"
    );
    assert_eq!(
        chat_requests(&app).len(),
        4,
        "the refused ones never went upstream"
    );
    let spent: f64 = admitted
        .iter()
        .map(|b| b["usage"]["cost"].as_f64().unwrap())
        .sum();
    assert!(spent <= cap + each, "spent {spent} against a cap of {cap}");

    // Once they have ended, their reported costs (far below their worst cases) free the room.
    assert!(until_no_reservations(&app).await);
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &gpt4o("hi", 1000)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn racing_fast_calls_keep_the_recorded_spend_within_one_reservation_of_the_cap() {
    let app = spawn_app_with(&[("AI_MAX_IN_FLIGHT_PER_USER", "64")]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    // The answer is cut at max_tokens, so each call costs close to its worst case.
    let prompt = "a question whose long answer outruns max_tokens";
    let each = reserved(prompt, 5);
    let cap = 6.5 * each;
    put_limit(&app, &app.client, cap, "day").await;
    let body = gpt4o(prompt, 5);
    for _ in 0..3 {
        let burst = (0..16).map(|_| post_json(&app, &app.client, "/api/ai/chat", &body));
        let answers = futures::future::join_all(burst).await;
        assert!(
            answers.iter().all(|(s, _)| *s == 200 || *s == 402),
            "{answers:?}"
        );
    }
    assert!(until_no_reservations(&app).await);
    let (_, status) = limit(&app, &app.client).await;
    let spent = status["spentUsd"].as_f64().unwrap();
    assert!(spent > 0.0);
    assert!(
        spent <= cap + each,
        "spent {spent} against a cap of {cap} (+{each})"
    );
    let (s, _) = post_json(&app, &app.client, "/api/ai/chat", &body).await;
    assert!(
        s == 402 || spent + each <= cap,
        "a call past the cap is refused"
    );
}

#[tokio::test]
async fn reservations_are_replaced_when_calls_fail_or_are_cancelled() {
    let fake = FakeConfig {
        slow_delay: Duration::from_secs(30),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    put_limit(&app, &app.client, 1.0, "day").await;

    let (status, _) = post_json(
        &app,
        &app.client,
        "/api/ai/chat",
        &gpt4o("PRIMARY_DOWN", 100),
    )
    .await;
    assert_eq!(status, 502);
    assert!(
        until_no_reservations(&app).await,
        "a failed call's row replaced its reservation"
    );

    let mut body = gpt4o("SLOW then leave", 100);
    body["stream"] = json!(true);
    let call = tokio::spawn({
        let (c, url) = (app.client.clone(), app.url("/api/ai/chat"));
        async move { c.post(url).json(&body).send().await.map(|r| r.status()) }
    });
    assert!(eventually(|| chat_requests(&app).iter().any(|r| r.body["stream"] == true)).await);
    assert_eq!(
        reservations(&app).await,
        1,
        "the running call holds its worst case"
    );
    let (_, status) = limit(&app, &app.client).await;
    assert!(status["inFlightUsd"].as_f64().unwrap() > 0.0);
    call.abort();
    assert!(
        until_no_reservations(&app).await,
        "the cancelled call's row replaced it"
    );
    let rows = ai_usage::Entity::find().all(&app.db).await.unwrap();
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert!(outcomes.contains(&"cancelled"), "{outcomes:?}");
}

#[tokio::test]
async fn a_crashed_instances_stale_reservation_expires() {
    let app = spawn_app_with(&[]).await;
    let user = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    put_limit(&app, &app.client, 0.05, "month").await;
    let now = app.state.clock.now();
    spend_reservation::Entity::insert(spend_reservation::ActiveModel {
        id: Set("c0000000000000000000stale".into()),
        user_id: Set(user),
        amount_usd: Set(0.05),
        created_at: Set(now),
        expires_at: Set(now + server::ai::spend::reserve::RESERVATION_TTL),
    })
    .exec(&app.db)
    .await
    .unwrap();
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &gpt4o("hi", 100)).await;
    assert_eq!(status, 402);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("held by calls still running"),
        "{body}"
    );

    app.clock.advance(chrono::Duration::minutes(31));
    sign_in_again(&app, "a@example.com").await;
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &gpt4o("hi", 100)).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        until_no_reservations(&app).await,
        "the stale one was cleared"
    );
}

async fn spend(app: &TestApp, user: &str, cost: f64) {
    let now = app.state.clock.now();
    ai_usage::Entity::insert(ai_usage::ActiveModel {
        id: Set(server::kit::ids::new_id(now)),
        user_id: Set(user.to_owned()),
        feature: Set("chat".into()),
        model: Set("openai/gpt-4o".into()),
        requested_model: Set(None),
        tokens_in: Set(1),
        tokens_out: Set(1),
        cost: Set(cost),
        generation_id: Set(None),
        outcome: Set("ok".into()),
        latency_ms: Set(1),
        created_at: Set(now),
        day: Set(now.format("%Y-%m-%d").to_string()),
    })
    .exec(&app.db)
    .await
    .unwrap();
}

async fn dismiss(app: &TestApp, level: u32) {
    let res = app
        .client
        .post(app.url("/api/dismiss_spend_alert"))
        .form(&[("level", level.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn alerts_show_at_80_and_100_percent_once_per_period_with_the_pace() {
    let app = spawn_app_with(&[]).await;
    let user = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    put_limit(&app, &app.client, 10.0, "day").await;
    spend(&app, &user, 7.0).await;
    assert_eq!(
        limit(&app, &app.client).await.1["alert"],
        Value::Null,
        "70 %: no alert"
    );
    spend(&app, &user, 1.5).await;
    let (_, status) = limit(&app, &app.client).await;
    assert_eq!(status["alert"], 80);
    assert!(
        status["projectedUsd"].as_f64().unwrap() >= 8.5,
        "the pace projects at least what is spent"
    );
    dismiss(&app, 80).await;
    assert_eq!(
        limit(&app, &app.client).await.1["alert"],
        Value::Null,
        "shown once"
    );

    spend(&app, &user, 1.5).await;
    assert_eq!(limit(&app, &app.client).await.1["alert"], 100);
    dismiss(&app, 100).await;
    assert_eq!(limit(&app, &app.client).await.1["alert"], Value::Null);

    // A refusal in a period whose 100 % alert is not yet dismissed shows it too.
    app.clock.advance(chrono::Duration::days(1));
    sign_in_again(&app, "a@example.com").await;
    let (_, status) = limit(&app, &app.client).await;
    assert_eq!(
        (status["spentUsd"].as_f64(), status["alert"].clone()),
        (Some(0.0), Value::Null),
        "a new day, a new period"
    );
    put_limit(&app, &app.client, 0.001, "day").await;
    let (s, _) = post_json(&app, &app.client, "/api/ai/chat", &gpt4o("hi", 1000)).await;
    assert_eq!(s, 402);
    assert_eq!(
        limit(&app, &app.client).await.1["alert"],
        100,
        "hitting the cap alerts"
    );
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
