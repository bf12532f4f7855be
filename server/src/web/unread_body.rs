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
use axum::response::{IntoResponse as _, Response};
use http::header::{HeaderValue, CONNECTION};
use http_body::{Body as _, Frame, SizeHint};

/// Bodies declared at most this long are read whole before the handler runs.
const READ_AHEAD: u64 = 64 * 1024;

/// Reads a small body (a `Content-Length` of at most [`READ_AHEAD`]) before the handler runs,
/// so that a handler that answers without reading it (a GET with a body, say) leaves nothing
/// unread in the socket when the connection closes. A socket closed with unread bytes is reset
/// by the kernel, and the reset can destroy the part of a large answer not yet delivered (what
/// nginx's "lingering close" avoids); the fuzz test met it as `GET /api/openapi.json` with a
/// body, cut off by "connection reset by peer". Larger and chunked bodies stream as before. A
/// body that does not arrive in time is answered 408 by the body deadline, which wraps this.
pub async fn read_small_bodies(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Some(len) = declared.filter(|n| (1..=READ_AHEAD).contains(n)) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let limit = usize::try_from(len).unwrap_or(usize::MAX);
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => {
            let mut res = crate::error::HttpError(app::AppError::new(
                400,
                "Unreadable body",
                "The request's body could not be read. Please try again.",
            ))
            .into_response();
            res.headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
            res
        }
    }
}

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
