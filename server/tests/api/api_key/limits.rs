//! Key saves are live checks with OpenRouter, so the studio must not be an oracle for testing
//! stolen keys: slots per user and per address are taken before the check, under concurrency.

use fake_openrouter::key;
use futures::future::join_all;
use serde_json::{json, Value};

use crate::helpers::{client, spawn_app_with, TestApp, PASSWORD};

/// Signs `email` in again on `c` (an hour on the test clock ends a session).
pub async fn sign_in_again(app: &TestApp, c: &reqwest::Client, email: &str) {
    let res = app
        .post(
            c,
            "/api/auth/signin",
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 200, "signing {email} in again");
}

/// The `/key` checks the fake received.
fn key_checks(app: &TestApp) -> usize {
    app.fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/key")
        .count()
}

/// Saves `k` for `c` through the REST route: the status, the body and `Retry-After`.
async fn save(app: &TestApp, c: &reqwest::Client, k: String) -> (u16, Value, Option<String>) {
    let res = app
        .post(c, "/api/user/api-key", &json!({"apiKey": k}))
        .await;
    let status = res.status().as_u16();
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, res.json().await.unwrap_or(Value::Null), retry)
}

/// The same through the settings page's server function.
async fn save_by_server_fn(
    app: &TestApp,
    c: &reqwest::Client,
    k: String,
) -> (u16, Value, Option<String>) {
    let res = c
        .post(app.url("/api/save_key"))
        .form(&[("api_key", k.as_str())])
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, res.json().await.unwrap_or(Value::Null), retry)
}

fn assert_429s(results: &[(u16, Value, Option<String>)]) {
    for (status, body, retry) in results.iter().filter(|r| r.0 == 429) {
        assert_eq!(*status, 429);
        assert_eq!(body["error"], "Too many requests", "{body}");
        let secs: u32 = retry.as_deref().expect("Retry-After").parse().unwrap();
        assert!((1..=3600).contains(&secs), "{secs}");
    }
}

#[tokio::test]
async fn a_burst_of_key_saves_from_one_user_gets_at_most_the_hourly_checks_and_429s() {
    let app = spawn_app_with(&[("LIMIT_KEY_CHECKS_PER_USER_HOUR", "3")]).await;
    app.sign_up("a@example.com").await;
    // Malformed keys cost no slot: they never reach OpenRouter.
    let malformed =
        join_all((0..6).map(|i| save(&app, &app.client, format!("sk-or-v1-{i}")))).await;
    assert!(malformed.iter().all(|r| r.0 == 422), "{malformed:?}");
    assert_eq!(key_checks(&app), 0);

    // Live keys, revoked keys and both front doors, all at once.
    let keys: Vec<String> = (0..12)
        .map(|i| {
            if i % 3 == 0 {
                key("dead")
            } else {
                key(&format!("b{i:x}"))
            }
        })
        .collect();
    let rest = keys[..6].iter().map(|k| save(&app, &app.client, k.clone()));
    let server_fns = keys[6..]
        .iter()
        .map(|k| save_by_server_fn(&app, &app.client, k.clone()));
    let (mut results, more) = futures::join!(join_all(rest), join_all(server_fns));
    results.extend(more);
    let answered = results.iter().filter(|r| r.0 != 429).count();
    assert_eq!(answered, 3, "{results:?}");
    assert_eq!(
        key_checks(&app),
        3,
        "only the slots' holders reached OpenRouter"
    );
    assert_429s(&results);

    // A rejected key keeps its slot (that is the oracle); the window frees them.
    let (status, _, _) = save(&app, &app.client, key("dead")).await;
    assert_eq!(status, 429);
    app.clock.advance(chrono::Duration::seconds(3601));
    sign_in_again(&app, &app.client, "a@example.com").await;
    let (status, body, _) = save(&app, &app.client, key("c1")).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_burst_of_key_saves_from_one_address_is_limited_across_its_users() {
    let app = spawn_app_with(&[("LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR", "4")]).await;
    let clients: Vec<reqwest::Client> = (0..3).map(|_| client()).collect();
    for (i, c) in clients.iter().enumerate() {
        app.sign_up_with(c, &format!("u{i}@example.com")).await;
    }
    let saves = clients.iter().enumerate().flat_map(|(i, c)| {
        let app = &app;
        (0..4).map(move |j| async move { save(app, c, key(&format!("{i:x}{j:x}a"))).await })
    });
    let results = join_all(saves).await;
    let answered = results.iter().filter(|r| r.0 != 429).count();
    assert_eq!(answered, 4, "{results:?}");
    assert_eq!(key_checks(&app), 4);
    assert_429s(&results);
}

#[tokio::test]
async fn a_save_that_fails_on_openrouters_side_hands_its_slots_back() {
    let app = spawn_app_with(&[
        ("LIMIT_KEY_CHECKS_PER_USER_HOUR", "2"),
        ("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1"),
    ])
    .await;
    app.sign_up("a@example.com").await;
    // Three rounds of two parallel saves: every one fails with 503, none is counted.
    for round in 0..3 {
        let results =
            join_all((0..2).map(|i| save(&app, &app.client, key(&format!("{round}{i}a"))))).await;
        for (status, body, _) in &results {
            assert_eq!(*status, 503, "round {round}: {body}");
        }
    }
}
