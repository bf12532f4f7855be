//! Running the fake: bind, serve in the background, stop.

use std::{
    io,
    net::{Ipv4Addr, SocketAddr},
    time::Duration,
};

use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use crate::{app, config::FakeConfig, recording::RecordedRequest, state::AppState};

/// How long [`FakeOpenRouter::shutdown`] lets open connections finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running fake OpenRouter. Dropping it stops accepting connections.
#[derive(Debug)]
pub struct FakeOpenRouter {
    addr: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl FakeOpenRouter {
    /// Starts the fake on `127.0.0.1` on a free port, serving on the current Tokio runtime.
    pub async fn start(config: FakeConfig) -> io::Result<Self> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Starts the fake on `addr` (port 0 picks a free port).
    pub async fn start_on(addr: SocketAddr, config: FakeConfig) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = AppState::new(config);
        let router = app::router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    // A dropped sender stops the server too.
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "fake OpenRouter stopped serving");
            }
        });
        tracing::info!(%addr, "fake OpenRouter listening");
        Ok(Self {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give the app as `OPENROUTER_BASE_URL`: `http://ADDR/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// Every request received (bar `/__fake/…`), oldest first, up to the configured cap.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.log.snapshot()
    }

    /// Forgets the recorded requests.
    pub fn clear(&self) {
        self.state.log.clear();
    }

    /// How many streaming responses are open right now.
    pub fn open_streams(&self) -> usize {
        self.state.streams.open()
    }

    /// How many streaming responses were dropped before their end (the client went away).
    pub fn cancelled_streams(&self) -> usize {
        self.state.streams.cancelled()
    }

    /// The authorisation page's URL, to give the app as `OPENROUTER_AUTH_URL`.
    pub fn auth_url(&self) -> String {
        format!("http://{}/auth", self.addr)
    }

    /// Makes every authorisation code handed out so far expired.
    pub fn expire_auth_codes(&self) {
        self.state.auth_codes.expire_all();
    }

    /// Chooses the hex prefix of keys the exchange hands out next (`None`: a live `c0de` key).
    pub fn set_issued_key_prefix(&self, prefix: Option<&str>) {
        self.state
            .auth_codes
            .set_key_prefix(prefix.map(str::to_owned));
    }

    /// Sets what `/key` reports for keys whose hex begins with `prefix`: `data` fields replace
    /// its own, and `disabled` makes every endpoint answer 401 "Key is disabled".
    pub fn set_key_facts(
        &self,
        prefix: &str,
        data: serde_json::Map<String, serde_json::Value>,
        disabled: bool,
    ) {
        self.state
            .key_facts
            .set(prefix, crate::key_facts::KeyFacts { data, disabled });
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &FakeConfig {
        &self.state.config
    }

    /// Stops accepting connections and waits briefly for open ones; long-held requests
    /// (a `SLOW` prompt) are cut off after the grace period.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for FakeOpenRouter {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
