//! The database goes away while the server serves, and comes back (`outage/cut.rs` says how,
//! for each database). Meanwhile API calls answer a JSON 503 `{"error","message"}` (SQLite:
//! the writes; PostgreSQL: everything that needs the database), pages an HTML page that says
//! so in words, every request answers instead of hanging (the pool's acquire timeout and
//! SQLite's busy timeout bound the wait), and nothing is half-written. When the database
//! returns, the same server, never restarted, serves again.

mod cut;

use std::time::{Duration, Instant};

use fake_openrouter::key;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{self, spawn_app, spawn_app_with, TestApp};

enum Outage {
    Postgres(cut::Proxy),
    Sqlite(cut::WriteLock),
}

impl Outage {
    async fn begin(&mut self) {
        match self {
            Self::Postgres(proxy) => proxy.cut(),
            Self::Sqlite(lock) => lock.take().await,
        }
    }

    async fn end(&mut self) {
        match self {
            Self::Postgres(proxy) => proxy.restore(),
            Self::Sqlite(lock) => lock.release().await,
        }
    }
}

/// An app whose database can be taken away: on PostgreSQL it reaches its own fresh database
/// through a proxy; on SQLite another connection can hold the write lock.
async fn app_with_outage() -> (TestApp, Outage) {
    match std::env::var("STUDIO_TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            let dir = tempfile::tempdir().unwrap();
            let direct = helpers::fresh_database_url(&dir).await;
            let authority = direct
                .split_once('@')
                .and_then(|(_, rest)| rest.split_once('/'))
                .map(|(authority, _)| authority.to_owned())
                .expect("postgres://USER@HOST:PORT/DB");
            let upstream = tokio::net::lookup_host(&authority)
                .await
                .unwrap()
                .next()
                .unwrap();
            let proxy = cut::Proxy::start(upstream).await;
            let proxied = direct.replacen(&authority, &proxy.addr.to_string(), 1);
            let app = spawn_app_with(&[("DATABASE_URL", &proxied)]).await;
            (app, Outage::Postgres(proxy))
        }
        _ => {
            let app = spawn_app().await;
            let lock = cut::WriteLock::open(&app.database_url).await;
            (app, Outage::Sqlite(lock))
        }
    }
}

/// `request`'s answer; a request that has not answered after 60 s fails the test (it hangs:
/// every wait on the database is bounded by a few seconds).
async fn answers(request: reqwest::RequestBuilder) -> reqwest::Response {
    tokio::time::timeout(Duration::from_secs(60), request.send())
        .await
        .expect("the request answers instead of hanging")
        .expect("the request gets a response")
}

async fn json_error(res: reqwest::Response, status: u16, what: &str) -> Value {
    assert_eq!(res.status(), status, "{what}");
    let kind = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("application/json"), "{what}: {kind}");
    let body: Value = res.json().await.unwrap();
    for field in ["error", "message"] {
        assert!(
            body[field].as_str().is_some_and(|s| !s.is_empty()),
            "{what}: {body}"
        );
    }
    body
}

async fn mask(app: &TestApp, client: &reqwest::Client) -> Value {
    let res = answers(client.get(app.url("/api/user/api-key"))).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["apiKey"].clone()
}

