mod argon2_load;
mod dead_session;
mod device;
mod disable;
mod password;
mod sign_in_limits;
mod sign_up;
pub(crate) mod support;

use chrono::Duration;
use serde_json::{json, Value};

use crate::helpers::{client, session_cookie, spawn_app, PASSWORD};

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

#[tokio::test]
async fn a_cross_origin_post_is_refused_before_any_handler_runs() {
    let app = spawn_app().await;
    // No default headers: each case says exactly what a browser would send.
    let bare = reqwest::Client::new();
    for headers in [
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.test"),
        ],
        vec![("origin", "https://evil.test")],
        vec![("origin", "null")],
    ] {
        let mut req = bare
            .post(app.url("/api/auth/signup"))
            .json(&json!({"email": "victim@example.com", "password": PASSWORD}));
        for (k, v) in &headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "{headers:?}");
    }
    let ok = app
        .post(
            &app.new_client(),
            "/api/auth/signin",
            &json!({"email": "victim@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(ok.status(), 401, "the account was never created");
}

#[tokio::test]
async fn cross_site_writes_to_the_key_change_nothing() {
    let app = spawn_app().await;
    let res = app
        .post(
            &app.client,
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": PASSWORD}),
        )
        .await;
    let cookie = session_cookie(&res).unwrap();
    let saved = app
        .post(
            &app.client,
            "/api/user/api-key",
            &json!({"apiKey": fake_openrouter::key("a1")}),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let before = app.get_json(&app.client, "/api/user/api-key").await;
    let other_key = fake_openrouter::key("b2");
    let form = format!("api_key={other_key}");
    let bare = reqwest::Client::new();
    let attempts = [
        // A form on another site posting to the server functions, as a browser sends it.
        ("POST", "/api/save_key", Some("https://evil.test")),
        ("POST", "/api/remove_key", Some("https://evil.test")),
        ("DELETE", "/api/user/api-key", Some("https://evil.test")),
        // An old browser that sends neither header, but the user's cookie.
        ("POST", "/api/save_key", None),
        ("DELETE", "/api/user/api-key", None),
    ];
    for (method, path, origin) in attempts {
        let mut req = bare
            .request(method.parse().unwrap(), app.url(path))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.clone());
        if let Some(origin) = origin {
            req = req
                .header("origin", origin)
                .header("sec-fetch-site", "cross-site");
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403, "{method} {path} from {origin:?}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "Forbidden");
    }
    let after = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(before, after, "the key is as it was");
    assert!(app
        .fake
        .requests()
        .iter()
        .all(|r| r.authorization.as_deref() != Some(&format!("Bearer {other_key}"))));
    // The studio's own page, same cookie: served.
    let res = bare
        .delete(app.url("/api/user/api-key"))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
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

#[tokio::test]
async fn every_protected_route_answers_401_json_to_anonymous_callers() {
    let app = spawn_app().await;
    let c = client();
    for (method, path) in [
        ("GET", "/api/auth/session"),
        ("GET", "/api/auth/sessions"),
        ("DELETE", "/api/auth/sessions/cabc"),
        ("POST", "/api/auth/password"),
    ] {
        let res = c
            .request(method.parse().unwrap(), app.url(path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "Unauthorized");
    }
}

#[tokio::test]
async fn anonymous_page_visits_go_to_sign_in_and_come_back() {
    let app = spawn_app().await;
    let res = client()
        .get(app.url("/settings?tab=key"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/signin?next=/settings%3Ftab%3Dkey"
    );
}

#[tokio::test]
async fn html_pages_carry_a_nonce_csp_and_the_other_security_headers() {
    let app = spawn_app().await;
    let res = app.get(&app.client, "/").await;
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("'wasm-unsafe-eval'")
            && csp.contains("'nonce-")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert!(
        csp.contains("object-src 'none'") && csp.contains("base-uri 'none'"),
        "{csp}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(
        h["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(h["cross-origin-opener-policy"], "same-origin");
    assert_eq!(h["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    for script in html.split("<script").skip(1) {
        assert!(
            script.starts_with(&format!(" nonce=\"{nonce}\""))
                || script.contains(&format!("nonce=\"{nonce}\"")),
            "script without the nonce: {script:.80}"
        );
    }
}

#[tokio::test]
async fn state_changes_refuse_get_and_head_with_405() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    for path in [
        "/api/save_key",
        "/api/remove_key",
        "/api/auth/signout",
        "/api/auth/password",
        "/api/ai/chat",
        "/api/ai/generate-code",
    ] {
        for method in ["GET", "HEAD"] {
            let res = app
                .client
                .request(method.parse().unwrap(), app.url(path))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 405, "{method} {path}");
        }
    }
    let still = app.get_json(&app.client, "/api/auth/session").await;
    assert_eq!(still["user"]["email"], "a@example.com", "still signed in");
}

#[tokio::test]
async fn no_origin_is_ever_allowed_to_read_responses() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    for origin in ["https://evil.test", "null"] {
        let res = app
            .client
            .get(app.url("/api/auth/session"))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert!(
            !res.headers().contains_key("access-control-allow-origin"),
            "{origin}"
        );
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, app.url("/api/user/api-key"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert!(
            !preflight
                .headers()
                .contains_key("access-control-allow-origin"),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn authenticated_responses_are_not_cached() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let res = app.get(&app.client, "/api/auth/session").await;
    assert_eq!(res.headers()["cache-control"], "no-store");
}
