//! Reading and removing a key, and its log: a new user has none, removal succeeds twice,
//! anonymous callers get 401, and the log records each change for its owner only.

use fake_openrouter::key;
use serde_json::{json, Value};

use super::{get_status, post_key};
use crate::helpers::{client, spawn_app};

#[tokio::test]
async fn a_new_user_has_no_key() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    assert_eq!(
        get_status(&app, &app.client).await,
        json!({"hasApiKey": false, "apiKey": null})
    );
}

#[tokio::test]
async fn delete_removes_the_key_and_succeeds_when_there_is_none() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    for _ in 0..2 {
        let res = app
            .client
            .delete(app.url("/api/user/api-key"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.json::<Value>().await.unwrap(),
            json!({"message": "API key removed successfully"})
        );
    }
    post_key(&app, &app.client, &key("abc1")).await;
    app.client
        .delete(app.url("/api/user/api-key"))
        .send()
        .await
        .unwrap();
    assert_eq!(get_status(&app, &app.client).await["hasApiKey"], false);
}

#[tokio::test]
async fn anonymous_callers_get_401_on_every_key_route() {
    let app = spawn_app().await;
    let c = client();
    for method in ["GET", "POST", "DELETE"] {
        let res = c
            .request(method.parse().unwrap(), app.url("/api/user/api-key"))
            .json(&json!({"apiKey": key("abc1")}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{method}");
    }
    assert_eq!(
        c.get(app.url("/api/user/api-key/events"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert!(app.fake.requests().is_empty());
}

#[tokio::test]
async fn the_key_log_records_set_replaced_rejected_and_removed_newest_first() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    post_key(&app, &app.client, &key("abc1")).await;
    post_key(&app, &app.client, &key("abc2")).await;
    post_key(&app, &app.client, &key("dead")).await;
    app.client
        .delete(app.url("/api/user/api-key"))
        .send()
        .await
        .unwrap();
    let page: Value = app
        .get(&app.client, "/api/user/api-key/events?perPage=3")
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["removed", "rejected", "replaced"]);
    assert_eq!(page["hasMore"], true);
    let page2: Value = app
        .get(&app.client, "/api/user/api-key/events?perPage=3&page=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page2["events"][0]["kind"], "set");
    assert!(page2["events"][0]["ip"].is_string());
    let b = client();
    app.sign_up_with(&b, "b@example.com").await;
    let theirs: Value = b
        .get(app.url("/api/user/api-key/events"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        theirs["events"].as_array().unwrap().len(),
        0,
        "B sees none of A's log"
    );
}
