//! Earlier turns go upstream trimmed to the context budget, newest first kept, the file and the
//! prompt always sent.

use app::rules::context::CONTEXT_BUDGET_CHARS;
use reqwest::Method;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::json;

use super::last_sent;
use crate::ai::user_with_key;
use crate::conversations::{conversation, send, workspace};
use crate::helpers::spawn_app;

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
