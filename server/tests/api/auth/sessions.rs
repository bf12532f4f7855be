//! A session's life: a new id at sign-in, the end at sign-out, the idle and absolute timeouts,
//! and cookies that name no session.

use chrono::Duration;
use serde_json::json;

use crate::helpers::{session_cookie, spawn_app, PASSWORD};

#[tokio::test]
async fn sign_in_issues_a_new_session_id_and_the_old_one_stops_working() {
    let app = spawn_app().await;
    let c = crate::helpers::client_without_jar();
    let res = app
        .post(
            &c,
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": PASSWORD}),
        )
        .await;
    let first = session_cookie(&res).unwrap();
    let res = c
        .post(app.url("/api/auth/signin"))
        .header("cookie", &first)
        .json(&json!({"email": "a@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let second = session_cookie(&res).unwrap();
    assert_ne!(first, second);
    let old = c
        .get(app.url("/api/auth/session"))
        .header("cookie", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401);
    let new = c
        .get(app.url("/api/auth/session"))
        .header("cookie", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), 200);
}

#[tokio::test]
async fn after_sign_out_the_old_cookie_is_refused_and_the_row_is_gone() {
    let app = spawn_app().await;
    let c = crate::helpers::client_without_jar();
    let res = app
        .post(
            &c,
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": PASSWORD}),
        )
        .await;
    let cookie = session_cookie(&res).unwrap();
    let out = c
        .post(app.url("/api/auth/signout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert!(out.headers().get("clear-site-data").is_some());
    let replay = c
        .get(app.url("/api/auth/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(
        server::entities::session::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn an_idle_session_expires_after_30_minutes_and_reads_count_as_activity() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    for _ in 0..3 {
        app.clock.advance(Duration::minutes(20));
        let res = app.get(&app.client, "/api/auth/session").await;
        assert_eq!(res.status(), 200, "each read restarts the idle timer");
    }
    app.clock.advance(Duration::minutes(31));
    let res = app.get(&app.client, "/api/auth/session").await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn requests_within_a_minute_do_not_rewrite_the_session_but_later_ones_do() {
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let row = || async {
        let rows = server::entities::session::Entity::find()
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        (rows[0].expires_at, rows[0].last_seen_at)
    };
    let first = row().await;
    app.clock.advance(Duration::seconds(30));
    let res = app.get(&app.client, "/api/auth/session").await;
    assert_eq!(res.status(), 200);
    assert_eq!(row().await, first, "no write for a request 30 s later");
    app.clock.advance(Duration::seconds(31));
    let res = app.get(&app.client, "/api/auth/session").await;
    assert_eq!(res.status(), 200);
    let later = row().await;
    assert!(
        later.0 >= first.0 + 60,
        "the idle expiry moved on: {later:?} {first:?}"
    );
    assert!(later.1 > first.1);
}

#[tokio::test]
async fn an_active_session_ends_12_hours_after_sign_in() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    // 35 × 20 minutes = 11 h 40: still inside the absolute lifetime (with room for the real
    // seconds the test itself takes).
    for _ in 0..35 {
        app.clock.advance(Duration::minutes(20));
        let res = app.get(&app.client, "/api/auth/session").await;
        assert_eq!(res.status(), 200);
    }
    app.clock.advance(Duration::minutes(25));
    let res = app.get(&app.client, "/api/auth/session").await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn garbage_oversized_and_unknown_cookies_are_treated_as_anonymous() {
    let app = spawn_app().await;
    let c = crate::helpers::client_without_jar();
    for cookie in [
        "studio_sid=garbage",
        "studio_sid=",
        &format!("studio_sid={}", "A".repeat(4000)),
        "studio_sid=AAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let res = c
            .get(app.url("/api/auth/session"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{cookie:.40}");
        let home = c
            .get(app.url("/"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(home.status(), 200);
    }
}
