//! Two hundred sign-ins at once, each reaching its password check: the Argon2 cap makes them
//! queue (one hash per core, about 19 MiB each) instead of running together, and the server
//! keeps answering everyone else meanwhile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::support::{count, sign_in_burst, spawn_behind_proxy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_sign_ins_at_once_queue_for_argon2_while_health_keeps_answering() {
    let app = Arc::new(spawn_behind_proxy(&[]).await);
    let done = Arc::new(AtomicBool::new(false));
    // While the burst runs, /health is asked again and again; each must answer 200. The
    // timeout only keeps a hang from hanging the suite (a bound, not a measurement).
    let health = {
        let (app, done) = (app.clone(), done.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut answered = 0u32;
            while !done.load(Ordering::SeqCst) {
                let res = client
                    .get(app.url("/health"))
                    .timeout(Duration::from_secs(20))
                    .send()
                    .await
                    .expect("/health answered during the burst");
                assert_eq!(res.status(), 200, "/health during the burst");
                answered += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            answered
        })
    };
    // Unknown emails, each from its own address: no limit stops them, so every one is
    // checked against a password hash (the dummy one, as for any unknown email).
    let answers = sign_in_burst(
        &app,
        200,
        |i| format!("10.{}.{}.1", i / 200, i % 200),
        |i| format!("nobody{i}@example.com"),
        "a wrong password, checked all the same",
    )
    .await;
    done.store(true, Ordering::SeqCst);
    let health_answers = health.await.expect("the /health loop");

    assert_eq!(
        count(&answers, 401),
        200,
        "every sign-in was checked and refused: {answers:?}"
    );
    assert!(health_answers >= 1, "/health was asked during the burst");
    // The server is still whole afterwards.
    let res = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .expect("/health after the burst");
    assert_eq!(res.status(), 200);
}
