//! The key routes: the contract, the key log, and what the database holds.

pub mod limits;
mod log;
mod routes;
mod save;
mod storage;

use serde_json::{json, Value};

use crate::helpers::TestApp;

async fn post_key(app: &TestApp, c: &reqwest::Client, k: &str) -> (u16, Value) {
    let res = app
        .post(c, "/api/user/api-key", &json!({"apiKey": k}))
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn get_status(app: &TestApp, c: &reqwest::Client) -> Value {
    app.get_json(c, "/api/user/api-key").await
}