#[tokio::test]
async fn a_database_outage_gets_503s_in_words_and_the_server_recovers_by_itself() {
    let (app, mut outage) = app_with_outage().await;
    let postgres = matches!(outage, Outage::Postgres(_));
    let alice = app.new_client();
    let alice_id = app.sign_up_with(&alice, "alice@example.com").await;
    let saved = app
        .post(&alice, "/api/user/api-key", &json!({"apiKey": key("a1")}))
        .await;
    assert_eq!(saved.status(), 200);
    let first_mask = mask(&app, &alice).await;

    outage.begin().await;
    // A key whose mask differs from the first one's.
    let second = key(&"b2".repeat(32));
    // A burst of saves at once, more than the pool has connections: every one answers, with
    // a 503, and none of them writes anything.
    let saves = (0..12).map(|_| {
        let save = alice
            .post(app.url("/api/user/api-key"))
            .json(&json!({"apiKey": second}));
        async move { json_error(answers(save).await, 503, "a key save").await }
    });
    futures::future::join_all(saves).await;
    let bob = app.new_client();
    let sign_up = bob
        .post(app.url("/api/auth/signup"))
        .json(&json!({"email": "bob@example.com", "password": helpers::PASSWORD}));
    json_error(answers(sign_up).await, 503, "a sign-up").await;
    if postgres {
        let health = answers(alice.get(app.url("/health"))).await;
        assert_eq!(health.status(), 503, "health");
        let health: Value = health.json().await.unwrap();
        assert_eq!(health["status"], "unavailable", "{health}");
        assert!(health["reason"].as_str().is_some_and(|r| !r.is_empty()));
        let status = alice.get(app.url("/api/user/api-key"));
        json_error(answers(status).await, 503, "a read").await;
        let chat = alice
            .post(app.url("/api/ai/chat"))
            .json(&json!({"messages": [{"role": "user", "content": "hi"}]}));
        json_error(answers(chat).await, 503, "a chat").await;
        let page = answers(alice.get(app.url("/settings"))).await;
        assert_eq!(page.status(), 503, "a page");
        assert!(page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = page.text().await.unwrap();
        assert!(
            html.contains("<h1>Service unavailable</h1>")
                && html.contains("temporarily unavailable"),
            "{html}"
        );
    } else {
        // WAL readers never wait for the writer: reads and pages go on.
        assert_eq!(answers(alice.get(app.url("/health"))).await.status(), 200);
        assert_eq!(mask(&app, &alice).await, first_mask);
        assert_eq!(answers(alice.get(app.url("/settings"))).await.status(), 200);
    }
    // A minute later the session is due to be rewritten (once a minute, `auth/store.rs`): on
    // SQLite that write fails while the request itself succeeded, and the session layer's own
    // empty 500 must not reach the client.
    app.clock.advance(chrono::Duration::minutes(2));
    let touched = alice.get(app.url("/api/user/api-key"));
    json_error(
        answers(touched).await,
        503,
        "a request whose session is due a write",
    )
    .await;
    let page = answers(alice.get(app.url("/settings"))).await;
    assert_eq!(page.status(), 503, "a page whose session is due a write");
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("temporarily unavailable"));

    outage.end().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while answers(alice.get(app.url("/health"))).await.status() != 200 {
        assert!(Instant::now() < deadline, "the server recovers by itself");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Nothing the outage refused was written: the key, its log, and no account for Bob.
    assert_eq!(
        mask(&app, &alice).await,
        first_mask,
        "the refused save changed nothing"
    );
    let events = server::entities::api_key_event::Entity::find()
        .filter(server::entities::api_key_event::Column::UserId.eq(alice_id.as_str()))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(events, 1, "only the first save is in the key log");
    let sign_in = bob
        .post(app.url("/api/auth/signin"))
        .json(&json!({"email": "bob@example.com", "password": helpers::PASSWORD}));
    assert_eq!(answers(sign_in).await.status(), 401, "no account was made");
    app.sign_up_with(&bob, "bob@example.com").await;
    let saved = app
        .post(&alice, "/api/user/api-key", &json!({"apiKey": second}))
        .await;
    assert_eq!(saved.status(), 200, "saves work again");
    let now = mask(&app, &alice).await;
    assert!(now.as_str().unwrap().ends_with("b2b2b2"), "{now}");

    // PostgreSQL once more, silent this time: connections stay open and nothing answers (lost
    // packets). The pool tests a connection before handing it out, within its acquire timeout,
    // so a request answers a 503 instead of waiting on the silence; then the server recovers.
    if let Outage::Postgres(proxy) = &outage {
        proxy.stall();
        let read = alice.get(app.url("/api/user/api-key"));
        json_error(answers(read).await, 503, "a read from a silent database").await;
        let save = alice
            .post(app.url("/api/user/api-key"))
            .json(&json!({"apiKey": key("c3")}));
        json_error(answers(save).await, 503, "a save to a silent database").await;
        proxy.restore();
        let deadline = Instant::now() + Duration::from_secs(60);
        while answers(alice.get(app.url("/health"))).await.status() != 200 {
            assert!(Instant::now() < deadline, "the server recovers by itself");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            mask(&app, &alice).await,
            now,
            "the silent save changed nothing"
        );
        let saved = app
            .post(&alice, "/api/user/api-key", &json!({"apiKey": key("c3")}))
            .await;
        assert_eq!(saved.status(), 200, "saves work again");
    }
}
