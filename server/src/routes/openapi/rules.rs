//! The answers that the layers around every handler give, added to each operation by rule from
//! what the operation declares, so that a handler documents only what it decides itself:
//!
//! - an operation that needs the session cookie: 401 (the `AuthUser` extractor);
//! - every method but GET, HEAD and OPTIONS: 403 (the cross-site check, `web/csrf.rs`);
//! - a JSON request body (`web/json.rs`, `serve/body_deadline.rs`): 400, 408, 413, 415 and 422.
//!
//! When a handler already documents a status, the rule's cause is added to its description.

use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::{OpenApi, RefOr, Response, ResponseBuilder};

use super::error_content;
use super::SESSION_SCHEME;

const UNAUTHORIZED: &str =
    "Not signed in, or the session ended (signed out, expired, or ended by a password change).";
const CROSS_SITE: &str = "Refused by the cross-site check: `Sec-Fetch-Site` was not `same-origin` or `none`, or (without it) `Origin` was not this site, or neither was sent with a session cookie.";

/// The statuses a JSON request body can get before its handler runs.
const BODY: &[(&str, &str)] = &[
    ("400", "The body is not valid JSON."),
    (
        "408",
        "The body did not arrive in time (`BODY_READ_TIMEOUT_SECS`); the connection closes.",
    ),
    ("413", "The body is larger than this endpoint accepts."),
    (
        "415",
        "The body was not sent with `Content-Type: application/json`.",
    ),
    (
        "422",
        "The body is JSON but a field is missing or has the wrong type.",
    ),
];

/// Adds the layers' answers to every operation of `api`.
pub fn apply(api: &mut OpenApi) {
    for item in api.paths.paths.values_mut() {
        let methods = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Delete, &mut item.delete),
            (HttpMethod::Patch, &mut item.patch),
            (HttpMethod::Head, &mut item.head),
            (HttpMethod::Options, &mut item.options),
        ];
        for (method, op) in methods {
            if let Some(op) = op.as_mut() {
                apply_to(method, op);
            }
        }
    }
}

fn apply_to(method: HttpMethod, op: &mut Operation) {
    let signed_in = op.security.as_ref().is_some_and(|reqs| {
        reqs.iter().any(|r| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.get(SESSION_SCHEME).cloned())
                .is_some()
        })
    });
    if signed_in {
        add(op, "401", UNAUTHORIZED);
    }
    if !matches!(
        method,
        HttpMethod::Get | HttpMethod::Head | HttpMethod::Options
    ) {
        add(op, "403", CROSS_SITE);
    }
    if op.request_body.is_some() {
        for (status, why) in BODY {
            add(op, status, why);
        }
    }
}

/// Documents `status` with an error body, or adds `why` to the description already there.
fn add(op: &mut Operation, status: &str, why: &str) {
    match op.responses.responses.get_mut(status) {
        Some(RefOr::T(existing)) => {
            if !existing.description.contains(why) {
                existing.description = format!("{} Or: {why}", existing.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            let response: Response = ResponseBuilder::new()
                .description(why)
                .content("application/json", error_content())
                .build();
            op.responses
                .responses
                .insert(status.to_owned(), RefOr::T(response));
        }
    }
}
