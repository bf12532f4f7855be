//! The body-read timeout: a request's body must have arrived within a set time of its headers,
//! else the request is answered 408 (the JSON error body) and its connection closed.
//!
//! The body is wrapped so that, once the time is up while the handler still waits for bytes,
//! the next read fails; the handler's extractor then gives up at once, and the answer it made
//! is replaced by the 408. A handler that never reads the body, or has read all of it, is not
//! affected, and nothing is buffered here.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, CONNECTION};
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

use crate::error::{AppError, HttpError};

/// Wraps `req`'s body in the deadline `limit` (from now), runs the rest of the stack, and
/// answers 408 if the body did not arrive in time.
pub async fn enforce(limit: Duration, req: Request, next: Next) -> Response {
    if http_body::Body::is_end_stream(req.body()) {
        return next.run(req).await;
    }
    let expired = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&expired);
    let req = req.map(|inner| {
        Body::new(TimedBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(limit)),
            expired: flag,
            finished: false,
        })
    });
    let response = next.run(req).await;
    if !expired.load(Ordering::Acquire) {
        return response;
    }
    tracing::info!(
        timeout.secs = limit.as_secs(),
        "a request body did not arrive in time"
    );
    let mut response = HttpError(AppError::new(
        408,
        "Request timeout",
        "The request took too long to arrive. Please check your connection and try again.",
    ))
    .into_response();
    // The rest of the body is never read, so the connection cannot carry another request.
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A request body that fails once its deadline has passed while more of it is awaited.
struct TimedBody {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
    expired: Arc<AtomicBool>,
    finished: bool,
}

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if this.finished {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Pending => {}
            Poll::Ready(None) => {
                this.finished = true;
                return Poll::Ready(None);
            }
            ready => return ready,
        }
        if this.deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        this.finished = true;
        this.expired.store(true, Ordering::Release);
        Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))))
    }

    fn is_end_stream(&self) -> bool {
        self.finished || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The error a body read gets once its time is up.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimedOut;
