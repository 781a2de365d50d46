//! Pruning: events are kept for the replay window only. Every server may prune at
//! once; a delete by age needs no coordination.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use crate::clock::Clock;
use crate::db::{self, run_blocking, DbPool};
use crate::error::ApiResult;

/// How long events are kept for reconnecting streams.
pub const RETENTION: chrono::Duration = chrono::Duration::minutes(10);
/// How often old events are pruned.
pub const PRUNE_INTERVAL: StdDuration = StdDuration::from_secs(60);

/// Deletes events older than the replay window; answers how many.
pub async fn prune_once(pool: &DbPool, clock: &dyn Clock) -> ApiResult<usize> {
    let before = (clock.now() - RETENTION).naive_utc();
    run_blocking(pool, move |conn| Ok(db::events::prune(conn, before)?)).await
}

/// Prunes every `PRUNE_INTERVAL` for the life of the server.
pub fn spawn_pruning(pool: DbPool, clock: Arc<dyn Clock>) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(PRUNE_INTERVAL);
        loop {
            ticker.tick().await;
            match prune_once(&pool, clock.as_ref()).await {
                Ok(0) => {}
                Ok(pruned) => tracing::debug!(pruned, "old live-update events pruned"),
                Err(error) => tracing::warn!(%error, "pruning live-update events failed"),
            }
        }
    });
}
