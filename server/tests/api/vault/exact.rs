//! Vault state changes are exact: a late refusal lands only on the key it was about, a ring
//! that lacks a version is the server's 503 and not the key's fault, and nothing shows more of
//! a key than its mask.

use std::time::{Duration, Instant};

use fake_openrouter::{key, FakeConfig};
use futures::future::join_all;
use migration::{Migrator, MigratorTrait as _};
use sea_orm::{ActiveValue::Set, ConnectionTrait as _, EntityTrait};
use secrecy::SecretString;
use serde_json::{json, Value};
use server::entities::user_api_key;
use server::vault::{envelope, keyring::KeyRing};

use crate::ai::{chat, chat_requests, post_json, user_with_key};
use crate::helpers::{dump_database, fresh_database_url, spawn_app, spawn_app_with_fake, TestApp};

/// How long the fake holds a `SLOW` call before its 401: far longer than a key save takes.
const LATE: Duration = Duration::from_secs(3);

/// Waits (up to 20 s) until the fake has received `n` chat calls.
async fn until_the_fake_holds(app: &TestApp, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while chat_requests(app).len() < n {
        assert!(Instant::now() < deadline, "the call never reached the fake");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn key_log_kinds(app: &TestApp) -> Vec<String> {
    let log = app
        .get_json(&app.client, "/api/user/api-key/events?perPage=100")
        .await;
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// Starts a chat with a prompt the fake holds, in the background.
fn chat_in_flight(app: &TestApp) -> tokio::task::JoinHandle<(u16, Value)> {
    let (c, url) = (app.client.clone(), app.url("/api/ai/chat"));
    tokio::spawn(async move {
        let res = c.post(url).json(&chat("SLOW hello")).send().await.unwrap();
        (
            res.status().as_u16(),
            res.json().await.unwrap_or(Value::Null),
        )
    })
}

#[tokio::test]
async fn a_late_401_for_a_key_replaced_meanwhile_leaves_the_new_key_valid() {
    let fake = FakeConfig {
        slow_delay: LATE,
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[]).await;
    user_with_key(&app, &app.client, "a@example.com", "0401").await;
    let call = chat_in_flight(&app);
    until_the_fake_holds(&app, 1).await;

    let second = key("b2");
    let res = app
        .post(&app.client, "/api/user/api-key", &json!({"apiKey": second}))
        .await;
    assert_eq!(
        res.status(),
        200,
        "key 2 is saved while key 1's call is out"
    );
    let (status, body) = call.await.unwrap();
    assert_eq!(status, 400, "key 1's call is refused: {body}");
    assert_eq!(body["error"], "API key rejected");

    let s = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(s["status"], "active", "{s}");
    assert!(s["apiKey"]
        .as_str()
        .unwrap()
        .ends_with(&second[second.len() - 6..]));
    let kinds = key_log_kinds(&app).await;
    assert_eq!(
        kinds,
        ["replaced", "set"],
        "no rejection was logged: {kinds:?}"
    );
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 200, "key 2 is used: {body}");
    let last = chat_requests(&app).last().unwrap().authorization.clone();
    assert_eq!(last, Some(format!("Bearer {second}")));
}

#[tokio::test]
async fn a_late_401_for_the_key_still_stored_marks_it_rejected_once() {
    let fake = FakeConfig {
        slow_delay: Duration::from_millis(300),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[]).await;
    user_with_key(&app, &app.client, "a@example.com", "0401").await;
    let calls: Vec<_> = (0..3).map(|_| chat_in_flight(&app)).collect();
    for call in calls {
        let (status, body) = call.await.unwrap();
        assert_eq!(status, 400, "{body}");
    }
    let s = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(s["status"], "rejected");
    let kinds = key_log_kinds(&app).await;
    assert_eq!(
        kinds,
        ["rejected", "set"],
        "one rejection for three refusals"
    );
}

#[tokio::test]
async fn a_ring_that_lacks_the_stored_keys_version_answers_503_and_leaves_the_key_alone() {
    let app = spawn_app().await;
    let id = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    // Another instance, already on a rotated ring, re-encrypted the key under version 2.
    let rotated = KeyRing::load_file(&app.settings.keyring)
        .unwrap()
        .with_new_primary();
    let plaintext = key("a1");
    let (sealed, kid) =
        envelope::seal(&rotated, &id, &SecretString::from(plaintext.clone())).unwrap();
    assert_eq!(kid, 2);
    user_api_key::Entity::update(user_api_key::ActiveModel {
        user_id: Set(id.clone()),
        secret_enc: Set(sealed),
        key_version: Set(2),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    app.fake.clear();

    let hi = chat("hi");
    let answers = join_all((0..4).map(|_| post_json(&app, &app.client, "/api/ai/chat", &hi))).await;
    for (status, body) in &answers {
        assert_eq!(*status, 503, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("unchanged"),
            "{body}"
        );
    }
    assert!(app.fake.requests().is_empty(), "nothing was sent anywhere");
    let s = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(s["status"], "active", "the key is not blamed for the ring");
    assert_eq!(key_log_kinds(&app).await, ["set"]);

    // The rotation reaches this instance's ring file: the same stored key works again.
    tokio::time::sleep(Duration::from_millis(20)).await;
    rotated.save_file(&app.settings.keyring).unwrap();
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 200, "{body}");
    let last = chat_requests(&app).last().unwrap().authorization.clone();
    assert_eq!(last, Some(format!("Bearer {plaintext}")));
}

#[tokio::test]
async fn openrouters_label_is_never_shown_or_stored_only_the_mask() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "123").await;
    let k = key("123");
    // The fake labels keys as OpenRouter does: `sk-or-v1-` + first three + `...` + last three.
    let label = format!("sk-or-v1-{}...{}", &k[9..12], &k[k.len() - 3..]);

    let rest = app.get_json(&app.client, "/api/user/api-key").await;
    let mask = rest["apiKey"].as_str().unwrap().to_owned();
    assert_eq!(rest["openrouter"]["label"], mask.as_str());
    let server_fn: Value = app
        .client
        .post(app.url("/api/key_status"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(server_fn["openrouter"]["label"], mask.as_str());
    let log = app.get_json(&app.client, "/api/user/api-key/events").await;
    for shown in [rest.to_string(), server_fn.to_string(), log.to_string()] {
        assert!(!shown.contains("sk-or-v1"), "{shown}");
        assert!(!shown.contains(&label), "{shown}");
    }
    assert!(
        !dump_database(&app).await.contains(&label),
        "the label is not stored"
    );
}

#[tokio::test]
async fn a_label_stored_before_masking_is_shown_as_the_mask_and_migrated_away() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "abc1").await;
    app.db
        .execute_unprepared("UPDATE user_api_keys SET or_label = 'sk-or-v1-abc...def'")
        .await
        .unwrap();
    let s = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(
        s["openrouter"]["label"], s["apiKey"],
        "read as the mask: {s}"
    );

    // A database from before the migration, holding OpenRouter's label.
    let dir = tempfile::tempdir().unwrap();
    let url = server::config::DatabaseUrl::parse(&fresh_database_url(&dir).await).unwrap();
    let db = server::db::connect(&url).await.unwrap();
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261127_000001_mask_key_labels")
        .unwrap_or_else(|| {
            let names: Vec<_> = Migrator::migrations()
                .iter()
                .map(|m| m.name().to_owned())
                .collect();
            panic!("the migration is listed: {names:?}")
        });
    Migrator::up(&db, Some(u32::try_from(before).unwrap()))
        .await
        .unwrap();
    let at = "'2026-01-01 00:00:00+00:00'";
    for sql in [
        format!("INSERT INTO users (id, email, name, created_at, updated_at, password_hash) VALUES ('cuser', 'a@example.com', NULL, {at}, {at}, '')"),
        format!("INSERT INTO user_api_keys (user_id, secret_enc, key_version, last6, status, created_at, updated_at, or_label) VALUES ('cuser', 'ork1:k1:AAAA', 1, 'abcdef', 'active', {at}, {at}, 'sk-or-v1-012...def')"),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    Migrator::up(&db, None).await.unwrap();
    let row = user_api_key::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.or_label.as_deref(),
        Some("sk-*******************abcdef")
    );
}
