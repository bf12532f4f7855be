//! `GET /api/openapi.json`: the REST API's OpenAPI 3.1 document, generated from the routes.
//!
//! Every handler carries `#[utoipa::path]` (its path, body, answers and security) and is
//! registered through utoipa-axum's `routes!`, which adds it to the router and to the document
//! in one step; [`rules`] adds the answers of the layers around the handlers. A route added with
//! plain axum `route()` would be missing from the document, and `tests/api/openapi.rs`, which
//! compares the document with the routes that answer, fails.

mod rules;

use std::sync::OnceLock;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, CONTENT_TYPE};
use utoipa::openapi::content::Content;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder, Ref, Tag};

use app::wire::{StreamDelta, StreamDone};

use crate::auth::session::{COOKIE, SECURE_COOKIE};
use crate::state::AppState;

/// The name of the session-cookie security scheme that operations needing a sign-in list.
pub const SESSION_SCHEME: &str = "session";

const DESCRIPTION: &str = "The REST API of AiAppsy Web Studio: accounts and sessions, the \
caller's own OpenRouter key (stored encrypted, shown only as a mask), AI calls made with that key, \
model preferences, and usage and cost.\n\n\
**Authentication.** Signing up or in sets the session cookie (`studio_sid`, or `__Host-sid` when \
the studio is served over https; HttpOnly, SameSite=Lax). Operations that list the `session` \
security scheme answer 401 without it.\n\n\
**Cross-site check (CSRF).** Every request but GET, HEAD and OPTIONS must say where it comes \
from: `Sec-Fetch-Site: same-origin` (or `none`) decides when present; without it, `Origin` must \
equal the studio's public origin (`PUBLIC_URL`); with neither header, a request that carries the \
session cookie is refused. Refusals are 403. Browsers send these headers by themselves; a script \
that keeps the cookie sends `Origin`.\n\n\
**Errors.** Every error is JSON `{\"error\": \"<short>\", \"message\": \"<a sentence for \
people>\"}` (the `ApiError` schema), with `retryAfter` and a `Retry-After` header on 429.\n\n\
**Streams.** `POST /api/ai/chat` and `POST /api/ai/generate-code` with `\"stream\": true` answer \
`text/event-stream`: `event: delta` events (data `StreamDelta`), then one `event: done` (data \
`StreamDone`) or `event: error` (data `ApiError`).";

/// The document, without the routes: title, version, tags, and the schemas of stream events
/// (which no handler's signature names).
pub fn base() -> OpenApi {
    OpenApiBuilder::new()
        .components(Some(
            ComponentsBuilder::new()
                .schema_from::<StreamDelta>()
                .schema_from::<StreamDone>()
                .build(),
        ))
        .info(
            InfoBuilder::new()
                .title("AiAppsy Web Studio")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(DESCRIPTION))
                .build(),
        )
        .tags(Some(
            [
                ("auth", "Accounts and sessions"),
                ("api-key", "The caller's OpenRouter key and its log"),
                ("ai", "AI calls, run with the caller's own key"),
                (
                    "conversations",
                    "The assistant's conversations, kept per workspace",
                ),
                ("user", "Model preferences, usage and cost"),
                ("meta", "Health and this document"),
            ]
            .map(|(name, what)| {
                let mut tag = Tag::new(name);
                tag.description = Some(what.to_owned());
                tag
            }),
        ))
        .build()
}

/// Finishes the document the router collected: the layers' answers and the security scheme,
/// named as this server names its cookie.
pub fn finish(mut api: OpenApi, https: bool) -> OpenApi {
    rules::apply(&mut api);
    let cookie = if https { SECURE_COOKIE } else { COOKIE };
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        SESSION_SCHEME,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            cookie,
            "The session cookie set by sign-up and sign-in.",
        ))),
    );
    api
}

/// The body of every error answer: a reference to the `ApiError` schema.
pub fn error_content() -> Content {
    Content::new(Some(Ref::from_schema_name("ApiError")))
}

/// The finished document as JSON, built once per process for each cookie name.
fn document_json(https: bool) -> &'static str {
    static PLAIN: OnceLock<String> = OnceLock::new();
    static SECURE: OnceLock<String> = OnceLock::new();
    let cell = if https { &SECURE } else { &PLAIN };
    cell.get_or_init(|| {
        serde_json::to_string(&super::openapi(https)).unwrap_or_else(|e| {
            tracing::error!(error = %e, "could not serialise the OpenAPI document");
            String::new()
        })
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    operation_id = "openapi",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of this API.", content_type = "application/json", body = Object),
        (status = 500, description = "The document could not be built (logged).", body = app::wire::ApiError),
    )
)]
pub async fn document(State(state): State<AppState>) -> Response {
    let json = document_json(state.config.is_https());
    if json.is_empty() {
        return crate::error::HttpError(app::AppError::internal()).into_response();
    }
    (
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        json,
    )
        .into_response()
}
