//! Password change (throttled like sign-in, ends every session of the old password, racing ones
//! included) and sign-out through the server function.

use futures::future::join_all;
use serde_json::json;

use super::support::{answer, count, lock_account, not_429, set_cookie, spawn_behind_proxy};
use crate::helpers::{client, client_without_jar, session_cookie, spawn_app, PASSWORD};

fn change(current: &str, new: &str) -> serde_json::Value {
    json!({"currentPassword": current, "newPassword": new})
}

#[tokio::test]
async fn a_burst_of_wrong_current_passwords_gets_at_most_ten_answers_that_are_not_429() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let requests = (0..40).map(|i| {
        let (c, url) = (app.client.clone(), app.url("/api/auth/password"));
        let body = change(&format!("wrong guess {i}"), "a brand new password");
        async move { answer(&c.post(url).json(&body).send().await.unwrap()) }
    });
    let answers = join_all(requests).await;
    let passed = not_429(&answers);
    assert!((1..=10).contains(&passed), "{answers:?}");
    assert_eq!(passed, count(&answers, 403), "{answers:?}");
}

#[tokio::test]
async fn a_locked_account_refuses_a_password_change_from_a_browser_it_does_not_know() {
    let app = spawn_behind_proxy(&[]).await;
    let bare = client_without_jar();
    let res = app
        .post(
            &bare,
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": PASSWORD}),
        )
        .await;
    let sid = session_cookie(&res).unwrap();
    let device = set_cookie(&res, "studio_device").unwrap();
    lock_account(&app, "a@example.com", 30).await;
    let attempt = |cookie: String| {
        let req = bare
            .post(app.url("/api/auth/password"))
            .header("cookie", cookie)
            .json(&change(PASSWORD, "a brand new password"));
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(
        attempt(sid.clone()).await,
        429,
        "the sign-in bucket is shared"
    );
    assert_eq!(
        attempt(format!("{sid}; {device}")).await,
        204,
        "a known browser"
    );
}

#[tokio::test]
async fn a_password_change_gives_this_browser_a_new_session_id_and_keeps_it_signed_in() {
    let app = spawn_app().await;
    let bare = client_without_jar();
    let res = app
        .post(
            &bare,
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": PASSWORD}),
        )
        .await;
    let old = session_cookie(&res).unwrap();
    let res = bare
        .post(app.url("/api/auth/password"))
        .header("cookie", &old)
        .json(&change(PASSWORD, "a brand new password"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let new = session_cookie(&res).expect("a new session cookie");
    assert_ne!(new, old);
    let status = |cookie: String| {
        let req = bare
            .get(app.url("/api/auth/session"))
            .header("cookie", cookie);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(old).await, 401, "the old id is dead");
    assert_eq!(status(new).await, 200);
}

#[tokio::test]
async fn sign_ins_racing_a_password_change_with_the_old_password_do_not_outlive_it() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let mut current = PASSWORD.to_owned();
    for round in 0..3 {
        let next = format!("new password number {round}");
        // The sign-ins read the old hash at once, then queue for Argon2 behind each other and
        // the change: some finish checking the old password only after the change committed.
        let browsers: Vec<reqwest::Client> = (0..5).map(|_| client()).collect();
        let sign_ins = browsers.iter().map(|b| {
            let req = b
                .post(app.url("/api/auth/signin"))
                .json(&json!({"email": "a@example.com", "password": current}));
            async move { req.send().await.unwrap().status().as_u16() }
        });
        let body = change(&current, &next);
        let changing = app.post(&app.client, "/api/auth/password", &body);
        let (statuses, changed) = tokio::join!(join_all(sign_ins), changing);
        assert_eq!(changed.status(), 204, "round {round}");
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 401),
            "{statuses:?}"
        );
        for (b, signed_in) in browsers.iter().zip(&statuses) {
            let now = app.get(b, "/api/auth/session").await.status();
            assert_eq!(
                now, 401,
                "round {round}: a sign-in answered {signed_in} outlived the change"
            );
        }
        let me = app.get(&app.client, "/api/auth/session").await;
        assert_eq!(
            me.status(),
            200,
            "the browser that changed it stays signed in"
        );
        let list = app.get_json(&app.client, "/api/auth/sessions").await;
        assert_eq!(list["sessions"].as_array().unwrap().len(), 1, "{list}");
        current = next;
        // A fresh minute, so the failures of one round never meet the address limit.
        app.clock.advance(chrono::Duration::seconds(61));
    }
    let old = app
        .post(
            &client(),
            "/api/auth/signin",
            &json!({"email": "a@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.status(), 401);
    let new = app
        .post(
            &client(),
            "/api/auth/signin",
            &json!({"email": "a@example.com", "password": current}),
        )
        .await;
    assert_eq!(new.status(), 200);
}

#[tokio::test]
async fn signing_out_through_the_server_function_sends_clear_site_data() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let res = app
        .client
        .post(app.url("/api/sign_out"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert!(res.status().as_u16() < 400, "{}", res.status());
    assert_eq!(res.headers()["clear-site-data"], "\"cookies\", \"storage\"");
    let me = app.get(&app.client, "/api/auth/session").await;
    assert_eq!(me.status(), 401, "the session ended");
}
