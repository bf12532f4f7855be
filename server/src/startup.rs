//! Building and running the application. `main` and the integration tests both go through
//! [`Application::build`], so tests exercise the real router on a real socket.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::ai::AiServices;
use crate::auth::session::SessionPolicy;
use crate::auth::store::SeaOrmStore;
use crate::auth::PasswordHasher;
use crate::config::Config;
use crate::db;
use crate::error::StartupError;
use crate::kit::{Clock, SystemClock};
use crate::metrics::Metrics;
use crate::openrouter::client::Timeouts;
use crate::openrouter::lanes::PER_LANE;
use crate::openrouter::OpenRouterClient;
use crate::rate_limit::Limits;
use crate::serve::{self, ServeLimits};
use crate::state::{AppState, Services};
use crate::vault::retire::open_serving_ring;

mod router;

use router::leptos_options;
pub use router::router;

/// A built application: a bound listener and its router, ready to serve.
pub struct Application {
    listener: TcpListener,
    /// The metrics listener, when `METRICS_ADDR` is set.
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects and migrates the database, binds the listener and assembles the routes.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// [`Application::build`] with a chosen clock (tests move time instead of sleeping).
    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartupError> {
        let db = db::connect(&config.database).await?;
        db::migrate(&db, &config.database).await?;
        let listener = TcpListener::bind(config.addr).await.map_err(|e| {
            StartupError::config(
                "LEPTOS_SITE_ADDR",
                format!("cannot listen on {}: {e}", config.addr),
            )
        })?;
        let metrics_listener = match config.metrics_addr {
            None => None,
            Some(addr) => Some(TcpListener::bind(addr).await.map_err(|e| {
                StartupError::config("METRICS_ADDR", format!("cannot listen on {addr}: {e}"))
            })?),
        };
        let ring = open_serving_ring(&config.keyring, config.min_decryption_version, &db).await?;
        let openrouter = OpenRouterClient::with_version(
            &config.openrouter_base_url,
            &config.public_origin,
            Timeouts {
                completion: std::time::Duration::from_secs(config.upstream_timeout_secs),
                ..Timeouts::default()
            },
            config.openrouter_http,
            PER_LANE,
        )
        .map_err(StartupError::Other)?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let metrics = Metrics::new();
        let ai = AiServices::new(
            &config,
            &openrouter,
            db.clone(),
            Arc::clone(&clock),
            &metrics,
        )?;
        let cache = crate::cache::Caches::new(
            Duration::from_secs(config.cache_ttl_secs),
            config.cache_max_entries,
            Arc::clone(&metrics),
        );
        crate::cache::spawn_channel(&db, &cache);
        let state = AppState::new(Services {
            leptos_options: leptos_options(&config),
            cache,
            db,
            clock,
            session_policy: SessionPolicy {
                idle_secs: config.session_idle_secs,
                absolute_secs: config.session_absolute_secs,
            },
            hasher: PasswordHasher::new(cores),
            limits: Arc::new(Limits::new(&config.limits)),
            ring,
            openrouter,
            ai,
            metrics,
            draining: Arc::new(AtomicBool::new(false)),
            config: Arc::new(config),
        });
        spawn_session_sweeper(SeaOrmStore::new(
            state.db.clone(),
            state.clock.clone(),
            state.session_policy.idle_secs,
            Arc::clone(&state.cache),
        ));
        let router = router(state.clone());
        Ok(Self {
            listener,
            metrics_listener,
            router,
            state,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.state.config.addr)
    }

    /// The metrics listener's address, when `METRICS_ADDR` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    /// The application state (tests call use cases directly with it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The database pool, for tests that need to break or inspect it.
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes, under the connection limits of `config.limits`
    /// ([`crate::serve`]). Then it drains: `/ready` answers 503, no connection is accepted,
    /// the requests and streams in progress have `SHUTDOWN_GRACE_SECS` to finish (the rest are
    /// cut, and their calls recorded as cancelled), and the usage ledger's queue is written
    /// before this returns.
    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let addr = self.local_addr();
        tracing::info!(
            "listening on http://{addr} with database {}",
            self.state.config.database.redacted()
        );
        let metrics_server = self.metrics_listener.map(|listener| {
            if let Ok(at) = listener.local_addr() {
                tracing::info!("metrics on http://{at}/metrics");
            }
            let router = crate::metrics::endpoint::router(self.state.clone());
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    tracing::warn!(error = %e, "the metrics listener stopped");
                }
            })
        });
        let draining = Arc::clone(&self.state.draining);
        let signal = async move {
            signal.await;
            draining.store(true, Ordering::Relaxed);
        };
        let mut limits = ServeLimits::from(&self.state.config.limits);
        limits.grace = Duration::from_secs(self.state.config.shutdown_grace_secs);
        serve::serve(self.listener, self.router, limits, signal).await;
        let queued = self.state.ai.ledger.queue_depth();
        if self.state.ai.ledger.drain(LEDGER_DRAIN).await {
            tracing::info!(ledger.rows = queued, "the usage ledger is written; stopped");
        } else {
            tracing::error!(
                ledger.rows = self.state.ai.ledger.queue_depth(),
                "the usage ledger could not be written before the deadline; those rows are lost"
            );
        }
        if let Some(task) = metrics_server {
            task.abort();
        }
        Ok(())
    }
}

/// How long shutdown waits for the usage ledger's queue to be written.
const LEDGER_DRAIN: Duration = Duration::from_secs(15);

fn spawn_session_sweeper(store: SeaOrmStore) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match store.delete_expired().await {
                Ok(n) if n > 0 => tracing::info!(sessions.deleted = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
            }
            match crate::auth::throttle::prune(store.db(), store.now()).await {
                Ok(n) if n > 0 => {
                    tracing::info!(buckets.deleted = n, "idle sign-in throttle rows removed")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove idle sign-in throttle rows"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
