//! A property test: random paths, query strings and bodies, of random content types, sent to
//! every REST route, every registered server function and every page, anonymous and signed in,
//! get an answer that is not a 5xx, and the connection is never dropped.
//!
//! `PROPTEST_CASES` sets the number of requests (default [`DEFAULT_CASES`]).

mod inputs;

use std::sync::Mutex;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::Method;

use crate::helpers::{client, spawn_app_with, TestApp};
use inputs::Body;

/// Requests sent by default: enough to reach every target several times, quick enough for
/// every run of the suite.
const DEFAULT_CASES: u32 = 1000;

/// The sentence a stalled page ends with.
const STALL_NOTE: &str = "This page took too long to finish loading.";
/// The heading of the 503 page a page gets when it could not start in time.
const NOT_STARTED: &str = "This page is taking too long";

/// The REST API, as `server/src/routes` registers it (`openapi.rs` checks that its document
/// lists exactly these).
pub const REST: &[(&str, &str)] = &[
    ("POST", "/api/auth/signup"),
    ("POST", "/api/auth/signin"),
    ("POST", "/api/auth/signout"),
    ("POST", "/api/auth/password"),
    ("GET", "/api/auth/session"),
    ("GET", "/api/auth/sessions"),
    ("DELETE", "/api/auth/sessions/{id}"),
    ("GET", "/api/user/api-key"),
    ("POST", "/api/user/api-key"),
    ("DELETE", "/api/user/api-key"),
    ("GET", "/api/user/api-key/events"),
    ("GET", "/api/user/api-key/health"),
    // Browser redirects: the start answers 303 to OpenRouter, the callback 303 to settings.
    ("POST", "/api/user/api-key/connect"),
    ("GET", "/api/user/api-key/connect/callback"),
    ("GET", "/api/user/usage"),
    ("GET", "/api/user/usage.csv"),
    ("GET", "/api/user/spend-limit"),
    ("PUT", "/api/user/spend-limit"),
    ("DELETE", "/api/user/spend-limit"),
    ("GET", "/api/user/model-preferences"),
    ("PUT", "/api/user/model-preferences"),
    ("POST", "/api/ai/chat"),
    ("POST", "/api/ai/code-completion"),
    ("POST", "/api/ai/generate-code"),
    ("GET", "/api/ai/models"),
    ("GET", "/api/workspaces/{id}/conversations"),
    ("POST", "/api/workspaces/{id}/conversations"),
    ("GET", "/api/conversations/{id}"),
    ("PATCH", "/api/conversations/{id}"),
    ("DELETE", "/api/conversations/{id}"),
    ("DELETE", "/api/conversations/{id}/turns"),
    ("GET", "/api/openapi.json"),
    ("GET", "/health"),
    ("GET", "/ready"),
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// One route, server function or page: a method and a path whose `{param}`s are filled in.
#[derive(Debug, Clone)]
struct Target {
    method: String,
    path: String,
}

/// Every target: the REST routes, the server functions the app registered, and the pages of
/// its router.
fn targets() -> Vec<Target> {
    let mut all: Vec<Target> = REST
        .iter()
        .map(|(m, p)| Target {
            method: (*m).to_owned(),
            path: (*p).to_owned(),
        })
        .collect();
    app::server_fns::register_all();
    let fns: Vec<Target> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| Target {
            method: method.to_string(),
            path: path.to_owned(),
        })
        .collect();
    assert!(
        fns.len() >= 20,
        "the server functions are registered: {fns:?}"
    );
    all.extend(fns);
    let pages = leptos_axum::generate_route_list(app::App);
    assert!(pages.len() >= 7, "the pages are listed");
    all.extend(pages.iter().map(|p| Target {
        method: "GET".to_owned(),
        path: p.path().to_owned(),
    }));
    all
}

/// One random request.
#[derive(Debug, Clone)]
struct Case {
    target: usize,
    other_method: Option<&'static str>,
    params: Vec<String>,
    extra: Vec<String>,
    query: String,
    body: Body,
    content_type: Option<String>,
    signed_in: bool,
}

fn case(targets: usize) -> impl Strategy<Value = Case> {
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
async fn signed_in(app: &TestApp, n: usize) -> reqwest::Client {
    let c = client();
    crate::ai::user_with_key(app, &c, &format!("fuzz{n}@example.com"), "f0").await;
    c
}

/// Sends `case`; an error names what went wrong.
async fn send(
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

#[test]
fn random_requests_to_every_route_server_function_and_page_get_no_5xx_and_no_dropped_connection() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = rt.block_on(spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1")]));
    // Listing the pages renders the app, which spawns its resources on the runtime.
    let targets = {
        let _runtime = rt.enter();
        targets()
    };
    let accounts = Mutex::new(0usize);
    let browser = Mutex::new(rt.block_on(signed_in(&app, 0)));
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let hits = Mutex::new(vec![0u32; targets.len()]);
    let statuses = Mutex::new(std::collections::BTreeMap::<u16, u32>::new());
    let started = std::time::Instant::now();
    let result = runner.run(&case(targets.len()), |case| {
        let target = &targets[case.target];
        hits.lock().unwrap()[case.target] += 1;
        rt.block_on(async {
            let c = if case.signed_in {
                browser.lock().unwrap().clone()
            } else {
                client()
            };
            let mut outcome = send(&app, target, &case, &c).await;
            // The browser's next request (on the same connection, when it was kept) must be
            // answered too. A case may have signed the browser out, or changed its password:
            // start again with a new account rather than guess.
            let next = c.get(app.url("/api/auth/session")).send().await;
            let still_signed_in = match next {
                Ok(res) => res.status() == 200,
                Err(e) => {
                    outcome = outcome.and(Err(format!("the next request got no answer: {e:?}")));
                    false
                }
            };
            if case.signed_in && !still_signed_in {
                let n = {
                    let mut a = accounts.lock().unwrap();
                    *a += 1;
                    *a
                };
                *browser.lock().unwrap() = signed_in(&app, n).await;
            }
            if let Ok(status) = outcome {
                *statuses.lock().unwrap().entry(status).or_default() += 1;
            }
            outcome
        })
        .map(|_| ())
        .map_err(|e| TestCaseError::fail(format!("{} {}: {e}", target.method, target.path)))
    });
    let hits = hits.into_inner().unwrap();
    eprintln!(
        "fuzz: {cases} cases in {:.1} s, {} targets, each hit {}..={} times, {} fresh accounts, \
         statuses {:?}",
        started.elapsed().as_secs_f64(),
        targets.len(),
        hits.iter().min().unwrap_or(&0),
        hits.iter().max().unwrap_or(&0),
        accounts.into_inner().unwrap(),
        statuses.into_inner().unwrap(),
    );
    if let Err(e) = result {
        // The case can hold long texts: show enough to reproduce, not megabytes.
        let shown: String = format!("{e}").chars().take(3000).collect();
        panic!("{shown}");
    }
}
