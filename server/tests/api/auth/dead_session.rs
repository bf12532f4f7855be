//! A browser whose session was ended elsewhere keeps sending its cookie: every route still
//! answers (no bare 500 from the session save), and the cookie is cleared. schemathesis found
//! this: it ended its own session through `DELETE /api/auth/sessions/{id}`, and every later
//! request, `/health` included, was an empty 500.

use serde_json::{json, Value};

use crate::helpers::{client_without_jar, session_cookie, spawn_app, PASSWORD};

#[tokio::test]
async fn a_cookie_whose_session_was_ended_gets_answers_and_is_cleared() {
    let app = spawn_app().await;
    let res = app
        .post(
            &app.client,
            "/api/auth/signup",
            &json!({"email": "a@example.com", "password": PASSWORD}),
        )
        .await;
    let cookie = session_cookie(&res).unwrap();
    let list: Value = app.get_json(&app.client, "/api/auth/sessions").await;
    let id = list["sessions"][0]["id"].as_str().unwrap().to_owned();
    let ended = app
        .client
        .delete(app.url(&format!("/api/auth/sessions/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 204);

    for (path, want) in [
        ("/health", 200),
        ("/api/openapi.json", 200),
        ("/", 200),
        ("/api/auth/session", 401),
        ("/api/user/api-key", 401),
    ] {
        let res = client_without_jar()
            .get(app.url(path))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), want, "{path}");
        let cleared = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.starts_with("studio_sid=") && c.contains("Max-Age=0"));
        assert!(cleared, "{path} clears the dead cookie");
    }
}
