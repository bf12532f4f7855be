//! What one instance does to a session, a key or an account, the other sees within a second:
//! a key saved, replaced, removed or refused, a sign-out, a password change, a disabled account.

use fake_openrouter::key;
use serde_json::json;

use super::{call, chats_with, sign_in, sign_up, status_is, two_instances, within_a_second};
use crate::ai::{chat, chat_requests};
use crate::helpers::PASSWORD;
use crate::vault::studio;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_one_instance_does_to_a_session_or_a_key_the_other_sees_within_a_second() {
    use reqwest::Method;
    use std::time::Instant;
    let (app, a, b) = two_instances(&[]).await;

    // Signed in through A, signed in on B (nobody cached it yet).
    let cookie = sign_up(&a, "a@example.com").await;
    assert_eq!(
        status_is(&b, "/api/auth/session", &cookie, 200).await,
        Ok(())
    );

    // B caches "no key"; a key saved through A is the one B then sends to OpenRouter.
    let (_, body) = call(Method::POST, &b, "/api/ai/chat", &cookie, Some(chat("hi"))).await;
    assert_eq!(body["error"], "API key required", "{body}");
    let saved = Instant::now();
    let body = json!({"apiKey": key("a1")});
    let (status, _) = call(Method::POST, &a, "/api/user/api-key", &cookie, Some(body)).await;
    assert_eq!(status, 200);
    let a1 = key("a1");
    within_a_second(saved, "saved through A, used by B", || {
        chats_with(&app, &b, &cookie, &a1)
    })
    .await;

    // A caches it; replaced through B, A uses the new one.
    chats_with(&app, &a, &cookie, &key("a1")).await.unwrap();
    let replaced = Instant::now();
    let body = json!({"apiKey": key("a2")});
    let (status, _) = call(Method::POST, &b, "/api/user/api-key", &cookie, Some(body)).await;
    assert_eq!(status, 200);
    let a2 = key("a2");
    within_a_second(replaced, "replaced through B, used by A", || {
        chats_with(&app, &a, &cookie, &a2)
    })
    .await;

    // Removed through A: B has no key to use, and sends nothing upstream.
    chats_with(&app, &b, &cookie, &key("a2")).await.unwrap();
    let removed = Instant::now();
    let (status, _) = call(Method::DELETE, &a, "/api/user/api-key", &cookie, None).await;
    assert!(status == 200 || status == 204, "{status}");
    within_a_second(removed, "removed through A, gone on B", || async {
        let calls = chat_requests(&app).len();
        let (status, body) =
            call(Method::POST, &b, "/api/ai/chat", &cookie, Some(chat("hi"))).await;
        if body["error"] == "API key required" && chat_requests(&app).len() == calls {
            Ok(())
        } else {
            Err(format!("{status} {body}"))
        }
    })
    .await;

    // Signed out through B: the session (cached on A) is over on A too.
    assert_eq!(
        status_is(&a, "/api/auth/session", &cookie, 200).await,
        Ok(())
    );
    let out = Instant::now();
    let (status, _) = call(Method::POST, &b, "/api/auth/signout", &cookie, None).await;
    assert!(status < 300, "{status}");
    within_a_second(out, "signed out through B, over on A", || {
        status_is(&a, "/api/auth/session", &cookie, 401)
    })
    .await;

    // A password changed through A ends the session signed in (and cached) on B.
    let on_b = sign_in(&b, "a@example.com", PASSWORD).await;
    let on_a = sign_in(&a, "a@example.com", PASSWORD).await;
    assert_eq!(status_is(&b, "/api/auth/session", &on_b, 200).await, Ok(()));
    let change = json!({"currentPassword": PASSWORD, "newPassword": "a brand new password"});
    let changed = Instant::now();
    let (status, _) = call(Method::POST, &a, "/api/auth/password", &on_a, Some(change)).await;
    assert_eq!(status, 204);
    within_a_second(changed, "the old password's session, over on B", || {
        status_is(&b, "/api/auth/session", &on_b, 401)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_refused_on_one_instance_and_a_disabled_account_reach_the_other_within_a_second() {
    use reqwest::Method;
    use std::time::Instant;
    let (app, a, b) = two_instances(&[]).await;
    let cookie = sign_up(&a, "a@example.com").await;
    let body = json!({"apiKey": key("beef")});
    let (status, _) = call(Method::POST, &a, "/api/user/api-key", &cookie, Some(body)).await;
    assert_eq!(status, 200);
    // Both cache the key as active.
    chats_with(&app, &a, &cookie, &key("beef")).await.unwrap();
    chats_with(&app, &b, &cookie, &key("beef")).await.unwrap();

    // Its owner disables it at OpenRouter; B's next call is refused and marks it rejected.
    app.fake.set_key_facts("beef", serde_json::Map::new(), true);
    let (_, body) = call(Method::POST, &b, "/api/ai/chat", &cookie, Some(chat("hi"))).await;
    assert_eq!(body["error"], "API key rejected", "{body}");
    let marked = Instant::now();
    within_a_second(marked, "a key rejected on B, not sent by A", || async {
        let calls = chat_requests(&app).len();
        let (status, body) =
            call(Method::POST, &a, "/api/ai/chat", &cookie, Some(chat("hi"))).await;
        if body["error"] == "API key rejected" && chat_requests(&app).len() == calls {
            Ok(())
        } else {
            Err(format!("{status} {body}"))
        }
    })
    .await;

    // `studio disable-account`, a process of its own, signs the account out on both.
    for base in [&a, &b] {
        assert_eq!(
            status_is(base, "/api/auth/session", &cookie, 200).await,
            Ok(())
        );
    }
    let disabled = Instant::now();
    studio(&app, &["disable-account", "a@example.com"]);
    for base in [&a, &b] {
        within_a_second(disabled, "a disabled account, signed out", || {
            status_is(base, "/api/auth/session", &cookie, 401)
        })
        .await;
    }
}
