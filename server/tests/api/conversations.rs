//! Kept conversations: the REST routes and the server functions, owner scoping, and a
//! workspace's deletion.

mod caps;
mod chat;

use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::helpers::{server_fn, spawn_app, TestApp};

/// Sends `method path` with an optional JSON body; the status and the JSON answer.
pub async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = c.request(method, app.url(path));
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A new workspace of the user signed in on `c`; its id.
pub async fn workspace(app: &TestApp, c: &reqwest::Client) -> String {
    let (status, ws) = server_fn(
        app,
        c,
        "create_workspace",
        &[("name", "Sandbox"), ("language", "rust")],
    )
    .await;
    assert_eq!(status, 200, "{ws}");
    ws["id"].as_str().unwrap().to_owned()
}

/// A new conversation in workspace `ws`; its id.
pub async fn conversation(app: &TestApp, c: &reqwest::Client, ws: &str) -> String {
    let path = format!("/api/workspaces/{ws}/conversations");
    let (status, made) = send(app, c, Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 201, "{made}");
    made["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_user_starts_lists_renames_switches_and_deletes_conversations() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let c = &app.client;
    let ws = workspace(&app, c).await;
    let list = format!("/api/workspaces/{ws}/conversations");
    let (status, empty) = send(&app, c, Method::GET, &list, None).await;
    assert_eq!((status, empty), (200, json!({"conversations": []})));

    let first = conversation(&app, c, &ws).await;
    let (status, second) = send(
        &app,
        c,
        Method::POST,
        &list,
        Some(json!({"title": "  Sorting  "})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(second["title"], "Sorting");
    assert_eq!(second["current"], true, "a new conversation is current");
    assert_eq!(second["workspaceId"], ws);
    let second = second["id"].as_str().unwrap().to_owned();

    let (_, got) = send(&app, c, Method::GET, &list, None).await;
    let ids: Vec<&str> = got["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&first.as_str()) && ids.contains(&second.as_str()));
    let current: Vec<&Value> = got["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["current"] == true)
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["id"], second);

    // Switching back makes the first current: after a reload, or on another device.
    let one = format!("/api/conversations/{first}");
    let (status, changed) =
        send(&app, c, Method::PATCH, &one, Some(json!({"current": true}))).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["current"], true);
    let (_, got) = send(&app, c, Method::GET, &one, None).await;
    assert_eq!(got["current"], true);
    assert_eq!(got["title"], "New conversation");
    assert_eq!(got["turns"], json!([]));
    let (_, other) = send(
        &app,
        c,
        Method::GET,
        &format!("/api/conversations/{second}"),
        None,
    )
    .await;
    assert_eq!(other["current"], false);

    let (status, renamed) = send(
        &app,
        c,
        Method::PATCH,
        &one,
        Some(json!({"title": "Parsing"})),
    )
    .await;
    assert_eq!((status, renamed["title"].clone()), (200, json!("Parsing")));
    for bad in [
        json!({}),
        json!({"title": ""}),
        json!({"current": false}),
        json!({"title": "x".repeat(101)}),
    ] {
        let (status, body) = send(&app, c, Method::PATCH, &one, Some(bad.clone())).await;
        assert_eq!(status, 422, "{bad}: {body}");
    }

    let (status, _) = send(&app, c, Method::DELETE, &one, None).await;
    assert_eq!(status, 204);
    let (status, _) = send(&app, c, Method::GET, &one, None).await;
    assert_eq!(status, 404);
    let (status, _) = send(&app, c, Method::DELETE, &one, None).await;
    assert_eq!(status, 404, "deleted once");
    let (_, got) = send(&app, c, Method::GET, &list, None).await;
    assert_eq!(got["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(
        got["conversations"][0]["current"], true,
        "the other one is current now"
    );
}

#[tokio::test]
async fn the_server_functions_call_the_same_use_cases() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let c = &app.client;
    let ws = workspace(&app, c).await;
    let (status, made) = server_fn(&app, c, "create_conversation", &[("workspace_id", &ws)]).await;
    assert_eq!(status, 200, "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    let (status, changed) = server_fn(
        &app,
        c,
        "change_conversation",
        &[("id", &id), ("title", "Renamed")],
    )
    .await;
    assert_eq!((status, changed["title"].clone()), (200, json!("Renamed")));
    let (_, list) = server_fn(&app, c, "list_conversations", &[("workspace_id", &ws)]).await;
    assert_eq!(list["conversations"][0]["title"], "Renamed");
    let (_, rest) = send(
        &app,
        c,
        Method::GET,
        &format!("/api/conversations/{id}"),
        None,
    )
    .await;
    assert_eq!(
        rest["title"], "Renamed",
        "REST reads what the server function wrote"
    );
    let (status, _) = server_fn(&app, c, "delete_conversation", &[("id", &id)]).await;
    assert_eq!(status, 200);
    let (status, _) = server_fn(&app, c, "get_conversation", &[("id", &id)]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn another_users_conversations_and_workspaces_are_not_found_for_every_operation() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let a = &app.client;
    let ws = workspace(&app, a).await;
    let id = conversation(&app, a, &ws).await;
    let b = app.new_client();
    crate::ai::user_with_key(&app, &b, "b@example.com", "b2").await;
    let one = format!("/api/conversations/{id}");
    let list = format!("/api/workspaces/{ws}/conversations");
    let probes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, list.clone(), None),
        (Method::POST, list.clone(), Some(json!({}))),
        (Method::GET, one.clone(), None),
        (Method::PATCH, one.clone(), Some(json!({"title": "Mine"}))),
        (Method::PATCH, one.clone(), Some(json!({"current": true}))),
        (Method::DELETE, format!("{one}/turns?from=0"), None),
        (Method::DELETE, one.clone(), None),
    ];
    let missing = "c0000000000000000000000000";
    for (method, path, body) in &probes {
        let (status, answer) = send(&app, &b, method.clone(), path, body.clone()).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
        // Exactly what a conversation or workspace that does not exist answers.
        let path = path
            .replace(&id, &missing[..25])
            .replace(&ws, &missing[..25]);
        let (status2, answer2) = send(&app, &b, method.clone(), &path, body.clone()).await;
        assert_eq!((status2, answer2), (status, answer), "{method} {path}");
    }
    for (name, form) in [
        ("list_conversations", vec![("workspace_id", ws.as_str())]),
        ("create_conversation", vec![("workspace_id", ws.as_str())]),
        ("get_conversation", vec![("id", id.as_str())]),
        (
            "change_conversation",
            vec![("id", id.as_str()), ("title", "Mine")],
        ),
        (
            "delete_conversation_turns",
            vec![("id", id.as_str()), ("from", "0")],
        ),
        ("delete_conversation", vec![("id", id.as_str())]),
    ] {
        let (status, answer) = server_fn(&app, &b, name, &form).await;
        assert_eq!(status, 404, "{name}: {answer}");
    }
    app.fake.clear();
    let chat = json!({"messages": [{"role": "user", "content": "hi"}], "conversationId": id});
    let (status, answer) = send(&app, &b, Method::POST, "/api/ai/chat", Some(chat)).await;
    assert_eq!(status, 404, "{answer}");
    assert!(
        crate::ai::chat_requests(&app).is_empty(),
        "nothing went upstream"
    );
    // And A's conversation is untouched.
    let (status, got) = send(&app, a, Method::GET, &one, None).await;
    assert_eq!(status, 200);
    assert_eq!(got["title"], "New conversation");
    assert_eq!(got["current"], true);
}

#[tokio::test]
async fn deleting_a_workspace_deletes_its_conversations_and_their_turns() {
    use server::entities::{conversation, conversation_turn};
    let app = spawn_app().await;
    let c = app.new_client();
    crate::ai::user_with_key(&app, &c, "a@example.com", "a1").await;
    let ws = workspace(&app, &c).await;
    let kept_ws = workspace(&app, &c).await;
    let id = conversation(&app, &c, &ws).await;
    let kept = conversation(&app, &c, &kept_ws).await;
    for conv in [&id, &kept] {
        let chat =
            json!({"messages": [{"role": "user", "content": "hello"}], "conversationId": conv});
        let (status, answer) = send(&app, &c, Method::POST, "/api/ai/chat", Some(chat)).await;
        assert_eq!(status, 200, "{answer}");
    }
    assert!(chat::eventually_turns(&app, &c, &id, "done", 2).await);
    assert_eq!(
        conversation_turn::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        4
    );
    let (status, _) = server_fn(&app, &c, "delete_workspace", &[("id", &ws)]).await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &app,
        &c,
        Method::GET,
        &format!("/api/conversations/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        conversation::Entity::find().count(&app.db).await.unwrap(),
        1
    );
    assert_eq!(
        conversation_turn::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        2,
        "only the other workspace's turns are left"
    );
    let (status, _) = send(
        &app,
        &c,
        Method::GET,
        &format!("/api/conversations/{kept}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
}
