use crate::helpers::spawn_app;

#[tokio::test]
async fn health_is_ok_while_the_database_answers() {
    let app = spawn_app().await;
    let res = app.get(&app.client, "/health").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn health_is_503_with_a_reason_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.clone().close().await.unwrap();
    let res = app.get(&app.client, "/health").await;
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert!(body["reason"].as_str().unwrap().contains("database"));
}

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_with_heading_and_navigation() {
    let app = spawn_app().await;
    let res = app.get(&app.client, "/").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let heading = html
        .find("<h1>AiAppsy Web Studio</h1>")
        .expect("heading in SSR HTML");
    let nav = html
        .find("aria-label=\"Main\"")
        .expect("navigation in SSR HTML");
    assert!(heading > 0 && nav > 0);
    assert!(
        html.contains("/pkg/studio.js"),
        "hydration script is referenced"
    );
}

#[tokio::test]
async fn an_unknown_page_is_a_404() {
    let app = spawn_app().await;
    let res = app.get(&app.client, "/no/such/page").await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn a_server_function_answers_through_the_same_router() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/server_status"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database_ok"], true);
}

#[tokio::test]
async fn a_plain_html_sign_up_form_post_creates_the_account_and_redirects() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/sign_up"))
        .header("referer", app.url("/signup"))
        .header("accept", "text/html,application/xhtml+xml")
        .form(&[
            ("email", "form@example.com"),
            ("password", crate::helpers::PASSWORD),
            ("name", ""),
            ("next", "/settings"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/settings");
    let me = app.get(&app.client, "/api/auth/session").await;
    assert_eq!(me.status(), 200);
}

#[tokio::test]
async fn with_the_database_gone_signed_in_api_calls_get_a_json_503() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    app.db.clone().close().await.unwrap();
    for path in ["/api/user/api-key", "/api/auth/session", "/api/user/usage"] {
        let res = app.get(&app.client, path).await;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        assert_eq!(status, 503, "{path}: {text}");
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(body["message"].is_string(), "{path}: {text}");
        assert!(
            !text.to_lowercase().contains("pool"),
            "no internals: {text}"
        );
    }
}

/// The release build writes `x.br` and `x.gz` beside every site file: a browser that accepts
/// brotli gets the brotli file with the original's type, any other client the file as it is,
/// and both answers say they vary by Accept-Encoding, so that no shared cache mixes them up.
#[tokio::test]
async fn site_files_are_sent_precompressed_by_accept_encoding_and_say_so() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("studio.wasm"), b"\0asm plain bytes").unwrap();
    std::fs::write(pkg.join("studio.wasm.br"), b"brotli bytes").unwrap();
    let root = site.path().to_str().unwrap().to_owned();
    let app = crate::helpers::spawn_app_with(&[("LEPTOS_SITE_ROOT", root.as_str())]).await;
    let client = crate::helpers::client_without_jar();

    let res = client
        .get(app.url("/pkg/studio.wasm"))
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-encoding"], "br");
    assert_eq!(h["content-type"], "application/wasm");
    assert_eq!(h["vary"], "accept-encoding");
    assert_eq!(h["cache-control"], "public, max-age=300");
    assert_eq!(&res.bytes().await.unwrap()[..], b"brotli bytes");

    let res = client
        .get(app.url("/pkg/studio.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert!(h.get("content-encoding").is_none());
    assert_eq!(h["vary"], "accept-encoding");
    assert_eq!(&res.bytes().await.unwrap()[..], b"\0asm plain bytes");
}
