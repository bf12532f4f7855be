//! The `studio` binary as a person starts it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn studio() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_studio"));
    cmd.env_clear();
    cmd
}

#[test]
fn with_no_environment_it_creates_its_sqlite_database_and_serves_on_port_3000() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = studio()
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut listening = None;
    let mut earlier = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            earlier.push(line.clone());
            if line.contains("listening on") {
                listening = Some(line);
                break;
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("studio exited early with {status}");
        }
    }
    let health = std::net::TcpStream::connect("127.0.0.1:3000").map(|mut s| {
        use std::io::{Read, Write};
        s.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    });
    let _ = child.kill();
    let _ = child.wait();
    let line = listening.expect("a 'listening on' log line within 30 s");
    assert!(line.contains("http://127.0.0.1:3000"), "{line}");
    assert!(line.contains("sqlite://data/studio.db"), "{line}");
    assert!(
        dir.path().join("data/studio.db").exists(),
        "the database file was created"
    );
    assert!(health.unwrap().starts_with("HTTP/1.1 200"));

    // The embedded default's key ring: beside the database, owner-only, its path logged and its
    // content never.
    let ring_path = dir.path().join("data/keyring.json");
    let ring = std::fs::read_to_string(&ring_path).expect("a key-ring file beside the database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&ring_path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the ring file is readable by its owner only"
        );
    }
    let logs = earlier.join("\n");
    assert!(
        logs.contains("created a new master-key ring") && logs.contains("keyring.json"),
        "{logs}"
    );
    let ring: serde_json::Value = serde_json::from_str(&ring).unwrap();
    for key in ring["keys"].as_object().unwrap().values() {
        assert!(
            !logs.contains(key.as_str().unwrap()),
            "the master key was logged"
        );
    }
}

#[test]
fn a_malformed_database_url_stops_start_up_with_one_line_naming_the_variable() {
    let out = studio()
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unreachable_database_stops_start_up_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let out = studio()
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("STUDIO_KEYRING_FILE", dir.path().join("keyring.json"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("studio: DATABASE_URL: cannot open the database"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn help_documents_every_setting() {
    let out = studio().arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for setting in [
        "LEPTOS_SITE_ADDR",
        "DATABASE_URL",
        "OPENROUTER_BASE_URL",
        "LEPTOS_SITE_ROOT",
    ] {
        assert!(help.contains(setting), "--help mentions {setting}");
    }
}

#[test]
fn sigterm_stops_the_server_gracefully_with_a_zero_exit_and_serves_metrics_until_then() {
    let dir = tempfile::tempdir().unwrap();
    let free = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
    };
    let (addr, metrics) = (free(), free());
    let mut child = studio()
        .current_dir(dir.path())
        .env("LEPTOS_SITE_ADDR", addr.to_string())
        .env("METRICS_ADDR", metrics.to_string())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let get = |at: std::net::SocketAddr, path: &str| {
        std::net::TcpStream::connect(at).ok().map(|mut s| {
            use std::io::{Read, Write};
            let req =
                format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            s.write_all(req.as_bytes()).unwrap();
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            out
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(addr, "/ready").is_none_or(|r| !r.starts_with("HTTP/1.1 200")) {
        assert!(
            Instant::now() < deadline,
            "studio did not get ready within 30 s"
        );
        assert!(child.try_wait().unwrap().is_none(), "studio exited early");
        std::thread::sleep(Duration::from_millis(50));
    }
    let exposition = get(metrics, "/metrics").expect("the metrics listener answers");
    assert!(exposition.starts_with("HTTP/1.1 200"), "{exposition}");
    assert!(exposition.contains("studio_http_requests_total{class=\"health\",status=\"2xx\"}"));

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "studio did not stop within 20 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let logs: Vec<String> = rx.try_iter().collect();
    assert!(
        status.success(),
        "a zero exit after SIGTERM: {status}\n{}",
        logs.join("\n")
    );
    let logs = logs.join("\n");
    assert!(logs.contains("shutting down"), "{logs}");
    assert!(logs.contains("the usage ledger is written"), "{logs}");
}
