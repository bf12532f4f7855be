//! The `fake-openrouter` binary.

use std::{process::Stdio, time::Duration};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

#[tokio::test]
async fn the_binary_prints_its_base_url_first_and_serves_there() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-openrouter"))
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first_line = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        BufReader::new(stdout).read_line(&mut first_line),
    )
    .await
    .expect("a first line within 10 s")
    .unwrap();
    let base_url = first_line.trim();
    let port = base_url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/api/v1"))
        .expect("http://127.0.0.1:PORT/api/v1");
    assert!(port.parse::<u16>().unwrap() > 0);

    let models = crate::helpers::client()
        .get(format!("{base_url}/models"))
        .send()
        .await
        .unwrap();
    assert_eq!(models.status(), 200);
    child.kill().await.unwrap();
}
