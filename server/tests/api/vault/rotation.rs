//! Key rotation while the server serves: old keys stay readable, new writes use the new
//! primary, and a rewrap is idempotent, even cut off mid-pass while users save.

use fake_openrouter::key;
use serde_json::{json, Value};
use server::vault::keyring::KeyRing;

use super::{add_primary, last_bearer, numbered_key, studio, versions};
use crate::ai::{chat, post_json, user_with_key};
use crate::helpers::{client, spawn_app};

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

fn sorted(mut v: Vec<(String, i32)>) -> Vec<(String, i32)> {
    v.sort();
    v
}
