//! What the client's calls are bounded by (sizes, times), the HTTP version they use, and a
//! streamed response with its lane place.

use std::time::Duration;

use reqwest::Response;

use crate::openrouter::error::UpstreamError;
use crate::openrouter::lanes::Ticket;

/// The largest non-streaming completion read; a real one of 8,192 tokens is well under 1 MiB.
pub const MAX_COMPLETION_BYTES: usize = 4 * 1024 * 1024;
/// The largest `GET /key` answer read (a real one is under 1 KiB).
pub const MAX_KEY_BYTES: usize = 64 * 1024;
/// The largest `GET /models` answer read (a real one is a few MiB).
pub const MAX_MODELS_BYTES: usize = 32 * 1024 * 1024;
/// How much of an error body is read; only its message is used, and a longer one is ignored.
pub const MAX_ERROR_BYTES: usize = 64 * 1024;

/// Reads `res`'s body, or fails with [`UpstreamError::TooLarge`] as soon as it passes `cap`
/// bytes (without reading the rest, which drops the connection).
pub async fn read_capped(mut res: Response, cap: usize) -> Result<Vec<u8>, UpstreamError> {
    let too_large = UpstreamError::TooLarge { limit: cap };
    if res
        .content_length()
        .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > cap))
    {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = res
        .chunk()
        .await
        .map_err(|e| UpstreamError::from_reqwest(&e))?
    {
        if body.len() + chunk.len() > cap {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Time limits for upstream calls.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Connecting.
    pub connect: Duration,
    /// A key check (`GET /key`).
    pub key_check: Duration,
    /// A whole non-streaming completion, the wait for a stream's first bytes, and the longest
    /// silence allowed between two chunks of a stream.
    pub completion: Duration,
    /// Fetching the model list (`GET /models`, a large answer).
    pub models: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            key_check: Duration::from_secs(5),
            completion: Duration::from_secs(120),
            models: Duration::from_secs(15),
        }
    }
}

/// Which HTTP version upstream calls use (`OPENROUTER_HTTP_VERSION`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HttpVersion {
    /// HTTP/2 where TLS negotiates it (OpenRouter does), HTTP/1.1 otherwise (`auto`).
    #[default]
    Auto,
    /// HTTP/1.1 only (`1.1`).
    Http1,
    /// HTTP/2 without negotiating it: over plain `http://` that is HTTP/2 "with prior
    /// knowledge", for a gateway (or the fake) that speaks it (`2`).
    Http2,
}

impl HttpVersion {
    /// Reads `auto`, `1.1` or `2`.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim() {
            "auto" => Ok(Self::Auto),
            "1.1" | "1" => Ok(Self::Http1),
            "2" => Ok(Self::Http2),
            _ => Err("expected auto, 1.1 or 2"),
        }
    }
}

/// An upstream response whose body is still to be read, with the lane place it holds until
/// it is dropped.
pub struct Streaming {
    /// The response, headers read.
    pub response: Response,
    /// Keeps the call counted in its lane while the body streams.
    pub ticket: Ticket,
}
