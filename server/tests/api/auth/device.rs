//! The known-device cookie: someone who only knows the email cannot lock the owner out.

use serde_json::json;

use super::support::{
    bare_at, browser_at, lock_account, set_cookie, set_cookie_line, sign_up_on, spawn_behind_proxy,
};
use crate::helpers::{spawn_app_with, PASSWORD};

const OWNER_ADDR: &str = "203.0.113.5";

async fn sign_in_status(
    app: &crate::helpers::TestApp,
    client: &reqwest::Client,
    cookie: Option<&str>,
) -> u16 {
    let mut req = client
        .post(app.url("/api/auth/signin"))
        .json(&json!({"email": "owner@example.com", "password": PASSWORD}));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn after_a_burst_from_elsewhere_locks_the_account_the_owners_known_browser_signs_in_at_once()
{
    let app = spawn_behind_proxy(&[]).await;
    let owner = browser_at(OWNER_ADDR);
    sign_up_on(&app, &owner, "owner@example.com").await;
    let wrong = lock_account(&app, "owner@example.com", 30).await;
    assert!(wrong <= 12, "{wrong} guesses were checked before the lock");
    let stranger = browser_at(OWNER_ADDR);
    assert_eq!(
        sign_in_status(&app, &stranger, None).await,
        429,
        "a browser the account does not know waits out the lock"
    );
    assert_eq!(
        sign_in_status(&app, &owner, None).await,
        200,
        "the owner's browser is not locked out"
    );
    let me = app.get_json(&owner, "/api/auth/session").await;
    assert_eq!(me["user"]["email"], "owner@example.com");
    assert_eq!(
        sign_in_status(&app, &stranger, None).await,
        429,
        "the owner's success did not lift the account's lock for others"
    );
}

#[tokio::test]
async fn a_forged_or_another_users_device_cookie_gives_no_bypass() {
    let app = spawn_behind_proxy(&[]).await;
    let bare = bare_at(OWNER_ADDR);
    let signed_up = app
        .post(
            &bare,
            "/api/auth/signup",
            &json!({"email": "owner@example.com", "password": PASSWORD}),
        )
        .await;
    let genuine = set_cookie(&signed_up, "studio_device").expect("a device cookie");
    let other = app
        .post(
            &bare,
            "/api/auth/signup",
            &json!({"email": "other@example.com", "password": PASSWORD}),
        )
        .await;
    let others = set_cookie(&other, "studio_device").expect("a device cookie");
    lock_account(&app, "owner@example.com", 30).await;
    let (name_and_uid, _) = genuine.rsplit_once('.').unwrap();
    let tampered_mac = format!("{name_and_uid}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let parts: Vec<&str> = genuine.split('.').collect();
    let other_nonce = format!("{}.{}.{}.{}", parts[0], parts[1], "bm9ub25jZQ", parts[3]);
    for forged in [
        others.as_str(),
        &tampered_mac,
        &other_nonce,
        "studio_device=junk",
    ] {
        assert_eq!(
            sign_in_status(&app, &bare, Some(forged)).await,
            429,
            "{forged}"
        );
    }
    assert_eq!(sign_in_status(&app, &bare, Some(&genuine)).await, 200);
}

#[tokio::test]
async fn the_device_cookie_is_http_only_lax_and_lasts_about_half_a_year() {
    let app = spawn_behind_proxy(&[]).await;
    let res = app
        .post(
            &bare_at(OWNER_ADDR),
            "/api/auth/signup",
            &json!({"email": "owner@example.com", "password": PASSWORD}),
        )
        .await;
    let line = set_cookie_line(&res, "studio_device").expect("a device cookie");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=15552000"] {
        assert!(line.contains(part), "{line}");
    }
    assert!(!line.contains("Secure"), "plain http: {line}");
    let https = spawn_app_with(&[("PUBLIC_URL", "https://studio.example.com")]).await;
    let res = https
        .post(
            &https.new_client(),
            "/api/auth/signup",
            &json!({"email": "owner@example.com", "password": PASSWORD}),
        )
        .await;
    let line = set_cookie_line(&res, "__Host-device").expect("a host-only device cookie");
    assert!(
        line.contains("Secure") && !line.contains("Domain"),
        "{line}"
    );
}

#[tokio::test]
async fn a_burst_from_the_owners_own_address_does_not_lock_out_the_owners_known_browser() {
    let app = spawn_behind_proxy(&[]).await;
    let owner = browser_at(OWNER_ADDR);
    sign_up_on(&app, &owner, "owner@example.com").await;
    // 300 wrong guesses at once from the owner's own address (the same office, the same NAT).
    let answers = super::support::sign_in_burst(
        &app,
        300,
        |_| OWNER_ADDR.into(),
        |_| "owner@example.com".into(),
        "a wrong guess",
    )
    .await;
    let checked = super::support::count(&answers, 401);
    assert!(
        (1..=10).contains(&checked),
        "{checked} guesses were checked"
    );
    let stranger = browser_at(OWNER_ADDR);
    assert_eq!(
        sign_in_status(&app, &stranger, None).await,
        429,
        "a browser the account does not know, at that address, is refused"
    );
    assert_eq!(
        sign_in_status(&app, &owner, None).await,
        200,
        "the owner's browser signs in although its address is spent"
    );
}

#[tokio::test]
async fn a_device_cookie_for_one_account_does_not_lift_the_address_limit_for_another() {
    let app = spawn_behind_proxy(&[]).await;
    let attacker = browser_at(OWNER_ADDR);
    sign_up_on(&app, &attacker, "attacker@example.com").await;
    // The attacker's own genuine cookie, sent with guesses at 40 other accounts: only the
    // address's limit bounds such a spray (each account's own bucket is fresh).
    let guesses = (0..40).map(|i| {
        let req = attacker
            .post(app.url("/api/auth/signin"))
            .json(&json!({"email": format!("user{i}@example.com"), "password": "a wrong guess"}));
        async move { req.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures::future::join_all(guesses).await;
    let passed = statuses.iter().filter(|s| **s != 429).count();
    assert_eq!(passed, 10, "the address's limit held: {statuses:?}");
}
