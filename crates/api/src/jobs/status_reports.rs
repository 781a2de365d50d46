//! Delivery reports the provider produces itself (the simulator's), fed through the
//! same service as Twilio's status callbacks.

use std::time::Duration;

use crate::error::ApiResult;
use crate::services::delivery::{self, ReportOutcome};
use crate::state::AppState;

/// How often due reports are collected.
pub const INTERVAL: Duration = Duration::from_millis(200);

/// Applies every report the provider has due now; answers how many moved a message.
pub async fn run_once(state: &AppState) -> ApiResult<usize> {
    apply_all(state, state.provider.due_status_reports()).await
}

/// Applies `reports` one by one, as separate callbacks would be.
pub async fn apply_all(state: &AppState, reports: Vec<crate::providers::StatusReport>) -> ApiResult<usize> {
    let mut moved = 0;
    for report in reports {
        let settings = state.config.delivery.clone();
        let now = state.clock.now();
        let outcome = state.db(move |conn| delivery::apply_report(conn, &report, &settings, now)).await?;
        if matches!(outcome, ReportOutcome::Applied(_) | ReportOutcome::Requeued) {
            moved += 1;
        }
    }
    Ok(moved)
}

/// Collects due reports every `INTERVAL` for the life of the server.
pub fn spawn(state: AppState) {
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(INTERVAL);
        loop {
            ticker.tick().await;
            if let Err(error) = run_once(&state).await {
                tracing::warn!(%error, "applying provider reports failed");
            }
        }
    });
}
