//! The panic layer with the real Leptos handlers behind it: a page, a server function and an API
//! route that panic, each compiled only for these tests.

use super::*;
use crate::web::guarded_body::{STALL_NOTE, STREAM_NOTE};
use axum::body::Bytes;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use futures::StreamExt as _;
use http::StatusCode;
use leptos::prelude::*;
use tower::ServiceExt as _;

const SECRET: &str = "sk-or-v1-secret held by the handler";

/// A server function that panics, registered only by these tests.
#[leptos::server(endpoint = "test_only_panics")]
async fn test_only_panics() -> Result<String, AppError> {
    if SECRET.starts_with("sk-") {
        panic!("{SECRET}");
    }
    Ok(String::new())
}

#[component]
fn PanickingPage() -> impl IntoView {
    if SECRET.starts_with("sk-") {
        panic!("{SECRET}");
    }
    view! { <p>"never"</p> }
}

#[component]
fn FinePage() -> impl IntoView {
    view! { <p>"all well"</p> }
}

async fn api_boom() -> &'static str {
    panic!("{SECRET}")
}

/// A page whose body panics after its first chunk, as a `<Suspense>` part can.
async fn streaming_boom() -> Response {
    let chunks = futures::stream::iter([0, 1]).map(|i| {
        if i == 1 {
            panic!("{SECRET}");
        }
        Ok::<_, std::convert::Infallible>(Bytes::from_static(b"<html><body><p>first</p>"))
    });
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from_stream(chunks),
    )
        .into_response()
}

fn app() -> axum::Router {
    // What `leptos_routes` does for the real router.
    let _ = any_spawner::Executor::init_tokio();
    leptos::server_fn::axum::register_explicit::<TestOnlyPanics>();
    let classifier = Classifier::from_registered_server_fns();
    axum::Router::new()
        .route("/api/user/boom", get(api_boom))
        .route(
            "/api/test_only_panics",
            post(|req: Request| leptos_axum::handle_server_fns(req)),
        )
        .route(
            "/page",
            get(leptos_axum::render_app_to_stream(PanickingPage)),
        )
        .route("/fine", get(leptos_axum::render_app_to_stream(FinePage)))
        .route("/streaming", get(streaming_boom))
        .layer(axum::middleware::from_fn_with_state(
            classifier,
            catch_panics,
        ))
}

async fn call(req: http::Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let res = app().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), 1_000_000)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn get_req(uri: &str) -> http::Request<Body> {
    http::Request::get(uri)
        .header("accept", "text/html")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn a_panicking_api_handler_answers_the_json_500() {
    let (status, _, body) = call(get_req("/api/user/boom")).await;
    assert_eq!(status, 500);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"], "Internal error");
    assert!(json["message"].is_string());
    assert!(!body.contains("sk-or-v1"), "{body}");
}

#[tokio::test]
async fn a_panicking_server_function_answers_the_app_error_its_client_decodes() {
    let req = http::Request::post("/api/test_only_panics")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = call(req).await;
    assert_eq!(status, 500);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let error: AppError = serde_json::from_str(&body).unwrap();
    assert_eq!(error, AppError::internal());
    assert!(!body.contains("sk-or-v1"), "{body}");
}

#[tokio::test]
async fn a_panicking_page_answers_an_html_500_page_for_people() {
    let (status, headers, body) = call(get_req("/page")).await;
    assert_eq!(status, 500);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    assert!(body.contains("<h1>Something went wrong</h1>"), "{body}");
    assert!(!body.contains("sk-or-v1"), "{body}");
}

#[tokio::test]
async fn pages_render_as_before_after_another_page_panicked() {
    for _ in 0..3 {
        assert_eq!(call(get_req("/page")).await.0, 500);
        let (status, _, body) = call(get_req("/fine")).await;
        assert_eq!(status, 200);
        assert!(body.contains("all well"), "{body}");
    }
}

#[tokio::test]
async fn a_page_that_panics_while_streaming_ends_with_a_sentence_instead_of_a_dropped_connection() {
    let (status, _, body) = call(get_req("/streaming")).await;
    assert_eq!(status, 200, "the status was already sent");
    assert!(body.starts_with("<html><body><p>first</p>"), "{body}");
    assert!(body.ends_with(STREAM_NOTE), "{body}");
    assert!(!body.contains("sk-or-v1"), "{body}");
}

#[test]
fn requests_are_told_apart_by_path() {
    let c = Classifier::new(["/api/sign_in".to_owned()]);
    assert_eq!(c.kind("/api/sign_in"), Kind::ServerFn);
    assert_eq!(c.kind("/api/auth/signin"), Kind::Api);
    assert_eq!(c.kind("/health"), Kind::Api);
    assert_eq!(c.kind("/api"), Kind::Api);
    assert_eq!(c.kind("/apiary"), Kind::Page);
    assert_eq!(c.kind("/studio/x"), Kind::Page);
}

// The page limits, with short ones.

const START: Duration = Duration::from_millis(200);
const IDLE: Duration = Duration::from_millis(200);

/// A page that sends its first part after `first_after`, waits `gap`, then sends the rest; and
/// an API route slower than both limits.
fn limited(first_after: Duration, gap: Duration) -> axum::Router {
    axum::Router::new()
        .route(
            "/page",
            get(move || async move {
                tokio::time::sleep(first_after).await;
                let chunks = futures::stream::iter(["<p>one</p>", "<p>two</p>"])
                    .enumerate()
                    .then(move |(i, c)| async move {
                        if i == 1 {
                            tokio::time::sleep(gap).await;
                        }
                        Ok::<_, std::convert::Infallible>(c)
                    });
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    Body::from_stream(chunks),
                )
            }),
        )
        .route(
            "/api/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(600)).await;
                "late but whole"
            }),
        )
        .layer(axum::middleware::from_fn_with_state(
            Classifier::default().with_page_limits(START, IDLE),
            catch_panics,
        ))
}

async fn fetch(app: axum::Router, path: &str) -> (StatusCode, String) {
    let res = app.oneshot(get_req(path)).await.unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn a_page_that_keeps_sending_arrives_whole() {
    let (status, body) = fetch(limited(Duration::ZERO, Duration::from_millis(50)), "/page").await;
    assert_eq!(status, 200);
    assert_eq!(body, "<p>one</p><p>two</p>");
}

#[tokio::test]
async fn a_page_that_stalls_while_streaming_ends_with_a_note_to_reload() {
    let (status, body) = fetch(limited(Duration::ZERO, Duration::from_secs(30)), "/page").await;
    assert_eq!(status, 200);
    assert!(body.starts_with("<p>one</p>"), "{body}");
    assert!(body.ends_with(STALL_NOTE), "{body}");
    assert!(!body.contains("two"), "{body}");
}

#[tokio::test]
async fn a_page_that_never_starts_is_answered_503_for_people() {
    let (status, body) = fetch(limited(Duration::from_secs(30), Duration::ZERO), "/page").await;
    assert_eq!(status, 503);
    assert!(body.contains("taking too long"), "{body}");
}

#[tokio::test]
async fn the_api_is_not_bounded_by_the_page_limits() {
    let (status, body) = fetch(limited(Duration::ZERO, Duration::ZERO), "/api/slow").await;
    assert_eq!(status, 200);
    assert_eq!(body, "late but whole");
}
