//! Starting the app for a test.

use std::net::SocketAddr;

use fake_openrouter::{FakeConfig, FakeOpenRouter};
use sea_orm::DatabaseConnection;
use server::config::{Config, DatabaseUrl};
use server::kit::clock::OffsetClock;
use server::Application;
use std::sync::Arc;

/// A running app with its own database and fake OpenRouter.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: DatabaseConnection,
    pub fake: FakeOpenRouter,
    pub client: reqwest::Client,
    /// Keeps the SQLite folder alive for the test's duration.
    pub _dir: tempfile::TempDir,
    pub database_url: String,
    pub clock: OffsetClock,
    pub state: server::state::AppState,
    pub settings: Settings,
    /// The metrics listener, when `METRICS_ADDR` was set.
    pub metrics_addr: Option<SocketAddr>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A second browser: its own cookie jar.
    pub fn new_client(&self) -> reqwest::Client {
        client()
    }

    /// Signs up `email` on `client` and returns the new user's id.
    pub async fn sign_up_with(&self, client: &reqwest::Client, email: &str) -> String {
        let body = serde_json::json!({"email": email, "password": PASSWORD, "name": "Test"});
        let res = self.post(client, "/api/auth/signup", &body).await;
        assert_eq!(res.status(), 201, "sign-up of {email}");
        let body: serde_json::Value = res.json().await.unwrap();
        body["user"]["id"].as_str().unwrap().to_owned()
    }

    /// POSTs `body` as JSON to `path` with `client`.
    pub async fn post(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        client.post(self.url(path)).json(body).send().await.unwrap()
    }

    /// GETs `path` with `client`.
    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// GETs `path` with `client` and reads the JSON body.
    pub async fn get_json(&self, client: &reqwest::Client, path: &str) -> serde_json::Value {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Signs up a fresh user on the default client.
    pub async fn sign_up(&self, email: &str) -> String {
        self.sign_up_with(&self.client, email).await
    }
}

/// The password every test user has.
pub const PASSWORD: &str = "correct horse battery staple";

/// A client with a cookie jar that does not follow redirects and, like a browser on the
/// studio's own pages, sends `Sec-Fetch-Site: same-origin` (a request may set its own).
pub fn client() -> reqwest::Client {
    builder().cookie_store(true).build().unwrap()
}

/// The same without a cookie jar, for tests that set the `cookie` header themselves.
pub fn client_without_jar() -> reqwest::Client {
    builder().build().unwrap()
}

fn builder() -> reqwest::ClientBuilder {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "sec-fetch-site",
        reqwest::header::HeaderValue::from_static("same-origin"),
    );
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
}

/// The session cookie (`name=value`) a response set, if any.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("studio_sid=") || c.starts_with("__Host-sid="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

/// A fresh database URL: a new SQLite file, or a new PostgreSQL database when
/// `STUDIO_TEST_POSTGRES_URL` names a server.
pub async fn fresh_database_url(dir: &tempfile::TempDir) -> String {
    database::fresh_database_url(dir.path(), "api").await
}

#[path = "../support/database.rs"]
mod database;

/// Calls the server function `name` with a form.
pub async fn server_fn(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let res = c
        .post(app.url(&format!("/api/{name}")))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// Starts the app with the test defaults.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the app with `extra` settings on top of the test defaults.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn_app_with_fake(FakeConfig::default(), extra).await
}

/// Starts the app with a fake OpenRouter configured by `fake_config` (its delays), and `extra`
/// settings on top of the test defaults.
pub async fn spawn_app_with_fake(fake_config: FakeConfig, extra: &[(&str, &str)]) -> TestApp {
    spawn_app_until(fake_config, extra, std::future::pending())
        .await
        .0
}

/// [`spawn_app_with_fake`], serving until `stop` completes (as SIGTERM would); the handle ends
/// when the server has drained and stopped.
pub async fn spawn_app_until(
    fake_config: FakeConfig,
    extra: &[(&str, &str)],
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> (
    TestApp,
    tokio::task::JoinHandle<Result<(), server::error::StartupError>>,
) {
    let fake = FakeOpenRouter::start(fake_config)
        .await
        .expect("fake starts");
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&dir).await;
    let keyring = dir.path().join("keyring.json");
    let settings = Settings {
        database_url: database_url.clone(),
        openrouter: fake.base_url(),
        keyring: keyring.clone(),
    };
    let config = settings.config(extra).expect("test config is valid");
    assert!(DatabaseUrl::parse(&database_url).is_ok());
    let clock = OffsetClock::default();
    let app = Application::build_with_clock(config, Arc::new(clock.clone()))
        .await
        .expect("app builds");
    let addr = app.local_addr();
    let db = app.db().clone();
    let state = app.state().clone();
    let metrics_addr = app.metrics_addr();
    let server = tokio::spawn(app.run_until(stop));
    let app = TestApp {
        addr,
        db,
        fake,
        client: client(),
        _dir: dir,
        database_url,
        clock,
        state,
        settings,
        metrics_addr,
    };
    (app, server)
}

