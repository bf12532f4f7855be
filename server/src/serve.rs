//! The accept loop: HTTP/1.1 and HTTP/2 (prior knowledge) on hyper, with the limits that keep
//! slow or idle clients from holding the server.
//!
//! - At most `max_connections` connections are served at once. The loop takes a permit
//!   *before* it accepts, so past the limit new connections wait in the kernel's backlog (and
//!   are served as soon as one closes) instead of costing a task, buffers and a file each.
//! - A connection must deliver a request's headers within `header_read_timeout`: hyper's
//!   HTTP/1 timer covers every request, idle keep-alive included; and any connection (HTTP/2,
//!   or one stuck before its protocol is known) that has sent no request by then is closed.
//!   HTTP/2 connections are also pinged, and closed when the pings go unanswered.
//! - A request's body must arrive within `body_read_timeout` of its headers
//!   ([`body_deadline`]), else 408.
//! - The protocol is told from the client's first bytes, left in the socket (`serve/protocol.rs`
//!   says why), and the connection goes to hyper's HTTP/1 or HTTP/2 server.
//! - Shutdown is graceful: the loop stops accepting, every connection finishes the requests it
//!   has (an idle one closes at once), and [`serve`] returns when the last one has closed, or,
//!   past the grace period, once the connections still open have been cut.

pub mod body_deadline;
mod protocol;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::middleware;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulConnection;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

use crate::config::LimitSettings;
use protocol::{protocol, Protocol};

/// Streams one HTTP/2 client may have open at once.
const MAX_STREAMS_PER_CONNECTION: u32 = 64;

/// How long requests in progress may run on shutdown, unless the caller sets another.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(30);

/// The connection limits [`serve`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Time a client has to send a request's headers.
    pub header_read_timeout: Duration,
    /// Time a client has to send a request's body, from its headers.
    pub body_read_timeout: Duration,
    /// On shutdown, how long the requests in progress may run before their connections are
    /// cut.
    pub grace: Duration,
}

impl From<&LimitSettings> for ServeLimits {
    fn from(s: &LimitSettings) -> Self {
        Self {
            max_connections: s.max_connections.max(1),
            header_read_timeout: Duration::from_secs(s.header_read_timeout_secs),
            body_read_timeout: Duration::from_secs(s.body_read_timeout_secs),
            grace: DEFAULT_GRACE,
        }
    }
}

/// Serves `router` on `listener` under `limits` until `signal` completes, then shuts down
/// gracefully. Handlers see the client's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    signal: impl Future<Output = ()> + Send + 'static,
) {
    let body_limit = limits.body_read_timeout;
    let router = router.layer(middleware::from_fn(move |req, next| {
        body_deadline::enforce(body_limit, req, next)
    }));
    let builders = Arc::new(Builders::new(&limits));
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopping) = watch::channel(());
    let (cut, cutting) = watch::channel(());
    tokio::pin!(signal);
    loop {
        let permit = tokio::select! {
            () = &mut signal => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, addr) = tokio::select! {
            () = &mut signal => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors or a connection reset before it was accepted:
                    // nothing to serve, so pause briefly rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let connection = Connection {
            builders: Arc::clone(&builders),
            router: router.clone(),
            addr,
            first_request_within: limits.header_read_timeout,
            _permit: permit,
        };
        tokio::spawn(connection.run(stream, stopping.clone(), cutting.clone()));
    }
    drop(listener);
    let _ = stop.send(());
    // Every connection holds a permit until it ends; having them all means all have ended.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let open = limits.max_connections - permits.available_permits();
    tracing::info!(
        connections = open,
        grace_secs = limits.grace.as_secs(),
        "draining"
    );
    let all_closed = tokio::time::timeout(limits.grace, permits.acquire_many(all)).await;
    if all_closed.is_err() {
        let open = limits.max_connections - permits.available_permits();
        tracing::warn!(
            connections = open,
            "the grace period ended; cutting the connections still open"
        );
        let _ = cut.send(());
        let _ = permits.acquire_many(all).await;
    }
    tracing::info!("every connection has closed");
}

