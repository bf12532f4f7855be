//! `/api/user/spend-limit`: the caller's own spending cap, and `/api/user/usage.csv`.

use axum::extract::{DefaultBodyLimit, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::wire::{ApiError, SpendLimit, SpendLimitStatus};
use app::AppError;

use crate::ai::spend::limit;
use crate::ai::usage_csv;
use crate::auth::AuthUser;
use crate::error::HttpError;
use crate::routes::usage::Range;
use crate::state::AppState;
use crate::web::json::ApiJson;
use crate::web::query::ApiQuery;

/// Cap bodies are tiny.
const BODY_LIMIT: usize = 16 * 1024;

/// The routes, to be nested under `/api/user`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_limit, put_limit, delete_limit))
        .routes(routes!(usage_csv))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

fn no_limit() -> AppError {
    AppError::new(
        404,
        "No spending limit",
        "You have not set a spending limit. Set one in settings.",
    )
}

/// The caller's spending cap and where the current period stands.
#[utoipa::path(
    get,
    path = "/spend-limit",
    tag = "user",
    operation_id = "get_spend_limit",
    security(("session" = [])),
    responses(
        (status = 200, description = "The cap, the period's spend, what calls in flight hold, when it resets, the pace, and the alert to show.", body = SpendLimitStatus),
        (status = 404, description = "No cap is set.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn get_limit(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<SpendLimitStatus>, HttpError> {
    Ok(Json(
        limit::status(&state, &auth.user_id)
            .await?
            .ok_or_else(no_limit)?,
    ))
}

/// Set (or replace) the caller's spending cap.
#[utoipa::path(
    put,
    path = "/spend-limit",
    tag = "user",
    operation_id = "put_spend_limit",
    security(("session" = [])),
    request_body = SpendLimit,
    responses(
        (status = 200, description = "Saved; the cap and the current period.", body = SpendLimitStatus),
        (status = 422, description = "The amount is not above 0 and at most 100000, or the period is not day, week or month.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn put_limit(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<SpendLimit>,
) -> Result<Json<SpendLimitStatus>, HttpError> {
    Ok(Json(limit::put(&state, &auth.user_id, body).await?))
}

/// Remove the caller's spending cap.
#[utoipa::path(
    delete,
    path = "/spend-limit",
    tag = "user",
    operation_id = "delete_spend_limit",
    security(("session" = [])),
    responses(
        (status = 204, description = "Removed (or there was none)."),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn delete_limit(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<StatusCode, HttpError> {
    limit::remove(&state, &auth.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's AI calls over a range of days (at most 366) as CSV, one row per call.
#[utoipa::path(
    get,
    path = "/usage.csv",
    tag = "user",
    operation_id = "usage_csv",
    security(("session" = [])),
    params(Range),
    responses(
        (status = 200, description = "A header line, then one line per call, oldest first: time, feature, model (the one that answered), requested_model (when a fallback answered), fallback, tokens_in, tokens_out, cost_usd, outcome, generation_id, latency_ms. RFC 4180 quoting.", content_type = "text/csv", body = String),
        (status = 400, description = "The query string does not fit (a parameter given twice, or not UTF-8).", body = ApiError),
        (status = 422, description = "A date is not `YYYY-MM-DD`, outside 2000-01-01..9999-12-31, `from` is after `to`, or the range is longer than 366 days.", body = ApiError),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn usage_csv(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiQuery(range): ApiQuery<Range>,
) -> Result<Response, HttpError> {
    let csv = usage_csv::export(
        &state,
        &auth.user_id,
        range.from.as_deref(),
        range.to.as_deref(),
    )
    .await?;
    let mut response = csv.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", csv.filename)) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