/// A second instance of `app` (same database, key ring and fake OpenRouter, `extra` on top),
/// serving on its own port: its base URL and state, or why it would not start.
pub async fn another_instance(
    app: &TestApp,
    extra: &[(&str, &str)],
) -> Result<(String, server::state::AppState), String> {
    let config = app.settings.config(extra).map_err(|e| e.to_string())?;
    let built = Application::build(config)
        .await
        .map_err(|e| e.to_string())?;
    let url = format!("http://{}", built.local_addr());
    let state = built.state().clone();
    tokio::spawn(built.run_until(std::future::pending()));
    Ok((url, state))
}

/// The settings a test app was started with, to start or configure another process like it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub openrouter: String,
    pub keyring: std::path::PathBuf,
}

impl Settings {
    /// The environment the app was started with, `extra` on top.
    pub fn lookup(&self, extra: &[(&str, &str)], name: &str) -> Option<String> {
        if let Some((_, v)) = extra.iter().find(|(k, _)| *k == name) {
            return Some((*v).to_owned());
        }
        match name {
            "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".to_owned()),
            "DATABASE_URL" => Some(self.database_url.clone()),
            "OPENROUTER_BASE_URL" => Some(self.openrouter.clone()),
            // The fake's authorisation page sits beside its API: `http://ADDR/auth`.
            "OPENROUTER_AUTH_URL" => Some(self.openrouter.replace("/api/v1", "/auth")),
            "STUDIO_KEYRING_FILE" => Some(self.keyring.display().to_string()),
            // Every test client comes from 127.0.0.1, so the per-address and per-user limits
            // are raised; the tests of those limits set them back explicitly.
            "LIMIT_SIGNUPS_PER_ADDRESS_HOUR"
            | "LIMIT_KEY_CHECKS_PER_USER_HOUR"
            | "LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR" => Some("100000".to_owned()),
            _ => None,
        }
    }

    /// These settings as a `Config`, `extra` on top.
    pub fn config(&self, extra: &[(&str, &str)]) -> Result<Config, server::error::StartupError> {
        Config::from_lookup(|name| self.lookup(extra, name))
    }

    /// The variables the `studio` binary needs to reach the same database and key ring.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        ["DATABASE_URL", "OPENROUTER_BASE_URL", "STUDIO_KEYRING_FILE"]
            .into_iter()
            .filter_map(|name| self.lookup(&[], name).map(|v| (name, v)))
            .collect()
    }
}

/// Everything the database holds on disk, as text: the SQLite file with its `-wal` and `-shm`,
/// or a `pg_dump`.
pub async fn dump_database(app: &TestApp) -> String {
    if app.database_url.starts_with("postgres") {
        let out = std::process::Command::new("pg_dump")
            .arg(&app.database_url)
            .output()
            .expect("pg_dump runs");
        assert!(
            out.status.success(),
            "pg_dump: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return String::from_utf8_lossy(&out.stdout).into_owned();
    }
    let base = app._dir.path().join("studio.db");
    let mut all = String::new();
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", base.display());
        if let Ok(bytes) = std::fs::read(&path) {
            all.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    assert!(!all.is_empty(), "the SQLite files were read");
    all
}

/// Replaces `user_id`'s stored key by `plaintext`, bypassing OpenRouter's check (for keys
/// the vault would refuse to save, such as a revoked one).
pub async fn force_key(app: &TestApp, user_id: &str, plaintext: &str) {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    use server::entities::user_api_key;
    let secret = secrecy::SecretString::from(plaintext.to_owned());
    let (sealed, _) =
        server::vault::envelope::seal(&app.state.ring.current(), user_id, &secret).unwrap();
    user_api_key::Entity::update(user_api_key::ActiveModel {
        user_id: Set(user_id.to_owned()),
        secret_enc: Set(sealed),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    // Written behind the studio's back: tell its cache, as the studio's own writes do.
    app.state.cache.forget_user(user_id);
}
