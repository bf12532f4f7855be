//! The log of requests the fake received, so tests can prove what reached "OpenRouter".
//!
//! Every request except those to the fake's own `/__fake/…` routes is recorded, whatever its
//! outcome. The log keeps the most recent [`crate::FakeConfig::max_recorded_requests`] entries.

use std::{
    collections::VecDeque,
    sync::{Mutex, PoisonError},
};

use axum::{
    body::{self, Body},
    extract::{Request, State},
    http::{request::Parts, HeaderMap},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{errors::ApiError, state::AppState};

/// Largest request body accepted (and recorded), in bytes.
pub(crate) const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// One request as the fake received it. Keys in it are fake keys by construction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, e.g. `/api/v1/chat/completions`.
    pub path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// The whole `Authorization` header, e.g. `Bearer sk-or-v1-…`.
    pub authorization: Option<String>,
    /// The `HTTP-Referer` header (app attribution).
    pub http_referer: Option<String>,
    /// The `X-OpenRouter-Title` header (current name of the app title header).
    pub x_openrouter_title: Option<String>,
    /// The `X-Title` header (legacy name of the app title header).
    pub x_title: Option<String>,
    /// The `X-OpenRouter-Categories` header.
    pub x_openrouter_categories: Option<String>,
    /// The body: parsed JSON when it is JSON, the text when it is not, `null` when empty.
    pub body: Value,
    /// The HTTP version it came over: `HTTP/1.1` or `HTTP/2.0`.
    #[serde(default)]
    pub version: String,
}

impl RecordedRequest {
    fn from_parts(parts: &Parts, body: &[u8]) -> Self {
        let headers = &parts.headers;
        Self {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            authorization: header(headers, "authorization"),
            http_referer: header(headers, "http-referer"),
            x_openrouter_title: header(headers, "x-openrouter-title"),
            x_title: header(headers, "x-title"),
            x_openrouter_categories: header(headers, "x-openrouter-categories"),
            body: body_value(body),
            version: format!("{:?}", parts.version),
        }
    }

    /// The bearer token, i.e. the key the caller sent, if any.
    pub fn bearer_key(&self) -> Option<&str> {
        let value = self.authorization.as_deref()?;
        let (scheme, token) = value.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    }

    /// The app title, from `X-OpenRouter-Title` or else the legacy `X-Title`.
    pub fn title(&self) -> Option<&str> {
        self.x_openrouter_title
            .as_deref()
            .or(self.x_title.as_deref())
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn body_value(body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

/// A bounded, thread-safe log of recorded requests.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: Mutex<VecDeque<RecordedRequest>>,
    cap: usize,
}

impl RequestLog {
    /// An empty log that keeps at most `cap` requests.
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            entries: Mutex::new(VecDeque::new()),
            cap,
        }
    }

    fn push(&self, request: RecordedRequest) {
        if self.cap == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        while entries.len() >= self.cap {
            entries.pop_front();
        }
        entries.push_back(request);
    }

    /// The recorded requests, oldest first.
    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.iter().cloned().collect()
    }

    /// Forgets every recorded request.
    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Middleware: buffers the body, records the request, and passes it on unchanged.
pub(crate) async fn record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/__fake/") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = body::to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::PayloadTooLarge.into_response();
    };
    tracing::debug!(http.method = %parts.method, http.path = parts.uri.path(), "request received");
    state.log.push(RecordedRequest::from_parts(&parts, &bytes));
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(path: &str) -> RecordedRequest {
        let (parts, ()) = axum::http::Request::get(path)
            .body(())
            .unwrap_or_default()
            .into_parts();
        RecordedRequest::from_parts(&parts, b"")
    }

    #[test]
    fn the_log_keeps_only_the_newest_entries() {
        let log = RequestLog::new(2);
        for path in ["/a", "/b", "/c"] {
            log.push(recorded(path));
        }
        let kept = log.snapshot();
        let paths: Vec<&str> = kept.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["/b", "/c"]);
        assert_eq!(kept[0].version, "HTTP/1.1");
    }

    #[test]
    fn bodies_are_json_text_or_null() {
        assert_eq!(body_value(b""), Value::Null);
        assert_eq!(body_value(br#"{"a":1}"#), serde_json::json!({"a": 1}));
        assert_eq!(body_value(b"plain"), Value::String("plain".into()));
    }
}
