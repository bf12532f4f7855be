//! The usage and cost ledger.

use sea_orm::EntityTrait;
use serde_json::{json, Value};

use super::{chat, post_json, usage_with, user_with_key, FAKE_SPECIAL_MODELS};
use crate::helpers::{client, spawn_app_with};

#[tokio::test]
async fn the_usage_report_totals_match_the_calls_made() {
    let app = spawn_app_with(&[FAKE_SPECIAL_MODELS]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let calls = [
        ("/api/ai/chat", chat("first question")),
        ("/api/ai/chat", chat("a second, longer question about Rust")),
        (
            "/api/ai/code-completion",
            json!({"language": "rust", "prefix": "fn main() {"}),
        ),
        (
            "/api/ai/generate-code",
            json!({"language": "go", "prompt": "hello world"}),
        ),
    ];
    let (mut tokens_in, mut tokens_out, mut cost) = (0, 0, 0.0);
    for (path, body) in &calls {
        let (status, answer) = post_json(&app, &app.client, path, body).await;
        assert_eq!(status, 200, "{path}: {answer}");
        tokens_in += answer["usage"]["promptTokens"].as_u64().unwrap();
        tokens_out += answer["usage"]["completionTokens"].as_u64().unwrap();
        cost += answer["usage"]["cost"].as_f64().unwrap();
    }
    let failing = json!({"messages": [{"role": "user", "content": "x"}], "model": "down/model"});
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &failing).await;
    assert_eq!(status, 502);

    let report = usage_with(&app, &app.client, 5).await;
    let totals = &report["totals"];
    assert_eq!(totals["calls"], 5, "{report}");
    assert_eq!(totals["failed"], 1);
    assert_eq!(
        totals["tokensIn"].as_u64().unwrap(),
        tokens_in + 1,
        "the failed call's estimate adds one"
    );
    assert_eq!(totals["tokensOut"].as_u64().unwrap(), tokens_out);
    assert!((totals["cost"].as_f64().unwrap() - cost).abs() < 1e-12);

    let days = report["days"].as_array().unwrap();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let by_feature = |f: &str| {
        days.iter()
            .find(|d| d["feature"] == f && d["day"] == today.as_str())
            .cloned()
    };
    assert_eq!(by_feature("chat").unwrap()["calls"], 3);
    assert_eq!(by_feature("chat").unwrap()["failed"], 1);
    assert_eq!(by_feature("code_completion").unwrap()["calls"], 1);
    assert_eq!(by_feature("generate_code").unwrap()["calls"], 1);

    let recent = report["recent"].as_array().unwrap();
    assert_eq!(recent.len(), 5);
    assert_eq!(recent[0]["outcome"], "error:provider_down", "newest first");
    assert_eq!(recent[0]["model"], "down/model");
    for call in &recent[1..] {
        assert_eq!(call["outcome"], "ok");
        assert!(call["generationId"].as_str().unwrap().starts_with("gen-"));
        assert!(call["latencyMs"].is_u64());
    }
}

#[tokio::test]
async fn one_users_usage_is_invisible_to_another_and_ranges_are_checked() {
    let app = spawn_app_with(&[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    post_json(&app, &app.client, "/api/ai/chat", &chat("mine")).await;
    assert_eq!(usage_with(&app, &app.client, 1).await["totals"]["calls"], 1);
    let other = client();
    user_with_key(&app, &other, "b@example.com", "b2").await;
    let theirs: Value = other
        .get(app.url("/api/user/usage"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["totals"]["calls"], 0);
    assert_eq!(theirs["recent"], json!([]));

    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d");
    let past: Value = app
        .client
        .get(app.url(&format!("/api/user/usage?from=2020-01-01&to={yesterday}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(past["error"], "Invalid date range", "more than 366 days");
    let empty: Value = app
        .client
        .get(app.url(&format!("/api/user/usage?to={yesterday}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        empty["totals"]["calls"], 0,
        "today's call is outside the range"
    );
    let res = app
        .client
        .get(app.url("/api/user/usage?from=2026-12-01&to=2026-11-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn the_ai_tables_migrate_down_and_up_again() {
    use migration::{Migrator, MigratorTrait};
    let app = spawn_app_with(&[]).await;
    // Down to (and including) the AI migration, whatever was added after it.
    let all = Migrator::migrations();
    let ai = all
        .iter()
        .position(|m| m.name() == "m20261126_000004_create_ai_usage")
        .unwrap();
    let steps = u32::try_from(all.len() - ai).unwrap();
    Migrator::down(&app.db, Some(steps)).await.unwrap();
    let gone = server::entities::ai_usage::Entity::find()
        .all(&app.db)
        .await;
    assert!(gone.is_err(), "the ledger table was dropped");
    Migrator::up(&app.db, None).await.unwrap();
    let back = server::entities::ai_usage::Entity::find()
        .all(&app.db)
        .await;
    assert_eq!(back.unwrap().len(), 0);
    let prefs = server::entities::user_model_prefs::Entity::find()
        .all(&app.db)
        .await;
    assert!(prefs.is_ok());
}

/// The nice value of each of this process's threads called `name`.
#[cfg(target_os = "linux")]
fn nice_of_threads_named(name: &str) -> Vec<i64> {
    let mut found = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let path = task.path();
        let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if comm.trim_end() != name {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(path.join("stat")) else {
            continue;
        };
        // After the command name's closing parenthesis come fields 3 onwards; nice is field 19.
        let after = &stat[stat.rfind(')').unwrap() + 1..];
        found.push(after.split_whitespace().nth(16).unwrap().parse().unwrap());
    }
    found
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn rows_are_written_by_a_thread_below_the_request_threads_priority() {
    let app = spawn_app_with(&[]).await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &chat("hello")).await;
    assert_eq!(status, 200);
    // The report waits for the ledger's queue, so the writer has run by now.
    assert_eq!(usage_with(&app, &app.client, 1).await["totals"]["calls"], 1);
    let writers = nice_of_threads_named("studio-ledger");
    assert!(
        writers.contains(&10),
        "a writer thread at nice 10, found {writers:?}"
    );
    // The app under test serves requests on this test's thread.
    let comm = std::fs::read_to_string("/proc/thread-self/comm").unwrap();
    let this_thread = nice_of_threads_named(comm.trim_end());
    assert!(
        !this_thread.is_empty() && this_thread.iter().all(|&n| n == 0),
        "the threads serving requests keep their priority: {this_thread:?}"
    );
}
