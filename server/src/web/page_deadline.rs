//! A page that stops making progress still ends, with a sentence for people.
//!
//! Pages stream: the shell first, then each `<Suspense>` part as its data arrives. Rendering a
//! page reads the database (bounded by its acquire and busy timeouts) and nothing slower, so a
//! page whose answer has not started within [`PAGE_START`], or whose body has sent nothing for
//! [`PAGE_IDLE`], is stuck, not slow: Leptos 0.8 has had races in which a `<Suspense>` never
//! hears that its last resource resolved (leptos-rs/leptos#4851, #4578), and a browser would wait
//! on such a page until it gave up. Here the page is answered 503 (not started) or ended with a
//! note asking to reload (already streaming), and a warning is logged once, so the stall is seen
//! in the logs instead of in users' spinning tabs.
//!
//! Only pages are covered: the REST API and server functions answer JSON, and an SSE stream may
//! rightly be quiet while a model thinks (the AI routes have their own upstream timeouts).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderValue};
use http::StatusCode;
use http_body::{Body as _, Frame, SizeHint};
use tokio::time::Sleep;

use super::panic::{Classifier, Kind};

/// How long a page may take to start its answer.
pub const PAGE_START: Duration = Duration::from_secs(20);
/// How long a streaming page may go without sending anything.
pub const PAGE_IDLE: Duration = Duration::from_secs(15);

/// What a page that stalled while streaming ends with.
const STALL_NOTE: &str = r#"<p class="error" role="alert">This page took too long to finish loading. Please reload it.</p>"#;

/// The middleware, with the limits of [`PAGE_START`] and [`PAGE_IDLE`].
pub async fn bound_pages(
    State(classifier): State<Classifier>,
    req: Request,
    next: Next,
) -> Response {
    bound_pages_within(
        classifier.kind(req.uri().path()),
        PAGE_START,
        PAGE_IDLE,
        req,
        next,
    )
    .await
}

/// [`bound_pages`] with chosen limits (the tests use short ones).
pub async fn bound_pages_within(
    kind: Kind,
    start: Duration,
    idle: Duration,
    req: Request,
    next: Next,
) -> Response {
    if kind != Kind::Page {
        return next.run(req).await;
    }
    let Ok(response) = tokio::time::timeout(start, next.run(req)).await else {
        tracing::warn!(
            timeout.secs = start.as_secs(),
            "a page did not start its answer in time; answered 503"
        );
        return not_started();
    };
    let streamed_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
        && response.body().size_hint().exact().is_none();
    if !streamed_html {
        return response;
    }
    let (parts, body) = response.into_parts();
    Response::from_parts(parts, Body::new(IdleBound::new(body, idle)))
}

fn not_started() -> Response {
    let mut res = (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::RETRY_AFTER, "1"),
        ],
        NOT_STARTED_PAGE,
    )
        .into_response();
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(super::panic::ERROR_PAGE_CSP),
    );
    res
}

const NOT_STARTED_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>Taking too long · AiAppsy Web Studio</title>
<link rel="stylesheet" href="/pkg/studio.css"/>
</head>
<body>
<main class="container">
<section class="card">
<h1>This page is taking too long</h1>
<p>The server could not finish this page in time. Please reload it in a moment.</p>
<p><a href="/">Go to the home page</a></p>
</section>
</main>
</body>
</html>
"#;

/// A page body that ends with [`STALL_NOTE`] when it sends nothing for `idle`.
struct IdleBound {
    inner: Body,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    done: bool,
}

impl IdleBound {
    fn new(inner: Body, idle: Duration) -> Self {
        Self {
            inner,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            done: false,
        }
    }
}

impl http_body::Body for IdleBound {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                let deadline = tokio::time::Instant::now() + this.idle;
                this.timer.as_mut().reset(deadline);
                if frame.is_none() {
                    this.done = true;
                }
                Poll::Ready(frame)
            }
            Poll::Pending => {
                if this.timer.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                tracing::warn!(
                    timeout.secs = this.idle.as_secs(),
                    "a streaming page sent nothing in time; ended it"
                );
                this.done = true;
                Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                    STALL_NOTE.as_bytes(),
                )))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        if self.done {
            SizeHint::with_exact(0)
        } else {
            self.inner.size_hint()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use futures::StreamExt as _;
    use tower::ServiceExt as _;

    const START: Duration = Duration::from_millis(200);
    const IDLE: Duration = Duration::from_millis(200);

    /// A page that sends `first`, then waits `gap`, then sends the rest.
    fn app(first_after: Duration, gap: Duration) -> axum::Router {
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
            .layer(axum::middleware::from_fn(|req: Request, next: Next| {
                let kind = Classifier::default().kind(req.uri().path());
                bound_pages_within(kind, START, IDLE, req, next)
            }))
    }

    async fn fetch(app: axum::Router, path: &str) -> (StatusCode, String) {
        let req = http::Request::get(path).body(Body::empty()).unwrap();
        let res = app.oneshot(req).await.unwrap();
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn a_page_that_keeps_sending_arrives_whole() {
        let (status, body) = fetch(app(Duration::ZERO, Duration::from_millis(50)), "/page").await;
        assert_eq!(status, 200);
        assert_eq!(body, "<p>one</p><p>two</p>");
    }

    #[tokio::test]
    async fn a_page_that_stalls_while_streaming_ends_with_a_note_to_reload() {
        let (status, body) = fetch(app(Duration::ZERO, Duration::from_secs(30)), "/page").await;
        assert_eq!(status, 200);
        assert!(body.starts_with("<p>one</p>"), "{body}");
        assert!(body.ends_with(STALL_NOTE), "{body}");
        assert!(!body.contains("two"), "{body}");
    }

    #[tokio::test]
    async fn a_page_that_never_starts_is_answered_503_for_people() {
        let (status, body) = fetch(app(Duration::from_secs(30), Duration::ZERO), "/page").await;
        assert_eq!(status, 503);
        assert!(body.contains("taking too long"), "{body}");
    }

    #[tokio::test]
    async fn the_api_is_not_bounded_by_the_page_limits() {
        let (status, body) = fetch(app(Duration::ZERO, Duration::ZERO), "/api/slow").await;
        assert_eq!(status, 200);
        assert_eq!(body, "late but whole");
    }
}
