//! The HTTP client.

use std::time::Duration;

use http::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Method, RequestBuilder, Response};
use secrecy::ExposeSecret;

use crate::openrouter::error::UpstreamError;
use crate::openrouter::types::{ErrorBody, KeyEnvelope, KeyInfo};
use crate::vault::key::OpenRouterKey;

/// Shown to OpenRouter as the app's name (`X-OpenRouter-Title`).
pub const APP_TITLE: &str = "AiAppsy Web Studio";

/// Time limits for upstream calls.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Connecting.
    pub connect: Duration,
    /// A key check (`GET /key`).
    pub key_check: Duration,
    /// A whole non-streaming completion, or the wait for a stream's first bytes.
    pub completion: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            key_check: Duration::from_secs(5),
            completion: Duration::from_secs(120),
        }
    }
}

/// A client for one OpenRouter base URL.
#[derive(Clone)]
pub struct OpenRouterClient {
    http: reqwest::Client,
    base: String,
    referer: HeaderValue,
    /// The configured limits.
    pub timeouts: Timeouts,
}

impl std::fmt::Debug for OpenRouterClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenRouterClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl OpenRouterClient {
    /// A client for `base` (e.g. `https://openrouter.ai/api/v1`), attributing calls to `referer`.
    pub fn new(base: &str, referer: &str, timeouts: Timeouts) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.connect)
            .pool_max_idle_per_host(64)
            .user_agent(concat!("aiappsy-studio/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let referer =
            HeaderValue::from_str(referer).map_err(|_| "PUBLIC_URL is not a valid header value")?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            referer,
            timeouts,
        })
    }

    /// The one place a key leaves the process: a sensitive `Authorization` header, plus the
    /// attribution headers.
    pub fn authorized(&self, method: Method, path: &str, key: &OpenRouterKey) -> RequestBuilder {
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", key.secret().expose_secret()))
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        auth.set_sensitive(true);
        self.http
            .request(method, format!("{}{path}", self.base))
            .header(AUTHORIZATION, auth)
            .header("HTTP-Referer", self.referer.clone())
            .header("X-OpenRouter-Title", APP_TITLE)
            .header("X-Title", APP_TITLE)
    }

    /// An unauthenticated request (for `/models`).
    pub fn anonymous(&self, path: &str) -> RequestBuilder {
        self.http.get(format!("{}{path}", self.base))
    }

    /// Sends `req`, turning transport failures, redirects and error statuses into errors.
    pub async fn send(req: RequestBuilder, timeout: Duration) -> Result<Response, UpstreamError> {
        let res = req
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| UpstreamError::from_reqwest(&e))?;
        let status = res.status();
        if status.is_redirection() {
            return Err(UpstreamError::Redirect);
        }
        if status.is_success() {
            return Ok(res);
        }
        let retry_after = res
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u32>().ok());
        let body = res.bytes().await.unwrap_or_default();
        let (message, limit_source) = match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(b) => (
                b.error.message,
                b.error
                    .metadata
                    .as_ref()
                    .and_then(|m| m.get("limit_source"))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
            ),
            Err(_) => (String::new(), None),
        };
        Err(UpstreamError::Status {
            status: status.as_u16(),
            message,
            retry_after,
            limit_source,
        })
    }

    /// `GET /key`: checks a key and reports its limits.
    pub async fn key_info(&self, key: &OpenRouterKey) -> Result<KeyInfo, UpstreamError> {
        let res = Self::send(
            self.authorized(Method::GET, "/key", key),
            self.timeouts.key_check,
        )
        .await?;
        let env: KeyEnvelope = res.json().await.map_err(|_| UpstreamError::Invalid)?;
        Ok(env.data)
    }
}
