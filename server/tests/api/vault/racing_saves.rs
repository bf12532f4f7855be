//! Racing saves of one user's key: every one succeeds, and the one stored is decryptable, used
//! and last in the key log.

use serde_json::{json, Value};

use super::{last_bearer, numbered_key};
use crate::ai::{chat, post_json};
use crate::helpers::spawn_app;

#[tokio::test]
async fn racing_saves_for_one_user_all_succeed_and_leave_one_decryptable_winner() {
    let app = spawn_app().await;
    let id = app.sign_up("a@example.com").await;
    let keys: Vec<String> = (1..=4).map(numbered_key).collect();
    let bodies: Vec<Value> = keys.iter().map(|k| json!({"apiKey": k})).collect();
    let saves = bodies
        .iter()
        .map(|body| post_json(&app, &app.client, "/api/user/api-key", body));
    for (status, body) in futures::future::join_all(saves).await {
        assert_eq!(status, 200, "{body}");
    }
    let stored = server::vault::usecases::stored_key(&app.state, &id)
        .await
        .unwrap()
        .expect("a key is stored");
    let winner = keys
        .iter()
        .find(|k| k.ends_with(&stored.key().last6()))
        .expect("the stored key is one of those sent");
    let status = app.get_json(&app.client, "/api/user/api-key").await;
    assert!(status["apiKey"]
        .as_str()
        .unwrap()
        .ends_with(&stored.key().last6()));
    let (code, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(last_bearer(&app), format!("Bearer {winner}"));
    let log = app
        .get_json(&app.client, "/api/user/api-key/events?perPage=10")
        .await;
    let kinds: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"set"), "{kinds:?}");
    assert!(kinds.iter().all(|k| *k == "set" || *k == "replaced"));
}
