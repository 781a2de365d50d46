//! The scheduler: launches scheduled campaigns whose launch time has come, and
//! resumes launches whose writing stopped midway (`services::fanout::resume_stalled`).
//!
//! Each pass claims due campaigns with a lease (`services::campaigns::claim_due`), then
//! launches each through `services::campaigns::launch_due` — the Launch button's own
//! path — which re-checks the lease in the same transaction as the state change: a
//! server whose lease expired (it stalled) cannot launch a campaign another server has
//! since claimed.

use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::error::ApiResult;
use crate::services;
use crate::state::AppState;

/// How often a server looks for due campaigns.
pub const INTERVAL: StdDuration = StdDuration::from_secs(5);
/// How long a claim holds before another server may take the campaign over.
pub const LEASE: Duration = Duration::seconds(60);
/// Campaigns claimed per pass.
const BATCH: i64 = 20;

/// One pass: claims due campaigns for `owner` and launches them. Answers how many
/// launched.
pub async fn run_once(state: &AppState, owner: &str) -> ApiResult<usize> {
    let claimed = services::campaigns::claim_due(state, owner, LEASE, BATCH).await?;
    let mut launched = 0;
    for id in claimed {
        match services::campaigns::launch_due(state, id, owner).await {
            Ok(true) => {
                launched += 1;
                tracing::info!(campaign_id = id, "scheduled campaign launched");
            }
            Ok(false) => tracing::info!(campaign_id = id, "scheduled campaign not launched (changed or not ready)"),
            // Left claimed (a provider or database failure): another pass retries once
            // the lease expires.
            Err(error) => tracing::warn!(campaign_id = id, %error, "scheduled launch failed; retried after the lease"),
        }
    }
    Ok(launched)
}

/// Runs `run_once` every `INTERVAL` for the life of the server.
pub fn spawn(state: AppState) {
    let owner = format!("scheduler-{}", uuid::Uuid::new_v4().simple());
    actix_web::rt::spawn(async move {
        let mut ticker = actix_web::rt::time::interval(INTERVAL);
        loop {
            ticker.tick().await;
            if let Err(error) = run_once(&state, &owner).await {
                tracing::warn!(%error, "scheduler pass failed");
            }
            if let Err(error) = services::fanout::resume_stalled(&state).await {
                tracing::warn!(%error, "resuming a stalled launch failed");
            }
        }
    });
}
