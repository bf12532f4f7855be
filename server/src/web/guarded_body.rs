//! A response body that always ends cleanly: when polling it panics, and, for a streaming page,
//! when it sends nothing for too long. A streamed page ends with a sentence for people; any other
//! body simply ends. Frames pass through one by one, so streaming and `Content-Length` are
//! unchanged.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Body as _, Frame, SizeHint};
use tokio::time::Sleep;

/// What a page that panicked while streaming ends with.
pub(crate) const STREAM_NOTE: &str = r#"<p class="error" role="alert">Something went wrong on our side while showing this page. Please reload it.</p>"#;

/// What a page that stalled while streaming ends with.
pub(crate) const STALL_NOTE: &str = r#"<p class="error" role="alert">This page took too long to finish loading. Please reload it.</p>"#;

/// The body wrapper.
pub(crate) struct GuardedBody {
    inner: Body,
    done: bool,
    /// Whether this is a streamed page, which ends with a note (a body of known length cannot
    /// grow).
    page: bool,
    /// For a streamed page: the longest silence allowed, and its timer.
    idle: Option<(Duration, Pin<Box<Sleep>>)>,
}

impl GuardedBody {
    /// Guards `inner`; `page_idle` bounds the silences of a streamed page (`None`: any body
    /// that is not a page).
    pub(crate) fn new(inner: Body, page_idle: Option<Duration>) -> Self {
        let page = page_idle.is_some() && inner.size_hint().exact().is_none();
        let idle = page_idle
            .filter(|_| page)
            .map(|d| (d, Box::pin(tokio::time::sleep(d))));
        Self {
            inner,
            done: false,
            page,
            idle,
        }
    }

    /// Ends the body, with `note` if it is a streamed page.
    fn end_with(&mut self, note: &'static str) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.done = true;
        if self.page {
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(note.as_bytes())))))
        } else {
            Poll::Ready(None)
        }
    }
}

impl http_body::Body for GuardedBody {
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
        let inner = &mut this.inner;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll_frame(cx))) {
            Ok(Poll::Ready(frame)) => {
                if let Some((idle, timer)) = &mut this.idle {
                    timer.as_mut().reset(tokio::time::Instant::now() + *idle);
                }
                this.done = frame.is_none();
                Poll::Ready(frame)
            }
            Ok(Poll::Pending) => {
                let Some((idle, timer)) = &mut this.idle else {
                    return Poll::Pending;
                };
                if timer.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                tracing::warn!(
                    timeout.secs = idle.as_secs(),
                    "a streaming page sent nothing in time; ended it"
                );
                this.end_with(STALL_NOTE)
            }
            Err(_payload) => {
                tracing::error!("a response body panicked while streaming; ended it");
                this.end_with(STREAM_NOTE)
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
