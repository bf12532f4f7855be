//! Starting `studio` processes on one database and talking to them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::process::{Child, Command};

/// The password every test user has.
pub const PASSWORD: &str = "correct horse battery staple";

/// One `studio` process.
pub struct Instance {
    base: String,
    metrics: SocketAddr,
    http: reqwest::Client,
    _child: Child,
}

/// Two `studio` processes on one database, key ring and fake OpenRouter.
pub struct Pair {
    pub a: Instance,
    pub b: Instance,
    env: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address")
}

async fn fresh_database(dir: &std::path::Path) -> String {
    crate::database::fresh_database_url(dir, "procs").await
}

fn command(env: &[(String, String)], args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_studio"));
    cmd.env_clear()
        .args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

impl Pair {
    /// Starts two processes with `extra` settings and waits until both answer `/health`.
    pub async fn start(openrouter: &str, extra: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut env: Vec<(String, String)> = vec![
            ("DATABASE_URL".into(), fresh_database(dir.path()).await),
            ("OPENROUTER_BASE_URL".into(), openrouter.to_owned()),
            (
                "STUDIO_KEYRING_FILE".into(),
                dir.path().join("keyring.json").display().to_string(),
            ),
        ];
        for name in [
            "LIMIT_SIGNUPS_PER_ADDRESS_HOUR",
            "LIMIT_KEY_CHECKS_PER_USER_HOUR",
            "LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR",
        ] {
            env.push((name.into(), "100000".into()));
        }
        env.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        // One first, so that the migrations and the key ring are made once.
        let a = Instance::start(&env, dir.path().join("a.log")).await;
        let b = Instance::start(&env, dir.path().join("b.log")).await;
        Self {
            a,
            b,
            env,
            _dir: dir,
        }
    }

    /// Runs `studio <args>` on the same database and ring to its end.
    pub async fn command(&self, args: &[&str]) -> Output {
        command(&self.env, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .await
            .expect("a studio command runs")
    }
}

impl Instance {
    async fn start(env: &[(String, String)], log: PathBuf) -> Self {
        let (addr, metrics) = (free_addr(), free_addr());
        let log_file = std::fs::File::create(&log).expect("a log file");
        let mut child = command(env, &[])
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            .env("METRICS_ADDR", metrics.to_string())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("studio starts");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let base = format!("http://{addr}");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "studio exited at start-up with {status}: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            if let Ok(res) = http.get(format!("{base}/health")).send().await {
                if res.status() == 200 {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "studio did not answer /health");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Self {
            base,
            metrics,
            http,
            _child: child,
        }
    }

    /// Sends `body` (or nothing) with `cookie`, as the studio's own pages would; answers the
    /// status and the JSON.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        cookie: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin")
            .header("cookie", cookie);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("the instance answers");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn session_from(&self, path: &str, body: Value, want: u16) -> String {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), want, "{path}");
        res.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("studio_sid="))
            .and_then(|c| c.split(';').next())
            .expect("a session cookie")
            .to_owned()
    }

    /// Signs `email` up; answers the session cookie.
    pub async fn sign_up(&self, email: &str) -> String {
        let body = json!({"email": email, "password": PASSWORD});
        self.session_from("/api/auth/signup", body, 201).await
    }

    /// Signs `email` in; answers the session cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let body = json!({"email": email, "password": password});
        self.session_from("/api/auth/signin", body, 200).await
    }

    /// One wrong sign-in for `email` from client address `from` (through a trusted proxy).
    pub async fn wrong_guess(&self, email: &str, from: &str) -> u16 {
        self.http
            .post(format!("{}/api/auth/signin", self.base))
            .header("sec-fetch-site", "same-origin")
            .header("x-forwarded-for", from)
            .json(&json!({"email": email, "password": "a wrong guess"}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// `GET /metrics` from its metrics listener.
    pub async fn metrics(&self) -> String {
        self.http
            .get(format!("http://{}/metrics", self.metrics))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

/// The value of the series `name` (with its labels) in a metrics text.
pub fn counter(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}