/// The two protocols' connection settings.
struct Builders {
    http1: http1::Builder,
    http2: http2::Builder<TokioExecutor>,
}

impl Builders {
    fn new(limits: &ServeLimits) -> Self {
        let mut http1 = http1::Builder::new();
        http1
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout);
        let mut http2 = http2::Builder::new(TokioExecutor::new());
        http2
            .timer(TokioTimer::new())
            .max_concurrent_streams(MAX_STREAMS_PER_CONNECTION)
            .keep_alive_interval(limits.header_read_timeout)
            .keep_alive_timeout(limits.header_read_timeout);
        Self { http1, http2 }
    }
}

/// One accepted connection and what serving it needs.
struct Connection {
    builders: Arc<Builders>,
    router: Router,
    addr: SocketAddr,
    first_request_within: Duration,
    /// Held for the connection's life: its place under `max_connections`.
    _permit: OwnedSemaphorePermit,
}

impl Connection {
    async fn run(
        self,
        stream: TcpStream,
        mut stopping: watch::Receiver<()>,
        cutting: watch::Receiver<()>,
    ) {
        // Small writes (SSE events) go out at once.
        let _ = stream.set_nodelay(true);
        let Self {
            builders,
            router,
            addr,
            first_request_within,
            _permit,
        } = self;
        let first_deadline = tokio::time::Instant::now() + first_request_within;
        let protocol = tokio::select! {
            told = tokio::time::timeout_at(first_deadline, protocol(&stream)) => told,
            // Nothing asked yet: on shutdown the connection simply closes.
            _ = stopping.changed() => return,
        };
        let protocol = match protocol {
            Ok(Ok(Some(protocol))) => protocol,
            Ok(Ok(None)) => return,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "a connection failed before its first request");
                return;
            }
            Err(_) => {
                tracing::debug!("closed a connection that sent no request in time");
                return;
            }
        };
        let requested = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&requested);
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            seen.store(true, Ordering::Relaxed);
            req.extensions_mut().insert(ConnectInfo(addr));
            router.clone().oneshot(req)
        });
        let io = TokioIo::new(stream);
        let watched = Watched {
            requested,
            first_deadline,
            stopping,
            cutting,
        };
        match protocol {
            Protocol::Http1 => {
                watched
                    .drive(builders.http1.serve_connection(io, service))
                    .await;
            }
            Protocol::Http2 => {
                watched
                    .drive(builders.http2.serve_connection(io, service))
                    .await;
            }
        }
    }
}

/// What a served connection is watched for: its first request's deadline, and shutdown.
struct Watched {
    requested: Arc<AtomicBool>,
    first_deadline: tokio::time::Instant,
    stopping: watch::Receiver<()>,
    cutting: watch::Receiver<()>,
}

impl Watched {
    async fn drive<C>(mut self, conn: C)
    where
        C: GracefulConnection,
        C::Error: std::fmt::Display,
    {
        tokio::pin!(conn);
        let first_deadline = tokio::time::sleep_until(self.first_deadline);
        tokio::pin!(first_deadline);
        let (mut awaiting_first, mut shutting_down) = (true, false);
        loop {
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "a connection ended with an error");
                    }
                    return;
                }
                () = &mut first_deadline, if awaiting_first => {
                    awaiting_first = false;
                    if !self.requested.load(Ordering::Relaxed) {
                        tracing::debug!("closed a connection that sent no request in time");
                        return;
                    }
                }
                _ = self.stopping.changed(), if !shutting_down => {
                    shutting_down = true;
                    conn.as_mut().graceful_shutdown();
                }
                // Dropping the connection drops its requests: a stream's relay is dropped
                // with it, and its call recorded as cancelled.
                _ = self.cutting.changed() => return,
            }
        }
    }
}
