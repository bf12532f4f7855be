//! Typed configuration, read once from the environment at start-up. A bad value fails fast with
//! the variable's name in the message.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use crate::error::StartupError;
use crate::openrouter::client::HttpVersion;

mod cache_settings;
mod database_url;
mod keyring_source;
mod limit_settings;
mod urls;

pub use database_url::{DatabaseKind, DatabaseUrl};
pub use keyring_source::KeyRingSource;
pub use limit_settings::LimitSettings;
use urls::{parse_base_url, parse_origin};

/// The default OpenRouter API base.
pub const DEFAULT_OPENROUTER_BASE_URL: &str = "https://openrouter.ai/api/v1";
/// The default address of OpenRouter's authorisation page (the OAuth PKCE flow).
pub const DEFAULT_OPENROUTER_AUTH_URL: &str = "https://openrouter.ai/auth";
/// The embedded default database, relative to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/studio.db";

/// Everything the server needs to know to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (`LEPTOS_SITE_ADDR`); port 0 picks a free port.
    pub addr: SocketAddr,
    /// Which database to use (`DATABASE_URL`).
    pub database: DatabaseUrl,
    /// OpenRouter's API base, without a trailing slash (`OPENROUTER_BASE_URL`).
    pub openrouter_base_url: String,
    /// OpenRouter's authorisation page, where "Connect with OpenRouter" sends the browser
    /// (`OPENROUTER_AUTH_URL`).
    pub openrouter_auth_url: String,
    /// The HTTP version of upstream calls (`OPENROUTER_HTTP_VERSION`: `auto`, `1.1` or `2`).
    pub openrouter_http: HttpVersion,
    /// The folder holding the built site (`LEPTOS_SITE_ROOT`).
    pub site_root: String,
    /// The origin browsers use to reach the app (`PUBLIC_URL`), e.g. `https://studio.example.com`;
    /// cookies are `Secure` when it is https, and cross-origin writes are refused against it.
    pub public_origin: String,
    /// Proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`, comma-separated IPs).
    pub trusted_proxies: Vec<IpAddr>,
    /// Idle session timeout in seconds (`SESSION_IDLE_MINUTES`, default 30).
    pub session_idle_secs: i64,
    /// Absolute session lifetime in seconds (`SESSION_ABSOLUTE_HOURS`, default 12).
    pub session_absolute_secs: i64,
    /// Where the master-key ring comes from.
    pub keyring: KeyRingSource,
    /// Master-key versions below this are retired: refused for decryption, and `studio` does not
    /// start while a stored key uses one (`STUDIO_MIN_DECRYPTION_VERSION`; none by default).
    pub min_decryption_version: Option<u32>,
    /// How long an AI call may wait for OpenRouter, in seconds (`UPSTREAM_TIMEOUT_SECS`, 120).
    pub upstream_timeout_secs: u64,
    /// AI calls one user may have in flight at once (`AI_MAX_IN_FLIGHT_PER_USER`, default 4).
    pub ai_max_in_flight_per_user: usize,
    /// How long OpenRouter's model list is cached, in seconds (`AI_MODELS_TTL_SECS`, 600).
    pub ai_models_ttl_secs: u64,
    /// Model ids accepted although OpenRouter's `/models` does not list them
    /// (`AI_EXTRA_MODELS`, comma-separated), e.g. a model released after the last refresh.
    pub ai_extra_models: Vec<String>,
    /// The configurable abuse limits (the rest are fixed in `rate_limit`).
    pub limits: LimitSettings,
    /// Where `GET /metrics` is served (`METRICS_ADDR`); none by default, and never on the
    /// public listener.
    pub metrics_addr: Option<SocketAddr>,
    /// On SIGTERM, how long open requests and streams may run before they are cut
    /// (`SHUTDOWN_GRACE_SECS`, 30).
    pub shutdown_grace_secs: u64,
    /// How long a cached session, key row, preference or cap flag may be served after it was
    /// read (`CACHE_TTL_SECS`, 60; 0 turns the caches off). Changes reach every instance within
    /// a second whatever this is (see `crate::cache`).
    pub cache_ttl_secs: u64,
    /// At most this many sessions, and as many users, are cached (`CACHE_MAX_ENTRIES`, 100000).
    pub cache_max_entries: usize,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, StartupError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `get`, so tests can supply their own.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, StartupError> {
        let read = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let addr = match read("LEPTOS_SITE_ADDR") {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(raw) => raw.parse().map_err(|_| {
                StartupError::config(
                    "LEPTOS_SITE_ADDR",
                    "expected HOST:PORT such as 127.0.0.1:3000",
                )
            })?,
        };
        let database = DatabaseUrl::parse(
            read("DATABASE_URL")
                .as_deref()
                .unwrap_or(DEFAULT_DATABASE_URL),
        )
        .map_err(|reason| StartupError::config("DATABASE_URL", reason))?;
        let openrouter_base_url = parse_base_url(
            read("OPENROUTER_BASE_URL")
                .as_deref()
                .unwrap_or(DEFAULT_OPENROUTER_BASE_URL),
        )
        .map_err(|reason| StartupError::config("OPENROUTER_BASE_URL", reason))?;
        let openrouter_auth_url = parse_base_url(
            read("OPENROUTER_AUTH_URL")
                .as_deref()
                .unwrap_or(DEFAULT_OPENROUTER_AUTH_URL),
        )
        .ok()
        .filter(|url| !url.contains(['?', '#']))
        .ok_or_else(|| {
            StartupError::config(
                "OPENROUTER_AUTH_URL",
                "expected an http:// or https:// URL without a query, such as https://openrouter.ai/auth",
            )
        })?;
        let openrouter_http = match read("OPENROUTER_HTTP_VERSION") {
            None => HttpVersion::Auto,
            Some(raw) => HttpVersion::parse(&raw)
                .map_err(|r| StartupError::config("OPENROUTER_HTTP_VERSION", r))?,
        };
        let site_root = read("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned());
        let public_origin = match read("PUBLIC_URL") {
            Some(raw) => parse_origin(&raw).map_err(|r| StartupError::config("PUBLIC_URL", r))?,
            None => format!("http://{addr}"),
        };
        let trusted_proxies = match read("TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(raw) => raw
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<IpAddr>())
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    StartupError::config("TRUSTED_PROXIES", "expected comma-separated IP addresses")
                })?,
        };
        let positive = |var: &'static str, default: i64| -> Result<i64, StartupError> {
            match read(var) {
                None => Ok(default),
                Some(raw) => raw
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or_else(|| StartupError::config(var, "expected a whole number from 1")),
            }
        };
        let session_idle_secs = positive("SESSION_IDLE_MINUTES", 30)? * 60;
        let session_absolute_secs = positive("SESSION_ABSOLUTE_HOURS", 12)? * 3600;
        let upstream_timeout_secs = positive("UPSTREAM_TIMEOUT_SECS", 120)?.unsigned_abs();
        let ai_max_in_flight_per_user =
            usize::try_from(positive("AI_MAX_IN_FLIGHT_PER_USER", 4)?).unwrap_or(4);
        let ai_models_ttl_secs = positive("AI_MODELS_TTL_SECS", 600)?.unsigned_abs();
        let ai_extra_models = read("AI_EXTRA_MODELS")
            .map(|raw| {
                raw.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let d = LimitSettings::default();
        let count = |var: &'static str, default: usize| -> Result<usize, StartupError> {
            let fallback = i64::try_from(default).unwrap_or(i64::MAX);
            Ok(usize::try_from(positive(var, fallback)?).unwrap_or(default))
        };
        let secs = |var: &'static str, default: u64| -> Result<u64, StartupError> {
            let fallback = i64::try_from(default).unwrap_or(i64::MAX);
            Ok(positive(var, fallback)?.unsigned_abs())
        };
        let limits = LimitSettings {
            signups_per_address_hour: count(
                "LIMIT_SIGNUPS_PER_ADDRESS_HOUR",
                d.signups_per_address_hour,
            )?,
            key_checks_per_user_hour: count(
                "LIMIT_KEY_CHECKS_PER_USER_HOUR",
                d.key_checks_per_user_hour,
            )?,
            key_checks_per_address_hour: count(
                "LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR",
                d.key_checks_per_address_hour,
            )?,
            workspaces_per_user: count("LIMIT_WORKSPACES_PER_USER", d.workspaces_per_user)?,
            max_connections: count("MAX_CONNECTIONS", d.max_connections)?,
            header_read_timeout_secs: secs("HEADER_READ_TIMEOUT_SECS", d.header_read_timeout_secs)?,
            body_read_timeout_secs: secs("BODY_READ_TIMEOUT_SECS", d.body_read_timeout_secs)?,
        };
        let keyring = if let Some(spec) = read("STUDIO_MASTER_KEYS") {
            let primary = match read("STUDIO_MASTER_KEY_PRIMARY") {
                None => None,
                Some(p) => Some(p.parse::<u32>().map_err(|_| {
                    StartupError::config(
                        "STUDIO_MASTER_KEY_PRIMARY",
                        "expected a key version number",
                    )
                })?),
            };
            KeyRingSource::Env {
                spec: secrecy::SecretString::from(spec),
                primary,
            }
        } else if let Some(path) = read("STUDIO_KEYRING_FILE") {
            KeyRingSource::File(PathBuf::from(path))
        } else if let Some(db_path) = database.sqlite_path() {
            let dir = db_path.parent().map(PathBuf::from).unwrap_or_default();
            KeyRingSource::File(dir.join("keyring.json"))
        } else {
            return Err(StartupError::config(
                "STUDIO_MASTER_KEYS",
                "required with PostgreSQL (1:<base64 of 32 random bytes>[,2:…]), or set STUDIO_KEYRING_FILE",
            ));
        };
        let min_decryption_version = match read("STUDIO_MIN_DECRYPTION_VERSION") {
            None => None,
            Some(raw) => Some(raw.parse::<u32>().ok().filter(|v| *v >= 1).ok_or_else(|| {
                StartupError::config(
                    "STUDIO_MIN_DECRYPTION_VERSION",
                    "expected a key version number (1 or more)",
                )
            })?),
        };
        let metrics_addr = match read("METRICS_ADDR") {
            None => None,
            Some(raw) => Some(raw.parse::<SocketAddr>().map_err(|_| {
                StartupError::config("METRICS_ADDR", "expected HOST:PORT such as 127.0.0.1:9100")
            })?),
        };
        if metrics_addr.is_some_and(|m| m == addr && m.port() != 0) {
            return Err(StartupError::config(
                "METRICS_ADDR",
                "must differ from LEPTOS_SITE_ADDR: metrics are never served on the public listener",
            ));
        }
        let shutdown_grace_secs = secs("SHUTDOWN_GRACE_SECS", 30)?;
        let (cache_ttl_secs, cache_max_entries) = cache_settings::read(&read)?;
        Ok(Self {
            addr,
            database,
            openrouter_base_url,
            openrouter_auth_url,
            openrouter_http,
            site_root,
            public_origin,
            trusted_proxies,
            session_idle_secs,
            session_absolute_secs,
            keyring,
            min_decryption_version,
            upstream_timeout_secs,
            ai_max_in_flight_per_user,
            ai_models_ttl_secs,
            ai_extra_models,
            limits,
            metrics_addr,
            shutdown_grace_secs,
            cache_ttl_secs,
            cache_max_entries,
        })
    }

    /// The origin of [`Config::openrouter_auth_url`], which the pages' CSP lets a form reach.
    pub fn openrouter_auth_origin(&self) -> String {
        parse_origin(&self.openrouter_auth_url).unwrap_or_default()
    }

    /// Whether browsers reach the app over https (cookies are then `Secure` and `__Host-`).
    pub fn is_https(&self) -> bool {
        self.public_origin.starts_with("https://")
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
