//! Configuration: every setting is a `tidings serve` flag and an environment variable
//! (names fixed by DESIGN.md), parsed once into a typed `Config` whose secrets never
//! print.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use base64::Engine;
use clap::{Args, ValueEnum};
use rand::RngCore;

use crate::auth::client_address::IpRange;
use crate::db::connection::{DatabaseError, DatabaseTarget};
use crate::providers::NumberType;

/// A secret value: `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Which SMS provider sends and receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderKind {
    /// No network: realistic delays and failures, replies injected through the API.
    Simulator,
    /// Twilio Programmable Messaging.
    Twilio,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Where the database is (shared by every subcommand that touches it).
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (or a plain path) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/tidings.db", hide_env_values = true)]
    pub database_url: String,
}

impl DatabaseArgs {
    pub fn target(&self) -> Result<DatabaseTarget, DatabaseError> {
        DatabaseTarget::parse(&self.database_url)
    }
}

/// `tidings serve` flags; each also reads its environment variable.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Listen address.
    #[arg(long, env = "TIDINGS_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The URL the provider calls back; webhook signatures are computed on it.
    #[arg(long, env = "TIDINGS_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
    /// HS256 secret for session tokens, at least 32 bytes. Generated once into the data
    /// directory for the embedded SQLite default; required with PostgreSQL.
    #[arg(long, env = "TIDINGS_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// `simulator` or `twilio`.
    #[arg(long, env = "TIDINGS_PROVIDER", value_enum, default_value = "simulator")]
    pub provider: ProviderKind,
    #[arg(long, env = "TWILIO_ACCOUNT_SID")]
    pub twilio_account_sid: Option<String>,
    #[arg(long, env = "TWILIO_AUTH_TOKEN", hide_env_values = true)]
    pub twilio_auth_token: Option<String>,
    #[arg(long, env = "TWILIO_API_BASE", default_value = "https://api.twilio.com")]
    pub twilio_api_base: String,
    /// Directory of the built SPA (index.html, pkg/).
    #[arg(long, env = "TIDINGS_STATIC_DIR", default_value = "frontend/dist")]
    pub static_dir: PathBuf,
    /// Where generated secrets are kept; defaults to the SQLite file's directory.
    #[arg(long, env = "TIDINGS_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where the inbound webhook keeps signed requests it could not file while the
    /// database was unavailable, until they are replayed; defaults to `inbound-spool`
    /// in the data directory (or the SQLite file's), else in the working directory.
    #[arg(long, env = "TIDINGS_INBOUND_SPOOL_DIR")]
    pub inbound_spool_dir: Option<PathBuf>,
    /// How long a SQLite write waits for the database's one writer before it gives up
    /// (and the request answers 503), in milliseconds; 0 to 60 000.
    #[arg(long, env = "TIDINGS_SQLITE_BUSY_TIMEOUT_MS", default_value_t = crate::db::connection::DEFAULT_BUSY_TIMEOUT_MS)]
    pub sqlite_busy_timeout_ms: u64,
    /// Proxies whose `X-Forwarded-For` names the client (for login throttling): IP
    /// addresses or ranges, comma-separated (`127.0.0.1,10.0.0.0/8`). Empty: the
    /// header is ignored and the socket's peer is the client.
    #[arg(long, env = "TIDINGS_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Password checks and hashes run at once (each takes a core while it runs); 1 to
    /// 64. Defaults to half the cores, at least one.
    #[arg(long, env = "TIDINGS_PASSWORD_WORKERS")]
    pub password_workers: Option<usize>,
    /// How long a call to the provider may take in all, in seconds (2 to 120); past
    /// it a send's outcome is unknown until the provider is asked.
    #[arg(long, env = "TIDINGS_PROVIDER_TIMEOUT_SECONDS", default_value_t = 15)]
    pub provider_timeout_seconds: u64,
    /// How long after a send's answer was lost the provider is asked whether it went
    /// out, in seconds (1 to 3600): long enough for its message list to show it.
    #[arg(long, env = "TIDINGS_RECONCILE_AFTER_SECONDS", default_value_t = 120)]
    pub reconcile_after_seconds: u64,
    /// A bearer token `/metrics` asks for; unset, `/metrics` is open (bind it to a
    /// private address then).
    #[arg(long, env = "TIDINGS_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "TIDINGS_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Largest upload accepted (contact list imports: a CSV file or JSON rows), in bytes.
    #[arg(long, env = "TIDINGS_MAX_UPLOAD_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_upload_bytes: usize,
    /// Lifetime of a session token, in minutes.
    #[arg(long, env = "TIDINGS_TOKEN_TTL_MINUTES", default_value_t = 720)]
    pub token_ttl_minutes: i64,
    /// Database connections per server.
    #[arg(long, env = "TIDINGS_DB_POOL_SIZE", default_value_t = 10)]
    pub db_pool_size: u32,
    /// Run the background jobs (scheduler, dispatcher) in this process; `false` for
    /// API-only replicas.
    #[arg(long, env = "TIDINGS_RUN_JOBS", default_value_t = true, action = clap::ArgAction::Set)]
    pub run_jobs: bool,
    /// Messages per second per long-code (10DLC) number.
    #[arg(long, env = "TIDINGS_RATE_LONG_CODE", default_value_t = 1.0)]
    pub rate_long_code: f64,
    /// Messages per second per toll-free number.
    #[arg(long, env = "TIDINGS_RATE_TOLL_FREE", default_value_t = 3.0)]
    pub rate_toll_free: f64,
    /// Messages per second per short code.
    #[arg(long, env = "TIDINGS_RATE_SHORT_CODE", default_value_t = 100.0)]
    pub rate_short_code: f64,
    /// Messages per second per simulator number; 0 = unlimited.
    #[arg(long, env = "TIDINGS_RATE_SIMULATOR", default_value_t = 0.0)]
    pub rate_simulator: f64,
    /// Provider calls per message (the first included) before a transient failure is final.
    #[arg(long, env = "TIDINGS_SEND_MAX_ATTEMPTS", default_value_t = tidings_domain::delivery::DEFAULT_MAX_ATTEMPTS)]
    pub send_max_attempts: u32,
    /// Wait before the first retry, in seconds; it doubles per attempt, up to an hour.
    #[arg(long, env = "TIDINGS_RETRY_BASE_SECONDS", default_value_t = 30)]
    pub retry_base_seconds: i64,
    /// Sends in flight at once per number.
    #[arg(long, env = "TIDINGS_SEND_CONCURRENCY", default_value_t = 32)]
    pub send_concurrency: usize,
    /// Share of simulator sends that fail with a real Twilio error code (0.0–1.0).
    #[arg(long, env = "TIDINGS_SIMULATOR_FAILURE_RATE", default_value_t = 0.1)]
    pub simulator_failure_rate: f64,
}

