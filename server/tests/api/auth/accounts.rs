//! Signing up and signing in: the session cookie and its flags, and the same answers for a
//! taken email, a bad password, an unknown email and a wrong password.

use serde_json::{json, Value};

use super::support;
use crate::helpers::{client, spawn_app, PASSWORD};

#[tokio::test]
async fn sign_up_returns_201_with_the_user_and_a_working_session() {
    let app = spawn_app().await;
    let res = app
        .post(
            &app.client,
            "/api/auth/signup",
            &json!({"email": "  Ada@Example.com ", "password": PASSWORD, "name": "Ada"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let cookie = support::set_cookie_line(&res, "studio_sid").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain-http public URL: no Secure flag"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ada@example.com");
    assert_eq!(body["user"]["name"], "Ada");
    let me: Value = app
        .get(&app.client, "/api/auth/session")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["id"], body["user"]["id"]);
}

#[tokio::test]
async fn the_cookie_is_secure_and_host_prefixed_when_the_public_url_is_https() {
    let app = crate::helpers::spawn_app_with(&[("PUBLIC_URL", "https://studio.example.com")]).await;
    let res = app
        .post(
            &app.client,
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": PASSWORD}),
        )
        .await;
    let cookie = support::set_cookie_line(&res, "__Host-sid").unwrap();
    assert!(
        cookie.starts_with("__Host-sid=")
            && cookie.contains("Secure")
            && !cookie.contains("Domain"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_taken_email_is_never_409_and_bad_passwords_are_422() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let dup = app
        .post(
            &app.new_client(),
            "/api/auth/signup",
            &json!({"email": "A@example.com", "password": "not the password"}),
        )
        .await;
    assert_eq!(
        dup.status(),
        401,
        "a wrong password for a taken email: the sign-in answer"
    );
    for pw in ["short", &"x".repeat(129)] {
        let res = app
            .post(
                &app.new_client(),
                "/api/auth/signup",
                &json!({"email": "b@example.com", "password": pw}),
            )
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(
            body["message"].as_str().unwrap().contains("8 to 128"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_401_body() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let attempt = |email: &'static str, pw: &'static str| {
        let c = client();
        let url = app.url("/api/auth/signin");
        async move {
            let res = c
                .post(url)
                .json(&json!({"email": email, "password": pw}))
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let unknown = attempt("nobody@example.com", "whatever password").await;
    let wrong = attempt("a@example.com", "wrong password!").await;
    assert_eq!(unknown.0, 401);
    assert_eq!(unknown, wrong);
}
