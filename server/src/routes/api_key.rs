//! `/api/user/api-key`: the seed's key contract, plus the key log.

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::Json;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::wire::{ApiError, ApiKeyEventPage, ApiKeySaved, ApiKeyStatus};

use crate::auth::usecases::current_user;
use crate::auth::AuthUser;
use crate::error::HttpError;
use crate::kit::RequestMeta;
use crate::state::AppState;
use crate::vault::events::parse_paging;
use crate::vault::usecases as vault;
use crate::web::json::ApiJson;

/// Key requests are tiny; anything larger is refused before parsing.
const KEY_BODY_LIMIT: usize = 16 * 1024;

/// The routes, to be nested under `/api/user`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status, save, remove))
        .routes(routes!(events))
        .layer(DefaultBodyLimit::max(KEY_BODY_LIMIT))
}

/// `POST /api/user/api-key`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct SaveBody {
    /// An OpenRouter key: `sk-or-v1-` and 64 lowercase hex digits.
    #[schema(value_type = String, format = Password, pattern = "^sk-or-v1-[0-9a-f]{64}$")]
    api_key: SecretString,
}

/// `DELETE /api/user/api-key` → `{"message": "API key removed successfully"}`.
#[derive(ToSchema)]
#[allow(dead_code)] // Only its schema is used: the handler answers with `json!`.
struct KeyRemoved {
    /// Always "API key removed successfully".
    message: String,
}

/// The stored key's mask and what OpenRouter last reported; never the key.
#[utoipa::path(
    get,
    path = "/api-key",
    tag = "api-key",
    operation_id = "api_key_status",
    security(("session" = [])),
    responses(
        (status = 200, description = "The key's status (`hasApiKey: false` when none is stored).", body = ApiKeyStatus),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn status(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<ApiKeyStatus>, HttpError> {
    Ok(Json(vault::key_status(&state, &auth).await?))
}

/// Store or replace the caller's key, after a live check with OpenRouter.
#[utoipa::path(
    post,
    path = "/api-key",
    tag = "api-key",
    operation_id = "api_key_save",
    security(("session" = [])),
    request_body = SaveBody,
    responses(
        (status = 200, description = "Checked with OpenRouter, encrypted and stored.", body = ApiKeySaved),
        (status = 422, description = "Not an OpenRouter key's shape, or OpenRouter rejected it.", body = ApiError),
        (status = 429, description = "Too many key checks for this user or address (`LIMIT_KEY_CHECKS_PER_*`).", body = ApiError, headers(("Retry-After" = u32, description = "Seconds to wait."))),
        (status = 503, description = "OpenRouter or the database could not be reached; nothing was changed.", body = ApiError),
    )
)]
async fn save(
    State(state): State<AppState>,
    auth: AuthUser,
    meta: RequestMeta,
    ApiJson(body): ApiJson<SaveBody>,
) -> Result<Json<ApiKeySaved>, HttpError> {
    vault::save_key(&state, &auth, &meta, body.api_key.expose_secret()).await?;
    // The seed's contract answers with the owner; the vault itself knows nothing of profiles.
    let user = current_user(&state, &auth).await?;
    Ok(Json(ApiKeySaved {
        message: "API key updated successfully".to_owned(),
        user,
    }))
}

/// Delete the caller's key.
#[utoipa::path(
    delete,
    path = "/api-key",
    tag = "api-key",
    operation_id = "api_key_remove",
    security(("session" = [])),
    responses(
        (status = 200, description = "Removed (also when none was stored).", body = KeyRemoved),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn remove(
    State(state): State<AppState>,
    auth: AuthUser,
    meta: RequestMeta,
) -> Result<Json<Value>, HttpError> {
    vault::remove_key(&state, &auth, &meta).await?;
    Ok(Json(json!({"message": "API key removed successfully"})))
}

/// The key log, newest first: set, replaced, removed, verified, rejected, unusable.
#[utoipa::path(
    get,
    path = "/api-key/events",
    tag = "api-key",
    operation_id = "api_key_events",
    security(("session" = [])),
    params(
        ("page" = Option<u32>, Query, minimum = 1, description = "1-based page; 1 when absent."),
        ("perPage" = Option<i64>, Query, description = "Entries per page, brought into 1 to 100; 20 when absent."),
    ),
    responses(
        (status = 200, description = "A page of the log.", body = ApiKeyEventPage),
        (status = 422, description = "`page` or `perPage` is not a whole number in range.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
/// The query is read as plain pairs, which cannot fail to deserialise, so that every bad value
/// gets the API's JSON 422 rather than the framework's text.
async fn events(
    State(state): State<AppState>,
    auth: AuthUser,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<ApiKeyEventPage>, HttpError> {
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let (page, per_page) = parse_paging(value("page"), value("perPage"))?;
    Ok(Json(
        vault::key_events(&state, &auth, page, per_page).await?,
    ))
}
