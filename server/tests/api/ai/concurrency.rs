//! Two users' concurrent calls never cross keys.

use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_openrouter::key;
use serde_json::Value;
use tokio::sync::Semaphore;

use super::{chat, chat_requests, user_with_key};
use crate::helpers::{client, spawn_app_with};

const CALLS_EACH: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_users_firing_1000_interleaved_calls_each_carry_only_their_own_key() {
    let app = spawn_app_with(&[("AI_MAX_IN_FLIGHT_PER_USER", "64")]).await;
    let users = [("aaaa", client()), ("bbbb", client())];
    for (prefix, c) in &users {
        user_with_key(&app, c, &format!("{prefix}@example.com"), prefix).await;
    }
    app.fake.clear();
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(50));
    let calls = (0..CALLS_EACH * 2).map(|i| {
        let (prefix, c) = &users[i % 2];
        let (prefix, c, gate, url) = (
            *prefix,
            c.clone(),
            Arc::clone(&gate),
            app.url("/api/ai/chat"),
        );
        async move {
            let _permit = gate.acquire().await.unwrap();
            let marker = format!("call from {prefix} number {i}");
            let res = c.post(url).json(&chat(&marker)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{marker}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(
                super::asked(&body["message"]["content"]),
                Some(marker.as_str()),
                "answers are not crossed"
            );
        }
    });
    futures::future::join_all(calls).await;
    let elapsed = started.elapsed();

    let seen = chat_requests(&app);
    assert_eq!(seen.len(), CALLS_EACH * 2);
    let mut per_user = [0, 0];
    for request in &seen {
        let text = request.body["messages"][0]["content"].as_str().unwrap();
        let owner = if text.starts_with("call from aaaa ") {
            0
        } else {
            1
        };
        assert!(text.starts_with(&format!("call from {} ", users[owner].0)));
        assert_eq!(
            request.bearer_key(),
            Some(key(users[owner].0).as_str()),
            "{text} carried another user's key"
        );
        assert_eq!(request.title(), Some("AiAppsy Web Studio"));
        per_user[owner] += 1;
    }
    assert_eq!(per_user, [CALLS_EACH, CALLS_EACH]);
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    eprintln!("{} calls in {elapsed:?}", CALLS_EACH * 2);
}
