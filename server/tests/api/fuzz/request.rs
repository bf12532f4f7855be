//! One random request: its strategy, its URL, and sending it, with what counts as a failure.

use std::time::Duration;

use proptest::prelude::*;
use reqwest::Method;

use super::inputs::{self, Body};
use super::targets::Target;
use crate::helpers::{client, TestApp};

/// The sentence a stalled page ends with.
const STALL_NOTE: &str = "This page took too long to finish loading.";
/// The heading of the 503 page a page gets when it could not start in time.
const NOT_STARTED: &str = "This page is taking too long";

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// One random request.
#[derive(Debug, Clone)]
pub(super) struct Case {
    pub(super) target: usize,
    other_method: Option<&'static str>,
    params: Vec<String>,
    extra: Vec<String>,
    query: String,
    body: Body,
    content_type: Option<String>,
    pub(super) signed_in: bool,
}

pub(super) fn case(targets: usize) -> impl Strategy<Value = Case> {
    (
        0..targets,
        prop::option::weighted(0.15, prop::sample::select(METHODS)),
        prop::collection::vec(inputs::segment(), 2),
        prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(inputs::segment(), 1..3)],
        inputs::query(),
        inputs::body(),
        inputs::content_type(),
        any::<bool>(),
    )
        .prop_map(
            |(target, other_method, params, extra, query, body, content_type, signed_in)| Case {
                target,
                other_method,
                params,
                extra,
                query,
                body,
                content_type,
                signed_in,
            },
        )
}

/// The URL of `case`: its target's path with the parameters filled in, the extra segments
/// after it, then the query.
fn url(app: &TestApp, target: &Target, case: &Case) -> String {
    let mut params = case.params.iter();
    let mut path: Vec<String> = target
        .path
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') || seg.starts_with(':') {
                inputs::encode(params.next().map_or("x", String::as_str))
            } else {
                seg.to_owned()
            }
        })
        .collect();
    path.extend(case.extra.iter().map(|s| inputs::encode(s)));
    let query = if case.query.is_empty() {
        String::new()
    } else {
        format!("?{}", case.query)
    };
    format!("{}{query}", app.url(&path.join("/")))
}

/// A signed-in browser: a fresh account with a key, as the AI routes need.
pub(super) async fn signed_in(app: &TestApp, n: usize) -> reqwest::Client {
    let c = client();
    crate::ai::user_with_key(app, &c, &format!("fuzz{n}@example.com"), "f0").await;
    c
}

/// Sends `case`; an error names what went wrong.
pub(super) async fn send(
    app: &TestApp,
    target: &Target,
    case: &Case,
    c: &reqwest::Client,
) -> Result<u16, String> {
    let method = case.other_method.unwrap_or(target.method.as_str());
    let method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let mut req = c
        .request(method, url(app, target, case))
        .timeout(Duration::from_secs(30))
        // Each request from its own address, so per-address limits stay out of the way.
        .header(
            "x-forwarded-for",
            format!("203.0.113.{}", case.target % 250 + 1),
        );
    if let Some(ct) = &case.content_type {
        req = req.header("content-type", ct.as_str());
    }
    req = match &case.body {
        Body::None => req,
        Body::Json(v) => req.body(v.to_string()),
        Body::Form(fields) => req.body(
            fields
                .iter()
                .map(|(k, v)| format!("{}={}", inputs::encode(k), inputs::encode(v)))
                .collect::<Vec<_>>()
                .join("&"),
        ),
        Body::Bytes(b) => req.body(b.clone()),
    };
    let sent = std::time::Instant::now();
    // The whole error chain and the time taken tell a timeout from a dropped connection.
    let why = |e: reqwest::Error| {
        let mut text = format!("after {:.1} s: {e}", sent.elapsed().as_secs_f64());
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        text.chars().take(500).collect::<String>()
    };
    let res = req
        .send()
        .await
        .map_err(|e| format!("no answer {}", why(e)))?;
    let status = res.status().as_u16();
    let body = res
        .bytes()
        .await
        .map_err(|e| format!("body cut off {}", why(e)))?;
    let says = |text: &str| body.windows(text.len()).any(|w| w == text.as_bytes());
    if says(STALL_NOTE) || (status == 503 && says(NOT_STARTED)) {
        // The page limits (server::web::panic) answered a page that stalled, with a
        // whole answer for people and a logged warning: the deliberate answer to a known Leptos
        // race, not a crash, so it is reported here but does not fail the run.
        eprintln!(
            "warning: {} stalled and was answered by the page limits ({status})",
            target.path
        );
        return Ok(status);
    }
    if status >= 500 {
        let text: String = String::from_utf8_lossy(&body).chars().take(500).collect();
        return Err(format!("{status}: {text}"));
    }
    Ok(status)
}
