//! The state caches on one instance: they do serve (the metrics count hits), and every change
//! made through the instance is seen by its very next request, with no wait (the instance
//! forgets the user's cached state right after its commit), including what the settings page
//! reads. Across instances see `instances.rs` and `tests/processes`.

use serde_json::json;
use server::cache::Name;

use crate::ai::{chat, chat_requests, post_json, user_with_key};
use crate::helpers::{client_without_jar, session_cookie, spawn_app, PASSWORD};

fn hits(app: &crate::helpers::TestApp, name: Name) -> u64 {
    app.state.metrics.state_cache_counts(name).0
}

fn last_chat(app: &crate::helpers::TestApp) -> fake_openrouter::RecordedRequest {
    chat_requests(app).pop().expect("a chat went upstream")
}

/// Sets the default client's user's default chat model; it must succeed.
async fn choose_chat_model(app: &crate::helpers::TestApp, model: &str) {
    let res = app
        .client
        .put(app.url("/api/user/model-preferences"))
        .json(&json!({ "chat": model }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// Removes the default client's user's key; it must succeed.
async fn remove_key(app: &crate::helpers::TestApp) {
    let res = app
        .client
        .delete(app.url("/api/user/api-key"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
}

#[tokio::test]
async fn cached_sessions_keys_and_preferences_are_forgotten_at_once_by_the_instance_that_changes_them(
) {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    for _ in 0..3 {
        let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
        assert_eq!(status, 200, "{body}");
    }
    // Sessions are served from the cache while the invalidation channel is live (it pings or
    // polls several times a second).
    assert!(app.state.cache.is_live());
    assert!(
        hits(&app, Name::Session) > 0,
        "sessions came from the cache"
    );
    assert!(hits(&app, Name::Key) > 0, "key rows came from the cache");
    assert!(hits(&app, Name::Prefs) > 0 && hits(&app, Name::SpendLimit) > 0);

    // A key replaced: the next call sends the new one.
    let (status, _) = post_json(
        &app,
        &app.client,
        "/api/user/api-key",
        &json!({"apiKey": fake_openrouter::key("a2")}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 200);
    assert_eq!(
        last_chat(&app).authorization,
        Some(format!("Bearer {}", fake_openrouter::key("a2")))
    );

    // A default model chosen: the next call asks for it.
    choose_chat_model(&app, "openai/gpt-4o").await;
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 200);
    assert_eq!(last_chat(&app).body["model"], "openai/gpt-4o");

    // A key removed: the next call has none, and nothing goes upstream.
    remove_key(&app).await;
    let calls = chat_requests(&app).len();
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("API key required"))
    );
    assert_eq!(chat_requests(&app).len(), calls);

    // Signed out: the very next request with the old cookie (cached a moment ago) is
    // anonymous.
    let browser = client_without_jar();
    let res = app
        .post(
            &browser,
            "/api/auth/signup",
            &json!({"email": "b@example.com", "password": PASSWORD}),
        )
        .await;
    let cookie = session_cookie(&res).expect("a session cookie");
    let session = |path: &'static str| {
        let req = browser.get(app.url(path)).header("cookie", cookie.clone());
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(session("/api/auth/session").await, 200);
    let before = hits(&app, Name::Session);
    assert_eq!(session("/api/auth/session").await, 200);
    assert!(hits(&app, Name::Session) > before, "served from the cache");
    let res = browser
        .post(app.url("/api/auth/signout"))
        .header("cookie", cookie.clone())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    assert_eq!(session("/api/auth/session").await, 401);
}

#[tokio::test]
async fn the_settings_pages_reads_of_the_key_and_preferences_come_from_the_cache_and_are_never_stale(
) {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "s@example.com", "5e1").await;
    assert!(app.state.cache.is_live());
    let (keys, prefs) = (hits(&app, Name::Key), hits(&app, Name::Prefs));
    for _ in 0..2 {
        let status = app.get_json(&app.client, "/api/user/api-key").await;
        assert_eq!(status["hasApiKey"], true, "{status}");
        let health = app.get_json(&app.client, "/api/user/api-key/health").await;
        assert!(health["problems"].is_array(), "{health}");
        let defaults = app
            .get_json(&app.client, "/api/user/model-preferences")
            .await;
        assert!(defaults.is_object(), "{defaults}");
    }
    // The second round (at least) is answered without reading the rows again.
    assert!(hits(&app, Name::Key) >= keys + 2, "key status and health");
    assert!(hits(&app, Name::Prefs) > prefs, "model preferences");

    // A change through this instance shows on its very next read.
    choose_chat_model(&app, "openai/gpt-4o").await;
    let defaults = app
        .get_json(&app.client, "/api/user/model-preferences")
        .await;
    assert_eq!(defaults["chat"], "openai/gpt-4o");
    remove_key(&app).await;
    let status = app.get_json(&app.client, "/api/user/api-key").await;
    assert_eq!(status["hasApiKey"], false, "{status}");
}