/// Messages per second by number type; `None` means unlimited.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SendRates {
    pub long_code: f64,
    pub toll_free: f64,
    pub short_code: f64,
    /// 0 = unlimited.
    pub simulator: f64,
}

impl SendRates {
    pub fn per_second(&self, number_type: NumberType) -> Option<f64> {
        let rate = match number_type {
            NumberType::LongCode => self.long_code,
            NumberType::TollFree => self.toll_free,
            NumberType::ShortCode => self.short_code,
            NumberType::Simulator => self.simulator,
        };
        (rate > 0.0).then_some(rate)
    }
}

impl Default for SendRates {
    fn default() -> Self {
        Self { long_code: 1.0, toll_free: 3.0, short_code: 100.0, simulator: 0.0 }
    }
}

/// How the dispatcher sends.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    pub rates: SendRates,
    pub max_attempts: u32,
    pub retry_base: chrono::Duration,
    pub concurrency: usize,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            rates: SendRates::default(),
            max_attempts: tidings_domain::delivery::DEFAULT_MAX_ATTEMPTS,
            retry_base: chrono::Duration::seconds(30),
            concurrency: 32,
        }
    }
}

/// Twilio credentials, present when the provider is Twilio.
#[derive(Debug, Clone)]
pub struct TwilioConfig {
    pub account_sid: String,
    pub auth_token: Secret,
    pub api_base: String,
}

