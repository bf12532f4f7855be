//! `POST /api/ai/chat` with a `conversationId`: the prompt and the answer are kept by the
//! server, however the answer ends, and earlier turns go upstream within the context budget.

use std::time::Duration;

use app::rules::context::CONTEXT_BUDGET_CHARS;
use fake_openrouter::FakeConfig;
use futures::StreamExt;
use reqwest::Method;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{json, Value};

use super::{conversation, send, workspace};
use crate::ai::{chat_requests, deltas, parse_events, user_with_key};
use crate::helpers::{spawn_app, spawn_app_with_fake, TestApp};

/// Polls the conversation until it holds `n` turns and the last one has `status`.
pub async fn eventually_turns(
    app: &TestApp,
    c: &reqwest::Client,
    id: &str,
    status: &str,
    n: usize,
) -> bool {
    for _ in 0..250 {
        let (_, got) = send(
            app,
            c,
            Method::GET,
            &format!("/api/conversations/{id}"),
            None,
        )
        .await;
        let turns = got["turns"].as_array().cloned().unwrap_or_default();
        if turns.len() == n && turns.last().is_some_and(|t| t["status"] == status) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

async fn turns(app: &TestApp, c: &reqwest::Client, id: &str) -> Vec<Value> {
    let (status, got) = send(
        app,
        c,
        Method::GET,
        &format!("/api/conversations/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{got}");
    got["turns"].as_array().unwrap().clone()
}

fn ask(id: &str, prompt: &str, stream: bool) -> Value {
    json!({"messages": [{"role": "user", "content": prompt}], "conversationId": id, "stream": stream})
}

/// The roles and contents the fake received in its latest chat request.
fn last_sent(app: &TestApp) -> Vec<(String, String)> {
    let sent = chat_requests(app);
    let body = &sent.last().expect("a chat went upstream").body;
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap().to_owned(),
                m["content"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_prompt_and_the_answer_are_kept_and_go_upstream_with_the_next_prompt() {
    let app = spawn_app().await;
    let c = app.new_client();
    user_with_key(&app, &c, "a@example.com", "a1").await;
    let ws = workspace(&app, &c).await;
    let id = conversation(&app, &c, &ws).await;

    let (status, first) = send(
        &app,
        &c,
        Method::POST,
        "/api/ai/chat",
        Some(ask(&id, "How do I sort a Vec?", false)),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let answer = first["message"]["content"].as_str().unwrap().to_owned();
    assert!(eventually_turns(&app, &c, &id, "done", 2).await);
    let kept = turns(&app, &c, &id).await;
    assert_eq!(kept[0]["role"], "user");
    assert_eq!(kept[0]["content"], "How do I sort a Vec?");
    assert_eq!(kept[1]["role"], "assistant");
    assert_eq!(kept[1]["content"], answer);
    assert_eq!(kept[1]["model"], first["model"]);
    let (_, got) = send(
        &app,
        &c,
        Method::GET,
        &format!("/api/conversations/{id}"),
        None,
    )
    .await;
    assert_eq!(
        got["title"], "How do I sort a Vec?",
        "the first prompt names it"
    );
    // The browser reads the same body into its type: every key once (a duplicate is an error
    // there, where `Value` keeps the last one silently).
    let raw = c
        .get(app.url(&format!("/api/conversations/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let typed: app::wire::Conversation = serde_json::from_str(&raw).expect("a Conversation");
    assert_eq!(typed.summary.turn_count, 2);
    assert_eq!(typed.turns.len(), 2);

    // Streamed, with the open file as a system message: the earlier exchange goes first.
    let body = json!({
        "messages": [
            {"role": "system", "content": "The open file: fn main() {}"},
            {"role": "user", "content": "And in reverse?"},
        ],
        "conversationId": id,
        "stream": true,
    });
    let res = app.post(&c, "/api/ai/chat", &body).await;
    assert_eq!(res.status(), 200);
    let events = parse_events(&res.text().await.unwrap());
    let streamed = deltas(&events);
    assert!(!streamed.is_empty());
    let sent = last_sent(&app);
    let roles: Vec<&str> = sent.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(roles, ["user", "assistant", "system", "user"]);
    assert_eq!(sent[0].1, "How do I sort a Vec?");
    assert_eq!(sent[1].1, answer);
    assert_eq!(sent[3].1, "And in reverse?");
    assert!(eventually_turns(&app, &c, &id, "done", 4).await);
    let kept = turns(&app, &c, &id).await;
    assert_eq!(
        kept[3]["content"], streamed,
        "the streamed answer is kept whole"
    );
    assert!(
        kept.iter()
            .all(|t| !t["content"].as_str().unwrap().contains("The open file")),
        "the file's copy is not kept: a later prompt sends the file as it is then"
    );
    let seqs: Vec<u64> = kept.iter().map(|t| t["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [0, 1, 2, 3]);

    // Regenerate or edit: the last exchange out, by its first turn's number.
    let path = format!("/api/conversations/{id}/turns?from=2");
    let (status, _) = send(&app, &c, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    assert_eq!(turns(&app, &c, &id).await.len(), 2);
    // Drop the oldest.
    let path = format!("/api/conversations/{id}/turns?before=1");
    let (status, _) = send(&app, &c, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    let left = turns(&app, &c, &id).await;
    assert_eq!((left.len(), left[0]["seq"].clone()), (1, json!(1)));
    for bad in ["", "?from=1&before=1"] {
        let path = format!("/api/conversations/{id}/turns{bad}");
        let (status, _) = send(&app, &c, Method::DELETE, &path, None).await;
        assert_eq!(status, 422, "{bad}");
    }
}

#[tokio::test]
async fn a_client_that_leaves_mid_answer_leaves_what_was_produced_in_the_conversation() {
    let fake = FakeConfig {
        chunk_delay: Duration::from_millis(200),
        ..FakeConfig::default()
    };
    let app = spawn_app_with_fake(fake, &[]).await;
    let c = app.new_client();
    user_with_key(&app, &c, "a@example.com", "a1").await;
    let ws = workspace(&app, &c).await;
    let id = conversation(&app, &c, &ws).await;
    let prompt = "a long answer with many many words that takes seconds to stream out";
    let res = app.post(&c, "/api/ai/chat", &ask(&id, prompt, true)).await;
    let mut body = res.bytes_stream();
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        seen.push_str(&String::from_utf8_lossy(
            &body.next().await.unwrap().unwrap(),
        ));
    }
    // Meanwhile, another device sees the prompt and the answer on its way.
    let kept = turns(&app, &c, &id).await;
    assert_eq!(kept[0]["content"], prompt);
    assert_eq!(kept[1]["status"], "answering");
    drop(body);
    assert!(
        eventually_turns(&app, &c, &id, "stopped", 2).await,
        "{:?}",
        turns(&app, &c, &id).await
    );
    let kept = turns(&app, &c, &id).await;
    let produced = kept[1]["content"].as_str().unwrap();
    let received = deltas(&parse_events(seen.trim_end_matches(|ch| ch != '\n')));
    assert!(!produced.is_empty());
    assert!(
        produced.starts_with(&received),
        "what the client saw is kept: {produced:?} / {received:?}"
    );
    assert!(app.fake.cancelled_streams() >= 1);
}

#[tokio::test]
async fn a_call_that_fails_leaves_the_conversation_as_it_was_and_a_broken_stream_keeps_its_part() {
    let app = spawn_app().await;
    let c = app.new_client();
    user_with_key(&app, &c, "a@example.com", "a1").await;
    let ws = workspace(&app, &c).await;
    let id = conversation(&app, &c, &ws).await;
    let (status, _) = send(
        &app,
        &c,
        Method::POST,
        "/api/ai/chat",
        Some(ask(&id, "FAKE_ERROR:provider_unavailable", false)),
    )
    .await;
    assert!(status >= 500, "{status}");
    let (status, _) = send(
        &app,
        &c,
        Method::POST,
        "/api/ai/chat",
        Some(ask(&id, "FAKE_ERROR:rate_limit_exceeded", true)),
    )
    .await;
    assert_eq!(status, 429);
    assert!(
        turns(&app, &c, &id).await.is_empty(),
        "nothing kept of failed calls"
    );

    let res = app
        .post(
            &c,
            "/api/ai/chat",
            &ask(&id, "MIDSTREAM_FAIL now please", true),
        )
        .await;
    let events = parse_events(&res.text().await.unwrap());
    assert!(eventually_turns(&app, &c, &id, "failed", 2).await);
    let kept = turns(&app, &c, &id).await;
    assert_eq!(kept[1]["content"].as_str().unwrap(), deltas(&events));
}

#[tokio::test]
async fn earlier_turns_go_upstream_trimmed_to_the_context_budget() {
    use server::entities::conversation_turn as turn;
    let app = spawn_app().await;
    let c = app.new_client();
    user_with_key(&app, &c, "a@example.com", "a1").await;
    let ws = workspace(&app, &c).await;
    let id = conversation(&app, &c, &ws).await;
    // Twenty exchanges of 1,000 characters a turn: 40,000 in all, over the budget.
    let now = chrono::Utc::now();
    let rows = (0..40).map(|seq: i32| turn::ActiveModel {
        id: Set(format!("c{seq:024}")),
        conversation_id: Set(id.clone()),
        seq: Set(seq),
        role: Set(if seq % 2 == 0 { "user" } else { "assistant" }.to_owned()),
        content: Set(format!("{seq:04}{}", "x".repeat(996))),
        status: Set("done".to_owned()),
        model: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    });
    turn::Entity::insert_many(rows).exec(&app.db).await.unwrap();
    let body = json!({
        "messages": [
            {"role": "system", "content": "s".repeat(12_000)},
            {"role": "user", "content": "p".repeat(20_000)},
        ],
        "conversationId": id,
    });
    let (status, answer) = send(&app, &c, Method::POST, "/api/ai/chat", Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    let sent = last_sent(&app);
    let (earlier, new) = sent.split_at(sent.len() - 2);
    assert_eq!(
        new[0],
        ("system".to_owned(), "s".repeat(12_000)),
        "the file always goes"
    );
    assert_eq!(
        new[1],
        ("user".to_owned(), "p".repeat(20_000)),
        "the prompt always goes"
    );
    let chars: usize = earlier.iter().map(|(_, c)| c.chars().count()).sum();
    assert!(chars <= CONTEXT_BUDGET_CHARS, "{chars}");
    assert_eq!(earlier.len(), 24, "the newest 24 turns of 1,000 fit 24,000");
    assert_eq!(earlier[0].0, "user", "never an answer first");
    assert!(
        earlier[0].1.starts_with("0016"),
        "the newest ones: {}",
        &earlier[0].1[..4]
    );
    assert!(earlier.last().unwrap().1.starts_with("0039"));
}
