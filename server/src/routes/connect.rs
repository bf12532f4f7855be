//! `/api/user/api-key/connect`: "Connect with OpenRouter" (OAuth with PKCE). Both routes answer
//! browser redirects: the start to OpenRouter's authorisation page, the callback to the
//! settings page with the outcome's name (`/settings?connect=connected`, …). See
//! [`crate::vault::connect`].

use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::wire::ApiError;

use crate::auth::extract::caller;
use crate::auth::AuthUser;
use crate::error::HttpError;
use crate::kit::RequestMeta;
use crate::state::AppState;
use crate::vault::connect::{self, Outcome};

/// The routes, to be nested under `/api/user`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(callback))
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Start connecting with OpenRouter: a browser form posts here and is sent to OpenRouter's
/// authorisation page, which comes back to the callback.
#[utoipa::path(
    post,
    path = "/api-key/connect",
    tag = "api-key",
    operation_id = "api_key_connect",
    security(("session" = [])),
    responses(
        (status = 303, description = "To OpenRouter's authorisation page (`OPENROUTER_AUTH_URL`) with `callback_url`, `code_challenge` (S256) and `code_challenge_method=S256`; the verifier and state stay in the session for 10 minutes.", headers(("Location" = String, description = "The authorisation URL."))),
        (status = 503, description = "The session store is not answering.", body = ApiError),
    )
)]
async fn start(State(state): State<AppState>, auth: AuthUser) -> Result<Response, HttpError> {
    let url = connect::start(&state, &auth).await?;
    Ok(see_other(&url))
}

/// Where OpenRouter sends the browser back, with `?state=` (ours) and `?code=` (OpenRouter's).
/// It always answers a redirect to the settings page naming the outcome; the key never appears.
#[utoipa::path(
    get,
    path = "/api-key/connect/callback",
    tag = "api-key",
    operation_id = "api_key_connect_callback",
    params(
        ("state" = Option<String>, Query, description = "The state the flow was started with."),
        ("code" = Option<String>, Query, description = "OpenRouter's authorisation code."),
    ),
    responses(
        (status = 303, description = "To `/settings?connect=<outcome>`: `connected`, or why nothing was stored (`missing_state`, `unknown_state`, `foreign_state`, `expired`, `exchange_refused`, `unreachable`, `key_rejected`, `management_key`, `rate_limited`, `signed_out`, `failed`).", headers(("Location" = String, description = "The settings page."))),
    )
)]
/// The query is read as plain pairs, which cannot fail to deserialise.
async fn callback(
    State(state): State<AppState>,
    parts: Parts,
    meta: RequestMeta,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let outcome = match caller(&state, &parts.extensions).await {
        Ok(Some(auth)) => {
            connect::finish(&state, &auth, &meta, value("code"), value("state")).await
        }
        Ok(None) => Outcome::SignedOut,
        Err(_) => Outcome::Failed,
    };
    see_other(&outcome.settings_url())
}