/// The validated configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseTarget,
    pub bind: SocketAddr,
    pub public_url: String,
    pub jwt_secret: Secret,
    pub provider: ProviderKind,
    pub twilio: Option<TwilioConfig>,
    pub static_dir: PathBuf,
    pub max_body_bytes: usize,
    /// Largest contact list import (CSV upload or JSON rows).
    pub max_upload_bytes: usize,
    pub token_ttl_minutes: i64,
    pub db_pool_size: u32,
    pub run_jobs: bool,
    pub delivery: DeliverySettings,
    /// Share of simulator sends that fail.
    pub simulator_failure_rate: f64,
    /// The inbound webhook's durable spool (`crate::spool`).
    pub inbound_spool_dir: PathBuf,
    /// SQLite's busy timeout, in milliseconds.
    pub sqlite_busy_timeout_ms: u64,
    /// Replay the spool in the background: always for `tidings serve`; tests replay it
    /// themselves (`jobs::spool_replay::run_once`).
    pub replay_spool: bool,
    /// Proxies trusted to name the client in `X-Forwarded-For`.
    pub trusted_proxies: Vec<IpRange>,
    /// Password checks and hashes at once.
    pub password_workers: usize,
    /// The bearer token `/metrics` asks for, when set.
    pub metrics_token: Option<Secret>,
    /// How long a call to the provider may take in all.
    pub provider_timeout: std::time::Duration,
    /// How long after a lost answer the provider is asked about the send.
    pub reconcile_after: std::time::Duration,
}

