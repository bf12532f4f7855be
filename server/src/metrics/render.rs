//! The Prometheus text format (version 0.0.4) of the registry.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use super::{Class, Metrics, BUCKETS};

/// Values read when the metrics are asked for, not counted as they happen.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    /// Usage rows waiting to be written.
    pub ledger_queue_depth: usize,
    /// The process's resident memory, where the system tells it.
    pub resident_bytes: Option<u64>,
    /// Whether the server is draining (shutting down).
    pub draining: bool,
    /// Whether the state caches are live (see `crate::cache`).
    pub state_cache_live: bool,
    /// Upstream lanes open (see `crate::openrouter::lanes`).
    pub upstream_lanes: usize,
}

/// The whole exposition.
pub fn render(m: &Metrics, g: Gauges) -> String {
    let mut out = String::with_capacity(8 * 1024);
    requests(&mut out, m);
    upstream(&mut out, m);
    counter_or_gauge(
        &mut out,
        "studio_open_streams",
        "gauge",
        "Streamed AI answers open now.",
        m.open_streams.load(Ordering::Relaxed),
    );
    counter_or_gauge(
        &mut out,
        "studio_streams_opened_total",
        "counter",
        "Streamed AI answers opened since start.",
        m.streams_opened.load(Ordering::Relaxed),
    );
    counter_or_gauge(
        &mut out,
        "studio_upstream_lanes",
        "gauge",
        "Upstream HTTP clients (lanes of at most 100 calls) open.",
        g.upstream_lanes,
    );
    counter_or_gauge(
        &mut out,
        "studio_ledger_queue_depth",
        "gauge",
        "Usage rows waiting to be written.",
        g.ledger_queue_depth,
    );
    counter_or_gauge(
        &mut out,
        "studio_ledger_rows_written_total",
        "counter",
        "Usage rows written.",
        m.ledger_written.load(Ordering::Relaxed),
    );
    counter_or_gauge(
        &mut out,
        "studio_ledger_rows_dropped_total",
        "counter",
        "Usage rows lost (queue full or refused by the database).",
        m.ledger_dropped.load(Ordering::Relaxed),
    );
    let _ = writeln!(
        out,
        "# HELP studio_model_cache_lookups_total Model-list lookups, by whether the cache answered.\n\
         # TYPE studio_model_cache_lookups_total counter\n\
         studio_model_cache_lookups_total{{result=\"hit\"}} {}\n\
         studio_model_cache_lookups_total{{result=\"miss\"}} {}",
        m.model_cache_hits.load(Ordering::Relaxed),
        m.model_cache_misses.load(Ordering::Relaxed),
    );
    let _ = writeln!(
        out,
        "# HELP studio_state_cache_lookups_total Lookups of sessions, keys, preferences and spending caps, by cache and whether the cache answered.\n\
         # TYPE studio_state_cache_lookups_total counter"
    );
    for name in crate::cache::Name::ALL {
        let (hits, misses) = m.state_cache_counts(name);
        let cache = name.as_str();
        let _ = writeln!(
            out,
            "studio_state_cache_lookups_total{{cache=\"{cache}\",result=\"hit\"}} {hits}\n\
             studio_state_cache_lookups_total{{cache=\"{cache}\",result=\"miss\"}} {misses}"
        );
    }
    counter_or_gauge(
        &mut out,
        "studio_state_cache_live",
        "gauge",
        "1 while this instance hears every change announced (cached values may be served).",
        u8::from(g.state_cache_live),
    );
    counter_or_gauge(
        &mut out,
        "studio_draining",
        "gauge",
        "1 while the server shuts down.",
        u8::from(g.draining),
    );
    if let Some(rss) = g.resident_bytes {
        counter_or_gauge(
            &mut out,
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory size in bytes.",
            rss,
        );
    }
    out
}

fn counter_or_gauge(
    out: &mut String,
    name: &str,
    kind: &str,
    help: &str,
    value: impl std::fmt::Display,
) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
    );
}

