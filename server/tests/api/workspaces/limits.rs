//! Workspace creation is capped per user and rate-limited per user and per address, and a
//! parallel burst can pass neither.

use futures::future::join_all;
use serde_json::Value;

use crate::helpers::{client, spawn_app, spawn_app_with, TestApp};

/// Creates a workspace through the studio's server function: status, body, `Retry-After`.
async fn create(app: &TestApp, c: &reqwest::Client, name: String) -> (u16, Value, Option<String>) {
    let res = c
        .post(app.url("/api/create_workspace"))
        .form(&[("name", name.as_str()), ("language", "rust")])
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

async fn owned(app: &TestApp, c: &reqwest::Client) -> usize {
    let res = c
        .post(app.url("/api/list_workspaces"))
        .send()
        .await
        .unwrap();
    let list: Value = res.json().await.unwrap();
    list.as_array().unwrap().len()
}

#[tokio::test]
async fn a_parallel_burst_cannot_create_more_workspaces_than_the_cap() {
    let app = spawn_app_with(&[("LIMIT_WORKSPACES_PER_USER", "5")]).await;
    app.sign_up("a@example.com").await;
    let results = join_all((0..20).map(|i| create(&app, &app.client, format!("w{i}")))).await;
    let created = results.iter().filter(|r| r.0 == 200).count();
    assert_eq!(created, 5, "{results:?}");
    for (status, body, _) in results.iter().filter(|r| r.0 != 200) {
        assert_eq!(*status, 409, "{body}");
        assert_eq!(body["error"], "Workspace limit reached");
        assert!(
            body["message"].as_str().unwrap().contains("at most 5"),
            "{body}"
        );
    }
    assert_eq!(owned(&app, &app.client).await, 5);

    // Deleting one makes room for one; another user has a cap of their own.
    let id = results.iter().find(|r| r.0 == 200).unwrap().1["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .client
        .post(app.url("/api/delete_workspace"))
        .form(&[("id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let b = client();
    app.sign_up_with(&b, "b@example.com").await;
    let (again, other) = futures::join!(
        join_all((0..3).map(|i| create(&app, &app.client, format!("again{i}")))),
        join_all((0..5).map(|i| create(&app, &b, format!("b{i}")))),
    );
    assert_eq!(again.iter().filter(|r| r.0 == 200).count(), 1, "{again:?}");
    assert!(other.iter().all(|r| r.0 == 200), "{other:?}");
}

#[tokio::test]
async fn a_burst_of_new_workspaces_is_limited_per_user_and_per_address_with_429() {
    let app = spawn_app().await;
    let clients: Vec<reqwest::Client> = (0..3).map(|_| client()).collect();
    for (i, c) in clients.iter().enumerate() {
        app.sign_up_with(c, &format!("u{i}@example.com")).await;
    }
    // One user: 30 an hour.
    let first = join_all((0..40).map(|i| create(&app, &clients[0], format!("a{i}")))).await;
    assert_eq!(first.iter().filter(|r| r.0 == 200).count(), 30, "{first:?}");
    // One address: 60 an hour, across its users (30 are spent already).
    let rest = join_all(clients[1..].iter().flat_map(|c| {
        let app = &app;
        (0..25).map(move |i| async move { create(app, c, format!("b{i}")).await })
    }))
    .await;
    assert_eq!(rest.iter().filter(|r| r.0 == 200).count(), 30, "{rest:?}");
    for (status, body, retry) in first.iter().chain(&rest).filter(|r| r.0 != 200) {
        assert_eq!(*status, 429, "{body}");
        let secs: u32 = retry.as_deref().expect("Retry-After").parse().unwrap();
        assert!((1..=3600).contains(&secs));
    }
    // An invalid name costs no slot; the window frees them.
    app.clock.advance(chrono::Duration::seconds(3601));
    crate::api_key::limits::sign_in_again(&app, &clients[2], "u2@example.com").await;
    let (status, _, _) = create(&app, &clients[2], String::new()).await;
    assert_eq!(status, 422);
    let (status, body, _) = create(&app, &clients[2], "later".into()).await;
    assert_eq!(status, 200, "{body}");
}
