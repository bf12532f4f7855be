//! A faithful local fake of OpenRouter's HTTP API.
//!
//! Tests, demos and benchmarks point the app's `OPENROUTER_BASE_URL` at this fake instead of
//! the real service. Everything it does is chosen by the request itself (the key's hex prefix,
//! the model id, markers in the prompt), so tests stay deterministic; the table is in
//! [`cli::BEHAVIOUR_TABLE`] and in `fake-openrouter --help`.
//!
//! Run it in-process with [`FakeOpenRouter::start`], or as the `fake-openrouter` binary.
#![warn(missing_docs)]

mod answers;
mod app;
mod behaviour;
mod catalogue;
pub mod cli;
mod completion;
mod config;
mod errors;
mod handlers;
mod inflight;
mod key_facts;
mod keys;
mod oauth;
mod oversized;
mod recording;
mod server;
mod state;
mod streaming;

pub use cli::Cli;
pub use config::FakeConfig;
pub use keys::key;
pub use oauth::{s256_challenge, DEFAULT_CODE_TTL, ISSUED_KEY_PREFIX};
pub use oversized::OVERSIZED_BYTES;
pub use recording::RecordedRequest;
pub use server::FakeOpenRouter;

/// The model used when a chat request names none.
pub const DEFAULT_MODEL: &str = "openai/gpt-4o-mini";

/// Where `redirect/model` sends the client: a port nothing listens on, so following it fails.
pub const REDIRECT_LOCATION: &str = "http://127.0.0.1:1/elsewhere";
