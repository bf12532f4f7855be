//! The server's metrics, kept in atomics and written in Prometheus' text format by
//! `GET /metrics`, which only the separate metrics listener (`METRICS_ADDR`) serves.
//!
//! Every label takes one of a fixed set of values (a request's class, a status class, an AI
//! feature and the ledger's outcome names), so the number of series is bounded whatever the
//! traffic: no path, user or model ever becomes a label.

pub mod endpoint;
pub mod http;
mod render;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use render::{render, Gauges};

/// What a request was for, as the metrics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// `/api/ai/...`: the AI endpoints.
    Ai,
    /// The rest of the REST API.
    Api,
    /// A Leptos server function.
    ServerFn,
    /// A page.
    Page,
    /// `/pkg/...` and other static files.
    Asset,
    /// `/health` and `/ready`.
    Health,
}

impl Class {
    const ALL: [Self; 6] = [
        Self::Ai,
        Self::Api,
        Self::ServerFn,
        Self::Page,
        Self::Asset,
        Self::Health,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Ai => "ai",
            Self::Api => "api",
            Self::ServerFn => "server_fn",
            Self::Page => "page",
            Self::Asset => "asset",
            Self::Health => "health",
        }
    }
}

/// Upper bounds of the latency histogram's buckets, in seconds (`+Inf` is implied).
const BUCKETS: [f64; 14] = [
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The most distinct (feature, outcome) pairs counted; the outcomes are the ledger's fixed
/// names, so this is never reached in practice, and past it calls are counted as `other`.
const MAX_OUTCOMES: usize = 128;

/// A latency histogram: cumulative counts per bucket, the count and the sum.
#[derive(Debug, Default)]
struct Histogram {
    /// Observations at or below `BUCKETS[i]` are counted in `buckets[i]` (not cumulative here;
    /// the renderer sums them).
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// The sum in microseconds.
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

/// Requests of one class: counts per status class (1xx..5xx) and the time to the response's
/// head.
#[derive(Debug, Default)]
struct ClassStats {
    by_status: [AtomicU64; 5],
    latency: Histogram,
}

/// The registry; one per application, shared through the state.
#[derive(Debug, Default)]
pub struct Metrics {
    classes: [ClassStats; Class::ALL.len()],
    upstream: Mutex<BTreeMap<(&'static str, String), u64>>,
    open_streams: AtomicI64,
    streams_opened: AtomicU64,
    ledger_written: AtomicU64,
    ledger_dropped: AtomicU64,
    model_cache_hits: AtomicU64,
    model_cache_misses: AtomicU64,
    /// Per state cache (`crate::cache::Name`): hits, misses.
    state_cache: [[AtomicU64; 2]; 4],
}

impl Metrics {
    /// A registry with every counter at zero.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Counts one answered request of `class` with `status`, `elapsed` after it arrived.
    pub fn request(&self, class: Class, status: u16, elapsed: Duration) {
        let stats = &self.classes[class as usize];
        let slot = usize::from(status / 100).clamp(1, 5) - 1;
        stats.by_status[slot].fetch_add(1, Ordering::Relaxed);
        stats.latency.observe(elapsed);
    }

    /// Counts one upstream AI call of `feature` that ended with the ledger's `outcome`
    /// (`ok`, `cancelled`, `error:<kind>`).
    pub fn upstream_call(&self, feature: &'static str, outcome: &str) {
        let Ok(mut map) = self.upstream.lock() else {
            return;
        };
        let key = (feature, outcome.to_owned());
        if map.len() >= MAX_OUTCOMES && !map.contains_key(&key) {
            *map.entry((feature, "other".to_owned())).or_insert(0) += 1;
        } else {
            *map.entry(key).or_insert(0) += 1;
        }
    }

    /// A streamed answer opened; the guard closes it when dropped.
    pub fn stream_opened(self: &Arc<Self>) -> OpenStream {
        self.open_streams.fetch_add(1, Ordering::Relaxed);
        self.streams_opened.fetch_add(1, Ordering::Relaxed);
        OpenStream(Arc::clone(self))
    }

    /// Streamed answers open now.
    pub fn open_streams(&self) -> i64 {
        self.open_streams.load(Ordering::Relaxed)
    }

    /// `n` usage rows were written.
    pub fn ledger_written(&self, n: usize) {
        self.ledger_written
            .fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// A usage row was lost (the queue was full, or the database refused it).
    pub fn ledger_dropped(&self) {
        self.ledger_dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// A model-list lookup was served from the cache (`hit`) or had to wait for OpenRouter.
    pub fn model_cache(&self, hit: bool) {
        let counter = if hit {
            &self.model_cache_hits
        } else {
            &self.model_cache_misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

impl Metrics {
    /// A lookup in the state cache `name` was answered from it (`hit`) or went to the database.
    pub fn state_cache(&self, name: crate::cache::Name, hit: bool) {
        self.state_cache[name as usize][usize::from(!hit)].fetch_add(1, Ordering::Relaxed);
    }

    /// Hits and misses of the state cache `name` so far.
    pub fn state_cache_counts(&self, name: crate::cache::Name) -> (u64, u64) {
        let [hits, misses] = &self.state_cache[name as usize];
        (hits.load(Ordering::Relaxed), misses.load(Ordering::Relaxed))
    }
}

/// One open stream, counted in `open_streams` while it lives.
#[derive(Debug)]
pub struct OpenStream(Arc<Metrics>);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.open_streams.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_lands_in_its_status_class_and_the_first_bucket_it_fits() {
        let m = Metrics::new();
        m.request(Class::Ai, 200, Duration::from_micros(700));
        m.request(Class::Ai, 429, Duration::from_millis(3));
        m.request(Class::Ai, 999, Duration::from_secs(60));
        let ai = &m.classes[Class::Ai as usize];
        let by_status: Vec<u64> = ai
            .by_status
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect();
        assert_eq!(by_status, [0, 1, 0, 1, 1]);
        assert_eq!(
            ai.latency.buckets[1].load(Ordering::Relaxed),
            1,
            "0.7 ms is under 1 ms"
        );
        assert_eq!(
            ai.latency.buckets[3].load(Ordering::Relaxed),
            1,
            "3 ms is under 5 ms"
        );
        assert_eq!(
            ai.latency.count.load(Ordering::Relaxed),
            3,
            "60 s only in +Inf"
        );
        assert_eq!(
            m.classes[Class::Page as usize]
                .latency
                .count
                .load(Ordering::Relaxed),
            0
        );
    }

    #[test]
    fn an_open_stream_is_counted_until_its_guard_is_dropped() {
        let m = Metrics::new();
        let a = m.stream_opened();
        let b = m.stream_opened();
        assert_eq!(m.open_streams(), 2);
        drop(a);
        assert_eq!(m.open_streams(), 1);
        drop(b);
        assert_eq!(m.open_streams(), 0);
        assert_eq!(m.streams_opened.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn upstream_outcomes_are_bounded_in_number() {
        let m = Metrics::new();
        for i in 0..(MAX_OUTCOMES + 50) {
            m.upstream_call("chat", &format!("error:kind{i}"));
        }
        let map = m.upstream.lock().map(|m| m.clone()).unwrap_or_default();
        assert_eq!(map.len(), MAX_OUTCOMES + 1, "the cap, and one `other`");
        assert_eq!(map.get(&("chat", "other".to_owned())), Some(&50));
    }
}
