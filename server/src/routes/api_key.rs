//! `/api/user/api-key`: the seed's key contract, plus the key log.

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};

use app::wire::{ApiKeyEventPage, ApiKeySaved, ApiKeyStatus};

use crate::auth::usecases::RequestMeta;
use crate::auth::AuthUser;
use crate::error::HttpError;
use crate::state::AppState;
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    page: Option<u32>,
    per_page: Option<u32>,
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
    let user = vault::save_key(&state, &auth, &meta, body.api_key.expose_secret()).await?;
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

async fn events(
    State(state): State<AppState>,
    auth: AuthUser,
    Query(page): Query<Page>,
) -> Result<Json<ApiKeyEventPage>, HttpError> {
    Ok(Json(
        vault::key_events(
            &state,
            &auth,
            page.page.unwrap_or(1),
            page.per_page.unwrap_or(20),
        )
        .await?,
    ))
}
