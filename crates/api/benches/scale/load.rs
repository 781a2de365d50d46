//! A small HTTP/1.1 load generator: keep-alive connections, each sending prepared
//! requests back to back and timing every answer. Written here rather than driving
//! `wrk` or `oha` so `make bench` needs nothing installed, and so the server and its
//! limit (a hello-world, a fake Twilio) are loaded by exactly the same client.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One request, as the bytes sent on the wire.
pub fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        bytes.push_str(&format!("{name}: {value}\r\n"));
    }
    bytes.push_str("\r\n");
    let mut bytes = bytes.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// What a load run saw.
pub struct Outcome {
    /// Answers received, of any status.
    pub answered: usize,
    /// Answers whose status was not 2xx.
    pub failed: usize,
    pub elapsed: Duration,
    /// Every answer's latency, sorted.
    pub latencies: Vec<Duration>,
    /// The first non-2xx answer's status line, to say why.
    pub first_failure: Option<String>,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.answered as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency `fraction` of answers came within (0.99 for p99).
    pub fn percentile(&self, fraction: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((self.latencies.len() as f64 * fraction).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[rank - 1]
    }
}

/// Sends `requests` (cycled through, in order) to `address` over `connections`
/// keep-alive connections for `duration`, or until `limit` answers when given.
pub fn run(
    address: SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    connections: usize,
    duration: Duration,
    limit: Option<usize>,
) -> Result<Outcome, String> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        Ok(runtime.block_on(drive(address, requests, connections, duration, limit)))
    })
    .join()
    .map_err(|_| "the load generator's thread panicked".to_owned())?
}

async fn drive(
    address: SocketAddr,
    requests: Arc<Vec<Vec<u8>>>,
    connections: usize,
    duration: Duration,
    limit: Option<usize>,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let (requests, next) = (requests.clone(), next.clone());
        tasks.spawn(async move {
            let mut seen = Connection::default();
            let Ok(mut stream) = TcpStream::connect(address).await else {
                seen.failed += 1;
                return seen;
            };
            let _ = stream.set_nodelay(true);
            let mut buffer = Vec::with_capacity(16 * 1024);
            while Instant::now() < deadline {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if limit.is_some_and(|limit| index >= limit) {
                    break;
                }
                let sent_at = Instant::now();
                if stream.write_all(&requests[index % requests.len()]).await.is_err() {
                    seen.failed += 1;
                    break;
                }
                match read_response(&mut stream, &mut buffer).await {
                    Some(status) => {
                        seen.latencies.push(sent_at.elapsed());
                        if !(200..300).contains(&status.0) {
                            seen.failed += 1;
                            seen.first_failure.get_or_insert(status.1);
                        }
                    }
                    None => {
                        seen.failed += 1;
                        break;
                    }
                }
            }
            seen
        });
    }
    let mut outcome =
        Outcome { answered: 0, failed: 0, elapsed: Duration::ZERO, latencies: Vec::new(), first_failure: None };
    while let Some(Ok(seen)) = tasks.join_next().await {
        outcome.answered += seen.latencies.len();
        outcome.failed += seen.failed;
        outcome.latencies.extend(seen.latencies);
        if outcome.first_failure.is_none() {
            outcome.first_failure = seen.first_failure;
        }
    }
    outcome.elapsed = started.elapsed();
    outcome.latencies.sort_unstable();
    outcome
}

#[derive(Default)]
struct Connection {
    latencies: Vec<Duration>,
    failed: usize,
    first_failure: Option<String>,
}

/// Reads one whole response (headers, then a `Content-Length` or chunked body) and
/// answers its status code and status line; `None` when the connection closed.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<(u16, String)> {
    buffer.clear();
    let mut chunk = [0u8; 16 * 1024];
    let header_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_ascii_lowercase();
    let status_line = head.lines().next().unwrap_or_default().to_owned();
    let status: u16 = status_line.split(' ').nth(1).and_then(|code| code.parse().ok())?;
    let header =
        |name: &str| head.lines().find_map(|line| line.strip_prefix(name).map(|value| value.trim().to_owned()));
    if let Some(length) = header("content-length:").and_then(|value| value.parse::<usize>().ok()) {
        while buffer.len() < header_end + length {
            let read = stream.read(&mut chunk).await.ok()?;
            if read == 0 {
                return None;
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
    } else if header("transfer-encoding:").is_some_and(|value| value.contains("chunked")) {
        // The last chunk is `0\r\n\r\n`: enough for the answers a bench reads.
        while !buffer[header_end..].ends_with(b"0\r\n\r\n") {
            let read = stream.read(&mut chunk).await.ok()?;
            if read == 0 {
                return None;
            }
            buffer.extend_from_slice(&chunk[..read]);
        }
    }
    Some((status, status_line))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}
