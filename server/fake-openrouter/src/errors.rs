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
    /// The exchange named a `code_challenge_method` other than `S256` or `plain`.
    InvalidChallengeMethod,
    /// The exchange's code is unknown, already used, or its verifier does not match.
    InvalidCode,
    /// The exchange's code was handed out too long ago.
    CodeExpired,
    /// `/credits` asked with a key that is not a management key.
    CreditsNeedManagementKey,
    /// A key its owner disabled on openrouter.ai.
    KeyDisabled,
    /// A failure of the named `error_type`, asked for by a prompt marker
    /// (`FAKE_ERROR:<error_type>`); see [`Typed`].
    Typed(Typed),
}

/// The error types OpenRouter names in `metadata.error_type`, with the status each comes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Typed {
    Authentication,
    PaymentRequired,
    PermissionDenied,
    RateLimitExceeded,
    ProviderOverloaded,
    ProviderUnavailable,
    ContextLengthExceeded,
    ContentPolicyViolation,
    Refusal,
    Timeout,
    Server,
    Unmapped,
}

/// Seconds `FAKE_ERROR:rate_limit_exceeded` and `provider_unavailable` ask to wait: short, so
/// a browser test can watch the countdown end.
pub(crate) const TYPED_RETRY_AFTER_SECS: u64 = 3;

impl Typed {
    /// Every type, for the marker parser and `--help`.
    pub(crate) const ALL: [Typed; 12] = [
        Typed::Authentication,
        Typed::PaymentRequired,
        Typed::PermissionDenied,
        Typed::RateLimitExceeded,
        Typed::ProviderOverloaded,
        Typed::ProviderUnavailable,
        Typed::ContextLengthExceeded,
        Typed::ContentPolicyViolation,
        Typed::Refusal,
        Typed::Timeout,
        Typed::Server,
        Typed::Unmapped,
    ];

    /// The wire name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Typed::Authentication => "authentication",
            Typed::PaymentRequired => "payment_required",
            Typed::PermissionDenied => "permission_denied",
            Typed::RateLimitExceeded => "rate_limit_exceeded",
            Typed::ProviderOverloaded => "provider_overloaded",
            Typed::ProviderUnavailable => "provider_unavailable",
            Typed::ContextLengthExceeded => "context_length_exceeded",
            Typed::ContentPolicyViolation => "content_policy_violation",
            Typed::Refusal => "refusal",
            Typed::Timeout => "timeout",
            Typed::Server => "server",
            Typed::Unmapped => "unmapped",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Typed::Authentication => StatusCode::UNAUTHORIZED,
            Typed::PaymentRequired => StatusCode::PAYMENT_REQUIRED,
            Typed::PermissionDenied | Typed::ContentPolicyViolation => StatusCode::FORBIDDEN,
            Typed::RateLimitExceeded => StatusCode::TOO_MANY_REQUESTS,
            Typed::ProviderOverloaded => {
                StatusCode::from_u16(529).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
            }
            Typed::ProviderUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Typed::ContextLengthExceeded | Typed::Refusal | Typed::Unmapped => {
                StatusCode::BAD_REQUEST
            }
            Typed::Timeout => StatusCode::REQUEST_TIMEOUT,
            Typed::Server => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(self) -> &'static str {
        match self {
            Typed::Authentication => "User not found.",
            Typed::PaymentRequired => "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
            Typed::PermissionDenied => "Your key is not allowed to use this model",
            Typed::RateLimitExceeded => "Rate limit exceeded",
            Typed::ProviderOverloaded => "Provider is overloaded",
            Typed::ProviderUnavailable => "No allowed providers are available for the selected model.",
            Typed::ContextLengthExceeded => "This endpoint's maximum context length is 8192 tokens. However, you requested about 9000 tokens.",
            Typed::ContentPolicyViolation => "Input was flagged by moderation",
            Typed::Refusal => "The model refused to answer",
            Typed::Timeout => "Request timed out",
            Typed::Server => "Internal Server Error",
            Typed::Unmapped => "Provider returned error",
        }
    }
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
            Self::InvalidChallengeMethod => StatusCode::BAD_REQUEST,
            Self::InvalidCode | Self::CodeExpired | Self::CreditsNeedManagementKey => {
                StatusCode::FORBIDDEN
            }
            Self::KeyDisabled => StatusCode::UNAUTHORIZED,
            Self::Typed(t) => t.status(),
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
            Self::InvalidChallengeMethod => "Invalid code_challenge_method".into(),
            Self::InvalidCode => "Invalid code or code_verifier".into(),
            Self::CodeExpired => "Authorization code expired".into(),
            Self::CreditsNeedManagementKey => "Only management keys can fetch credits".into(),
            Self::KeyDisabled => "Key is disabled".into(),
            Self::Typed(t) => t.message().into(),
        }
    }

    /// `metadata.error_type`: OpenRouter's name for the kind of failure.
    pub(crate) fn error_type(&self) -> &'static str {
        match self {
            Self::NoCredentials | Self::UserNotFound | Self::KeyDisabled => "authentication",
            Self::InsufficientCredits => "payment_required",
            Self::ManagementKey
            | Self::InvalidCode
            | Self::CodeExpired
            | Self::CreditsNeedManagementKey => "permission_denied",
            Self::RateLimited { .. } => "rate_limit_exceeded",
            Self::ProviderDown => "provider_unavailable",
            Self::InvalidModel(_)
            | Self::BadRequest(_)
            | Self::DataPolicy
            | Self::Redirect
            | Self::NotFound
            | Self::PayloadTooLarge
            | Self::InvalidChallengeMethod => "unmapped",
            Self::Typed(t) => t.name(),
        }
    }

    fn metadata(&self, rate_limit_reset: &str) -> Value {
        let mut metadata = match self {
            Self::InsufficientCredits => json!({ "limit_source": "openrouter_credits" }),
            Self::RateLimited { .. } => json!({ "headers": {
                "X-RateLimit-Limit": "50",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": rate_limit_reset,
            }}),
            Self::ProviderDown => json!({
                "provider_name": FAKE_PROVIDER,
                "raw": "{\"error\":{\"message\":\"upstream connect error or disconnect/reset before headers\"}}",
            }),
            _ => json!({}),
        };
        if let Some(object) = metadata.as_object_mut() {
            object.insert("error_type".into(), self.error_type().into());
        }
        metadata
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
        let body = error_body(status, &self.message(), Some(self.metadata(&reset)));
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            Self::Typed(Typed::RateLimitExceeded | Typed::ProviderUnavailable) => {
                headers.insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(TYPED_RETRY_AFTER_SECS),
                );
            }
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
