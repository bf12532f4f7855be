//! The metrics listener's router: `GET /metrics` and nothing else. It is served only on
//! `METRICS_ADDR`, never on the public listener.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use super::render::{render, Gauges};
use crate::state::AppState;

/// The router the metrics listener serves.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let gauges = Gauges {
        ledger_queue_depth: state.ai.ledger.queue_depth(),
        resident_bytes: resident_bytes(),
        draining: state.draining.load(Ordering::Relaxed),
        state_cache_live: state.cache.is_live(),
        upstream_lanes: state.openrouter.lanes(),
    };
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        render(&state.metrics, gauges),
    )
}

/// `VmRSS` from `/proc/self/status`, in bytes; `None` where there is no such file.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_rss(&status)
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_is_read_from_the_status_file_in_bytes() {
        let status = "Name:\tstudio\nVmPeak:\t  9999 kB\nVmRSS:\t   2048 kB\nThreads:\t4\n";
        assert_eq!(parse_vm_rss(status), Some(2048 * 1024));
        assert_eq!(parse_vm_rss("Name:\tstudio\n"), None);
        assert_eq!(parse_vm_rss("VmRSS:\tlots kB\n"), None);
    }
}
