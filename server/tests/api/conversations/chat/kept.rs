//! The prompt and the answer are kept, go upstream with the next prompt, and leave again by
//! their turn numbers.

use reqwest::Method;
use serde_json::json;

use super::{ask, eventually_turns, last_sent, turns};
use crate::ai::{deltas, parse_events, user_with_key};
use crate::conversations::{conversation, send, workspace};
use crate::helpers::spawn_app;

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
