//! Each call's worst case, reserved while it runs: racing calls, failed and cancelled calls,
//! and a crashed instance's stale reservation.

use std::time::Duration;

use fake_openrouter::FakeConfig;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{json, Value};

use super::{
    gpt4o, limit, put_limit, reservations, reserved, sign_in_again, until_no_reservations,
};
use crate::ai::{chat_requests, eventually, post_json, user_with_key};
use crate::helpers::{spawn_app_with, spawn_app_with_fake};
use server::entities::{ai_usage, spend_reservation};

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
