//! The upstream client's connections.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use super::*;

/// An upstream answering `GET /models` after `delay`, over HTTP/1.1, counting the connections
/// it accepts. Returns its base URL and the count.
async fn counting_upstream(delay: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let answer = hyper::service::service_fn(move |_: Request<Incoming>| async move {
                    tokio::time::sleep(delay).await;
                    Ok::<_, Infallible>(Response::new(r#"{"data":[]}"#.to_owned()))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), answer)
                    .await;
            });
        }
    });
    (base, accepted)
}

#[tokio::test]
async fn a_second_burst_of_calls_reuses_the_first_bursts_connections() {
    let (base, accepted) = counting_upstream(Duration::from_millis(200)).await;
    let client = OpenRouterClient::with_version(
        &base,
        "http://localhost:3000",
        Timeouts::default(),
        HttpVersion::Http1,
        PER_LANE,
    )
    .expect("a client");
    // 80 calls at once, within one lane: over HTTP/1.1 each needs a connection of its own.
    let burst = || futures::future::join_all((0..80).map(|_| client.models()));
    for result in burst().await {
        assert!(result.is_ok(), "{result:?}");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 80);
    for result in burst().await {
        assert!(result.is_ok(), "{result:?}");
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        80,
        "the second burst found every connection of the first idle in the pool"
    );
}
