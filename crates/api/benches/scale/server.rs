//! A Tidings server process for the HTTP scenarios: the `tidings` binary cargo built
//! with this bench, serving the bench's database, with its provider pointed at the fake
//! Twilio. Its memory is read from `/proc`, as an operator would see it.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The account and token the server signs with and the fake Twilio is called with.
pub const ACCOUNT_SID: &str = "AC00000000000000000000000000000bench";
pub const AUTH_TOKEN: &str = "bench-auth-token-bench-auth-token";

/// How a server is started.
pub struct Launch<'a> {
    pub database_url: &'a str,
    pub twilio_api_base: String,
    pub data_dir: &'a Path,
    /// Whether the dispatcher and the other jobs run.
    pub run_jobs: bool,
}

/// A running server, killed when dropped.
pub struct Server {
    pub address: SocketAddr,
    pub public_url: String,
    child: Child,
}

impl Server {
    pub fn start(launch: &Launch<'_>) -> Result<Self, String> {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let address: SocketAddr = ([127, 0, 0, 1], port).into();
        let public_url = format!("http://{address}");
        let static_dir = launch.data_dir.join("static");
        std::fs::create_dir_all(&static_dir).map_err(|e| e.to_string())?;
        let child = Command::new(env!("CARGO_BIN_EXE_tidings"))
            .arg("serve")
            .env("DATABASE_URL", launch.database_url)
            .env("TIDINGS_BIND", address.to_string())
            .env("TIDINGS_PUBLIC_URL", &public_url)
            .env("TIDINGS_JWT_SECRET", "bench-jwt-secret-bench-jwt-secret-bench")
            .env("TIDINGS_PROVIDER", "twilio")
            .env("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
            .env("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
            .env("TWILIO_API_BASE", &launch.twilio_api_base)
            .env("TIDINGS_STATIC_DIR", &static_dir)
            .env("TIDINGS_DATA_DIR", launch.data_dir)
            .env("TIDINGS_RUN_JOBS", launch.run_jobs.to_string())
            // Unpaced numbers: the bench measures Tidings, not a carrier's rate limit.
            .env("TIDINGS_RATE_LONG_CODE", "0")
            .env("TIDINGS_SEND_CONCURRENCY", "64")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", env!("CARGO_BIN_EXE_tidings")))?;
        let mut server = Self { address, public_url, child };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("the server exited at start: {status}"));
            }
            if std::net::TcpStream::connect(self.address).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("the server did not start listening within 60 s".to_owned())
    }

    /// Resident memory now, in MB.
    pub fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Logs in over HTTP and answers the bearer token.
pub fn login(address: SocketAddr, email: &str, password: &str) -> Result<String, String> {
    let body = serde_json::json!({ "email": email, "password": password }).to_string();
    let answer = exchange(
        address,
        &crate::load::request(
            "POST",
            "/api/v1/auth/login",
            &[("Content-Type", "application/json"), ("Connection", "close")],
            body.as_bytes(),
        ),
    )?;
    let json_start = answer.find("\r\n\r\n").map_or(0, |i| i + 4);
    let value: serde_json::Value = serde_json::from_str(&answer[json_start..])
        .map_err(|e| format!("login answered {e}: {}", answer.lines().next().unwrap_or_default()))?;
    value["token"].as_str().map(str::to_owned).ok_or_else(|| format!("no token in {value}"))
}

/// One request on its own connection (`Connection: close`), answering the whole
/// response as text.
pub fn exchange(address: SocketAddr, request: &[u8]) -> Result<String, String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(Duration::from_secs(600))).map_err(|e| e.to_string())?;
    stream.write_all(request).map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}
