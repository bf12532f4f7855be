//! Workspaces through the server functions the studio uses.

mod limits;

use crate::helpers::{client, server_fn, spawn_app};

#[tokio::test]
async fn a_user_creates_renames_saves_and_deletes_their_workspace() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let (status, ws) = server_fn(
        &app,
        &app.client,
        "create_workspace",
        &[("name", "Sandbox"), ("language", "rust")],
    )
    .await;
    assert_eq!(status, 200, "{ws}");
    let id = ws["id"].as_str().unwrap().to_owned();
    assert_eq!(
        server_fn(
            &app,
            &app.client,
            "rename_workspace",
            &[("id", &id), ("name", "Renamed")]
        )
        .await
        .0,
        200
    );
    assert_eq!(
        server_fn(
            &app,
            &app.client,
            "save_workspace_code",
            &[("id", &id), ("code", "fn main() {}")]
        )
        .await
        .0,
        200
    );
    let (_, got) = server_fn(&app, &app.client, "get_workspace", &[("id", &id)]).await;
    assert_eq!(got["name"], "Renamed");
    assert_eq!(got["code"], "fn main() {}");
    assert_eq!(
        server_fn(&app, &app.client, "delete_workspace", &[("id", &id)])
            .await
            .0,
        200
    );
    let (status, _) = server_fn(&app, &app.client, "get_workspace", &[("id", &id)]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn another_users_workspace_is_not_found_for_every_operation() {
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    let (_, ws) = server_fn(
        &app,
        &app.client,
        "create_workspace",
        &[("name", "Private"), ("language", "rust")],
    )
    .await;
    let id = ws["id"].as_str().unwrap().to_owned();
    let b = client();
    app.sign_up_with(&b, "b@example.com").await;
    let missing = "cmissingworkspace00000000";
    for (name, form) in [
        ("get_workspace", vec![("id", id.as_str())]),
        (
            "rename_workspace",
            vec![("id", id.as_str()), ("name", "Mine now")],
        ),
        (
            "save_workspace_code",
            vec![("id", id.as_str()), ("code", "stolen")],
        ),
        ("delete_workspace", vec![("id", id.as_str())]),
    ] {
        let theirs = server_fn(&app, &b, name, &form).await;
        let mut gone = form.clone();
        gone[0] = ("id", missing);
        let absent = server_fn(&app, &b, name, &gone).await;
        assert_eq!(theirs.0, 404, "{name}");
        assert_eq!(
            theirs, absent,
            "{name}: indistinguishable from a missing workspace"
        );
    }
    let (_, list) = server_fn(&app, &b, "list_workspaces", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
    let (_, mine) = server_fn(&app, &app.client, "get_workspace", &[("id", &id)]).await;
    assert_eq!(mine["name"], "Private", "A's workspace is untouched");
    assert_eq!(mine["code"], "");
}

#[tokio::test]
async fn anonymous_callers_cannot_list_workspaces() {
    let app = spawn_app().await;
    let (status, body) = server_fn(&app, &client(), "list_workspaces", &[]).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "Unauthorized");
}

#[tokio::test]
async fn an_id_that_is_not_an_id_is_not_found_without_a_database_error() {
    // PostgreSQL refuses a NUL byte in a string: sent to the database, such an id was a 503.
    let app = spawn_app().await;
    app.sign_up("a@example.com").await;
    for bad in ["\0", "c\0aaaaaaaaaaaaaaaaaaaaaaa", "", "not an id"] {
        for (name, form) in [
            ("get_workspace", vec![("id", bad)]),
            ("rename_workspace", vec![("id", bad), ("name", "x")]),
            ("save_workspace_code", vec![("id", bad), ("code", "x")]),
            ("delete_workspace", vec![("id", bad)]),
        ] {
            let (status, body) = server_fn(&app, &app.client, name, &form).await;
            assert_eq!(status, 404, "{name} {bad:?}: {body}");
        }
        let path = format!(
            "/api/auth/sessions/{}",
            bad.replace('\0', "%00").replace(' ', "%20")
        );
        let res = app
            .client
            .delete(app.url(&path))
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert!(
            matches!(res.status().as_u16(), 404 | 405),
            "DELETE {path}: {}",
            res.status()
        );
    }
}
