//! A key rotation while two instances serve and users replace their keys loses no key.

use fake_openrouter::key;
use futures::future::join_all;
use serde_json::json;

use super::{call, chats_with, sign_up, two_instances, within_a_second};
use crate::ai::chat;
use crate::vault::studio;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_rotation_while_two_instances_serve_loses_no_key() {
    use reqwest::Method;
    let (app, a, b) = two_instances(&[]).await;
    let mut users = Vec::new();
    for i in 0..6 {
        let base = if i % 2 == 0 { &a } else { &b };
        let cookie = sign_up(base, &format!("u{i}@example.com")).await;
        let body = json!({"apiKey": key(&format!("{i:02x}"))});
        let (status, _) = call(Method::POST, base, "/api/user/api-key", &cookie, Some(body)).await;
        assert_eq!(status, 200);
        // Both instances cache the key row before the rotation.
        for base in [&a, &b] {
            let (status, _) = call(
                Method::POST,
                base,
                "/api/ai/chat",
                &cookie,
                Some(chat("hi")),
            )
            .await;
            assert_eq!(status, 200);
        }
        users.push(cookie);
    }

    // Each user replaces their key, through one instance or the other, while the ring is
    // rotated and every key rewrapped under the new version.
    let rotation = tokio::task::spawn_blocking({
        let settings = app.settings.clone();
        move || {
            std::process::Command::new(crate::vault::studio_bin())
                .arg("rotate-key")
                .env_clear()
                .envs(settings.env())
                .env("RUST_LOG", "warn")
                .output()
                .expect("studio rotate-key runs")
        }
    });
    let saves = users.iter().enumerate().map(|(i, cookie)| {
        let base = if i % 2 == 0 { b.clone() } else { a.clone() };
        async move {
            let body = json!({"apiKey": key(&format!("{:02x}", 0x80 + i))});
            call(Method::POST, &base, "/api/user/api-key", cookie, Some(body))
                .await
                .0
        }
    });
    let statuses = join_all(saves).await;
    let out = rotation.await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");

    // Every user's newest key is the one both instances use.
    let done = std::time::Instant::now();
    for (i, cookie) in users.iter().enumerate() {
        let newest = key(&format!("{:02x}", 0x80 + i));
        for base in [&a, &b] {
            within_a_second(done, "the newest key, on both", || {
                chats_with(&app, base, cookie, &newest)
            })
            .await;
        }
    }
    let out = studio(&app, &["check-keys"]);
    assert!(
        out.contains("checked 6 stored keys: 6 open under exactly their own version, 0 marked unusable, 0 faulty"),
        "{out}"
    );
}
