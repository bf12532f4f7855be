//! The OpenRouter client. The caller's key is applied to each request in exactly one place
//! ([`OpenRouterClient::authorized`]), as a sensitive header; redirects are never followed, so
//! the key can reach no host but the configured one. Upstream failures become a typed
//! [`UpstreamError`]; OpenRouter's own bodies are never passed on verbatim.

pub mod client;
pub mod error;
pub mod types;

pub use client::OpenRouterClient;
pub use error::UpstreamError;
