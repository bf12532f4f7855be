//! Tests of the model list: the cache, its refresh, and what it accepts.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

fn entry(id: &str) -> ModelEntry {
    ModelEntry {
        id: id.to_owned(),
        name: None,
        context_length: Some(1000),
        pricing: None,
    }
}

/// A catalog whose fetch answers `answers` in turn (the last one repeats), and a call count.
fn catalog(
    ttl: Duration,
    answers: Vec<Result<Vec<ModelEntry>, UpstreamError>>,
) -> (ModelCatalog, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let answers = Arc::new(answers);
    let fetch: Fetch = Arc::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let answer = answers
            .get(n)
            .or(answers.last())
            .cloned()
            .unwrap_or(Err(UpstreamError::Unreachable));
        Box::pin(async move { answer })
    });
    (
        ModelCatalog::with_fetch(
            fetch,
            ttl,
            std::iter::once("extra/one".to_owned()),
            Arc::new(crate::kit::SystemClock),
            crate::metrics::Metrics::new(),
        ),
        calls,
    )
}

#[tokio::test]
async fn the_list_is_fetched_once_within_its_ttl() {
    let (c, calls) = catalog(Duration::from_secs(600), vec![Ok(vec![entry("a/b")])]);
    assert!(c.check("a/b").await.is_ok());
    assert!(c.list().await.is_ok());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn unknown_ids_are_422_naming_the_model() {
    let (c, _) = catalog(Duration::from_secs(600), vec![Ok(vec![entry("a/b")])]);
    let Err(err) = c.check("no/such").await else {
        panic!("an unknown id passed");
    };
    assert_eq!(err.status, 422);
    assert!(err.body.message.contains("no/such"));
    assert!(
        c.check("a/b:nitro").await.is_ok(),
        "documented variants pass"
    );
    assert!(c.check("a/b:bogus").await.is_err());
    assert!(c.check("extra/one").await.is_ok(), "configured extras pass");
    assert_eq!(c.check("a/b\n").await.map_err(|e| e.status), Err(422));
}

#[tokio::test]
async fn a_failed_refresh_keeps_serving_the_last_good_list() {
    let (c, calls) = catalog(
        Duration::ZERO,
        vec![Ok(vec![entry("a/b")]), Err(UpstreamError::Unreachable)],
    );
    let Ok(first) = c.list().await else {
        panic!("the first fetch failed");
    };
    assert!(!first.stale);
    // The expired list is served at once while a refresh runs in the background; that
    // refresh fails, and the last good list stays, marked stale.
    let mut second = first.clone();
    for _ in 0..100 {
        let Ok(list) = c.list().await else {
            panic!("the last good list was not served");
        };
        second = list;
        if second.stale {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(second.stale);
    assert_eq!(second.models, first.models);
    assert!(c.check("a/b").await.is_ok());
    assert!(calls.load(Ordering::SeqCst) >= 2);
}

#[tokio::test]
async fn prices_come_from_the_fetched_list_and_variants_share_their_base_model() {
    let priced = |id: &str, prompt: &str, completion: &str| ModelEntry {
        pricing: Some(crate::openrouter::types::ModelPricing {
            prompt: prompt.to_owned(),
            completion: completion.to_owned(),
        }),
        ..entry(id)
    };
    let list = vec![
        priced("a/cheap", "0.000001", "0.000002"),
        priced("b/odd", "free", "0"),
        entry("c/unpriced"),
    ];
    let (c, _) = catalog(Duration::from_secs(60), vec![Ok(list)]);
    assert_eq!(c.prices("a/cheap"), None, "nothing is fetched to answer");
    c.list().await.expect("a list");
    assert_eq!(c.prices("a/cheap"), Some((0.000_001, 0.000_002)));
    assert_eq!(c.prices("a/cheap:nitro"), Some((0.000_001, 0.000_002)));
    assert_eq!(c.prices("a/cheap:bogus"), None);
    assert_eq!(c.prices("b/odd"), None, "an unreadable price is no price");
    assert_eq!(c.prices("c/unpriced"), None);
    assert_eq!(c.prices("d/unknown"), None);
}

#[tokio::test]
async fn without_any_list_ids_pass_and_listing_is_503() {
    let (c, calls) = catalog(Duration::from_secs(600), vec![Err(UpstreamError::Timeout)]);
    assert!(c.check("a/b").await.is_ok());
    assert_eq!(c.list().await.map_err(|e| e.status), Err(503));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a failure is not retried at once"
    );
}
