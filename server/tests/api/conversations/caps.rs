//! The conversation caps, under parallel requests.

use futures::future::join_all;
use reqwest::Method;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

use server::conversations::{
    MAX_CONVERSATIONS_PER_WORKSPACE, MAX_MESSAGE_BYTES, MAX_TURNS_PER_CONVERSATION,
};

use super::chat::eventually_turns;
use super::{conversation, send, workspace};
use crate::ai::{chat_requests, user_with_key};
use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn a_burst_of_new_conversations_stops_exactly_at_the_cap_per_workspace() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let c = &app.client;
    let ws = workspace(&app, c).await;
    let other = workspace(&app, c).await;
    let path = format!("/api/workspaces/{ws}/conversations");
    let burst = MAX_CONVERSATIONS_PER_WORKSPACE + 10;
    let answers =
        join_all((0..burst).map(|_| send(&app, c, Method::POST, &path, Some(json!({}))))).await;
    let made = answers.iter().filter(|(s, _)| *s == 201).count() as u64;
    let refused: Vec<_> = answers.iter().filter(|(s, _)| *s == 409).collect();
    assert_eq!(made, MAX_CONVERSATIONS_PER_WORKSPACE, "{answers:?}");
    assert_eq!(refused.len() as u64, burst - made, "{answers:?}");
    assert_eq!(refused[0].1["error"], "Conversation limit reached");
    let (_, list) = send(&app, c, Method::GET, &path, None).await;
    assert_eq!(
        list["conversations"].as_array().unwrap().len() as u64,
        MAX_CONVERSATIONS_PER_WORKSPACE
    );
    // The cap is per workspace.
    conversation(&app, c, &other).await;
}

#[tokio::test]
async fn parallel_prompts_stop_exactly_at_the_cap_of_turns_per_conversation() {
    use server::entities::conversation_turn as turn;
    let app = spawn_app_with(&[("AI_MAX_IN_FLIGHT_PER_USER", "32")]).await;
    let c = app.new_client();
    user_with_key(&app, &c, "a@example.com", "a1").await;
    let ws = workspace(&app, &c).await;
    let id = conversation(&app, &c, &ws).await;
    // Full but for three exchanges.
    let held = i32::try_from(MAX_TURNS_PER_CONVERSATION).unwrap() - 6;
    let now = chrono::Utc::now();
    let rows = (0..held).map(|seq| turn::ActiveModel {
        id: Set(format!("c{seq:024}")),
        conversation_id: Set(id.clone()),
        seq: Set(seq),
        role: Set(if seq % 2 == 0 { "user" } else { "assistant" }.to_owned()),
        content: Set("short".to_owned()),
        status: Set("done".to_owned()),
        model: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    });
    turn::Entity::insert_many(rows).exec(&app.db).await.unwrap();
    let body = json!({"messages": [{"role": "user", "content": "one more"}], "conversationId": id});
    let answers =
        join_all((0..12).map(|_| send(&app, &c, Method::POST, "/api/ai/chat", Some(body.clone()))))
            .await;
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    let full: Vec<_> = answers.iter().filter(|(s, _)| *s == 409).collect();
    assert_eq!((ok, full.len()), (3, 9), "{answers:?}");
    assert_eq!(full[0].1["error"], "Conversation full");
    let n = usize::try_from(MAX_TURNS_PER_CONVERSATION).unwrap();
    assert!(eventually_turns(&app, &c, &id, "done", n).await);
    assert_eq!(
        chat_requests(&app).len(),
        3,
        "refused prompts never went upstream"
    );
}

#[tokio::test]
async fn a_prompt_over_the_byte_cap_is_refused_before_anything_is_kept_or_sent() {
    let app = spawn_app().await;
    let c = app.new_client();
    user_with_key(&app, &c, "a@example.com", "a1").await;
    let ws = workspace(&app, &c).await;
    let id = conversation(&app, &c, &ws).await;
    app.fake.clear();
    // Under the chat's cap of characters, over the conversation's cap of bytes.
    let prompt = "😀".repeat(MAX_MESSAGE_BYTES / 4 + 1);
    let body = json!({"messages": [{"role": "user", "content": prompt}], "conversationId": id});
    let (status, answer) = send(&app, &c, Method::POST, "/api/ai/chat", Some(body)).await;
    assert_eq!(
        (status, answer["error"].clone()),
        (422, json!("Message too long")),
        "{answer}"
    );
    let wrong = json!({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}], "conversationId": id});
    let (status, _) = send(&app, &c, Method::POST, "/api/ai/chat", Some(wrong)).await;
    assert_eq!(
        status, 422,
        "only the new prompt goes with a conversationId"
    );
    assert!(chat_requests(&app).is_empty());
    let (_, got) = send(
        &app,
        &c,
        Method::GET,
        &format!("/api/conversations/{id}"),
        None,
    )
    .await;
    assert_eq!(got["turns"], json!([]));
}
