//! `/api/user/api-key`: the seed's key contract, plus the key log.

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};

use app::wire::{ApiKeyEventPage, ApiKeySaved, ApiKeyStatus};

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
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api-key", get(status).post(save).delete(remove))
        .route("/api-key/events", get(events))
        .layer(DefaultBodyLimit::max(KEY_BODY_LIMIT))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SaveBody {
    api_key: SecretString,
}

async fn status(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<ApiKeyStatus>, HttpError> {
    Ok(Json(vault::key_status(&state, &auth).await?))
}

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

async fn remove(
    State(state): State<AppState>,
    auth: AuthUser,
    meta: RequestMeta,
) -> Result<Json<Value>, HttpError> {
    vault::remove_key(&state, &auth, &meta).await?;
    Ok(Json(json!({"message": "API key removed successfully"})))
}

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
