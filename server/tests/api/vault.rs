//! The vault under rotation, racing writers and a lost key ring, through the running server and
//! the real `studio` binary.

mod exact;
mod retire;
mod ring_mode;

use std::process::Command;

use fake_openrouter::key;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{json, Value};
use server::entities::user_api_key;
use server::vault::keyring::KeyRing;

use crate::ai::{chat, chat_requests, post_json, user_with_key};
use crate::helpers::{client, spawn_app, TestApp};

/// The `studio` binary: cargo's, or `STUDIO_TEST_BIN` (a copy, when several checkouts share
/// one target directory and overwrite each other's build of it).
pub fn studio_bin() -> std::path::PathBuf {
    std::env::var_os("STUDIO_TEST_BIN")
        .map(Into::into)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_studio").into())
}

/// Runs `studio <args>` against the app's database and key ring; returns its stdout.
pub(crate) fn studio(app: &TestApp, args: &[&str]) -> String {
    let out = Command::new(studio_bin())
        .args(args)
        .env_clear()
        .envs(app.settings.env())
        .env("RUST_LOG", "warn")
        .output()
        .expect("studio runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "studio {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Each stored row's user id and key version.
async fn versions(app: &TestApp) -> Vec<(String, i32)> {
    let mut rows: Vec<_> = user_api_key::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.user_id, r.key_version))
        .collect();
    rows.sort();
    rows
}

/// The Authorization header of the newest chat call the fake received.
fn last_bearer(app: &TestApp) -> String {
    chat_requests(app)
        .last()
        .and_then(|r| r.authorization.clone())
        .unwrap_or_default()
}

/// Adds a new primary version to the ring file, as the first half of `studio rotate-key` does
/// (a rotation interrupted before its rewrap).
fn add_primary(app: &TestApp) -> u32 {
    let ring = KeyRing::load_file(&app.settings.keyring)
        .unwrap()
        .with_new_primary();
    ring.save_file(&app.settings.keyring).unwrap();
    ring.primary().0
}

#[tokio::test]
async fn rotation_keeps_old_keys_readable_writes_under_the_new_primary_and_rewrap_is_idempotent() {
    let app = spawn_app().await;
    let a = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let b_client = client();
    let b = user_with_key(&app, &b_client, "b@example.com", "b1").await;
    assert_eq!(
        versions(&app).await,
        sorted(vec![(a.clone(), 1), (b.clone(), 1)])
    );

    // A new primary, and no rewrap yet: the serving app picks the ring up without a restart.
    assert_eq!(add_primary(&app), 2);
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(
        status, 200,
        "a row under the old version is still read: {body}"
    );
    assert_eq!(last_bearer(&app), format!("Bearer {}", key("a1")));
    let c_client = client();
    let c = user_with_key(&app, &c_client, "c@example.com", "c1").await;
    let (status, _) = post_json(
        &app,
        &b_client,
        "/api/user/api-key",
        &json!({"apiKey": key("b2")}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        versions(&app).await,
        sorted(vec![(a.clone(), 1), (b.clone(), 2), (c.clone(), 2)]),
        "new writes use the new primary"
    );

    // Finishing the interrupted rotation moves the one row left, and only once.
    let out = studio(&app, &["rewrap"]);
    assert!(out.contains("rewrapped 1 keys under version 2"), "{out}");
    let out = studio(&app, &["rewrap"]);
    assert!(out.contains("rewrapped 0 keys under version 2"), "{out}");

    // A whole rotation with the binary, while the app serves.
    let out = studio(&app, &["rotate-key"]);
    assert!(out.contains("added master key version 3"), "{out}");
    assert!(out.contains("rewrapped 3 keys under version 3"), "{out}");
    assert_eq!(versions(&app).await, sorted(vec![(a, 3), (b, 3), (c, 3)]));
    for (who, prefix) in [(&app.client, "a1"), (&b_client, "b2"), (&c_client, "c1")] {
        let (status, body) = post_json(&app, who, "/api/ai/chat", &chat("hi")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(last_bearer(&app), format!("Bearer {}", key(prefix)));
    }
    let ring = KeyRing::load_file(&app.settings.keyring).unwrap();
    assert!(
        ring.contains(1) && ring.contains(2),
        "old versions stay for reading"
    );
    assert_eq!(ring.primary().0, 3);
}

#[tokio::test]
async fn a_rewrap_interrupted_anywhere_or_racing_saves_leaves_every_key_readable() {
    let app = spawn_app().await;
    let mut users = Vec::new();
    for i in 0..12 {
        let c = client();
        let id = app.sign_up_with(&c, &format!("u{i}@example.com")).await;
        let (status, _) = post_json(
            &app,
            &c,
            "/api/user/api-key",
            &json!({"apiKey": numbered_key(i)}),
        )
        .await;
        assert_eq!(status, 200);
        users.push((c, id));
    }
    add_primary(&app);
    let ring = app.state.ring.current();
    assert_eq!(ring.primary().0, 2);
    let db = app.db.clone();
    let pass = tokio::spawn(async move { server::vault::rotate::rewrap_all(&db, &ring).await });
    // Half the users replace their key while the pass runs; then the pass is cut off.
    let bodies: Vec<Value> = (0..users.len().div_ceil(2))
        .map(|i| json!({"apiKey": numbered_key(100 + i)}))
        .collect();
    let saves = users
        .iter()
        .step_by(2)
        .zip(&bodies)
        .map(|((c, _), body)| post_json(&app, c, "/api/user/api-key", body));
    for (status, body) in futures::future::join_all(saves).await {
        assert_eq!(status, 200, "{body}");
    }
    pass.abort();
    let _ = pass.await;
    let check_all = || async {
        for (i, (_, id)) in users.iter().enumerate() {
            let expected = if i % 2 == 0 {
                numbered_key(100 + i / 2)
            } else {
                numbered_key(i)
            };
            let stored = server::vault::usecases::stored_key(&app.state, id)
                .await
                .unwrap()
                .expect("a key is stored");
            assert_eq!(
                stored.key().last6(),
                expected[expected.len() - 6..],
                "user {i} keeps the key they set last"
            );
        }
    };
    check_all().await;
    let report = server::vault::rotate::rewrap_all(&app.db, &app.state.ring.current())
        .await
        .unwrap();
    assert_eq!(report.unusable, 0);
    assert!(versions(&app).await.iter().all(|(_, v)| *v == 2));
    check_all().await;
    let again = server::vault::rotate::rewrap_all(&app.db, &app.state.ring.current())
        .await
        .unwrap();
    assert_eq!(again, Default::default(), "nothing left to do");
}

#[tokio::test]
async fn racing_saves_for_one_user_all_succeed_and_leave_one_decryptable_winner() {
    let app = spawn_app().await;
    let id = app.sign_up("a@example.com").await;
    let keys: Vec<String> = (1..=4).map(numbered_key).collect();
    let bodies: Vec<Value> = keys.iter().map(|k| json!({"apiKey": k})).collect();
    let saves = bodies
        .iter()
        .map(|body| post_json(&app, &app.client, "/api/user/api-key", body));
    for (status, body) in futures::future::join_all(saves).await {
        assert_eq!(status, 200, "{body}");
    }
    let stored = server::vault::usecases::stored_key(&app.state, &id)
        .await
        .unwrap()
        .expect("a key is stored");
    let winner = keys
        .iter()
        .find(|k| k.ends_with(&stored.key().last6()))
        .expect("the stored key is one of those sent");
    let status = app.get_json(&app.client, "/api/user/api-key").await;
    assert!(status["apiKey"]
        .as_str()
        .unwrap()
        .ends_with(&stored.key().last6()));
    let (code, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(last_bearer(&app), format!("Bearer {winner}"));
    let log = app
        .get_json(&app.client, "/api/user/api-key/events?perPage=10")
        .await;
    let kinds: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"set"), "{kinds:?}");
    assert!(kinds.iter().all(|k| *k == "set" || *k == "replaced"));
}

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

/// A live key of the fake's whose last six characters are unique to `n`.
fn numbered_key(n: usize) -> String {
    let k = key("f");
    format!("{}{n:06x}", &k[..k.len() - 6])
}

fn sorted(mut v: Vec<(String, i32)>) -> Vec<(String, i32)> {
    v.sort();
    v
}

fn base64_of(bytes: [u8; 32]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
