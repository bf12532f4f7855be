//! Failed sign-ins one after another: the per-address limit (not escaped by an untrusted
//! `X-Forwarded-For`), the account's short back-off, and failures that end together.

use chrono::Duration;
use serde_json::json;

use crate::helpers::{client, spawn_app, PASSWORD};

#[tokio::test]
async fn the_eleventh_failed_sign_in_from_one_ip_is_429_with_retry_after() {
    let app = spawn_app().await;
    let c = client();
    for i in 0..10 {
        let res = app
            .post(
                &c,
                "/api/auth/signin",
                &json!({"email": format!("u{i}@example.com"), "password": "wrong password"}),
            )
            .await;
        assert_eq!(res.status(), 401);
    }
    let res = app
        .post(
            &c,
            "/api/auth/signin",
            &json!({"email": "u99@example.com", "password": "wrong password"}),
        )
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_does_not_escape_the_ip_limit() {
    let app = spawn_app().await;
    let c = client();
    for i in 0..11 {
        let res = c
            .post(app.url("/api/auth/signin"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .json(&json!({"email": format!("u{i}@example.com"), "password": "wrong password"}))
            .send()
            .await
            .unwrap();
        if i == 10 {
            assert_eq!(res.status(), 429);
        }
    }
}

#[tokio::test]
async fn repeated_failures_on_one_account_back_off_but_not_for_long() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let attempt = |pw: &'static str, ip: u8| {
        let c = client();
        let url = app.url("/api/auth/signin");
        async move {
            // Different trusted-looking IPs are irrelevant: the account counter is shared.
            let _ = ip;
            c.post(url)
                .json(&json!({"email": "a@example.com", "password": pw}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Nine failures, a minute apart (so no lock is still running when the next one comes, and
    // the per-IP limit does not interfere): the ninth locks the account for eight seconds.
    for i in 0..9 {
        assert_eq!(attempt("wrong password", i).await, 401);
        if i < 8 {
            app.clock.advance(Duration::seconds(61));
        }
    }
    assert_eq!(
        attempt(PASSWORD, 9).await,
        429,
        "locked after repeated failures"
    );
    app.clock.advance(Duration::seconds(61));
    assert_eq!(attempt(PASSWORD, 9).await, 200, "the lock is short");
}

#[tokio::test]
async fn an_attacker_who_retries_whenever_allowed_gets_under_a_hundred_guesses_an_hour() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let attacker = client();
    let (mut guesses, mut waited) = (0, 0_i64);
    while waited < 3600 {
        let res = attacker
            .post(app.url("/api/auth/signin"))
            .json(&json!({"email": "a@example.com", "password": "guess"}))
            .send()
            .await
            .unwrap();
        match res.status().as_u16() {
            401 => guesses += 1,
            429 => {
                let wait: i64 = res.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=60).contains(&wait), "{wait}");
                app.clock.advance(Duration::seconds(wait));
                waited += wait;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(guesses <= 100, "{guesses} guesses in an hour");
    assert!(
        guesses >= 10,
        "the real user is not locked out for long: {guesses}"
    );
}

#[tokio::test]
async fn failures_that_end_together_are_each_counted() {
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let attempts = (0..4).map(|_| {
        let c = client();
        let url = app.url("/api/auth/signin");
        async move {
            c.post(url)
                .json(&json!({"email": "a@example.com", "password": "wrong password"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    for status in futures::future::join_all(attempts).await {
        assert_eq!(status, 401);
    }
    let row = server::entities::login_throttle::Entity::find_by_id("acct:a@example.com".to_owned())
        .one(&app.db)
        .await
        .unwrap()
        .expect("the failures are counted");
    assert_eq!(row.failures, 4, "no failure was lost to a race");
}
