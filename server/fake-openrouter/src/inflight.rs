//! Counts of streaming responses, so tests can prove a client's disconnect reached upstream.
//!
//! Each streamed body owns a [`StreamGuard`]. The server drops the body when the client goes
//! away, and the guard's `Drop` then lowers the open count; a body dropped before its last
//! chunk is also counted as cancelled.

use std::{
    convert::Infallible,
    pin::Pin,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    task::{Context, Poll},
};

use bytes::Bytes;
use futures::{stream::BoxStream, Stream, StreamExt};

/// Shared counters of streaming responses.
#[derive(Debug, Default)]
pub(crate) struct StreamCounters {
    open: AtomicUsize,
    cancelled: AtomicUsize,
}

impl StreamCounters {
    /// Streams whose body is still alive.
    pub(crate) fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// Streams dropped before their last chunk was sent.
    pub(crate) fn cancelled(&self) -> usize {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Wraps `inner` so that it counts as open until it is dropped.
    pub(crate) fn track(
        self: &Arc<Self>,
        inner: BoxStream<'static, Result<Bytes, Infallible>>,
    ) -> TrackedStream {
        self.open.fetch_add(1, Ordering::SeqCst);
        TrackedStream {
            inner,
            guard: StreamGuard {
                counters: Arc::clone(self),
                finished: false,
            },
        }
    }
}

/// Lowers the open count when dropped, and counts a cancellation if the stream was unfinished.
#[derive(Debug)]
struct StreamGuard {
    counters: Arc<StreamCounters>,
    finished: bool,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.counters.open.fetch_sub(1, Ordering::SeqCst);
        if !self.finished {
            self.counters.cancelled.fetch_add(1, Ordering::SeqCst);
            tracing::debug!("stream dropped before its end: client went away");
        }
    }
}

/// A response body that is counted while alive.
pub(crate) struct TrackedStream {
    inner: BoxStream<'static, Result<Bytes, Infallible>>,
    guard: StreamGuard,
}

impl Stream for TrackedStream {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = self.inner.poll_next_unpin(cx);
        if let Poll::Ready(None) = next {
            self.guard.finished = true;
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream;

    fn two_chunks() -> BoxStream<'static, Result<Bytes, Infallible>> {
        stream::iter([Ok(Bytes::from_static(b"a")), Ok(Bytes::from_static(b"b"))]).boxed()
    }

    #[tokio::test]
    async fn a_stream_read_to_the_end_is_not_cancelled() {
        let counters = Arc::new(StreamCounters::default());
        let mut tracked = counters.track(two_chunks());
        assert_eq!(counters.open(), 1);
        while tracked.next().await.is_some() {}
        drop(tracked);
        assert_eq!((counters.open(), counters.cancelled()), (0, 0));
    }

    #[tokio::test]
    async fn a_stream_dropped_early_counts_as_cancelled() {
        let counters = Arc::new(StreamCounters::default());
        let mut tracked = counters.track(two_chunks());
        let _first = tracked.next().await;
        drop(tracked);
        assert_eq!((counters.open(), counters.cancelled()), (0, 1));
    }
}
