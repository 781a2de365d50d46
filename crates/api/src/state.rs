//! What every handler and job shares: the pool, the configuration, the clock, keys.

use std::sync::Arc;

use crate::auth::jwt::TokenKeys;
use crate::auth::password::PasswordWorkers;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::connection::PooledConnection;
use crate::db::{run_blocking, DbPool};
use crate::error::ApiError;
use crate::live::EventHub;
use crate::metrics::Metrics;
use crate::providers::Provider;
use crate::spool::InboundSpool;

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub tokens: TokenKeys,
    /// Where password checks and hashes run (bounded, off the database pool).
    pub passwords: Arc<PasswordWorkers>,
    pub metrics: Arc<Metrics>,
    /// The SMS provider (simulator or Twilio).
    pub provider: Arc<dyn Provider>,
    /// Live updates for this server's event streams.
    pub events: Arc<EventHub>,
    /// Inbound requests kept while the database was unavailable.
    pub spool: Arc<InboundSpool>,
}

impl AppState {
    /// Runs blocking database work on actix's blocking pool, off the async runtime.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut PooledConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        run_blocking(&self.pool, work).await
    }
}
