//! Sign-in limits under bursts: per address (IPv6 per /64) and per account, counted before the
//! password check.

use chrono::Duration;
use serde_json::json;

use super::support::{count, not_429, sign_in_burst, spawn_behind_proxy};
use crate::helpers::{spawn_app, PASSWORD};

#[tokio::test]
async fn a_burst_of_wrong_guesses_for_one_account_from_one_address_gets_at_most_ten_answers_that_are_not_429_a_minute(
) {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    for minute in 0..2 {
        let answers = sign_in_burst(
            &app,
            60,
            |_| "127.0.0.1".into(),
            |_| "a@example.com".into(),
            "a wrong guess",
        )
        .await;
        let passed = not_429(&answers);
        assert!(
            (1..=10).contains(&passed),
            "minute {minute}: {passed} answers were not 429"
        );
        assert_eq!(passed, count(&answers, 401), "{answers:?}");
        app.clock.advance(Duration::seconds(61));
    }
}

#[tokio::test]
async fn a_burst_at_many_emails_from_one_address_gets_exactly_ten_answers_that_are_not_429() {
    let app = spawn_app().await;
    let answers = sign_in_burst(
        &app,
        40,
        |_| "127.0.0.1".into(),
        |i| format!("u{i}@example.com"),
        "a wrong guess",
    )
    .await;
    assert_eq!(not_429(&answers), 10, "{answers:?}");
    assert_eq!(count(&answers, 401), 10);
    let waits: Vec<u32> = answers.iter().filter_map(|(_, r)| *r).collect();
    assert!(waits.iter().all(|w| (1..=60).contains(w)), "{waits:?}");
}

#[tokio::test]
async fn from_many_addresses_at_most_a_hundred_guesses_an_hour_reach_the_password_check() {
    let app = spawn_behind_proxy(&[]).await;
    app.sign_up("a@example.com").await;
    let (mut checked, mut elapsed, mut round) = (0, 0_i64, 0_usize);
    while elapsed < 3600 {
        // Every guess from an address never seen before: only the account's own limit is left.
        let answers = sign_in_burst(
            &app,
            20,
            |i| format!("10.{}.{}.{i}", round / 250, round % 250),
            |_| "a@example.com".into(),
            "a wrong guess",
        )
        .await;
        assert_eq!(not_429(&answers), count(&answers, 401), "{answers:?}");
        checked += count(&answers, 401);
        let wait = answers.iter().filter_map(|(_, r)| *r).min().unwrap_or(1);
        app.clock.advance(Duration::seconds(i64::from(wait)));
        elapsed += i64::from(wait);
        round += 1;
    }
    assert!(
        checked <= 100,
        "{checked} guesses reached the password check in an hour"
    );
    assert!(
        checked >= 20,
        "the attacker was let through now and then: {checked}"
    );
}

#[tokio::test]
async fn ipv6_clients_in_one_slash_64_share_one_address_limit() {
    let app = spawn_behind_proxy(&[]).await;
    let answers = sign_in_burst(
        &app,
        30,
        |i| format!("2001:db8:1:2:{i:x}::{:x}", i * 7 + 1),
        |i| format!("u{i}@example.com"),
        "a wrong guess",
    )
    .await;
    assert_eq!(not_429(&answers), 10, "{answers:?}");
    let neighbour = sign_in_burst(
        &app,
        1,
        |_| "2001:db8:1:3::1".into(),
        |_| "v@example.com".into(),
        "a wrong guess",
    )
    .await;
    assert_eq!(neighbour[0].0, 401, "the next /64 has its own limit");
}

#[tokio::test]
async fn successful_sign_ins_hand_their_address_slot_back() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let c = app.new_client();
    for _ in 0..15 {
        let res = app
            .post(
                &c,
                "/api/auth/signin",
                &json!({"email": "a@example.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let wrong = app
        .post(
            &c,
            "/api/auth/signin",
            &json!({"email": "a@example.com", "password": "a wrong guess"}),
        )
        .await;
    assert_eq!(wrong.status(), 401, "fifteen successes used up no slot");
}

#[tokio::test]
async fn throttle_rows_an_hour_idle_are_pruned_and_recent_ones_kept() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    use server::entities::login_throttle;
    use server::kit::Clock as _;
    let app = spawn_app().await;
    sign_in_burst(
        &app,
        3,
        |_| "127.0.0.1".into(),
        |i| format!("old{i}@example.com"),
        "a wrong guess",
    )
    .await;
    app.clock.advance(Duration::minutes(61));
    sign_in_burst(
        &app,
        1,
        |_| "127.0.0.1".into(),
        |_| "recent@example.com".into(),
        "a wrong guess",
    )
    .await;
    let rows = || login_throttle::Entity::find().count(&app.db);
    assert_eq!(rows().await.unwrap(), 4);
    let pruned = server::auth::throttle::prune(&app.db, app.clock.unix())
        .await
        .unwrap();
    assert_eq!(pruned, 3);
    let left = login_throttle::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].account, "acct:recent@example.com");
}