/// Why the configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error("TIDINGS_TRUSTED_PROXIES: {0}")]
    TrustedProxies(String),
    #[error("TIDINGS_PASSWORD_WORKERS must be 1 to 64 (got {0})")]
    PasswordWorkers(usize),
    #[error("TIDINGS_JWT_SECRET must be at least 32 bytes (it has {0})")]
    ShortSecret(usize),
    #[error("TIDINGS_JWT_SECRET is required with PostgreSQL: every server sharing the database must sign tokens with the same secret")]
    MissingSecret,
    #[error("could not read or create the JWT secret file {path}: {source}")]
    SecretFile { path: String, source: std::io::Error },
    #[error("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required when TIDINGS_PROVIDER=twilio")]
    MissingTwilio,
    #[error("TIDINGS_PUBLIC_URL must start with http:// or https:// (got '{0}')")]
    PublicUrl(String),
    #[error("{name} must be {low} to {high} (got {value})")]
    OutOfRange { name: &'static str, value: String, low: String, high: String },
    #[error("{0} must be a finite number of at least 0")]
    NotARate(&'static str),
    #[error("TIDINGS_SIMULATOR_FAILURE_RATE must be between 0 and 1 (got {0})")]
    FailureRate(f64),
    #[error("TIDINGS_SQLITE_BUSY_TIMEOUT_MS must be between 0 and 60000 (got {0})")]
    BusyTimeout(u64),
}

/// Shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash size).
pub const JWT_SECRET_MIN_BYTES: usize = 32;

impl ServeArgs {
    /// Validates the flags and resolves the JWT secret.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let database = self.database.target()?;
        let public_url = self.public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::PublicUrl(public_url));
        }
        within("TIDINGS_MAX_BODY_BYTES", self.max_body_bytes, 1024, 64 << 20)?;
        within("TIDINGS_MAX_UPLOAD_BYTES", self.max_upload_bytes, 1024, 1 << 30)?;
        within("TIDINGS_TOKEN_TTL_MINUTES", self.token_ttl_minutes, 5, 30 * 24 * 60)?;
        within("TIDINGS_DB_POOL_SIZE", self.db_pool_size, 1, 256)?;
        let rates = SendRates {
            long_code: self.rate_long_code,
            toll_free: self.rate_toll_free,
            short_code: self.rate_short_code,
            simulator: self.rate_simulator,
        };
        for (name, rate) in [
            ("TIDINGS_RATE_LONG_CODE", rates.long_code),
            ("TIDINGS_RATE_TOLL_FREE", rates.toll_free),
            ("TIDINGS_RATE_SHORT_CODE", rates.short_code),
            ("TIDINGS_RATE_SIMULATOR", rates.simulator),
        ] {
            if !rate.is_finite() {
                return Err(ConfigError::NotARate(name));
            }
            within(name, rate, 0.0, 10_000.0)?;
        }
        within("TIDINGS_SEND_MAX_ATTEMPTS", self.send_max_attempts, 1, 20)?;
        within("TIDINGS_RETRY_BASE_SECONDS", self.retry_base_seconds, 1, 3600)?;
        within("TIDINGS_SEND_CONCURRENCY", self.send_concurrency, 1, 1024)?;
        within("TIDINGS_PROVIDER_TIMEOUT_SECONDS", self.provider_timeout_seconds, 2, 120)?;
        within("TIDINGS_RECONCILE_AFTER_SECONDS", self.reconcile_after_seconds, 1, 3600)?;
        if !(0.0..=1.0).contains(&self.simulator_failure_rate) {
            return Err(ConfigError::FailureRate(self.simulator_failure_rate));
        }
        let delivery = DeliverySettings {
            rates,
            max_attempts: self.send_max_attempts,
            retry_base: chrono::Duration::seconds(self.retry_base_seconds),
            concurrency: self.send_concurrency,
        };
        let jwt_secret = match self.jwt_secret {
            Some(secret) => secret,
            None => {
                let dir = match (&self.data_dir, database.sqlite_dir()) {
                    (Some(dir), _) => dir.clone(),
                    (None, Some(dir)) => dir.to_path_buf(),
                    (None, None) => return Err(ConfigError::MissingSecret),
                };
                load_or_create_secret(&dir.join("jwt-secret"))?
            }
        };
        if jwt_secret.len() < JWT_SECRET_MIN_BYTES {
            return Err(ConfigError::ShortSecret(jwt_secret.len()));
        }
        let trusted_proxies = self
            .trusted_proxies
            .split(',')
            .filter(|range| !range.trim().is_empty())
            .map(IpRange::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(ConfigError::TrustedProxies)?;
        let password_workers = self.password_workers.unwrap_or_else(default_password_workers);
        if !(1..=64).contains(&password_workers) {
            return Err(ConfigError::PasswordWorkers(password_workers));
        }
        if self.sqlite_busy_timeout_ms > 60_000 {
            return Err(ConfigError::BusyTimeout(self.sqlite_busy_timeout_ms));
        }
        let inbound_spool_dir = match (&self.inbound_spool_dir, &self.data_dir, database.sqlite_dir()) {
            (Some(dir), _, _) => dir.clone(),
            (None, Some(dir), _) => dir.join("inbound-spool"),
            (None, None, Some(dir)) => dir.join("inbound-spool"),
            (None, None, None) => PathBuf::from("inbound-spool"),
        };
        let twilio = match self.provider {
            ProviderKind::Simulator => None,
            ProviderKind::Twilio => match (self.twilio_account_sid, self.twilio_auth_token) {
                (Some(account_sid), Some(auth_token)) if !account_sid.is_empty() && !auth_token.is_empty() => {
                    Some(TwilioConfig {
                        account_sid,
                        auth_token: Secret::new(auth_token),
                        api_base: self.twilio_api_base.trim_end_matches('/').to_owned(),
                    })
                }
                _ => return Err(ConfigError::MissingTwilio),
            },
        };
        Ok(Config {
            database,
            bind: self.bind,
            public_url,
            jwt_secret: Secret::new(jwt_secret),
            provider: self.provider,
            twilio,
            static_dir: self.static_dir,
            max_body_bytes: self.max_body_bytes,
            max_upload_bytes: self.max_upload_bytes,
            token_ttl_minutes: self.token_ttl_minutes,
            db_pool_size: self.db_pool_size,
            run_jobs: self.run_jobs,
            delivery,
            simulator_failure_rate: self.simulator_failure_rate,
            inbound_spool_dir,
            sqlite_busy_timeout_ms: self.sqlite_busy_timeout_ms,
            replay_spool: true,
            trusted_proxies,
            password_workers,
            metrics_token: self.metrics_token.filter(|token| !token.is_empty()).map(Secret::new),
            provider_timeout: std::time::Duration::from_secs(self.provider_timeout_seconds),
            reconcile_after: std::time::Duration::from_secs(self.reconcile_after_seconds),
        })
    }
}

