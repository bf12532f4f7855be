//! A property test: random paths, query strings and bodies, of random content types, sent to
//! every REST route, every registered server function and every page, anonymous and signed in,
//! get an answer that is not a 5xx, and the connection is never dropped.
//!
//! `PROPTEST_CASES` sets the number of requests (default [`DEFAULT_CASES`]).

mod inputs;
mod request;
mod targets;

use std::sync::Mutex;

use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::helpers::{client, spawn_app_with};
use request::{case, send, signed_in};
use targets::targets;
pub use targets::REST;

/// Requests sent by default: enough to reach every target several times, quick enough for
/// every run of the suite.
const DEFAULT_CASES: u32 = 1000;

#[test]
fn random_requests_to_every_route_server_function_and_page_get_no_5xx_and_no_dropped_connection() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = rt.block_on(spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1")]));
    // Listing the pages renders the app, which spawns its resources on the runtime.
    let targets = {
        let _runtime = rt.enter();
        targets()
    };
    let accounts = Mutex::new(0usize);
    let browser = Mutex::new(rt.block_on(signed_in(&app, 0)));
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let hits = Mutex::new(vec![0u32; targets.len()]);
    let statuses = Mutex::new(std::collections::BTreeMap::<u16, u32>::new());
    let started = std::time::Instant::now();
    let result = runner.run(&case(targets.len()), |case| {
        let target = &targets[case.target];
        hits.lock().unwrap()[case.target] += 1;
        rt.block_on(async {
            let c = if case.signed_in {
                browser.lock().unwrap().clone()
            } else {
                client()
            };
            let mut outcome = send(&app, target, &case, &c).await;
            // The browser's next request (on the same connection, when it was kept) must be
            // answered too. A case may have signed the browser out, or changed its password:
            // start again with a new account rather than guess.
            let next = c.get(app.url("/api/auth/session")).send().await;
            let still_signed_in = match next {
                Ok(res) => res.status() == 200,
                Err(e) => {
                    outcome = outcome.and(Err(format!("the next request got no answer: {e:?}")));
                    false
                }
            };
            if case.signed_in && !still_signed_in {
                let n = {
                    let mut a = accounts.lock().unwrap();
                    *a += 1;
                    *a
                };
                *browser.lock().unwrap() = signed_in(&app, n).await;
            }
            if let Ok(status) = outcome {
                *statuses.lock().unwrap().entry(status).or_default() += 1;
            }
            outcome
        })
        .map(|_| ())
        .map_err(|e| TestCaseError::fail(format!("{} {}: {e}", target.method, target.path)))
    });
    let hits = hits.into_inner().unwrap();
    eprintln!(
        "fuzz: {cases} cases in {:.1} s, {} targets, each hit {}..={} times, {} fresh accounts, \
         statuses {:?}",
        started.elapsed().as_secs_f64(),
        targets.len(),
        hits.iter().min().unwrap_or(&0),
        hits.iter().max().unwrap_or(&0),
        accounts.into_inner().unwrap(),
        statuses.into_inner().unwrap(),
    );
    if let Err(e) = result {
        // The case can hold long texts: show enough to reproduce, not megabytes.
        let shown: String = format!("{e}").chars().take(3000).collect();
        panic!("{shown}");
    }
}
