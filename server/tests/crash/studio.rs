//! The real `studio` binary as the harness runs it: the server on a fixed address, and the
//! maintenance commands (`rotate-key`, `rewrap`, `check-keys`) against the same database and
//! key-ring file. Every process is killed with SIGKILL (`start_kill`), never asked to stop.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

/// What every `studio` process of one run shares.
#[derive(Debug, Clone)]
pub struct Setup {
    pub addr: SocketAddr,
    pub database_url: String,
    pub openrouter: String,
    pub keyring: PathBuf,
    /// Where the processes' stderr is appended, for a failure's post-mortem.
    pub log: PathBuf,
}

impl Setup {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_studio"));
        cmd.env_clear()
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("OPENROUTER_BASE_URL", &self.openrouter)
            .env("STUDIO_KEYRING_FILE", &self.keyring)
            .env("LEPTOS_SITE_ADDR", self.addr.to_string())
            .env("LIMIT_SIGNUPS_PER_ADDRESS_HOUR", "100000")
            .env("LIMIT_KEY_CHECKS_PER_USER_HOUR", "100000")
            .env("LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR", "100000")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(self.log_file())
            .kill_on_drop(true);
        cmd
    }

    fn log_file(&self) -> Stdio {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::null())
    }

    /// The last lines the processes logged.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Starts the server and waits until `/health` answers 200.
    pub async fn serve(&self, http: &reqwest::Client) -> Child {
        let mut child = self
            .command(&[])
            .stdout(Stdio::null())
            .spawn()
            .expect("studio starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        let health = format!("http://{}/health", self.addr);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "studio exited at start-up with {status}:\n{}",
                    self.log_tail()
                );
            }
            if let Ok(res) = http.get(&health).send().await {
                if res.status() == 200 {
                    return child;
                }
            }
            assert!(
                Instant::now() < deadline,
                "studio did not answer /health within 60 s:\n{}",
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Starts a maintenance command (`rotate-key`, `rewrap`, `check-keys`).
    pub fn maintenance(&self, command: &str) -> Child {
        self.command(&[command])
            .spawn()
            .expect("a studio command starts")
    }

    /// Runs `studio check-keys` to its end: its exit status and what it printed.
    pub async fn check_keys(&self) -> (bool, String) {
        let out = self
            .maintenance("check-keys")
            .wait_with_output()
            .await
            .expect("check-keys runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }
}

/// SIGKILLs `child` and reaps it.
pub async fn kill(child: &mut Child) {
    let _ = child.start_kill();
    let _ = child.wait().await;
}

/// A free port on 127.0.0.1, kept for the whole run (the server comes back on it).
pub fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address")
}

/// A fresh database: a SQLite file in `dir`, or a new PostgreSQL database when
/// `STUDIO_TEST_POSTGRES_URL` names a server.
pub async fn fresh_database(dir: &Path) -> String {
    crate::database::fresh_database_url(dir, "crash").await
}
