//! The fake's tunable behaviour over time.

use std::time::Duration;

/// How long a prompt containing `SLOW` is held unless configured otherwise.
pub const DEFAULT_SLOW_DELAY: Duration = Duration::from_secs(600);

/// How many requests the log keeps unless configured otherwise.
pub const DEFAULT_MAX_RECORDED_REQUESTS: usize = 10_000;

/// Latency and memory settings. `FakeConfig::default()` answers as fast as it can.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeConfig {
    /// Wait before a non-streaming response, or before the first data chunk of a stream
    /// (the `: OPENROUTER PROCESSING` comment is sent at once, as OpenRouter does).
    pub first_byte_delay: Duration,
    /// Wait before each later data chunk of a stream.
    pub chunk_delay: Duration,
    /// How long a prompt containing `SLOW` is held before it is answered.
    pub slow_delay: Duration,
    /// How many requests the log keeps; the oldest are dropped first.
    pub max_recorded_requests: usize,
    /// How long an authorisation code may wait for its exchange.
    pub auth_code_ttl: Duration,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            first_byte_delay: Duration::ZERO,
            chunk_delay: Duration::ZERO,
            slow_delay: DEFAULT_SLOW_DELAY,
            max_recorded_requests: DEFAULT_MAX_RECORDED_REQUESTS,
            auth_code_ttl: crate::oauth::DEFAULT_CODE_TTL,
        }
    }
}
