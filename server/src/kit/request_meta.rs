//! [`RequestMeta`]: where a request came from (client IP, user agent), and its extractor.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use http::Extensions;
use http::HeaderMap;

use crate::config::Config;
use crate::error::HttpError;
use crate::kit::client_ip::client_ip;

/// Where a request came from, for throttling and the session list.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// The client IP (trusted-proxy aware).
    pub ip: IpAddr,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

/// Builds the metadata from a request's parts; `trusted` are the proxies whose
/// `X-Forwarded-For` is believed.
pub fn request_meta(
    trusted: &[IpAddr],
    extensions: &Extensions,
    headers: &HeaderMap,
) -> RequestMeta {
    RequestMeta {
        ip: client_ip(extensions, headers, trusted),
        user_agent: headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

impl<S> FromRequestParts<S> for RequestMeta
where
    S: Send + Sync,
    Arc<Config>: FromRef<S>,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let config = Arc::<Config>::from_ref(state);
        Ok(request_meta(
            &config.trusted_proxies,
            &parts.extensions,
            &parts.headers,
        ))
    }
}
