//! `GET /api/openapi.json`: the document is OpenAPI 3.1, names the session cookie, documents the
//! error body, and cannot drift from the routes: it lists exactly the REST routes the fuzz test
//! knows, every operation it lists answers on the real server, no path answers a method it does
//! not list, and no route is registered past utoipa-axum's `routes!`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::fuzz::REST;
use crate::helpers::{client_without_jar, spawn_app, TestApp};

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

/// Every operation of `doc`: (method in upper case, path, the operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(*method) {
                all.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    all
}

async fn document(app: &TestApp) -> Value {
    let res = app.get(&app.client, "/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    res.json().await.unwrap()
}

fn statuses(op: &Value) -> BTreeSet<String> {
    op["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .cloned()
        .collect()
}

fn needs_session(op: &Value) -> bool {
    op["security"]
        .as_array()
        .is_some_and(|reqs| reqs.iter().any(|r| r.get("session").is_some()))
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_the_session_cookie_and_the_error_body() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["session"],
        serde_json::json!({
            "type": "apiKey",
            "in": "cookie",
            "name": "studio_sid",
            "description": "The session cookie set by sign-up and sign-in.",
        })
    );
    let error = &doc["components"]["schemas"]["ApiError"];
    assert_eq!(error["required"], serde_json::json!(["error", "message"]));
    assert!(doc["info"]["description"]
        .as_str()
        .unwrap()
        .contains("Sec-Fetch-Site"));

    for (method, path, op) in operations(&doc) {
        let codes = statuses(&op);
        let name = format!("{method} {path}");
        // The OAuth routes are browser redirects: their success is a 303.
        assert!(
            codes.iter().any(|c| c.starts_with('2') || c == "303"),
            "{name} documents a success"
        );
        if needs_session(&op) {
            assert!(codes.contains("401"), "{name}: 401 without the session");
        }
        if method != "GET" {
            assert!(codes.contains("403"), "{name}: the cross-site check's 403");
        }
        if op.get("requestBody").is_some() {
            for code in ["400", "408", "413", "415", "422"] {
                assert!(codes.contains(code), "{name}: a JSON body's {code}");
            }
        }
        for (code, response) in op["responses"].as_object().unwrap() {
            // `/health` and `/ready` answer their own body, with a reason, when not serving.
            if (code.starts_with('4') || code.starts_with('5'))
                && path != "/health"
                && path != "/ready"
            {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(
                    schema, "#/components/schemas/ApiError",
                    "{name} {code} has the error body"
                );
            }
        }
    }

    let chat = &doc["paths"]["/api/ai/chat"]["post"]["responses"]["200"]["content"];
    assert!(chat.get("text/event-stream").is_some(), "streams: {chat}");
    assert!(
        chat.get("application/json").is_some(),
        "whole answers: {chat}"
    );
}

#[tokio::test]
async fn the_document_lists_exactly_the_rest_routes() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    let known: BTreeSet<(String, String)> = REST
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(documented, known);
}

/// The value a path parameter gets in a probe.
fn fill(path: &str) -> String {
    path.replace("{id}", "0123456789abcdef")
}

/// Sends `method path` the way a browser on the studio's pages would, with `{}` as the body of
/// an operation that takes one.
async fn probe(
    app: &TestApp,
    cookie: Option<&str>,
    method: &str,
    path: &str,
    body: bool,
) -> (u16, Value) {
    let mut req = client_without_jar()
        .request(method.parse().unwrap(), app.url(&fill(path)))
        .header("origin", format!("http://{}", app.addr));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    if body {
        req = req.json(&serde_json::json!({}));
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// What the API answers for a path it does not have.
fn is_unrouted(status: u16, body: &Value) -> bool {
    status == 405 || (status == 404 && body["message"] == "That API endpoint does not exist.")
}

#[tokio::test]
async fn every_documented_operation_answers_and_checks_the_session_as_documented() {
    let app = spawn_app().await;
    let res = app
        .post(
            &app.client,
            "/api/auth/signup",
            &serde_json::json!({"email": "doc@example.com", "password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let cookie = crate::helpers::session_cookie(&res).expect("a session cookie");
    let doc = document(&app).await;
    let mut ops = operations(&doc);
    // Signing out ends the session the others use: last.
    ops.sort_by_key(|(m, p, _)| (p == "/api/auth/signout", m.clone(), p.clone()));
    for (method, path, op) in &ops {
        let body = op.get("requestBody").is_some();
        let (status, answer) = probe(&app, None, method, path, body).await;
        assert!(
            !is_unrouted(status, &answer),
            "{method} {path}: {status} {answer}"
        );
        assert_eq!(
            status == 401,
            needs_session(op),
            "{method} {path} anonymous: {status} {answer}"
        );
        assert!(
            statuses(op).contains(&status.to_string()),
            "{method} {path} anonymous: {status} is documented"
        );

        let (status, answer) = probe(&app, Some(&cookie), method, path, body).await;
        assert!(
            !is_unrouted(status, &answer),
            "{method} {path}: {status} {answer}"
        );
        assert_ne!(status, 401, "{method} {path} signed in: {answer}");
        assert!(
            statuses(op).contains(&status.to_string()),
            "{method} {path} signed in: {status} is documented"
        );
    }
}

#[tokio::test]
async fn no_path_answers_a_method_the_document_lacks() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(*method).is_some() {
                continue;
            }
            let (status, answer) = probe(&app, None, &method.to_uppercase(), path, false).await;
            assert_eq!(status, 405, "{method} {path}: {answer}");
        }
    }
}

/// A route registered with axum's own `route()` would be served but not documented.
#[test]
fn every_route_is_registered_through_the_documenting_macro() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes");
    let mut files = vec![format!("{dir}.rs")];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            files.push(path.display().to_string());
        }
    }
    let mut documented = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let plain = regex_lite::Regex::new(
            r"\.route\(|\.route_service\(|\.nest_service\(|\bRouter::new\(\)",
        )
        .unwrap();
        let found = plain.find(&text).map(|m| m.as_str().to_owned());
        assert_eq!(found, None, "{file} registers a route past routes!");
        documented += text.matches("#[utoipa::path(").count();
    }
    assert_eq!(documented, REST.len(), "one #[utoipa::path] per REST route");
}
