//! Retiring a master-key version (security case 8, `STUDIO_MIN_DECRYPTION_VERSION`): `studio`
//! refuses to serve while a usable stored key is under a retired version, naming the count and
//! `studio rewrap`; rewrap still reads those rows and moves them; once served, a row under a
//! retired version (written by an instance on an older ring) is refused with its own answer,
//! is sent nowhere and keeps its status, until rewrap moves it. Through the real binary, on
//! SQLite or PostgreSQL (`STUDIO_TEST_POSTGRES_URL`).

use std::process::Command;

use sea_orm::{ActiveValue::Set, EntityTrait};
use secrecy::SecretString;
use server::entities::user_api_key;
use server::vault::keyring::KeyRing;

use super::{add_primary, last_bearer, studio, studio_bin, versions};
use crate::ai::{chat, post_json, user_with_key};
use crate::helpers::{another_instance, client, TestApp};
use fake_openrouter::key;

const RETIRE_1: (&str, &str) = ("STUDIO_MIN_DECRYPTION_VERSION", "2");

/// Runs `studio <args>` with `extra` settings; returns its success, stdout and stderr.
fn studio_with(app: &TestApp, extra: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    let out = Command::new(studio_bin())
        .args(args)
        .env_clear()
        .envs(app.settings.env())
        .envs(extra.iter().copied())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .output()
        .expect("studio runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Puts `user_id`'s key back under version 1, as an instance whose ring still had version 1
/// as its primary would write it.
async fn write_under_version_1(app: &TestApp, user_id: &str, plaintext: &str) {
    let full = KeyRing::load_file(&app.settings.keyring).unwrap();
    let old = KeyRing::from_keys([(1, *full.get(1).unwrap())], 1).unwrap();
    let secret = SecretString::from(plaintext.to_owned());
    let (sealed, kid) = server::vault::envelope::seal(&old, user_id, &secret).unwrap();
    assert_eq!(kid, 1);
    user_api_key::Entity::update(user_api_key::ActiveModel {
        user_id: Set(user_id.to_owned()),
        secret_enc: Set(sealed),
        key_version: Set(1),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_retired_version_stops_start_up_until_rewrap_moves_its_rows_and_then_never_decrypts() {
    let app = crate::helpers::spawn_app().await;
    let a = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let b_client = client();
    let b = user_with_key(&app, &b_client, "b@example.com", "b1").await;
    assert_eq!(add_primary(&app), 2);
    let c_client = client();
    let c = user_with_key(&app, &c_client, "c@example.com", "c1").await;

    // Two usable keys are still under version 1: the binary refuses to serve, and says why.
    let (ok, _, stderr) = studio_with(&app, &[RETIRE_1], &[]);
    assert!(!ok, "studio served with keys under a retired version");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("STUDIO_MIN_DECRYPTION_VERSION"), "{stderr}");
    assert!(stderr.contains("2 stored API key(s)"), "{stderr}");
    assert!(stderr.contains("studio rewrap"), "{stderr}");
    let err = another_instance(&app, &[RETIRE_1])
        .await
        .err()
        .expect("refused");
    assert!(
        err.starts_with("STUDIO_MIN_DECRYPTION_VERSION: 2 stored"),
        "{err}"
    );

    // Rewrap, with the setting in force, still reads them and moves them.
    let (ok, out, stderr) = studio_with(&app, &[RETIRE_1], &["rewrap"]);
    assert!(ok, "{out}{stderr}");
    assert!(out.contains("rewrapped 2 keys under version 2"), "{out}");
    assert!(!out.contains("still under versions below"), "{out}");
    let all: Vec<(String, i32)> = {
        let mut v = vec![(a.clone(), 2), (b.clone(), 2), (c.clone(), 2)];
        v.sort();
        v
    };
    assert_eq!(versions(&app).await, all);

    // Now it serves, and every key works through it.
    let (url, state) = another_instance(&app, &[RETIRE_1]).await.expect("serves");
    assert_eq!(state.ring.current().min_decryption(), 2);
    let through = |path: &str| format!("{url}{path}");
    for (who, prefix) in [(&app.client, "a1"), (&b_client, "b1"), (&c_client, "c1")] {
        let res = who
            .post(through("/api/ai/chat"))
            .json(&chat("hi"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(last_bearer(&app), format!("Bearer {}", key(prefix)));
    }

    // A row written under version 1 after all (an instance on an older ring): this server
    // refuses it with its own answer, sends nothing, and leaves the row as it is.
    write_under_version_1(&app, &a, &key("a1")).await;
    // Written behind both servers' backs: tell their caches, as the studio's own writes do.
    app.state.cache.forget_user(&a);
    state.cache.forget_user(&a);
    let before = user_api_key::Entity::find_by_id(a.clone())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    app.fake.clear();
    let res = app
        .client
        .post(through("/api/ai/chat"))
        .json(&chat("hi"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "Key version retired", "{body}");
    assert!(app.fake.requests().is_empty(), "nothing was sent anywhere");
    let after = user_api_key::Entity::find_by_id(a.clone())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, before, "the row and its status are untouched");
    // The server without the setting still reads it (nothing was marked unusable).
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 200, "{body}");

    // Rewrap moves it, and the retiring server uses it again.
    let (ok, out, _) = studio_with(&app, &[RETIRE_1], &["rewrap"]);
    assert!(
        ok && out.contains("rewrapped 1 keys under version 2"),
        "{out}"
    );
    // The rewrap announced the row: the retiring server reads it again within a second.
    let rewrapped = std::time::Instant::now();
    crate::instances::within_a_second(rewrapped, "the rewrapped key, used", || async {
        let res = app
            .client
            .post(through("/api/ai/chat"))
            .json(&chat("hi"))
            .send()
            .await
            .unwrap();
        match res.status().as_u16() {
            200 => Ok(()),
            other => Err(other.to_string()),
        }
    })
    .await;
    assert_eq!(last_bearer(&app), format!("Bearer {}", key("a1")));
    // A plain `studio rewrap` (the helper) agrees there is nothing left.
    assert!(studio(&app, &["rewrap"]).contains("rewrapped 0 keys"));
}

#[tokio::test]
async fn retiring_the_primary_itself_is_refused_by_serve_and_rewrap() {
    let app = crate::helpers::spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    for args in [&[][..], &["rewrap"][..]] {
        let (ok, out, stderr) = studio_with(&app, &[("STUDIO_MIN_DECRYPTION_VERSION", "2")], args);
        assert!(!ok, "{args:?}: {out}");
        assert!(stderr.contains("STUDIO_MIN_DECRYPTION_VERSION"), "{stderr}");
        assert!(
            stderr.contains("primary master key version 1 would be retired"),
            "{stderr}"
        );
    }
    // `rotate-key` makes version 2 the primary first, so the same setting then passes.
    let (ok, out, stderr) = studio_with(
        &app,
        &[("STUDIO_MIN_DECRYPTION_VERSION", "2")],
        &["rotate-key"],
    );
    assert!(ok, "{out}{stderr}");
    assert!(out.contains("rewrapped 1 keys under version 2"), "{out}");
    another_instance(&app, &[("STUDIO_MIN_DECRYPTION_VERSION", "2")])
        .await
        .expect("serves once nothing is under version 1");
    for bad in ["0", "one", "-1"] {
        let (ok, _, stderr) = studio_with(&app, &[("STUDIO_MIN_DECRYPTION_VERSION", bad)], &[]);
        assert!(
            !ok && stderr.contains("STUDIO_MIN_DECRYPTION_VERSION: expected"),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn a_row_already_marked_unusable_does_not_hold_up_the_retirement() {
    let app = crate::helpers::spawn_app().await;
    let a = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    add_primary(&app);
    user_api_key::Entity::update(user_api_key::ActiveModel {
        user_id: Set(a.clone()),
        status: Set(server::vault::usecases::status::UNUSABLE.to_owned()),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    another_instance(&app, &[RETIRE_1])
        .await
        .expect("an unusable key needs no master key: its owner must enter it again");
}
