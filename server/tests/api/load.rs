//! The connection limits: slow or idle clients cannot hold the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_openrouter::{FakeConfig, FakeOpenRouter};
use server::kit::clock::OffsetClock;
use server::Application;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{client, fresh_database_url, spawn_app_with, Settings};

/// Reads `stream` until the server closes it, for at most `bound`; returns what arrived and
/// whether the server closed the connection within the bound.
async fn read_until_closed(stream: &mut TcpStream, bound: Duration) -> (String, bool) {
    let mut received = Vec::new();
    let read = tokio::time::timeout(bound, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    (
        String::from_utf8_lossy(&received).into_owned(),
        read.is_ok(),
    )
}

/// The head of a JSON POST to `path` whose body is `length` bytes.
fn post_head(path: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_stall_in_their_headers_are_disconnected_after_the_header_timeout() {
    let app = spawn_app_with(&[("HEADER_READ_TIMEOUT_SECS", "1")]).await;
    let started = Instant::now();
    let mut half_line = TcpStream::connect(app.addr).await.unwrap();
    half_line
        .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.")
        .await
        .unwrap();
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    let mut preface_only = TcpStream::connect(app.addr).await.unwrap();
    preface_only.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();

    let stalled = [&mut half_line, &mut silent, &mut preface_only];
    let reads = stalled
        .into_iter()
        .map(|s| read_until_closed(s, Duration::from_secs(10)));
    let health = app.get(&app.client, "/health");
    let (closed, health) = tokio::join!(futures::future::join_all(reads), health);

    assert_eq!(health.status(), 200, "others are served meanwhile");
    for (i, (text, was_closed)) in closed.iter().enumerate() {
        assert!(was_closed, "stalled connection {i} was closed");
        assert!(
            !text.contains("200 OK"),
            "connection {i} got no answer: {text}"
        );
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "closed only once the timeout passed, after {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stalls_gets_a_json_408_after_the_body_timeout() {
    let app = spawn_app_with(&[("BODY_READ_TIMEOUT_SECS", "1")]).await;
    let mut stalled = TcpStream::connect(app.addr).await.unwrap();
    let head = post_head("/api/auth/signin", 200);
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(br#"{"email": "a@exa"#).await.unwrap();

    let (text, closed) = read_until_closed(&mut stalled, Duration::from_secs(10)).await;
    assert!(closed, "the connection was closed after the answer");
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["error"], "Request timeout");
    assert!(body["message"].as_str().unwrap().contains("too long"));

    // A body that arrives whole in time is answered as usual.
    let res = app
        .post(
            &app.client,
            "/api/auth/signin",
            &serde_json::json!({"email": "nobody@example.com", "password": "wrong password"}),
        )
        .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_limit_a_request_waits_until_a_connection_closes() {
    let app = spawn_app_with(&[("MAX_CONNECTIONS", "2")]).await;
    let idle_a = TcpStream::connect(app.addr).await.unwrap();
    let _idle_b = TcpStream::connect(app.addr).await.unwrap();

    let third = client();
    let url = app.url("/health");
    let mut waiting = tokio::spawn(async move { third.get(url).send().await.map(|r| r.status()) });
    let early = tokio::time::timeout(Duration::from_millis(700), &mut waiting).await;
    assert!(early.is_err(), "the third request waited: {early:?}");

    drop(idle_a);
    let status = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("served once a connection closed")
        .unwrap()
        .unwrap();
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_down_finishes_the_request_in_progress_then_stops_serving() {
    let fake = FakeOpenRouter::start(FakeConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        database_url: fresh_database_url(&dir).await,
        openrouter: fake.base_url(),
        keyring: dir.path().join("keyring.json"),
    };
    let config = settings.config(&[]).unwrap();
    let app = Application::build_with_clock(config, Arc::new(OffsetClock::default()))
        .await
        .unwrap();
    let addr = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    let body = br#"{"email": "nobody@example.com", "password": "wrong password"}"#;
    let mut in_progress = TcpStream::connect(addr).await.unwrap();
    let head = post_head("/api/auth/signin", body.len());
    in_progress.write_all(head.as_bytes()).await.unwrap();
    in_progress.write_all(&body[..10]).await.unwrap();
    // Let the server take the request in before it is told to stop.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!server.is_finished(), "waits for the request in progress");
    in_progress.write_all(&body[10..]).await.unwrap();

    let (text, closed) = read_until_closed(&mut in_progress, Duration::from_secs(10)).await;
    assert!(text.starts_with("HTTP/1.1 401"), "{text}");
    assert!(closed, "the connection closed after its answer");
    let result = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stopped once its last connection closed")
        .unwrap();
    assert!(result.is_ok());
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

/// Sends `head` and then, in the background, `body_len` bytes of body in pieces, as a client
/// still uploading does; returns everything the server sent until it closed the connection.
async fn answer_while_uploading(
    app: &crate::helpers::TestApp,
    head: String,
    body_len: usize,
) -> String {
    let stream = TcpStream::connect(app.addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let upload = tokio::spawn(async move {
        write.write_all(head.as_bytes()).await.unwrap();
        let piece = vec![b'a'; 16 * 1024];
        let mut sent = 0;
        while sent < body_len {
            if write.write_all(&piece).await.is_err() {
                break;
            }
            sent += piece.len();
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    upload.abort();
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_sent_before_the_body_was_read_arrives_whole_while_the_client_still_uploads() {
    let app = spawn_app_with(&[]).await;
    for round in 0..20 {
        // A page does not read a body: its answer ends the connection while the upload goes on.
        let head = format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
            8 * 1024 * 1024
        );
        let text = answer_while_uploading(&app, head, 8 * 1024 * 1024).await;
        assert!(
            text.starts_with("HTTP/1.1 200"),
            "round {round}: {text:.200}"
        );
        assert!(
            text.contains("</html>"),
            "round {round}: the page arrived whole: {} bytes",
            text.len()
        );
        assert!(
            text.ends_with("0\r\n\r\n"),
            "round {round}: the chunked body ended: {} bytes",
            text.len()
        );

        // A route whose limit the body passes answers 413 before reading it.
        let head = post_head("/api/user/api-key", 8 * 1024 * 1024);
        let text = answer_while_uploading(&app, head, 8 * 1024 * 1024).await;
        assert!(text.starts_with("HTTP/1.1 4"), "round {round}: {text:.300}");
        assert!(
            text.contains(r#""error""#),
            "round {round}: the JSON body arrived: {text:.300}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_clients_with_prior_knowledge_are_served_beside_http1_clients() {
    let app = spawn_app_with(&[]).await;
    let h2 = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let (over_h2, over_h1) = tokio::join!(app.get(&h2, "/health"), app.get(&app.client, "/health"));
    assert_eq!(over_h2.status(), 200);
    assert_eq!(over_h2.version(), reqwest::Version::HTTP_2);
    assert_eq!(over_h1.status(), 200);
    assert_eq!(over_h1.version(), reqwest::Version::HTTP_11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_preface_sent_in_pieces_is_still_answered_as_http2() {
    let app = spawn_app_with(&[]).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    stream.write_all(&preface[..7]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stream.write_all(&preface[7..]).await.unwrap();
    // An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
    stream
        .write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0])
        .await
        .unwrap();
    let mut head = [0u8; 9];
    tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut head))
        .await
        .expect("the server answered within 5 s")
        .unwrap();
    assert_eq!(
        head[3], 4,
        "the server's first frame is its SETTINGS: {head:?}"
    );
}
