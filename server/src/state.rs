//! The one state struct, built once, given to axum as state and to Leptos as context.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

use crate::ai::AiServices;
use crate::auth::session::SessionPolicy;
use crate::auth::PasswordHasher;
use crate::config::Config;
use crate::kit::Clock;
use crate::metrics::Metrics;
use crate::openrouter::OpenRouterClient;
use crate::rate_limit::Limits;
use crate::vault::ring::SharedRing;

/// Everything a request handler may need.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos' own settings (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The connection pool.
    pub db: DatabaseConnection,
    /// The configuration read at start-up.
    pub config: Arc<Config>,
    /// The time source (a test clock in tests).
    pub clock: Arc<dyn Clock>,
    /// Session lifetimes.
    pub session_policy: SessionPolicy,
    /// Argon2id with bounded concurrency.
    pub hasher: PasswordHasher,
    /// The per-process limits on costly actions (sign-up, key saves, workspaces...).
    pub limits: Arc<Limits>,
    /// The master-key ring.
    pub ring: SharedRing,
    /// The OpenRouter client.
    pub openrouter: OpenRouterClient,
    /// The AI features' model list, in-flight caps and usage ledger.
    pub ai: AiServices,
    /// The counters `GET /metrics` reports.
    pub metrics: Arc<Metrics>,
    /// The caches of sessions, key rows, preferences and cap flags (see `crate::cache`).
    pub cache: Arc<crate::cache::Caches>,
    /// Set once shutdown has begun: `/ready` then answers 503.
    pub draining: Arc<AtomicBool>,
}
