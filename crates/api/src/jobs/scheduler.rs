//! The scheduler: launches scheduled campaigns whose launch time has come.
//!
//! Each pass claims due campaigns with a lease (`db::campaigns::claim_due`), then
//! launches each through `services::campaigns::launch_scheduled`, which re-checks the
//! lease in the same transaction as the state change: a server whose lease expired
//! (it stalled) cannot launch a campaign another server has since claimed.

use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::db;
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
    let now = state.clock.now();
    let owner_for_claim = owner.to_owned();
    let claimed = state
        .db(move |conn| {
            Ok(db::campaigns::claim_due(
                conn,
                &owner_for_claim,
                crate::clock::truncate_to_micros(now).naive_utc(),
                crate::clock::truncate_to_micros(now + LEASE).naive_utc(),
                BATCH,
            )?)
        })
        .await?;
    let mut launched = 0;
    for id in claimed {
        let owner = owner.to_owned();
        let needed = state.db(move |conn| services::campaigns::scheduled_number_needed(conn, id)).await?;
        let provisioned = match needed {
            Some((organisation_id, office_id, title)) => {
                match services::phone_numbers::provision_single_use(state, organisation_id, office_id, id, &title).await
                {
                    Ok(number) => Some(number.id),
                    Err(error) => {
                        // Left claimed: another pass retries once the lease expires.
                        tracing::warn!(campaign_id = id, %error, "could not provision a single-use number");
                        continue;
                    }
                }
            }
            None => None,
        };
        let now = state.clock.now();
        let outcome =
            state.db(move |conn| services::campaigns::launch_scheduled(conn, id, &owner, now, provisioned)).await;
        if let (Ok(false) | Err(_), Some(number)) = (&outcome, provisioned) {
            if let Err(error) = services::phone_numbers::release_single_use(state, number).await {
                tracing::warn!(phone_number_id = number, %error, "could not release a single-use number");
            }
        }
        match outcome {
            Ok(true) => {
                launched += 1;
                tracing::info!(campaign_id = id, "scheduled campaign launched");
            }
            Ok(false) => tracing::info!(campaign_id = id, "scheduled campaign not launched (changed or not ready)"),
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
        }
    });
}
