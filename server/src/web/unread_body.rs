//! A response sent before its request's body was read says `Connection: close`.
//!
//! A handler may answer without reading the whole body: a 413 past a route's size limit, a 401
//! or 403 before a large upload. The server then cannot tell where the next request on that
//! connection starts, so it closes the connection after the answer; a client that was not told
//! so sends its next request into a closing socket and sees a dropped connection. Saying
//! `Connection: close` makes the client open a fresh connection instead.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderValue, CONNECTION};
use http_body::{Body as _, Frame, SizeHint};

/// The middleware.
pub async fn close_if_body_unread(req: Request, next: Next) -> Response {
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let read = Arc::new(AtomicBool::new(false));
    let req = req.map(|inner| {
        Body::new(Tracked {
            inner,
            read: read.clone(),
        })
    });
    let mut res = next.run(req).await;
    if !read.load(Ordering::Acquire) {
        res.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// A request body that records when it has been read to its end.
struct Tracked {
    inner: Body,
    read: Arc<AtomicBool>,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || this.inner.is_end_stream() {
            this.read.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use tower::ServiceExt as _;

    async fn answer(handler_reads: bool, body: &'static str) -> Option<HeaderValue> {
        let app = axum::Router::new()
            .route(
                "/",
                post(move |body: Body| async move {
                    if handler_reads {
                        let _ = axum::body::to_bytes(body, 1_000_000).await;
                    }
                    "ok"
                }),
            )
            .layer(axum::middleware::from_fn(close_if_body_unread));
        let req = http::Request::post("/").body(Body::from(body)).unwrap();
        let res = app.oneshot(req).await.unwrap();
        res.headers().get(CONNECTION).cloned()
    }

    #[tokio::test]
    async fn an_answer_that_left_the_body_unread_closes_the_connection() {
        assert_eq!(answer(false, "a body").await.unwrap(), "close");
    }

    #[tokio::test]
    async fn an_answer_that_read_the_body_keeps_the_connection() {
        assert_eq!(answer(true, "a body").await, None);
        assert_eq!(answer(false, "").await, None);
    }
}
