//! The key routes: the contract, the key log, and what the database holds.

pub mod limits;
mod log;

use fake_openrouter::key;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{json, Value};

use crate::helpers::{client, spawn_app, TestApp};

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
async fn a_verified_key_is_stored_and_only_its_mask_is_shown() {
    let app = spawn_app().await;
    let user_id = app.sign_up("a@example.com").await;
    let k = key("abc1");
    let (status, body) = post_key(&app, &app.client, &format!("  {k}  ")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"], "API key updated successfully");
    assert_eq!(body["user"]["id"], user_id.as_str());
    assert_eq!(body["user"]["email"], "a@example.com");
    let s = get_status(&app, &app.client).await;
    assert_eq!(s["hasApiKey"], true);
    let masked = s["apiKey"].as_str().unwrap();
    assert_eq!(
        masked,
        format!("sk-{}{}", "*".repeat(19), &k[k.len() - 6..])
    );
    assert_eq!(masked.len(), 28);
    assert_eq!(s["status"], "active");
    assert!(s["verifiedAt"].is_string());
    assert!(s["openrouter"]["limitRemaining"].is_number());
    let everything = format!("{body}{s}");
    assert!(!everything.contains(&k[9..]), "the key never comes back");
    let seen = app.fake.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/api/v1/key");
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Bearer {k}").as_str())
    );
}

#[tokio::test]
async fn malformed_keys_are_422_and_never_reach_openrouter() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let good = key("abc1");
    let cases = [
        "sk-abc".to_owned(),
        good.to_uppercase(),
        format!("{}\r\n{}", &good[..30], &good[30..]),
        format!("{}\0", good),
        format!("{good}{}", "0".repeat(300)),
    ];
    for bad in &cases {
        let (status, body) = post_key(&app, &app.client, bad).await;
        assert_eq!(status, 422, "{bad:?}");
        assert!(
            !body.to_string().contains(&good[12..]),
            "the key is not echoed: {body}"
        );
        assert!(body["message"].as_str().unwrap().len() > 10);
    }
    for (raw, status) in [("{}", 422), ("not json", 400)] {
        let res = app
            .client
            .post(app.url("/api/user/api-key"))
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{raw}");
        let body: Value = res.json().await.unwrap();
        assert!(body["error"].is_string() && body["message"].is_string());
    }
    assert!(
        app.fake.requests().is_empty(),
        "no malformed key was sent upstream"
    );
}

#[tokio::test]
async fn a_body_over_16_kib_is_413() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let (status, body) = post_key(&app, &app.client, &"a".repeat(20_000)).await;
    assert_eq!(status, 413);
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn keys_openrouter_refuses_are_422_and_the_old_key_stays() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let good = key("abc1");
    assert_eq!(post_key(&app, &app.client, &good).await.0, 200);
    let before = get_status(&app, &app.client).await;
    let (status, body) = post_key(&app, &app.client, &key("dead")).await;
    assert_eq!(status, 422);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("OpenRouter rejected this key"),
        "{message}"
    );
    let (status, body) = post_key(&app, &app.client, &key("0a11")).await;
    assert_eq!(status, 422);
    assert!(
        body["message"].as_str().unwrap().contains("management key"),
        "{body}"
    );
    let after = get_status(&app, &app.client).await;
    assert_eq!(before["apiKey"], after["apiKey"]);
    assert_eq!(before["updatedAt"], after["updatedAt"]);
}

#[tokio::test]
async fn an_unreachable_openrouter_is_503_and_nothing_changes() {
    let app =
        crate::helpers::spawn_app_with(&[("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1")])
            .await;
    app.sign_up("a@example.com").await;
    let (status, body) = post_key(&app, &app.client, &key("abc1")).await;
    assert_eq!(status, 503);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("nothing was changed"));
    assert_eq!(get_status(&app, &app.client).await["hasApiKey"], false);
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

#[tokio::test]
async fn the_database_holds_no_plaintext_key_and_names_the_key_version() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let k = key("abc1");
    post_key(&app, &app.client, &k).await;
    let row = server::entities::user_api_key::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.secret_enc.starts_with("ork1:k1:"));
    assert_eq!(row.key_version, 1);
    assert!(!row.secret_enc.contains(&k[9..]));
    let dump = crate::helpers::dump_database(&app).await;
    assert!(
        !dump.contains(&k[9..]),
        "plaintext key found in the database files"
    );
    let re = regex_lite::Regex::new("sk-or-v1-[0-9a-f]{64}").unwrap();
    assert!(!re.is_match(&dump));
}

#[tokio::test]
async fn a_ciphertext_moved_to_another_user_fails_closed_and_asks_for_re_entry() {
    let app = spawn_app().await;
    let a = app.sign_up("a@example.com").await;
    let b_client = client();
    let b = app.sign_up_with(&b_client, "b@example.com").await;
    post_key(&app, &app.client, &key("aaaa")).await;
    post_key(&app, &b_client, &key("bbbb")).await;
    let db = &app.db;
    let backend = db.get_database_backend();
    let copy = match backend {
        sea_orm::DbBackend::Postgres => "UPDATE user_api_keys SET secret_enc = (SELECT secret_enc FROM user_api_keys WHERE user_id = $1) WHERE user_id = $2",
        _ => "UPDATE user_api_keys SET secret_enc = (SELECT secret_enc FROM user_api_keys WHERE user_id = ?) WHERE user_id = ?",
    };
    db.execute(Statement::from_sql_and_values(
        backend,
        copy,
        [a.clone().into(), b.clone().into()],
    ))
    .await
    .unwrap();
    app.fake.clear();
    let state_err = server::vault::usecases::stored_key(&app.state, &b)
        .await
        .unwrap_err();
    assert_eq!(
        state_err.body.message,
        "The stored key can no longer be used; please enter it again in settings."
    );
    assert!(
        app.fake.requests().is_empty(),
        "A's key was never used for B"
    );
    let s = get_status(&app, &b_client).await;
    assert_eq!(s["status"], "unusable");
    let log: Value = b_client
        .get(app.url("/api/user/api-key/events"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["events"][0]["kind"], "unusable");
}
