//! `/api/user/usage` (the AI usage and cost report) and `/api/user/model-preferences`.

use axum::extract::{DefaultBodyLimit, State};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::wire::{ApiError, ModelPreferences, UsageReport};

use crate::ai::{prefs, usage};
use crate::auth::AuthUser;
use crate::error::HttpError;
use crate::state::AppState;
use crate::web::json::ApiJson;
use crate::web::query::ApiQuery;

/// Preference bodies are tiny.
const PREFS_BODY_LIMIT: usize = 16 * 1024;

/// The routes, to be nested under `/api/user`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(report))
        .routes(routes!(get_preferences, put_preferences))
        .layer(DefaultBodyLimit::max(PREFS_BODY_LIMIT))
}

/// The days a usage report covers.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Range {
    /// First day, `YYYY-MM-DD` (UTC), from 2000-01-01; 29 days before `to` when absent.
    pub(crate) from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), up to 9999-12-31; today when absent.
    pub(crate) to: Option<String>,
}

/// The caller's AI usage and cost over a range of days (at most 366).
#[utoipa::path(
    get,
    path = "/usage",
    tag = "user",
    security(("session" = [])),
    params(Range),
    responses(
        (status = 200, description = "Totals, per day and feature, and the recent calls.", body = UsageReport),
        (status = 400, description = "The query string does not fit (a parameter given twice, or not UTF-8).", body = ApiError),
        (status = 422, description = "A date is not `YYYY-MM-DD`, outside 2000-01-01..9999-12-31, `from` is after `to`, or the range is longer than 366 days.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
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

/// The caller's default model per feature (`null`: the server's default).
#[utoipa::path(
    get,
    path = "/model-preferences",
    tag = "user",
    operation_id = "get_model_preferences",
    security(("session" = [])),
    responses(
        (status = 200, description = "The defaults.", body = ModelPreferences),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn get_preferences(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<ModelPreferences>, HttpError> {
    Ok(Json(prefs::cached(&state, &auth.user_id).await?))
}

/// Set the caller's default model per feature.
#[utoipa::path(
    put,
    path = "/model-preferences",
    tag = "user",
    operation_id = "put_model_preferences",
    security(("session" = [])),
    request_body = ModelPreferences,
    responses(
        (status = 200, description = "Saved; the defaults as stored.", body = ModelPreferences),
        (status = 422, description = "A model OpenRouter does not list, more than three fallbacks for a feature or one listed twice, or a confirmation threshold outside 0..1000.", body = ApiError),
        (status = 503, description = "The database, or OpenRouter's model list, is not answering.", body = ApiError),
    )
)]
async fn put_preferences(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<ModelPreferences>,
) -> Result<Json<ModelPreferences>, HttpError> {
    Ok(Json(prefs::put(&state, &auth.user_id, body).await?))
}
