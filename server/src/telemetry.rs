//! Logging set-up. Logs are for people and queries: a message plus dotted fields, never keys,
//! cookies, `Authorization` values or prompt bodies (see the README's logging section).

use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), output to stderr; and a
/// panic hook that logs where a panic happened but not its message, which may quote whatever
/// the panicking code held (a request, a key).
pub fn init() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(panic.location = %location, "panic (its message is not logged)");
    }));
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
