//! `GET /api/user/api-key/health`: the key-health banners' content.

use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::wire::{ApiError, KeyHealth};

use crate::auth::AuthUser;
use crate::error::HttpError;
use crate::state::AppState;
use crate::vault::usecases as vault;

/// The routes, to be nested under `/api/user`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// What may soon stop the caller's key: expiry within 7 days or past, less than $1 (or 10 %)
/// of its limit left, rejected or disabled, the free tier's daily cap; and the key's page on
/// OpenRouter. From the stored facts, which are refreshed in the background at most hourly.
#[utoipa::path(
    get,
    path = "/api-key/health",
    tag = "api-key",
    operation_id = "api_key_health",
    security(("session" = [])),
    responses(
        (status = 200, description = "The key's problems, worst first (none when all is well or no key is stored).", body = KeyHealth),
        (status = 503, description = "The database is not answering.", body = ApiError),
    )
)]
async fn health(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<KeyHealth>, HttpError> {
    Ok(Json(vault::key_health(&state, &auth).await?))
}
