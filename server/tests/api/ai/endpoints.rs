//! The three AI endpoints: shapes, keys, attribution, workspaces.

use fake_openrouter::key;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{json, Value};

use super::{chat, chat_requests, post, post_json, user_with_key};
use crate::helpers::{client, spawn_app, TestApp};

const PUBLIC_TITLE: &str = "AiAppsy Web Studio";

/// The fake saw exactly one chat call, carrying `prefix`'s key and the attribution headers.
fn assert_one_attributed_call(app: &TestApp, prefix: &str) -> Value {
    let calls = chat_requests(app);
    assert_eq!(calls.len(), 1, "one upstream call");
    let call = &calls[0];
    assert_eq!(call.bearer_key(), Some(key(prefix).as_str()));
    assert_eq!(
        call.http_referer.as_deref(),
        Some(app.state.config.public_origin.as_str())
    );
    assert_eq!(call.x_openrouter_title.as_deref(), Some(PUBLIC_TITLE));
    call.body.clone()
}

async fn workspace_of(app: &TestApp, user_id: &str, code: &str) -> String {
    let id = server::kit::ids::new_id(server::kit::Clock::now(&server::kit::SystemClock));
    let now = chrono::Utc::now();
    server::entities::workspace::Entity::insert(server::entities::workspace::ActiveModel {
        id: Set(id.clone()),
        user_id: Set(user_id.to_owned()),
        name: Set("demo project".to_owned()),
        language: Set("python".to_owned()),
        code: Set(code.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec(&app.db)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn chat_answers_with_the_assistants_message_usage_and_generation_id() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    let (status, body) = post_json(&app, &app.client, "/api/ai/chat", &chat("Hello there")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"]["role"], "assistant");
    assert_eq!(
        super::asked(&body["message"]["content"]),
        Some("Hello there")
    );
    assert!(body["message"]["content"]
        .as_str()
        .unwrap()
        .contains("```rust\n"));
    assert_eq!(body["model"], "openai/gpt-4o-mini");
    assert!(body["usage"]["promptTokens"].as_u64().unwrap() > 0);
    assert!(body["usage"]["completionTokens"].as_u64().unwrap() > 0);
    assert!(body["usage"]["totalTokens"].as_u64().unwrap() > 0);
    assert!(body["usage"]["cost"].as_f64().unwrap() > 0.0);
    assert!(body["generationId"].as_str().unwrap().starts_with("gen-"));
    let sent = assert_one_attributed_call(&app, "a1");
    assert_eq!(
        sent["messages"],
        json!([{"role": "user", "content": "Hello there"}])
    );
    assert_eq!(sent["stream"], false);
}

#[tokio::test]
async fn code_completion_returns_only_the_text_to_insert_from_a_shaped_prompt() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    let req = json!({"language": "rust", "prefix": "fn add(a: i32, b: i32) -> i32 {\n    ", "suffix": "\n}\n"});
    let (status, body) = post_json(&app, &app.client, "/api/ai/code-completion", &req).await;
    assert_eq!(status, 200, "{body}");
    // The fake continues the code as a model would: the body of `add`, nothing of the prompt.
    assert_eq!(body["completion"], "a + b");
    assert!(body["usage"]["totalTokens"].as_u64().unwrap() > 0);
    assert_eq!(body["model"], "openai/gpt-4o-mini");
    let sent = assert_one_attributed_call(&app, "a1");
    assert_eq!(sent["messages"][0]["role"], "system");
    assert!(sent["messages"][0]["content"]
        .as_str()
        .unwrap()
        .contains("code completion engine for rust"));
    let user = sent["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("<before_cursor>fn add(a: i32, b: i32) -> i32 {\n    </before_cursor>"));
    assert!(user.contains("<after_cursor>\n}\n</after_cursor>"));
    assert!(
        sent["max_tokens"].as_u64().is_some(),
        "completions are capped"
    );
}

#[tokio::test]
async fn generate_code_returns_code_and_sends_the_request_and_context() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    app.fake.clear();
    let req = json!({"language": "python", "prompt": "add two numbers", "context": "import math"});
    let (status, body) = post_json(&app, &app.client, "/api/ai/generate-code", &req).await;
    assert_eq!(status, 200, "{body}");
    // The fake answers a fenced function, as the system message asks: the code is its body.
    assert_eq!(
        body["code"],
        "def add(a: int, b: int) -> int:\n    \"\"\"Returns the sum of `a` and `b`.\"\"\"\n    return a + b"
    );
    assert!(body["generationId"].is_string());
    let sent = assert_one_attributed_call(&app, "a1");
    assert!(sent["messages"][0]["content"]
        .as_str()
        .unwrap()
        .contains("expert python programmer"));
    let user = sent["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("import math") && user.ends_with("Request: add two numbers"));
}

#[tokio::test]
async fn a_user_without_a_key_gets_400_from_every_ai_endpoint_and_nothing_goes_upstream() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let expected = json!({
        "error": "API key required",
        "message": "Please set up your OpenRouter API key in settings to use AI features"
    });
    let bodies = [
        ("/api/ai/chat", chat("hi")),
        (
            "/api/ai/chat",
            json!({"messages": [{"role": "user", "content": "hi"}], "stream": true}),
        ),
        (
            "/api/ai/code-completion",
            json!({"language": "rust", "prefix": "fn "}),
        ),
        (
            "/api/ai/generate-code",
            json!({"language": "rust", "prompt": "x"}),
        ),
        (
            "/api/ai/generate-code",
            json!({"language": "rust", "prompt": "x", "stream": true}),
        ),
    ];
    for (path, body) in bodies {
        let (status, answer) = post_json(&app, &app.client, path, &body).await;
        assert_eq!((status, &answer), (400, &expected), "{path}");
    }
    assert!(app.fake.requests().is_empty(), "no upstream call at all");
}

#[tokio::test]
async fn anonymous_callers_get_401_from_every_ai_endpoint() {
    let app = spawn_app().await;
    let anonymous = client();
    for path in [
        "/api/ai/chat",
        "/api/ai/code-completion",
        "/api/ai/generate-code",
    ] {
        let res = post(&app, &anonymous, path, &chat("hi")).await;
        assert_eq!(res.status(), 401, "{path}");
    }
    for path in [
        "/api/ai/models",
        "/api/user/usage",
        "/api/user/model-preferences",
    ] {
        let res = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 401, "{path}");
    }
    assert!(app.fake.requests().is_empty());
}

#[tokio::test]
async fn a_workspace_that_is_not_the_callers_is_404_and_their_own_adds_context() {
    let app = spawn_app().await;
    let a = user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let b_client = client();
    let b = user_with_key(&app, &b_client, "b@example.com", "b2").await;
    let own = workspace_of(&app, &a, "def helper():\n    return 42\n").await;
    let theirs = workspace_of(&app, &b, "secret = 1").await;
    app.fake.clear();
    for id in [theirs.as_str(), "c000000000000000000000000", "../etc"] {
        for (path, body) in [
            (
                "/api/ai/generate-code",
                json!({"language": "python", "prompt": "x", "workspaceId": id}),
            ),
            (
                "/api/ai/code-completion",
                json!({"language": "python", "prefix": "x", "workspaceId": id}),
            ),
        ] {
            let (status, answer) = post_json(&app, &app.client, path, &body).await;
            assert_eq!(status, 404, "{path} {id}");
            assert_eq!(
                answer,
                json!({"error": "Not found", "message": "That workspace does not exist."})
            );
        }
    }
    assert!(chat_requests(&app).is_empty());
    let req = json!({"language": "python", "prompt": "use the helper", "workspaceId": own});
    let (status, _) = post_json(&app, &app.client, "/api/ai/generate-code", &req).await;
    assert_eq!(status, 200);
    let sent = assert_one_attributed_call(&app, "a1");
    let user = sent["messages"][1]["content"].as_str().unwrap();
    assert!(user.contains("demo project") && user.contains("return 42"));
    assert!(!user.contains("secret = 1"));
}

#[tokio::test]
async fn fields_the_caller_may_not_set_are_ignored() {
    let app = spawn_app().await;
    user_with_key(&app, &app.client, "a@example.com", "a1").await;
    let b_client = client();
    let b = user_with_key(&app, &b_client, "b@example.com", "b2").await;
    app.fake.clear();
    let body = json!({
        "messages": [{"role": "user", "content": "hi"}],
        "user_id": b, "userId": b, "key_id": b, "provider": {"only": ["evil"]},
        "apiKey": key("b2"),
    });
    let (status, _) = post_json(&app, &app.client, "/api/ai/chat", &body).await;
    assert_eq!(status, 200);
    let sent = assert_one_attributed_call(&app, "a1");
    assert!(sent.get("provider").is_none() && sent.get("user").is_none());
}