fn requests(out: &mut String, m: &Metrics) {
    out.push_str(
        "# HELP studio_http_requests_total Requests answered, by class and status class.\n\
         # TYPE studio_http_requests_total counter\n",
    );
    for class in Class::ALL {
        let stats = &m.classes[class as usize];
        for (i, count) in stats.by_status.iter().enumerate() {
            let _ = writeln!(
                out,
                "studio_http_requests_total{{class=\"{}\",status=\"{}xx\"}} {}",
                class.as_str(),
                i + 1,
                count.load(Ordering::Relaxed)
            );
        }
    }
    out.push_str(
        "# HELP studio_http_request_duration_seconds Time from a request's arrival to its response's head.\n\
         # TYPE studio_http_request_duration_seconds histogram\n",
    );
    for class in Class::ALL {
        let h = &m.classes[class as usize].latency;
        let name = "studio_http_request_duration_seconds";
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(&h.buckets) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{class=\"{}\",le=\"{bound}\"}} {cumulative}",
                class.as_str()
            );
        }
        let count = h.count.load(Ordering::Relaxed);
        let sum = h.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let c = class.as_str();
        let _ = writeln!(
            out,
            "{name}_bucket{{class=\"{c}\",le=\"+Inf\"}} {count}\n\
             {name}_sum{{class=\"{c}\"}} {sum}\n\
             {name}_count{{class=\"{c}\"}} {count}"
        );
    }
}

fn upstream(out: &mut String, m: &Metrics) {
    out.push_str(
        "# HELP studio_upstream_calls_total AI calls to OpenRouter, by feature and outcome (ok, cancelled, error:<kind>).\n\
         # TYPE studio_upstream_calls_total counter\n",
    );
    let Ok(map) = m.upstream.lock() else {
        return;
    };
    for ((feature, outcome), count) in map.iter() {
        // Outcomes are the ledger's own names; quote-escaping keeps a surprise harmless.
        let outcome = outcome.replace('\\', "\\\\").replace('"', "\\\"");
        let _ = writeln!(
            out,
            "studio_upstream_calls_total{{feature=\"{feature}\",outcome=\"{outcome}\"}} {count}"
        );
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_exposition_has_help_type_and_cumulative_buckets() {
        let m = Metrics::new();
        m.request(Class::Api, 200, Duration::from_millis(2));
        m.request(Class::Api, 503, Duration::from_millis(20));
        m.upstream_call("chat", "error:rate_limited");
        let _open = m.stream_opened();
        let text = render(
            &m,
            Gauges {
                ledger_queue_depth: 7,
                resident_bytes: Some(1024),
                draining: false,
                state_cache_live: true,
                upstream_lanes: 3,
            },
        );
        assert!(text.contains("studio_state_cache_live 1"));
        assert!(text
            .contains("studio_state_cache_lookups_total{cache=\"spend_limit\",result=\"miss\"} 0"));
        assert!(text.contains("# TYPE studio_http_requests_total counter"));
        assert!(text.contains("studio_http_requests_total{class=\"api\",status=\"2xx\"} 1"));
        assert!(text.contains("studio_http_requests_total{class=\"api\",status=\"5xx\"} 1"));
        assert!(text
            .contains("studio_http_request_duration_seconds_bucket{class=\"api\",le=\"0.005\"} 1"));
        assert!(text
            .contains("studio_http_request_duration_seconds_bucket{class=\"api\",le=\"0.025\"} 2"));
        assert!(text.contains("studio_http_request_duration_seconds_count{class=\"api\"} 2"));
        assert!(text.contains(
            "studio_upstream_calls_total{feature=\"chat\",outcome=\"error:rate_limited\"} 1"
        ));
        assert!(text.contains("studio_open_streams 1"));
        assert!(text.contains("studio_ledger_queue_depth 7"));
        assert!(text.contains("# TYPE studio_upstream_lanes gauge\nstudio_upstream_lanes 3"));
        assert!(text.contains("process_resident_memory_bytes 1024"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (series, value) = line.rsplit_once(' ').unwrap_or(("", ""));
            assert!(!series.is_empty(), "a sample line has a name: {line}");
            assert!(
                value.parse::<f64>().is_ok(),
                "a sample's value is a number: {line}"
            );
        }
    }
}
