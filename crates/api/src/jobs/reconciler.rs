//! Looks up, every half minute, the sends whose outcome is unknown
//! (`services::reconcile`).

use std::time::Duration;

use crate::services::reconcile;
use crate::state::AppState;

/// How often unknown sends are looked up (more often when the configured grace before
/// a lookup is shorter).
pub const INTERVAL: Duration = Duration::from_secs(30);

/// Runs for the life of the server.
pub fn spawn(state: AppState) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(INTERVAL.min(state.config.reconcile_after));
        loop {
            ticker.tick().await;
            if let Err(error) = reconcile::run_once(&state).await {
                tracing::warn!(%error, "looking up unknown sends failed");
            }
        }
    });
}
