//! Saving a key: a verified one is stored and only its mask shown; malformed, oversized and
//! refused keys and an unreachable OpenRouter change nothing.

use fake_openrouter::key;
use serde_json::Value;

use super::{get_status, post_key};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_verified_key_is_stored_and_only_its_mask_is_shown() {
    let app = spawn_app().await;
    let user_id = app.sign_up("a@example.com").await;
    let k = key("abc1");
    let (status, body) = post_key(&app, &app.client, &format!("  {k}  ")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"], "API key updated successfully");
    assert_eq!(body["user"]["id"], user_id.as_str());
    assert_eq!(body["user"]["email"], "a@example.com");
    let s = get_status(&app, &app.client).await;
    assert_eq!(s["hasApiKey"], true);
    let masked = s["apiKey"].as_str().unwrap();
    assert_eq!(
        masked,
        format!("sk-{}{}", "*".repeat(19), &k[k.len() - 6..])
    );
    assert_eq!(masked.len(), 28);
    assert_eq!(s["status"], "active");
    assert!(s["verifiedAt"].is_string());
    assert!(s["openrouter"]["limitRemaining"].is_number());
    let everything = format!("{body}{s}");
    assert!(!everything.contains(&k[9..]), "the key never comes back");
    let seen = app.fake.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/api/v1/key");
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Bearer {k}").as_str())
    );
}

#[tokio::test]
async fn malformed_keys_are_422_and_never_reach_openrouter() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let good = key("abc1");
    let cases = [
        "sk-abc".to_owned(),
        good.to_uppercase(),
        format!("{}\r\n{}", &good[..30], &good[30..]),
        format!("{}\0", good),
        format!("{good}{}", "0".repeat(300)),
    ];
    for bad in &cases {
        let (status, body) = post_key(&app, &app.client, bad).await;
        assert_eq!(status, 422, "{bad:?}");
        assert!(
            !body.to_string().contains(&good[12..]),
            "the key is not echoed: {body}"
        );
        assert!(body["message"].as_str().unwrap().len() > 10);
    }
    for (raw, status) in [("{}", 422), ("not json", 400)] {
        let res = app
            .client
            .post(app.url("/api/user/api-key"))
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{raw}");
        let body: Value = res.json().await.unwrap();
        assert!(body["error"].is_string() && body["message"].is_string());
    }
    assert!(
        app.fake.requests().is_empty(),
        "no malformed key was sent upstream"
    );
}

#[tokio::test]
async fn a_body_over_16_kib_is_413() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let (status, body) = post_key(&app, &app.client, &"a".repeat(20_000)).await;
    assert_eq!(status, 413);
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn keys_openrouter_refuses_are_422_and_the_old_key_stays() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let good = key("abc1");
    assert_eq!(post_key(&app, &app.client, &good).await.0, 200);
    let before = get_status(&app, &app.client).await;
    let (status, body) = post_key(&app, &app.client, &key("dead")).await;
    assert_eq!(status, 422);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("OpenRouter rejected this key"),
        "{message}"
    );
    let (status, body) = post_key(&app, &app.client, &key("0a11")).await;
    assert_eq!(status, 422);
    assert!(
        body["message"].as_str().unwrap().contains("management key"),
        "{body}"
    );
    let after = get_status(&app, &app.client).await;
    assert_eq!(before["apiKey"], after["apiKey"]);
    assert_eq!(before["updatedAt"], after["updatedAt"]);
}

#[tokio::test]
async fn an_unreachable_openrouter_is_503_and_nothing_changes() {
    let app =
        crate::helpers::spawn_app_with(&[("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1")])
            .await;
    app.sign_up("a@example.com").await;
    let (status, body) = post_key(&app, &app.client, &key("abc1")).await;
    assert_eq!(status, 503);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("nothing was changed"));
    assert_eq!(get_status(&app, &app.client).await["hasApiKey"], false);
}
