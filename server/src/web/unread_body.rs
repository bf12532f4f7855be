//! A request body the handler left unread is drained before the answer goes out, or the answer
//! says `Connection: close`.
//!
//! A handler may answer without reading the whole body: a 413 past a route's size limit, a 401
//! or 403 before a large upload, a GET that ignores its body. Two things then go wrong. The
//! server cannot tell where the next request on the connection starts, so it must close the
//! connection; and a socket closed with unread bytes in it is reset by the kernel, and the reset
//! destroys the part of the answer the client has not read yet (the fuzz test met it as
//! `GET /api/openapi.json` with a 300 KB body, cut off by "connection reset by peer"). So, as
//! nginx's "lingering close" does, the rest of the body is read and thrown away (at most
//! [`DRAIN_BYTES`], for at most [`DRAIN_TIME`]) before the answer is sent; a body drained to its
//! end leaves the connection usable. A body too long or too slow to drain gets
//! `Connection: close`, so the client opens a fresh connection for its next request instead of
//! sending it into a closing socket.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderValue, CONNECTION};
use http_body::{Body as _, Frame, SizeHint};

/// The most of an unread body thrown away to keep the connection (the AI routes' limit).
const DRAIN_BYTES: usize = 4 * 1024 * 1024;
/// The longest an answer waits for an unread body to be thrown away.
const DRAIN_TIME: Duration = Duration::from_secs(2);

/// The middleware.
pub async fn close_if_body_unread(req: Request, next: Next) -> Response {
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let read = Arc::new(AtomicBool::new(false));
    let left = Arc::new(Mutex::new(None));
    let req = req.map(|inner| {
        Body::new(Tracked {
            inner: Some(inner),
            read: read.clone(),
            left: left.clone(),
        })
    });
    let mut res = next.run(req).await;
    if read.load(Ordering::Acquire) {
        return res;
    }
    // The handler dropped the body unread (it is back in `left`), or still holds it.
    let rest = left.lock().ok().and_then(|mut slot| slot.take());
    let drained = match rest {
        Some(body) => tokio::time::timeout(DRAIN_TIME, drain(body, DRAIN_BYTES))
            .await
            .unwrap_or(false),
        None => false,
    };
    if !drained {
        res.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    res
}

/// Reads `body` to its end, throwing it away; false when it is longer than `cap` or fails.
async fn drain(body: Body, cap: usize) -> bool {
    use futures::StreamExt as _;
    let mut chunks = body.into_data_stream();
    let mut seen = 0usize;
    while let Some(chunk) = chunks.next().await {
        let Ok(chunk) = chunk else { return false };
        seen = seen.saturating_add(chunk.len());
        if seen > cap {
            return false;
        }
    }
    true
}

/// A request body that records when it has been read to its end, and hands what is left of it
/// back to the middleware when the handler drops it early.
struct Tracked {
    inner: Option<Body>,
    read: Arc<AtomicBool>,
    left: Arc<Mutex<Option<Body>>>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if let (Some(inner), Ok(mut slot)) = (self.inner.take(), self.left.lock()) {
            if !inner.is_end_stream() {
                *slot = Some(inner);
            }
        }
    }
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(&mut *inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || inner.is_end_stream() {
            this.read.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Body::size_hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use futures::StreamExt as _;
    use std::sync::atomic::AtomicUsize;
    use tower::ServiceExt as _;

    /// The `Connection` header of the answer to `body`, from a handler that reads the body or
    /// ignores it.
    async fn answer(handler_reads: bool, body: Body) -> Option<HeaderValue> {
        let app = axum::Router::new()
            .route(
                "/",
                post(move |body: Body| async move {
                    if handler_reads {
                        let _ = axum::body::to_bytes(body, 100_000_000).await;
                    }
                    "ok"
                }),
            )
            .layer(axum::middleware::from_fn(close_if_body_unread));
        let req = http::Request::post("/").body(body).unwrap();
        let res = app.oneshot(req).await.unwrap();
        res.headers().get(CONNECTION).cloned()
    }

    /// A streamed body of `chunks` chunks of `size` bytes, counting the chunks read.
    fn counted(chunks: usize, size: usize) -> (Body, Arc<AtomicUsize>) {
        let read = Arc::new(AtomicUsize::new(0));
        let seen = read.clone();
        let stream = futures::stream::iter(0..chunks).map(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
            Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; size]))
        });
        (Body::from_stream(stream), read)
    }

    #[tokio::test]
    async fn an_unread_body_is_drained_before_the_answer_and_the_connection_kept() {
        let (body, read) = counted(30, 10_000);
        assert_eq!(answer(false, body).await, None);
        assert_eq!(read.load(Ordering::SeqCst), 30, "every chunk was read");
    }

    #[tokio::test]
    async fn a_body_too_long_to_drain_closes_the_connection() {
        let (body, read) = counted(10, 1024 * 1024);
        assert_eq!(answer(false, body).await.unwrap(), "close");
        assert!(
            read.load(Ordering::SeqCst) <= 5,
            "draining stops past the cap"
        );
    }

    #[tokio::test]
    async fn a_body_that_fails_while_draining_closes_the_connection() {
        let broken = futures::stream::iter([
            Ok(Bytes::from_static(b"part")),
            Err(std::io::Error::other("the client went away")),
        ]);
        assert_eq!(
            answer(false, Body::from_stream(broken)).await.unwrap(),
            "close"
        );
    }

    #[tokio::test]
    async fn an_answer_that_read_the_body_keeps_the_connection() {
        assert_eq!(answer(true, Body::from("a body")).await, None);
        assert_eq!(answer(false, Body::from("")).await, None);
        let (body, _) = counted(3, 100);
        assert_eq!(answer(true, body).await, None);
    }
}
