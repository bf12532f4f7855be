//! The key log is bounded (the newest 100 entries per user) and its paging cannot overflow.

use fake_openrouter::key;
use futures::future::join_all;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use server::entities::api_key_event;

use crate::helpers::{client, spawn_app, TestApp};

/// Gives `user_id` `n` old log entries, the newest an hour ago.
async fn old_entries(app: &TestApp, user_id: &str, n: usize) {
    let hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    let rows = (0..n).map(|i| api_key_event::ActiveModel {
        id: Set(format!("o{i:03}{}", &user_id[user_id.len() - 20..])),
        user_id: Set(user_id.to_owned()),
        kind: Set("set".to_owned()),
        created_at: Set(hour_ago - chrono::Duration::minutes(i64::try_from(i).unwrap())),
        ip: Set(None),
        user_agent: Set(None),
        last6: Set(Some("000000".to_owned())),
    });
    api_key_event::Entity::insert_many(rows)
        .exec(&app.db)
        .await
        .unwrap();
}

async fn entries(app: &TestApp, user_id: &str) -> u64 {
    api_key_event::Entity::find()
        .filter(api_key_event::Column::UserId.eq(user_id))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_key_log_keeps_each_users_newest_hundred_entries_under_a_burst_of_saves() {
    let app = spawn_app().await;
    let a = app.sign_up("a@example.com").await;
    let b_client = client();
    let b = app.sign_up_with(&b_client, "b@example.com").await;
    old_entries(&app, &a, 95).await;
    old_entries(&app, &b, 120).await;

    let bodies: Vec<Value> = (0..20)
        .map(|i| json!({"apiKey": key(&format!("a{i:02x}"))}))
        .collect();
    let saves = bodies
        .iter()
        .map(|body| app.post(&app.client, "/api/user/api-key", body));
    for res in join_all(saves).await {
        assert_eq!(res.status(), 200);
    }
    assert_eq!(entries(&app, &a).await, 100);
    assert_eq!(
        entries(&app, &b).await,
        120,
        "another user's log is not touched"
    );
    let newest = app
        .get_json(&app.client, "/api/user/api-key/events?perPage=100")
        .await;
    let events = newest["events"].as_array().unwrap();
    assert_eq!(events.len(), 100);
    assert_eq!(newest["hasMore"], false);
    let fresh = events.iter().filter(|e| e["last6"] != "000000").count();
    assert_eq!(
        fresh, 20,
        "every new entry is kept, the oldest old ones went"
    );

    let res = app
        .post(
            &b_client,
            "/api/user/api-key",
            &json!({"apiKey": key("bb")}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(entries(&app, &b).await, 100);
}

#[tokio::test]
async fn key_log_pages_out_of_range_are_422_or_clamped_and_never_a_500() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let res = app
        .post(
            &app.client,
            "/api/user/api-key",
            &json!({"apiKey": key("a1")}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let cases: &[(&str, u16)] = &[
        ("page=0", 422),
        ("page=-1", 422),
        ("page=4294967296", 422),
        ("page=99999999999999999999999999", 422),
        ("page=abc", 422),
        ("page=1.5", 422),
        ("perPage=ten", 422),
        ("perPage=-99999999999999999999999999", 422),
        ("page=4294967295&perPage=100", 200),
        ("page=4294967295", 200),
        ("perPage=-5", 200),
        ("perPage=0", 200),
        ("perPage=100000", 200),
        ("page=1&page=2", 200),
        ("page=%FF", 422),
    ];
    let answers = join_all(cases.iter().map(|(q, _)| {
        app.client
            .get(app.url(&format!("/api/user/api-key/events?{q}")))
            .send()
    }))
    .await;
    for ((query, want), res) in cases.iter().zip(answers) {
        let res = res.unwrap();
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert_eq!(status, *want, "{query}: {body}");
        if status == 422 {
            assert!(body["message"].is_string(), "{query}: {body}");
        }
    }
    let clamped = app
        .get_json(&app.client, "/api/user/api-key/events?perPage=-5")
        .await;
    assert_eq!(clamped["perPage"], 1);
    let far = app
        .get_json(
            &app.client,
            "/api/user/api-key/events?page=4294967295&perPage=100",
        )
        .await;
    assert_eq!(far["events"], json!([]));
    assert_eq!(far["hasMore"], false);

    // The settings page's server function pages the same way.
    let res = app
        .client
        .post(app.url("/api/key_events"))
        .form(&[("page", "4294967295")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["events"], json!([]));
}
