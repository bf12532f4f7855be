//! The REST API's routes, each registered and documented in one step (see [`openapi`]).

pub mod ai;
pub mod api_key;
pub mod auth;
pub mod connect;
pub mod conversations;
pub mod health;
pub mod key_health;
pub mod openapi;
pub mod spend;
pub mod usage;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use app::AppError;

use crate::error::HttpError;
use crate::state::AppState;

/// Every REST route, with the document that describes them.
fn documented() -> OpenApiRouter<AppState> {
    let api = OpenApiRouter::new()
        .nest("/auth", auth::router())
        .nest(
            "/user",
            api_key::router()
                .merge(connect::router())
                .merge(key_health::router())
                .merge(usage::router())
                .merge(spend::router()),
        )
        .nest("/ai", ai::router())
        .merge(conversations::router())
        .routes(routes!(openapi::document))
        .fallback(|| async { HttpError(AppError::not_found("API endpoint")) });
    OpenApiRouter::with_openapi(openapi::base())
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .nest("/api", api)
}

/// The routes outside Leptos: health and the JSON API.
pub fn router() -> Router<AppState> {
    documented().split_for_parts().0
}

/// The OpenAPI document of [`router`]; `https` picks the session cookie's name.
pub fn openapi(https: bool) -> utoipa::openapi::OpenApi {
    openapi::finish(documented().split_for_parts().1, https)
}
