//! A request that panics still answers, in the form its caller reads: the REST API its JSON 500
//! (`{"error","message"}`), a server function the `AppError` it decodes, and a page an HTML 500
//! page for people. One log line says so; the panic hook logs where it happened, never its
//! message, which may quote whatever the handler held.
//!
//! The layer sits outside everything else in the router, so a panic in the page guard, the
//! session layer or the cross-site check is caught too. A page streams: Leptos sends the shell as
//! soon as it renders and the parts under `<Suspense>` later, so a panic can also come while the
//! body streams, after the status was sent. The body is wrapped as well: such a panic ends the
//! page with a sentence for people (a JSON or SSE body simply ends) instead of the connection
//! being dropped ([`GuardedBody`]).
//!
//! A stuck page still ends too. Pages read only the database, whose waits are bounded far below
//! these limits, so only a stall trips them: Leptos 0.8 has had races in which a `<Suspense>` never
//! learns that its last resource resolved (leptos-rs/leptos#4851, #4578). A page that has not
//! started its answer within [`PAGE_START`] is answered with a 503 page for people; a streaming
//! page that sends nothing for [`PAGE_IDLE`] ends with a sentence asking to reload. Each logs a
//! warning. The API and server functions are not bounded this way (their answers and AI streams
//! have their own timeouts).

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures::FutureExt as _;
use http::header;

use app::AppError;

use crate::web::failure;
use crate::web::guarded_body::GuardedBody;

/// What kind of caller a request comes from, which decides the form of its 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The REST API (`/api/...`, `/health`): the JSON error body.
    Api,
    /// A server function: the `AppError` its client decodes.
    ServerFn,
    /// Anything else: a page (or a file) for a browser.
    Page,
}

/// Tells the kinds apart by path; built once, from the registered server functions. It also
/// carries the page limits.
#[derive(Debug, Clone)]
pub struct Classifier {
    server_fns: Arc<HashSet<String>>,
    page_start: Duration,
    page_idle: Duration,
}

impl Default for Classifier {
    fn default() -> Self {
        Self::new([])
    }
}

impl Classifier {
    /// A classifier that knows `server_fn_paths` (the paths server functions answer on).
    pub fn new(server_fn_paths: impl IntoIterator<Item = String>) -> Self {
        Self {
            server_fns: Arc::new(server_fn_paths.into_iter().collect()),
            page_start: PAGE_START,
            page_idle: PAGE_IDLE,
        }
    }

    /// The same, with other page limits (the tests use short ones).
    pub fn with_page_limits(mut self, start: Duration, idle: Duration) -> Self {
        self.page_start = start;
        self.page_idle = idle;
        self
    }

    /// A classifier for every server function registered with Leptos so far.
    pub fn from_registered_server_fns() -> Self {
        Self::new(leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()))
    }

    /// The kind of a request for `path`.
    pub fn kind(&self, path: &str) -> Kind {
        if self.server_fns.contains(path) {
            Kind::ServerFn
        } else if path == "/api"
            || path.starts_with("/api/")
            || path == "/health"
            || path == "/ready"
        {
            Kind::Api
        } else {
            Kind::Page
        }
    }
}

/// How long a page may take to start its answer.
pub const PAGE_START: Duration = Duration::from_secs(20);
/// How long a streaming page may go without sending anything.
pub const PAGE_IDLE: Duration = Duration::from_secs(15);

/// The middleware: runs the rest of the stack, and answers a panic in it (or in the body it
/// returns) in the form `classifier` picks for the request. A page is also held to
/// `classifier`'s page limits ([`PAGE_START`], [`PAGE_IDLE`]).
pub async fn catch_panics(
    State(classifier): State<Classifier>,
    req: Request,
    next: Next,
) -> Response {
    let kind = classifier.kind(req.uri().path());
    let run = AssertUnwindSafe(next.run(req)).catch_unwind();
    let outcome = if kind == Kind::Page {
        match tokio::time::timeout(classifier.page_start, run).await {
            Ok(outcome) => outcome,
            Err(_) => {
                tracing::warn!(
                    timeout.secs = classifier.page_start.as_secs(),
                    "a page did not start its answer in time; answered 503"
                );
                return failure::page(&not_started());
            }
        }
    } else {
        run.await
    };
    match outcome {
        Ok(response) => {
            let (parts, body) = response.into_parts();
            let html = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html"));
            let page_idle = (kind == Kind::Page && html).then_some(classifier.page_idle);
            Response::from_parts(parts, Body::new(GuardedBody::new(body, page_idle)))
        }
        Err(_payload) => {
            tracing::error!(request.kind = ?kind, "a request handler panicked; answered 500");
            response_for(kind)
        }
    }
}

/// The 500 a request of `kind` gets when its handler panicked.
pub fn response_for(kind: Kind) -> Response {
    match kind {
        Kind::Page => failure::page(&AppError::new(
            500,
            "Something went wrong",
            "Something went wrong on our side while showing this page. Please try again in a moment.",
        )),
        kind => failure::in_callers_form(kind, AppError::internal()),
    }
}

/// What a page that could not start in time answers.
fn not_started() -> AppError {
    AppError::new(
        503,
        "This page is taking too long",
        "The server could not finish this page in time. Please reload it in a moment.",
    )
    .with_retry_after(1)
}

#[cfg(test)]
#[path = "panic_tests.rs"]
mod tests;
