//! Prometheus metrics: requests by route and status, a latency histogram, pool usage.
//!
//! Hand-rolled rather than a metrics crate: three metric families do not earn a
//! dependency, and the text format is simple.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const LATENCY_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; LATENCY_BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Request counters and latency histograms, keyed by method and route pattern.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
}

impl Metrics {
    /// Records one finished request. `route` is the matched pattern (`/api/v1/users/{id}`),
    /// never the raw path, so ids do not explode the label space.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let histogram = latency.entry((method.to_owned(), route.to_owned())).or_default();
            let seconds = elapsed.as_secs_f64();
            for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    histogram.counts[i] += 1;
                }
            }
            histogram.sum += seconds;
            histogram.count += 1;
        }
    }

    /// The Prometheus text exposition, with the pool's current state.
    pub fn render(&self, pool_size: u32, pool_idle: u32, pool_max: u32) -> String {
        let mut out = String::new();
        out.push_str("# HELP tidings_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE tidings_http_requests_total counter\n");
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, status), count) in requests.iter() {
                let _ = writeln!(
                    out,
                    "tidings_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {count}",
                    escape(method),
                    escape(route)
                );
            }
        }
        out.push_str("# HELP tidings_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE tidings_http_request_duration_seconds histogram\n");
        if let Ok(latency) = self.latency.lock() {
            for ((method, route), histogram) in latency.iter() {
                let labels = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
                for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "tidings_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                        histogram.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "tidings_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    histogram.count
                );
                let _ = writeln!(out, "tidings_http_request_duration_seconds_sum{{{labels}}} {}", histogram.sum);
                let _ = writeln!(out, "tidings_http_request_duration_seconds_count{{{labels}}} {}", histogram.count);
            }
        }
        out.push_str("# HELP tidings_db_pool_connections Database connections open, by state.\n");
        out.push_str("# TYPE tidings_db_pool_connections gauge\n");
        let _ = writeln!(out, "tidings_db_pool_connections{{state=\"idle\"}} {pool_idle}");
        let _ =
            writeln!(out, "tidings_db_pool_connections{{state=\"in_use\"}} {}", pool_size.saturating_sub(pool_idle));
        out.push_str("# HELP tidings_db_pool_max_connections The pool's size limit.\n");
        out.push_str("# TYPE tidings_db_pool_max_connections gauge\n");
        let _ = writeln!(out, "tidings_db_pool_max_connections {pool_max}");
        out
    }
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}
