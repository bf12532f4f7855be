//! A ring that cannot open the stored keys: start-up refuses it (lost, lacking a version or
//! holding other keys), and a row whose version was changed fails closed.

use std::process::Command;

use sea_orm::{ConnectionTrait, Statement};
use server::vault::keyring::KeyRing;

use super::{add_primary, studio, studio_bin, versions};
use crate::ai::{chat, post_json, user_with_key};
use crate::helpers::spawn_app;

#[tokio::test]
async fn start_up_refuses_a_ring_that_is_lost_lacks_a_version_or_holds_other_keys() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    studio(&app, &["rotate-key"]);
    let ring_before = std::fs::read(&app.settings.keyring).unwrap();

    let refusal = |extra: Vec<(&'static str, String)>| {
        let settings = app.settings.clone();
        async move {
            let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let config = settings.config(&extra).unwrap();
            match server::Application::build(config).await {
                Ok(_) => panic!("the app started with a ring that cannot open the stored keys"),
                Err(e) => e.to_string(),
            }
        }
    };

    // The ring file is lost: no new ring is made in its place, since it could open nothing.
    let lost = app._dir.path().join("lost").join("keyring.json");
    let err = refusal(vec![("STUDIO_KEYRING_FILE", lost.display().to_string())]).await;
    assert!(err.starts_with("STUDIO_KEYRING_FILE:"), "{err}");
    assert!(
        err.contains("is missing") && err.contains("restore it"),
        "{err}"
    );
    assert!(!lost.exists(), "no new ring was written");

    // Another ring with the same versions: the wrong keys are caught before any key is used.
    let other = app._dir.path().join("other.json");
    KeyRing::generate()
        .with_new_primary()
        .save_file(&other)
        .unwrap();
    let err = refusal(vec![("STUDIO_KEYRING_FILE", other.display().to_string())]).await;
    assert!(err.contains("version 2 does not open"), "{err}");
    let err = refusal(vec![(
        "STUDIO_MASTER_KEYS",
        format!("2:{}", base64_of([9u8; 32])),
    )])
    .await;
    assert!(err.starts_with("STUDIO_MASTER_KEYS:"), "{err}");
    assert!(err.contains("version 2 does not open"), "{err}");

    // The same through STUDIO_MASTER_KEYS, and the binary's own words.
    let env_ring = format!("1:{}", base64_of([7u8; 32]));
    let out = Command::new(studio_bin())
        .env_clear()
        .envs(app.settings.env())
        .env("STUDIO_MASTER_KEYS", &env_ring)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("STUDIO_MASTER_KEYS"), "{stderr}");
    assert!(stderr.contains("version 2"), "{stderr}");
    assert!(
        !stderr.contains(&base64_of([7u8; 32])),
        "the key is never printed"
    );
    assert_eq!(
        std::fs::read(&app.settings.keyring).unwrap(),
        ring_before,
        "the real ring file is untouched"
    );

    // Stored rows are untouched too: with the right ring the key still works.
    let stored = server::vault::usecases::stored_key(&app.state, &versions(&app).await[0].0)
        .await
        .unwrap();
    assert!(stored.is_some());
}

#[tokio::test]
async fn a_row_whose_version_was_changed_fails_closed() {
    let app = spawn_app().await;
    let id = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    add_primary(&app);
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "UPDATE user_api_keys SET key_version = 2 WHERE user_id = $1"
        }
        _ => "UPDATE user_api_keys SET key_version = 2 WHERE user_id = ?",
    };
    app.db
        .execute(Statement::from_sql_and_values(
            backend,
            sql,
            [id.clone().into()],
        ))
        .await
        .unwrap();
    app.fake.clear();
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["message"],
        "The stored key can no longer be used; please enter it again in settings."
    );
    assert!(app.fake.requests().is_empty(), "nothing was sent anywhere");
}

fn base64_of(bytes: [u8; 32]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
