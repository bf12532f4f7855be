//! Logging set-up. Logs are for people and queries: a message plus dotted fields, never keys,
//! cookies, `Authorization` values or prompt bodies (see the README's logging section).

use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), output to stderr.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
