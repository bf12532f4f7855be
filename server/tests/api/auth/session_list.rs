//! A user's other sessions: a password change ends them, the list shows only the user's own,
//! and ending one signs that browser out.

use serde_json::{json, Value};

use crate::helpers::{client, spawn_app, PASSWORD};

#[tokio::test]
async fn a_password_change_ends_every_other_session_of_that_user() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let other = client();
    let res = other
        .post(app.url("/api/auth/signin"))
        .json(&json!({"email": "a@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let change = app
        .post(
            &app.client,
            "/api/auth/password",
            &json!({"currentPassword": PASSWORD, "newPassword": "a brand new password"}),
        )
        .await;
    assert_eq!(change.status(), 204);
    assert_eq!(
        other
            .get(app.url("/api/auth/session"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        app.get(&app.client, "/api/auth/session").await.status(),
        200
    );
}

#[tokio::test]
async fn the_session_list_shows_only_my_sessions_and_another_users_id_is_404() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let b = client();
    app.sign_up_with(&b, "b@example.com").await;
    let list: Value = app
        .get(&app.client, "/api/auth/sessions")
        .await
        .json()
        .await
        .unwrap();
    let mine = list["sessions"].as_array().unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["current"], true);
    // Where it signed in from, for the list's "Chrome on Linux, 127.0.0.1".
    assert_eq!(mine[0]["ip"], "127.0.0.1", "{list}");
    let b_list: Value = b
        .get(app.url("/api/auth/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let b_id = b_list["sessions"][0]["id"].as_str().unwrap();
    let res = app
        .client
        .delete(app.url(&format!("/api/auth/sessions/{b_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let missing = app
        .client
        .delete(app.url("/api/auth/sessions/cnotarealsession000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(res.text().await.unwrap(), missing.text().await.unwrap());
    assert_eq!(
        b.get(app.url("/api/auth/session"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "B is untouched"
    );
}

#[tokio::test]
async fn ending_my_other_session_signs_that_browser_out() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let laptop = client();
    laptop
        .post(app.url("/api/auth/signin"))
        .json(&json!({"email": "a@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let list: Value = app
        .get(&app.client, "/api/auth/sessions")
        .await
        .json()
        .await
        .unwrap();
    let other = list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap();
    let res = app
        .client
        .delete(app.url(&format!(
            "/api/auth/sessions/{}",
            other["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        laptop
            .get(app.url("/api/auth/session"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}
