//! Replays the inbound webhook's spool (`crate::spool`): requests kept while the
//! database was unavailable are filed once it is back. Each server replays its own
//! spool, so it runs on every server that receives webhooks.

use std::time::Duration;

use crate::error::ApiResult;
use crate::services::inbound::{self, SpoolReplay};
use crate::state::AppState;

/// How often the spool is looked at.
pub const INTERVAL: Duration = Duration::from_secs(2);

/// One replay; tests drive it.
pub async fn run_once(state: &AppState) -> ApiResult<SpoolReplay> {
    inbound::replay_spool(state).await
}

/// Replays the spool for the life of the server, starting at once (a server that
/// stopped with requests in its spool files them when it starts again).
pub fn spawn(state: AppState) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(INTERVAL);
        loop {
            ticker.tick().await;
            match run_once(&state).await {
                Ok(replay) if replay.filed > 0 || replay.left > 0 => {
                    tracing::info!(filed = replay.filed, left = replay.left, "inbound spool replayed");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "inbound spool replay failed"),
            }
        }
    });
}
