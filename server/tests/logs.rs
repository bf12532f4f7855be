//! Every log line at every level, captured through a key's whole life (pasted, used, refused,
//! removed, connected through OpenRouter) and a handler that panics holding it: no key, password, session cookie or master key appears in any of them. A binary of
//! its own, because the subscriber that captures is global.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::io::Write;
use std::sync::{Arc, Mutex};

use fake_openrouter::key;
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut all) = self.0.lock() {
            all.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

async fn post(app: &helpers::TestApp, path: &str, body: serde_json::Value) -> (u16, String) {
    let res = app
        .client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Runs "Connect with OpenRouter" for the signed-in client against the fake, and answers the
/// authorisation code and the PKCE verifier the exchange carried.
async fn connect(app: &helpers::TestApp) -> (String, String) {
    let start = app
        .client
        .post(app.url("/api/user/api-key/connect"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let page = reqwest::Url::parse(start.headers()["location"].to_str().unwrap()).unwrap();
    let form: Vec<(String, String)> = page.query_pairs().into_owned().collect();
    let approved = helpers::client()
        .post(format!("http://{}/auth/approve", app.fake.addr()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 302);
    let back = reqwest::Url::parse(approved.headers()["location"].to_str().unwrap()).unwrap();
    let code = back
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let done = app
        .client
        .get(app.url(&format!(
            "{}?{}",
            back.path(),
            back.query().unwrap_or_default()
        )))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    let status = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(
        status["hasApiKey"], true,
        "the connected key is stored: {status}"
    );
    let exchange = app
        .fake
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/api/v1/auth/keys")
        .expect("the exchange reached the fake");
    let verifier = exchange.body["code_verifier"]
        .as_str()
        .expect("a verifier")
        .to_owned();
    (code, verifier)
}

#[tokio::test]
async fn nothing_secret_reaches_the_logs_at_trace() {
    let capture = Capture::default();
    // Everything at TRACE, but for the test client's own cookie jar (`cookie_store`, which the
    // server does not use), which logs the cookies it is handed, as a browser's would.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace,cookie_store=off"))
        .with_writer(capture.clone())
        .with_ansi(false)
        .init();

    let app = helpers::spawn_app_with(&[(
        "AI_EXTRA_MODELS",
        "bad/model,down/model,policy/model,redirect/model",
    )])
    .await;
    let sign_up = app
        .client
        .post(app.url("/api/auth/signup"))
        .json(&json!({"email": "a@example.com", "password": helpers::PASSWORD, "name": "A"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sign_up.status(), 201);
    let cookie = helpers::session_cookie(&sign_up).expect("a session cookie");
    let cookie_value = cookie.split_once('=').unwrap().1.to_owned();
    let signed_up: serde_json::Value = sign_up.json().await.unwrap();
    let id = signed_up["user"]["id"].as_str().unwrap().to_owned();

    let good = key("abc1");
    let revoked = key("dead");
    let management = key("0a11");
    let malformed = format!("{}Z", &good[..good.len() - 1]);
    // A save, a chat (plain and streamed), refusals, a malformed key, an upstream 401 on a call.
    assert_eq!(
        post(&app, "/api/user/api-key", json!({"apiKey": good}))
            .await
            .0,
        200
    );
    let chat = json!({"messages": [{"role": "user", "content": "hello"}]});
    assert_eq!(post(&app, "/api/ai/chat", chat.clone()).await.0, 200);
    let mut streamed = chat.clone();
    streamed["stream"] = json!(true);
    assert_eq!(post(&app, "/api/ai/chat", streamed).await.0, 200);
    let mut failing = chat.clone();
    failing["model"] = json!("down/model");
    assert!(post(&app, "/api/ai/chat", failing).await.0 >= 500);
    assert_eq!(
        post(&app, "/api/user/api-key", json!({"apiKey": revoked}))
            .await
            .0,
        422
    );
    assert_eq!(
        post(&app, "/api/user/api-key", json!({"apiKey": management}))
            .await
            .0,
        422
    );
    assert_eq!(
        post(&app, "/api/user/api-key", json!({"apiKey": malformed}))
            .await
            .0,
        422
    );
    helpers::force_key(&app, &id, &revoked).await;
    let (status, body) = post(&app, "/api/ai/chat", chat).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        app.client
            .delete(app.url("/api/user/api-key"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Connect with OpenRouter: the code, the verifier and the key handed back stay out of the logs.
    let (code, verifier) = connect(&app).await;

    let (status, _) = post(
        &app,
        "/api/auth/signin",
        json!({"email": "a@example.com", "password": "wrong password here"}),
    )
    .await;
    assert_eq!(status, 401);

    // The panic path: the studio's own panic hook and panic layer, around a handler that panics
    // with the key in its message (as a careless `expect` on a request might).
    server::telemetry::init();
    let held = good.clone();
    let boom = axum::Router::new()
        .route(
            "/api/boom",
            axum::routing::get(move || {
                let held = held.clone();
                async move {
                    if !held.is_empty() {
                        panic!("the handler held {held}");
                    }
                    "unreachable"
                }
            }),
        )
        .layer(axum::middleware::from_fn_with_state(
            server::web::panic::Classifier::default(),
            server::web::panic::catch_panics,
        ));
    let answered = tower::ServiceExt::oneshot(
        boom,
        http::Request::get("/api/boom")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(answered.status(), 500, "the panic was answered");
    let body = axum::body::to_bytes(answered.into_body(), 1 << 16)
        .await
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&body).contains(&good),
        "the answer holds no key"
    );

    let logs = capture.text();
    assert!(
        logs.contains("panic (its message is not logged)"),
        "the panic hook logged the panic's place"
    );
    assert!(
        logs.contains("a request handler panicked"),
        "the panic layer logged its answer"
    );
    assert!(logs.contains("TRACE"), "TRACE lines were captured");
    assert!(
        logs.contains("API key stored"),
        "the app's own lines were captured"
    );
    assert!(logs.contains("rejected"), "the upstream 401 was logged");
    for (what, secret) in [
        ("the key", good.as_str()),
        ("the key's hex", &good["sk-or-v1-".len()..]),
        ("the revoked key", revoked.as_str()),
        ("the management key", management.as_str()),
        ("the malformed key", malformed.as_str()),
        ("the password", helpers::PASSWORD),
        ("the wrong password", "wrong password here"),
        ("the session cookie", cookie_value.as_str()),
        ("the authorisation code", code.as_str()),
        ("the PKCE verifier", verifier.as_str()),
        ("a bearer key", "Bearer sk-"),
    ] {
        let leaks: Vec<&str> = logs
            .lines()
            .filter(|l| l.contains(secret))
            .take(3)
            .collect();
        assert!(leaks.is_empty(), "{what} is in the logs: {leaks:#?}");
    }
    let ring: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&app.settings.keyring).unwrap()).unwrap();
    for master in ring["keys"].as_object().unwrap().values() {
        assert!(
            !logs.contains(master.as_str().unwrap()),
            "a master key is in the logs"
        );
    }
    let pattern = regex_lite::Regex::new("sk-or-v1-[0-9a-f]{64}").unwrap();
    assert!(!pattern.is_match(&logs), "no key-shaped string at all");
}
