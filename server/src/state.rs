//! The one state struct, built once, given to axum as state and to Leptos as context.
//!
//! [`AppState`] is a handle: cloning it (which axum does for every extractor and middleware
//! that takes state, several times a request) copies one pointer. Profiling the proxy at
//! 3,500 requests a second showed the clone and drop of the whole struct, field by field, at
//! about 5 % of the server's CPU before it was one `Arc`.

use std::ops::Deref;
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

/// Everything a request handler may need, behind one shared pointer.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    /// The handle to `services`.
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Arc<Config> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.config)
    }
}

/// What [`AppState`] shares.
pub struct Services {
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
