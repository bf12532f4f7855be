//! The OpenRouter client and the key type it applies ([`ApiKey`]). It knows nothing of the
//! vault: callers hand it a parsed key. The caller's key is applied to each request in exactly one place
//! (`OpenRouterClient::authorized`), as a sensitive header; redirects are never followed, so
//! the key can reach no host but the configured one. Upstream failures become a typed
//! [`UpstreamError`]; OpenRouter's own bodies are never passed on verbatim.

pub mod client;
pub mod error;
pub mod key;
pub mod lanes;
pub mod transport;
pub mod types;

pub use client::OpenRouterClient;
pub use error::UpstreamError;
pub use key::ApiKey;
