//! What the throttling tests share: browsers behind a trusted proxy, bursts, cookies.

use futures::future::join_all;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, TestApp};

/// An app that believes `X-Forwarded-For` from 127.0.0.1, so each test browser can stand for a
/// client at its own address.
pub async fn spawn_behind_proxy(extra: &[(&str, &str)]) -> TestApp {
    let mut settings = vec![("TRUSTED_PROXIES", "127.0.0.1")];
    settings.extend_from_slice(extra);
    spawn_app_with(&settings).await
}

fn builder(addr: &str) -> reqwest::ClientBuilder {
    let mut headers = HeaderMap::new();
    headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
    headers.insert("x-forwarded-for", HeaderValue::from_str(addr).unwrap());
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
}

/// A browser (with a cookie jar) at client address `addr`.
pub fn browser_at(addr: &str) -> reqwest::Client {
    builder(addr).cookie_store(true).build().unwrap()
}

/// A client at `addr` that sends only the cookies a request sets itself.
pub fn bare_at(addr: &str) -> reqwest::Client {
    builder(addr).build().unwrap()
}

/// Sends `n` sign-ins for `email` with `password` all at once, each from the address
/// `addr(i)`, and returns each answer's status and `Retry-After`.
pub async fn sign_in_burst(
    app: &TestApp,
    n: usize,
    addr: impl Fn(usize) -> String,
    email: impl Fn(usize) -> String,
    password: &str,
) -> Vec<(u16, Option<u32>)> {
    let requests = (0..n).map(|i| {
        let client = bare_at(&addr(i));
        let url = app.url("/api/auth/signin");
        let body = json!({"email": email(i), "password": password});
        async move {
            let res = client.post(url).json(&body).send().await.unwrap();
            answer(&res)
        }
    });
    join_all(requests).await
}

/// A response's status and `Retry-After` (asserted present on every 429).
pub fn answer(res: &reqwest::Response) -> (u16, Option<u32>) {
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let status = res.status().as_u16();
    assert!(
        status != 429 || retry.is_some(),
        "a 429 without Retry-After"
    );
    (status, retry)
}

/// How many answers were not 429.
pub fn not_429(answers: &[(u16, Option<u32>)]) -> usize {
    answers.iter().filter(|(s, _)| *s != 429).count()
}

/// How many answers were `status`.
pub fn count(answers: &[(u16, Option<u32>)], status: u16) -> usize {
    answers.iter().filter(|(s, _)| *s == status).count()
}

/// The `name=value` of the cookie called `name` a response set.
pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

/// The full `Set-Cookie` line of the cookie called `name`.
pub fn set_cookie_line(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// Signs `email` up on `client` and returns the response's body.
pub async fn sign_up_on(app: &TestApp, client: &reqwest::Client, email: &str) -> Value {
    let body = json!({"email": email, "password": crate::helpers::PASSWORD});
    let res = app.post(client, "/api/auth/signup", &body).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// Attacks `email` from ever new addresses until the account is locked for at least
/// `min_lock` more seconds (so the rest of the test runs inside the lock, however slow the
/// machine); returns how many guesses were answered 401.
pub async fn lock_account(app: &TestApp, email: &str, min_lock: u32) -> usize {
    let mut wrong = 0;
    for round in 0..40 {
        let answers = sign_in_burst(
            app,
            10,
            |i| format!("198.51.{round}.{i}"),
            |_| email.to_owned(),
            "a wrong guess",
        )
        .await;
        wrong += count(&answers, 401);
        assert_eq!(not_429(&answers), count(&answers, 401), "{answers:?}");
        let lock = answers.iter().filter_map(|(_, r)| *r).max().unwrap_or(0);
        if lock >= min_lock {
            return wrong;
        }
        app.clock
            .advance(chrono::Duration::seconds(i64::from(lock.max(1))));
    }
    panic!("the account never locked for {min_lock} s");
}