/// `value` of variable `name` when it lies in `low..=high`; else an error naming both.
fn within<T: PartialOrd + std::fmt::Display>(name: &'static str, value: T, low: T, high: T) -> Result<T, ConfigError> {
    if value >= low && value <= high {
        Ok(value)
    } else {
        Err(ConfigError::OutOfRange { name, value: value.to_string(), low: low.to_string(), high: high.to_string() })
    }
}

/// Half the cores, at least one: sign-ins never take every core from the rest.
pub fn default_password_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| (cores.get() / 2).max(1))
}

/// Reads the generated secret, or creates it (owner-only permissions) on first start.
fn load_or_create_secret(path: &Path) -> Result<String, ConfigError> {
    let file_error = |source| ConfigError::SecretFile { path: path.display().to_string(), source };
    match std::fs::read_to_string(path) {
        Ok(secret) => return Ok(secret.trim().to_owned()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(file_error(error)),
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(file_error)?;
    }
    let mut bytes = [0_u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    write_private(path, &secret).map_err(file_error)?;
    tracing::info!(path = %path.display(), "generated a new JWT secret");
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn configured(flags: &[&str]) -> Result<Config, String> {
        let dir = std::env::temp_dir().join(format!("tidings-config-{}", uuid::Uuid::new_v4().simple()));
        let database = format!("--database-url=sqlite://{}/t.db", dir.display());
        let mut args = vec!["tidings", database.as_str()];
        args.extend_from_slice(flags);
        let command = Command::try_parse_from(args).map_err(|e| e.to_string())?;
        let config = command.serve.into_config().map_err(|e| e.to_string());
        let _ = std::fs::remove_dir_all(dir);
        config
    }

    #[test]
    fn values_out_of_range_are_refused_naming_the_variable() {
        assert!(configured(&[]).is_ok(), "the defaults are in range");
        for (flag, variable) in [
            ("--db-pool-size=0", "TIDINGS_DB_POOL_SIZE must be 1 to 256 (got 0)"),
            ("--db-pool-size=100000", "TIDINGS_DB_POOL_SIZE"),
            ("--token-ttl-minutes=0", "TIDINGS_TOKEN_TTL_MINUTES"),
            ("--max-body-bytes=10", "TIDINGS_MAX_BODY_BYTES"),
            ("--send-max-attempts=1000", "TIDINGS_SEND_MAX_ATTEMPTS"),
            ("--retry-base-seconds=-5", "TIDINGS_RETRY_BASE_SECONDS"),
            ("--send-concurrency=0", "TIDINGS_SEND_CONCURRENCY"),
            ("--rate-long-code=100000", "TIDINGS_RATE_LONG_CODE"),
            ("--password-workers=0", "TIDINGS_PASSWORD_WORKERS"),
            ("--provider-timeout-seconds=600", "TIDINGS_PROVIDER_TIMEOUT_SECONDS"),
            ("--reconcile-after-seconds=0", "TIDINGS_RECONCILE_AFTER_SECONDS"),
            ("--trusted-proxies=10.0.0.0/99", "TIDINGS_TRUSTED_PROXIES"),
        ] {
            let Err(message) = configured(&[flag]) else { panic!("{flag} was accepted") };
            assert!(message.contains(variable), "{flag}: {message}");
        }
    }
}
