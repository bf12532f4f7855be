//! `/api/user/usage` (the AI usage and cost report) and `/api/user/model-preferences`.

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use app::wire::{ModelPreferences, UsageReport};

use crate::ai::{prefs, usage};
use crate::auth::AuthUser;
use crate::error::HttpError;
use crate::state::AppState;
use crate::web::json::ApiJson;
use crate::web::query::ApiQuery;

/// Preference bodies are tiny.
const PREFS_BODY_LIMIT: usize = 16 * 1024;

/// The routes, to be nested under `/api/user`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/usage", get(report))
        .route(
            "/model-preferences",
            get(get_preferences).put(put_preferences),
        )
        .layer(DefaultBodyLimit::max(PREFS_BODY_LIMIT))
}

#[derive(Deserialize)]
struct Range {
    from: Option<String>,
    to: Option<String>,
}

async fn report(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiQuery(range): ApiQuery<Range>,
) -> Result<Json<UsageReport>, HttpError> {
    Ok(Json(
        usage::report(
            &state,
            &auth.user_id,
            range.from.as_deref(),
            range.to.as_deref(),
        )
        .await?,
    ))
}

async fn get_preferences(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<ModelPreferences>, HttpError> {
    Ok(Json(prefs::get(&state, &auth.user_id).await?))
}

async fn put_preferences(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<ModelPreferences>,
) -> Result<Json<ModelPreferences>, HttpError> {
    Ok(Json(prefs::put(&state, &auth.user_id, body).await?))
}
