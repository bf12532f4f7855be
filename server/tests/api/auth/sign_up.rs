//! Sign-up: limited per address before hashing, and the same answer for a taken email.

use futures::future::join_all;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use super::support::{answer, count, not_429, set_cookie};
use crate::helpers::{client, spawn_app, spawn_app_with, PASSWORD};

#[tokio::test]
async fn a_parallel_burst_of_sign_ups_from_one_address_creates_at_most_ten_accounts() {
    let app = spawn_app_with(&[("LIMIT_SIGNUPS_PER_ADDRESS_HOUR", "10")]).await;
    let requests = (0..30).map(|i| {
        let (c, url) = (client(), app.url("/api/auth/signup"));
        let body = json!({"email": format!("u{i}@example.com"), "password": PASSWORD});
        async move { answer(&c.post(url).json(&body).send().await.unwrap()) }
    });
    let answers = join_all(requests).await;
    assert_eq!(count(&answers, 201), 10, "{answers:?}");
    assert_eq!(not_429(&answers), 10, "{answers:?}");
    let users = server::entities::user::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(users, 10, "no refused sign-up created an account");
}

#[tokio::test]
async fn signing_up_again_with_the_right_password_answers_exactly_like_a_new_sign_up() {
    let app = spawn_app().await;
    let first = app
        .post(
            &client(),
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": PASSWORD, "name": "Ada"}),
        )
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again_client = client();
    let again = app
        .post(
            &again_client,
            "/api/auth/signup",
            &json!({"email": "A@example.com", "password": PASSWORD, "name": "Ada"}),
        )
        .await;
    assert_eq!(again.status(), 201);
    assert!(set_cookie(&again, "studio_sid").is_some(), "signed in");
    assert!(set_cookie(&again, "studio_device").is_some());
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first, "the same body: the same user");
    let me = app.get_json(&again_client, "/api/auth/session").await;
    assert_eq!(me["user"]["id"], first["user"]["id"]);
}

#[tokio::test]
async fn signing_up_with_a_taken_email_and_a_wrong_password_gets_the_sign_in_401_and_counts() {
    use server::entities::login_throttle;
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let sign_in = app
        .post(
            &client(),
            "/api/auth/signin",
            &json!({"email": "a@example.com", "password": "a wrong guess"}),
        )
        .await;
    let sign_in = (sign_in.status(), sign_in.text().await.unwrap());
    let sign_up = app
        .post(
            &client(),
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": "another wrong guess"}),
        )
        .await;
    assert_eq!((sign_up.status(), sign_up.text().await.unwrap()), sign_in);
    let row = login_throttle::Entity::find_by_id("acct:a@example.com".to_owned())
        .one(&app.db)
        .await
        .unwrap()
        .expect("the account's bucket");
    assert_eq!(
        row.failures, 2,
        "the sign-up's guess counted like a sign-in"
    );
    // And a burst of them is held by the sign-in limits.
    let requests = (0..30).map(|i| {
        let (c, url) = (client(), app.url("/api/auth/signup"));
        let body = json!({"email": "a@example.com", "password": format!("wrong guess {i}")});
        async move { answer(&c.post(url).json(&body).send().await.unwrap()) }
    });
    let answers = join_all(requests).await;
    assert!(not_429(&answers) <= 10, "{answers:?}");
    assert_eq!(not_429(&answers), count(&answers, 401), "{answers:?}");
}
