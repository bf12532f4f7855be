//! The [`RequestMeta`] extractor: client IP and user agent.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use http::Extensions;
use http::HeaderMap;

use crate::auth::client_ip::client_ip;
use crate::auth::usecases::RequestMeta;
use crate::error::HttpError;
use crate::state::AppState;

/// Builds the metadata from a request's parts.
pub fn request_meta(state: &AppState, extensions: &Extensions, headers: &HeaderMap) -> RequestMeta {
    RequestMeta {
        ip: client_ip(extensions, headers, &state.config.trusted_proxies),
        user_agent: headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(request_meta(state, &parts.extensions, &parts.headers))
    }
}
