//! `GET /api/user/usage.csv`.

use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

use super::{chat, post_json, usage_with, user_with_key};
use crate::helpers::{client, spawn_app_with};
use server::entities::ai_usage;

/// Splits RFC 4180 CSV into records of fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[tokio::test]
async fn the_csv_has_one_quoted_row_per_call_and_only_the_callers() {
    let app = spawn_app_with(&[]).await;
    let me = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    for prompt in ["one", "two"] {
        let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &chat(prompt)).await;
        assert_eq!(status, 200);
    }
    usage_with(&app, &app.client, 2).await;
    let now = app.state.clock.now();
    ai_usage::Entity::insert(ai_usage::ActiveModel {
        id: Set(server::kit::ids::new_id(now + chrono::Duration::seconds(1))),
        user_id: Set(me),
        feature: Set("chat".into()),
        model: Set("openai/gpt-4o".into()),
        requested_model: Set(Some("openai/gpt-4o-mini".into())),
        tokens_in: Set(3),
        tokens_out: Set(4),
        cost: Set(0.000_047_5),
        generation_id: Set(Some("gen-1,\"odd\"\nid".into())),
        outcome: Set("=HYPERLINK(\"x\")".into()),
        latency_ms: Set(12),
        created_at: Set(now + chrono::Duration::seconds(1)),
        day: Set(now.format("%Y-%m-%d").to_string()),
    })
    .exec(&app.db)
    .await
    .unwrap();
    let other = client();
    user_with_key(&app, &other, "b@example.com", "b2").await;
    post_json(&app, &other, "/api/ai/chat", &chat("theirs")).await;
    usage_with(&app, &other, 1).await;

    let res = app.get(&app.client, "/api/user/usage.csv").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"usage-"),
        "{disposition}"
    );
    let text = res.text().await.unwrap();
    let rows = parse_csv(&text);
    assert_eq!(rows[0][..3], ["time", "feature", "model"]);
    assert_eq!(
        rows.len(),
        4,
        "a header and my three calls, not theirs: {text}"
    );
    assert!(rows.iter().skip(1).all(|r| r.len() == rows[0].len()));
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let last = &rows[3];
    assert_eq!(
        last[col("generation_id")],
        "gen-1,\"odd\"\nid",
        "quoting round-trips"
    );
    assert_eq!(
        last[col("outcome")],
        "'=HYPERLINK(\"x\")",
        "a formula is defused"
    );
    assert_eq!(last[col("fallback")], "yes");
    assert_eq!(last[col("requested_model")], "openai/gpt-4o-mini");
    assert_eq!(last[col("cost_usd")], "0.0000475");
    assert_eq!(
        (
            last[col("tokens_in")].as_str(),
            last[col("tokens_out")].as_str()
        ),
        ("3", "4")
    );
    assert_eq!(rows[1][col("outcome")], "ok");
    assert!(rows[1][col("generation_id")].starts_with("gen-"));
    assert!(!text.contains("theirs"));

    let yesterday = (now - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let empty = app
        .get(
            &app.client,
            &format!("/api/user/usage.csv?from={yesterday}&to={yesterday}"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(parse_csv(&empty).len(), 1, "only the header: {empty}");
    let bad = app
        .get(
            &app.client,
            "/api/user/usage.csv?from=2026-12-02&to=2026-01-01",
        )
        .await;
    assert_eq!(bad.status(), 422);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(body["error"], "Invalid date range");
    assert_eq!(
        app.get(&client(), "/api/user/usage.csv").await.status(),
        401
    );
    let _ = json!(null);
}
