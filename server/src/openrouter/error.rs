//! What can go wrong upstream.

/// A failed OpenRouter call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UpstreamError {
    /// OpenRouter answered with an error status.
    #[error("OpenRouter answered {status}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// OpenRouter's message (for logs and for picking the user's message; not sent as is).
        message: String,
        /// `Retry-After`, in seconds, when given.
        retry_after: Option<u32>,
        /// `metadata.limit_source` on a 402, when given.
        limit_source: Option<String>,
        /// `metadata.error_type` (`payment_required`, `context_length_exceeded`, …), when given.
        error_type: Option<String>,
    },
    /// No answer within the configured time.
    #[error("OpenRouter did not answer in time")]
    Timeout,
    /// The connection failed.
    #[error("could not connect to OpenRouter")]
    Unreachable,
    /// OpenRouter answered with a redirect, which is never followed.
    #[error("OpenRouter answered with a redirect, which was not followed")]
    Redirect,
    /// The answer was longer than the studio reads (`limit` bytes); the rest was not read.
    #[error("OpenRouter's answer was longer than the {limit} bytes read")]
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The answer was not in OpenRouter's shape.
    #[error("OpenRouter's answer could not be read")]
    Invalid,
}

impl UpstreamError {
    pub(crate) fn from_reqwest(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else if e.is_connect() {
            Self::Unreachable
        } else if e.is_decode() || e.is_body() {
            Self::Invalid
        } else {
            Self::Unreachable
        }
    }
}
