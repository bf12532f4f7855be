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
//! being dropped. The body keeps its size hint and is passed through frame by frame, so streaming
//! and `Content-Length` are unchanged.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::FutureExt as _;
use http::header::{self, HeaderValue};
use http::StatusCode;
use http_body::{Body as _, Frame, SizeHint};

use app::AppError;

use crate::error::HttpError;

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

/// Tells the kinds apart by path; built once, from the registered server functions.
#[derive(Debug, Clone, Default)]
pub struct Classifier {
    server_fns: Arc<HashSet<String>>,
}

impl Classifier {
    /// A classifier that knows `server_fn_paths` (the paths server functions answer on).
    pub fn new(server_fn_paths: impl IntoIterator<Item = String>) -> Self {
        Self {
            server_fns: Arc::new(server_fn_paths.into_iter().collect()),
        }
    }

    /// A classifier for every server function registered with Leptos so far.
    pub fn from_registered_server_fns() -> Self {
        Self::new(leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()))
    }

    /// The kind of a request for `path`.
    pub fn kind(&self, path: &str) -> Kind {
        if self.server_fns.contains(path) {
            Kind::ServerFn
        } else if path == "/api" || path.starts_with("/api/") || path == "/health" {
            Kind::Api
        } else {
            Kind::Page
        }
    }
}

/// The middleware: runs the rest of the stack, and answers a panic in it (or in the body it
/// returns) in the form `classifier` picks for the request.
pub async fn catch_panics(
    State(classifier): State<Classifier>,
    req: Request,
    next: Next,
) -> Response {
    let kind = classifier.kind(req.uri().path());
    match AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(response) => {
            let (parts, body) = response.into_parts();
            let html = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html"));
            Response::from_parts(parts, Body::new(GuardedBody::new(body, html)))
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
        Kind::Api => HttpError(AppError::internal()).into_response(),
        Kind::ServerFn => {
            // Exactly what a server function returning `Err(AppError::internal())` sends.
            let body = serde_json::to_string(&AppError::internal()).unwrap_or_default();
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response()
        }
        Kind::Page => {
            let mut res = (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                ERROR_PAGE,
            )
                .into_response();
            // The page has no script; its one stylesheet is the site's own.
            res.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(ERROR_PAGE_CSP),
            );
            res
        }
    }
}

/// The CSP of the error pages: no script, the site's own stylesheet.
pub(crate) const ERROR_PAGE_CSP: &str =
    "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const ERROR_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>Something went wrong · AiAppsy Web Studio</title>
<link rel="stylesheet" href="/pkg/studio.css"/>
</head>
<body>
<main class="container">
<section class="card">
<h1>Something went wrong</h1>
<p>Something went wrong on our side while showing this page. Please try again in a moment.</p>
<p><a href="/">Go to the home page</a></p>
</section>
</main>
</body>
</html>
"#;

/// What a page that panicked while streaming ends with.
const STREAM_NOTE: &str = r#"<p class="error" role="alert">Something went wrong on our side while showing this page. Please reload it.</p>"#;

/// A response body that ends cleanly, instead of taking the connection down, when polling it
/// panics.
struct GuardedBody {
    inner: Body,
    done: bool,
    /// Whether to end with [`STREAM_NOTE`]: a streamed page (a body of known length cannot grow).
    note: bool,
}

impl GuardedBody {
    fn new(inner: Body, html: bool) -> Self {
        let note = html && inner.size_hint().exact().is_none();
        Self {
            inner,
            done: false,
            note,
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
            Ok(frame) => frame,
            Err(_payload) => {
                tracing::error!("a response body panicked while streaming; ended it");
                this.done = true;
                if this.note {
                    Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                        STREAM_NOTE.as_bytes(),
                    )))))
                } else {
                    Poll::Ready(None)
                }
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
#[path = "panic_tests.rs"]
mod tests;
