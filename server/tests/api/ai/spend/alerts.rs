//! The 80 % and 100 % alerts: shown once a period with the pace, dismissed, and raised by a
//! refusal.

use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::Value;

use super::{gpt4o, limit, put_limit, sign_in_again};
use crate::ai::{post_json, user_with_key};
use crate::helpers::{spawn_app_with, TestApp};
use server::entities::ai_usage;

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
