//! Key health: the background refresh of a key's facts (hourly, and right after a 401 or
//! 402), its claim across instances, the banners' content, and every upstream error type's
//! own answer.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use fake_openrouter::key;
use futures::future::join_all;
use serde_json::{json, Map, Value};
use server::kit::Clock;

use crate::ai::{chat, post_json, user_with_key};
use crate::helpers::{spawn_app_with, TestApp};

/// Long sessions (these tests move the clock past the 30-minute idle timeout), and room for
/// the racing calls under the in-flight cap.
const SETTINGS: &[(&str, &str)] = &[
    ("SESSION_IDLE_MINUTES", "600"),
    ("AI_MAX_IN_FLIGHT_PER_USER", "100"),
];

fn key_checks(app: &TestApp) -> usize {
    app.fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/key")
        .count()
}

/// Waits (bounded) until `n` key checks reached the fake, then a little longer to see that no
/// more follow; answers how many there were.
async fn settle_on(app: &TestApp, n: usize) -> usize {
    for _ in 0..100 {
        if key_checks(app) >= n {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    tokio::time::sleep(StdDuration::from_millis(400)).await;
    key_checks(app)
}

async fn chats(client: &reqwest::Client, base: &str, n: usize, prompt: &str) -> Vec<u16> {
    join_all((0..n).map(|_| async {
        client
            .post(format!("{base}/api/ai/chat"))
            .json(&chat(prompt))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }))
    .await
}

fn facts(pairs: Value) -> Map<String, Value> {
    pairs.as_object().cloned().unwrap_or_default()
}

async fn health(app: &TestApp) -> Value {
    app.get_json(&app.client, "/api/user/api-key/health").await
}

fn kinds(health: &Value) -> Vec<String> {
    health["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("a health answer: {health}"))
        .iter()
        .map(|p| p["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn facts_are_read_again_at_most_once_an_hour_however_many_calls_race() {
    let app = spawn_app_with(SETTINGS).await;
    user_with_key(&app, &app.client, "hourly@example.com", "a1").await;
    assert_eq!(key_checks(&app), 1, "the save's own check");
    let base = app.url("");
    assert!(chats(&app.client, &base, 10, "hi")
        .await
        .iter()
        .all(|s| *s == 200));
    assert_eq!(
        settle_on(&app, 2).await,
        1,
        "facts just read are not read again"
    );

    app.clock.advance(Duration::minutes(61));
    assert!(chats(&app.client, &base, 10, "hi")
        .await
        .iter()
        .all(|s| *s == 200));
    assert_eq!(settle_on(&app, 2).await, 2, "ten racing calls, one refresh");
    app.clock.advance(Duration::minutes(30));
    chats(&app.client, &base, 5, "hi").await;
    assert_eq!(settle_on(&app, 3).await, 2, "not again within the hour");
}

#[tokio::test]
async fn two_instances_sharing_a_database_make_one_refresh_between_them() {
    let app = spawn_app_with(SETTINGS).await;
    user_with_key(&app, &app.client, "two@example.com", "a2").await;
    let config = app.settings.config(SETTINGS).unwrap();
    let other = server::Application::build_with_clock(config, Arc::new(app.clock.clone()))
        .await
        .unwrap();
    let other_base = format!("http://{}", other.local_addr());
    tokio::spawn(other.run_until(std::future::pending()));

    app.clock.advance(Duration::minutes(61));
    let base = app.url("");
    let (here, there) = tokio::join!(
        chats(&app.client, &base, 10, "hi"),
        chats(&app.client, &other_base, 10, "hi"),
    );
    assert!(
        here.iter().chain(&there).all(|s| *s == 200),
        "{here:?} {there:?}"
    );
    assert_eq!(
        settle_on(&app, 2).await,
        2,
        "one refresh for both instances"
    );
}

#[tokio::test]
async fn a_burst_of_402s_refreshes_the_facts_once_and_the_banner_shows_the_empty_balance() {
    let app = spawn_app_with(SETTINGS).await;
    user_with_key(&app, &app.client, "broke@example.com", "ec02").await;
    app.fake.set_key_facts(
        "ec02",
        facts(json!({"limit": 10.0, "limit_remaining": 0.0, "usage": 10.0})),
        false,
    );
    app.clock.advance(Duration::minutes(1));
    let base = app.url("");
    let statuses = chats(&app.client, &base, 8, "FAKE_ERROR:payment_required hi").await;
    assert!(statuses.iter().all(|s| *s == 402), "{statuses:?}");
    assert_eq!(settle_on(&app, 2).await, 2, "eight 402s, one refresh");

    let h = health(&app).await;
    assert_eq!(kinds(&h), ["low_balance"]);
    let sha = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(key("ec02").as_bytes()))
    };
    assert_eq!(h["keyPage"], format!("https://openrouter.ai/keys/{sha}"));
    assert!(h["problems"][0]["advice"]
        .as_str()
        .unwrap()
        .contains("used all of its $10.00 limit"));
    // The key's hash, never the key, is what the database keeps.
    let dump = crate::helpers::dump_database(&app).await;
    assert!(dump.contains(&sha) && !dump.contains(&key("ec02")[9..]));
}

#[tokio::test]
async fn a_key_disabled_on_openrouter_is_marked_on_its_next_call_and_named_in_the_banner() {
    let app = spawn_app_with(SETTINGS).await;
    user_with_key(&app, &app.client, "disabled@example.com", "d15a").await;
    assert!(kinds(&health(&app).await).is_empty(), "a fresh key is fine");
    app.fake.set_key_facts("d15a", Map::new(), true);
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("hi")).await;
    assert_eq!(status, 400);
    assert_eq!(body["kind"], "authentication");
    assert_eq!(kinds(&health(&app).await), ["rejected"]);
}

#[tokio::test]
async fn expiry_within_a_week_past_expiry_and_the_free_tiers_cap_are_named() {
    let app = spawn_app_with(SETTINGS).await;
    let soon = (app.clock.now() + Duration::days(3)).to_rfc3339();
    app.fake
        .set_key_facts("e7e1", facts(json!({"expires_at": soon})), false);
    user_with_key(&app, &app.client, "soon@example.com", "e7e1").await;
    assert_eq!(kinds(&health(&app).await), ["expires_soon"]);
    let past = (app.clock.now() - Duration::days(1)).to_rfc3339();
    app.fake
        .set_key_facts("e7e2", facts(json!({"expires_at": past})), false);
    let expired = crate::helpers::client();
    user_with_key(&app, &expired, "past@example.com", "e7e2").await;
    let h = app.get_json(&expired, "/api/user/api-key/health").await;
    assert_eq!(kinds(&h), ["expired"]);

    let capped = crate::helpers::client();
    user_with_key(&app, &capped, "cap@example.com", "0429").await;
    let body =
        json!({"model": "z-ai/glm-4.5-air:free", "messages": [{"role": "user", "content": "hi"}]});
    let (status, error) = post_json(&app, &capped, "/api/ai/chat", &body).await;
    assert_eq!(status, 429);
    assert_eq!(error["kind"], "rate_limit_exceeded");
    assert!(
        error.get("retryAfter").is_none(),
        "the cap lasts until midnight: no countdown"
    );
    let mut found = Vec::new();
    for _ in 0..100 {
        found = kinds(&app.get_json(&capped, "/api/user/api-key/health").await);
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    assert_eq!(found, ["free_tier_cap"]);
}

#[tokio::test]
async fn every_upstream_error_type_has_its_own_message_and_names_its_kind() {
    let app = spawn_app_with(SETTINGS).await;
    user_with_key(&app, &app.client, "types@example.com", "a7").await;
    // Authentication last: it marks the key rejected.
    let types = [
        ("payment_required", 402),
        ("permission_denied", 403),
        ("rate_limit_exceeded", 429),
        ("provider_overloaded", 503),
        ("provider_unavailable", 503),
        ("context_length_exceeded", 422),
        ("content_policy_violation", 422),
        ("refusal", 422),
        ("timeout", 504),
        ("server", 502),
        ("unmapped", 400),
        ("authentication", 400),
    ];
    let mut messages = std::collections::BTreeSet::new();
    for (kind, status) in types {
        let (got, body) = post_json(
            &app,
            &app.client,
            "/api/ai/chat",
            &chat(&format!("FAKE_ERROR:{kind}")),
        )
        .await;
        assert_eq!(got, status, "{kind}: {body}");
        assert_eq!(body["kind"], kind, "{body}");
        assert!(body["error"].is_string() && body["message"].is_string());
        assert!(
            messages.insert(body["message"].as_str().unwrap().to_owned()),
            "{kind} has its own message"
        );
        assert!(
            !body.to_string().contains("Provider returned error"),
            "OpenRouter's words stay inside"
        );
    }
    let (_, rate) = post_json(&app, &app.client, "/api/ai/chat", &chat("x")).await;
    assert_eq!(
        rate["kind"], "authentication",
        "the rejected key's own answer names it too"
    );
}
