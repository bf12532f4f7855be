//! OpenRouter's OAuth PKCE flow: the authorisation page (`GET /auth`), its button
//! (`POST /auth/approve`) and the exchange (`POST /api/v1/auth/keys`).

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{Html, IntoResponse, Response},
    Form, Json,
};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;

use crate::{errors::ApiError, state::AppState};

/// What the app sends the browser to `/auth` with.
#[derive(Debug, Deserialize)]
pub(crate) struct AuthRequest {
    callback_url: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// `GET /auth`: a page with one button that approves the app and goes back to it.
pub(crate) async fn auth_page(Query(request): Query<AuthRequest>) -> Response {
    let Some(callback) = request.callback_url.filter(|c| is_http_url(c)) else {
        return (
            StatusCode::BAD_REQUEST,
            Html("<!doctype html><title>OpenRouter</title><p>Missing or invalid callback_url.</p>"),
        )
            .into_response();
    };
    let challenge = request.code_challenge.unwrap_or_default();
    let method = request
        .code_challenge_method
        .unwrap_or_else(|| "plain".to_owned());
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorize app · OpenRouter (fake)</title></head>\
         <body><main><h1>Authorize application</h1>\
         <p>An application at <code>{app}</code> asks for an API key for your account.</p>\
         <form method=\"post\" action=\"/auth/approve\">\
         <input type=\"hidden\" name=\"callback_url\" value=\"{callback}\">\
         <input type=\"hidden\" name=\"code_challenge\" value=\"{challenge}\">\
         <input type=\"hidden\" name=\"code_challenge_method\" value=\"{method}\">\
         <button type=\"submit\" id=\"authorize\">Authorize</button></form></main></body></html>",
        app = escape(origin_of(&callback)),
        callback = escape(&callback),
        challenge = escape(&challenge),
        method = escape(&method),
    );
    Html(page).into_response()
}

/// The authorisation form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct Approval {
    callback_url: String,
    #[serde(default)]
    code_challenge: String,
    #[serde(default)]
    code_challenge_method: String,
}

/// `POST /auth/approve`: hands out a code and sends the browser back with `?code=`.
pub(crate) async fn approve(State(state): State<AppState>, Form(form): Form<Approval>) -> Response {
    if !is_http_url(&form.callback_url) {
        return (StatusCode::BAD_REQUEST, "invalid callback_url").into_response();
    }
    let code = state.auth_codes.issue(
        &form.code_challenge,
        &form.code_challenge_method,
        state.config.auth_code_ttl,
    );
    let separator = if form.callback_url.contains('?') {
        '&'
    } else {
        '?'
    };
    let location = format!("{}{separator}code={code}", form.callback_url);
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// The exchange's body.
#[derive(Debug, Deserialize)]
struct Exchange {
    code: String,
    code_verifier: String,
    #[serde(default)]
    code_challenge_method: Option<String>,
}

/// `POST /api/v1/auth/keys`: a code and its verifier for a key. No `Authorization` needed.
pub(crate) async fn exchange(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let exchange: Exchange = serde_json::from_slice(&body)
        .map_err(|_| ApiError::BadRequest("Invalid request body".into()))?;
    let method = exchange
        .code_challenge_method
        .unwrap_or_else(|| "plain".to_owned());
    let key = state
        .auth_codes
        .exchange(&exchange.code, &exchange.code_verifier, &method)?;
    Ok(Json(json!({ "key": key, "user_id": "user_fake0000000000000000000000" })).into_response())
}

fn is_http_url(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://")) && url.len() <= 2048
}

fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..]
        .find('/')
        .map_or(url, |i| &url[..after_scheme + i])
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
