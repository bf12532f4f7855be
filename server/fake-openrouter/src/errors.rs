//! Every refusal the fake can give, in OpenRouter's wire shape.
//!
//! Bodies are `{"error":{"code":<status>,"message":"…","metadata":{…}?}}`, with the status
//! equal to `code`, and messages copied from real OpenRouter responses where one is known.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

/// The provider name reported in provider-side failures.
pub(crate) const FAKE_PROVIDER: &str = "Fake";

/// Seconds a rate-limited caller is told to wait.
const RETRY_AFTER_SECS: u64 = 60;

/// A request the fake refuses to answer normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// No `Authorization: Bearer …` header.
    NoCredentials,
    /// A malformed, unknown or revoked key.
    UserNotFound,
    /// A management key asked for a completion.
    ManagementKey,
    /// The key has no credits left.
    InsufficientCredits,
    /// The key is rate limited; `free_model` picks the free-model wording.
    RateLimited { free_model: bool },
    /// The model id is not in the catalogue.
    InvalidModel(String),
    /// The body is not a usable chat request.
    BadRequest(String),
    /// The chosen model's provider failed.
    ProviderDown,
    /// No provider matches the caller's data policy.
    DataPolicy,
    /// Not an error on the wire but a refusal to answer here: a 302 elsewhere.
    Redirect,
    /// No such route.
    NotFound,
    /// The body is larger than the fake accepts.
    PayloadTooLarge,
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::NoCredentials | Self::UserNotFound => StatusCode::UNAUTHORIZED,
            Self::ManagementKey => StatusCode::FORBIDDEN,
            Self::InsufficientCredits => StatusCode::PAYMENT_REQUIRED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::InvalidModel(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::ProviderDown => StatusCode::BAD_GATEWAY,
            Self::DataPolicy | Self::NotFound => StatusCode::NOT_FOUND,
            Self::Redirect => StatusCode::FOUND,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    fn message(&self) -> String {
        match self {
            Self::NoCredentials => "No auth credentials found".into(),
            Self::UserNotFound => "User not found.".into(),
            // OpenRouter's exact wording for this case is not captured anywhere we know of.
            Self::ManagementKey => {
                "Management keys cannot be used for completions. Use an API key instead.".into()
            }
            Self::InsufficientCredits => {
                "Insufficient credits. Add more using https://openrouter.ai/settings/credits".into()
            }
            Self::RateLimited { free_model: true } => "Rate limit exceeded: free-models-per-day. \
                 Add 10 credits to unlock 1000 free model requests per day"
                .into(),
            Self::RateLimited { free_model: false } => "Rate limit exceeded".into(),
            Self::InvalidModel(id) => format!("{id} is not a valid model ID"),
            Self::BadRequest(message) => message.clone(),
            Self::ProviderDown => "Provider returned error".into(),
            Self::DataPolicy => "No endpoints found matching your data policy \
                 (Paid model training). Configure: https://openrouter.ai/settings/privacy"
                .into(),
            Self::Redirect => "Found".into(),
            Self::NotFound => "Not Found".into(),
            Self::PayloadTooLarge => "Request body too large".into(),
        }
    }

    fn metadata(&self, rate_limit_reset: &str) -> Option<Value> {
        match self {
            Self::InsufficientCredits => Some(json!({ "limit_source": "openrouter_credits" })),
            Self::RateLimited { .. } => Some(json!({ "headers": {
                "X-RateLimit-Limit": "50",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": rate_limit_reset,
            }})),
            Self::ProviderDown => Some(json!({
                "provider_name": FAKE_PROVIDER,
                "raw": "{\"error\":{\"message\":\"upstream connect error or disconnect/reset before headers\"}}",
            })),
            _ => None,
        }
    }
}

/// The standard error body for `status` and `message`, with optional `metadata`.
pub(crate) fn error_body(status: StatusCode, message: &str, metadata: Option<Value>) -> Value {
    let mut error = json!({ "code": status.as_u16(), "message": message });
    if let (Some(metadata), Some(object)) = (metadata, error.as_object_mut()) {
        object.insert("metadata".into(), metadata);
    }
    json!({ "error": error })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let reset = rate_limit_reset_millis().to_string();
        let body = error_body(status, &self.message(), self.metadata(&reset));
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            Self::RateLimited { .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
                headers.insert("x-ratelimit-limit", HeaderValue::from_static("50"));
                headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
                if let Ok(value) = HeaderValue::from_str(&reset) {
                    headers.insert("x-ratelimit-reset", value);
                }
            }
            Self::Redirect => {
                headers.insert(
                    header::LOCATION,
                    HeaderValue::from_static(crate::REDIRECT_LOCATION),
                );
            }
            _ => {}
        }
        response
    }
}

/// When the rate limit window ends, in Unix milliseconds.
fn rate_limit_reset_millis() -> u128 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (now + std::time::Duration::from_secs(RETRY_AFTER_SECS)).as_millis()
}
