//! What the database holds: no plaintext key but its version, and a ciphertext moved to another
//! user fails closed.

use fake_openrouter::key;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::Value;

use super::{get_status, post_key};
use crate::helpers::{client, spawn_app};

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
