//! Personal spending caps: the routes, the reservation of each call's worst case, racing calls,
//! stale reservations, alerts and the estimate before sending.

mod alerts;
mod cap;
mod reservations;

use std::time::Duration;

use app::rules::spend::{worst_cost, Prices};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::helpers::TestApp;
use server::entities::spend_reservation;

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
