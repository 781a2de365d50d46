//! Launching: one path for the Launch button and the scheduler — plan (is a
//! single-use number needed?), provision it outside any transaction, launch, and give
//! the number back when the launch does not happen.

use chrono::{DateTime, Utc};
use serde_json::json;
use tidings_domain::campaign::{CampaignAction, CampaignState};
use tidings_domain::campaign_wire::Campaign;

use super::{
    authorise_action, campaign_view, changed_meanwhile, load_visible, lookups, queue_launch, readiness_of,
    transition_with, ENTITY,
};
use crate::auth::AuthUser;
use crate::db::campaigns::{CampaignChanges, CampaignRow};
use crate::db::connection::write_transaction;
use crate::db::{self, utc, DbConnection};
use crate::error::ApiResult;
use crate::services::{audit, events, fanout, phone_numbers};
use crate::state::AppState;

/// A single-use number a launch has to provision first: (organisation, office, title).
pub type NumberToProvision = Option<(i64, i64, String)>;

pub(super) fn single_use_needed(row: &CampaignRow) -> NumberToProvision {
    (row.wants_single_use && row.phone_number_id.is_none())
        .then(|| (row.organisation_id, row.office_id, row.title.clone()))
}

/// Checks that the caller may launch the campaign now; answers the single-use number
/// to provision before the launch, if any.
pub fn plan_launch(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<NumberToProvision> {
    let row = load_visible(conn, actor, id)?;
    authorise_action(conn, actor, &row, CampaignAction::Launch, now)?;
    Ok(single_use_needed(&row))
}

/// A ready draft becomes active now, with the single-use number `provisioned` for it;
/// its messages are then written by `fanout::write_launch` (or `write_launch_on`).
pub fn launch(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    now: DateTime<Utc>,
    provisioned: Option<i64>,
) -> ApiResult<()> {
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, CampaignAction::Launch, now)?;
    if single_use_needed(&row).is_some() && provisioned.is_none() {
        return Err(changed_meanwhile());
    }
    let stamp = now.naive_utc();
    let changes = CampaignChanges {
        state: Some(CampaignState::Active),
        launched_at: Some(Some(stamp)),
        updated_at: Some(stamp),
        phone_number_id: provisioned.map(Some),
        ..CampaignChanges::default()
    };
    transition_with(
        conn,
        actor,
        id,
        state,
        changes,
        ("launched", json!({ "provisioned_number": provisioned })),
        stamp,
        |conn| queue_launch(conn, id, stamp),
    )
}

/// `POST /campaigns/{id}/launch`: provisions a single-use number when the campaign asks
/// for one (a provider call, outside any transaction), then launches. A launch that
/// fails after provisioning gives the number back.
pub async fn launch_now(state: &AppState, actor: AuthUser, id: i64) -> ApiResult<Campaign> {
    let now = state.clock.now();
    let planner = actor.clone();
    let needed = state.db(move |conn| plan_launch(conn, &planner, id, now)).await?;
    let launcher = actor.clone();
    let launch = |provisioned| state.db(move |conn| launch(conn, &launcher, id, now, provisioned));
    with_provisioned_number(state, id, needed, launch, Result::is_ok).await?;
    // Active now; its messages are written a chunk at a time, other work in between.
    fanout::write_launch(state, id).await?;
    let now = state.clock.now();
    state.db(move |conn| campaign_view(conn, &actor, id, now)).await
}

/// The one launch path: provisions the single-use number `needed` asks for (a provider
/// call, outside any transaction), runs `launch` with it, and gives the number back
/// unless `launched` says the campaign took it. The Launch button and the scheduler
/// both launch this way.
async fn with_provisioned_number<T, Launch, Launched>(
    state: &AppState,
    campaign_id: i64,
    needed: NumberToProvision,
    launch: impl FnOnce(Option<i64>) -> Launch,
    launched: Launched,
) -> ApiResult<T>
where
    Launch: std::future::Future<Output = ApiResult<T>>,
    Launched: Fn(&ApiResult<T>) -> bool,
{
    let provisioned = match needed {
        Some((organisation_id, office_id, title)) => {
            Some(phone_numbers::provision_single_use(state, organisation_id, office_id, campaign_id, &title).await?.id)
        }
        None => None,
    };
    let outcome = launch(provisioned).await;
    if let (false, Some(number)) = (launched(&outcome), provisioned) {
        give_back(state, number).await;
    }
    outcome
}

/// Claims up to `limit` scheduled campaigns whose launch time has come for `owner`,
/// each leased for `lease` (several servers never launch the same one).
pub async fn claim_due(state: &AppState, owner: &str, lease: chrono::Duration, limit: i64) -> ApiResult<Vec<i64>> {
    let now = state.clock.now();
    let owner = owner.to_owned();
    state
        .db(move |conn| {
            Ok(db::campaigns::claim_due(
                conn,
                &owner,
                crate::clock::truncate_to_micros(now).naive_utc(),
                crate::clock::truncate_to_micros(now + lease).naive_utc(),
                limit,
            )?)
        })
        .await
}

/// The scheduler's launch of claimed campaign `id`, by the same path as the Launch
/// button; answers whether it launched (a campaign changed meanwhile or no longer
/// ready does not, and keeps no single-use number).
pub async fn launch_due(state: &AppState, id: i64, owner: &str) -> ApiResult<bool> {
    let needed = state.db(move |conn| scheduled_number_needed(conn, id)).await?;
    let owner = owner.to_owned();
    let launch = |provisioned| {
        let now = state.clock.now();
        state.db(move |conn| launch_scheduled(conn, id, &owner, now, provisioned))
    };
    let launched = with_provisioned_number(state, id, needed, launch, |outcome| matches!(outcome, Ok(true))).await?;
    if launched {
        fanout::write_launch(state, id).await?;
    }
    Ok(launched)
}

/// Releases a single-use number whose campaign did not launch or has ended; a failure
/// is logged (the number stays active and an administrator can release it).
pub(super) async fn give_back(state: &AppState, number: i64) {
    if let Err(error) = phone_numbers::release_single_use(state, number).await {
        tracing::warn!(phone_number_id = number, %error, "could not release a single-use number");
    }
}

/// The scheduler's launch of a claimed campaign: scheduled → active when still due,
/// still leased by `owner` and still ready; a campaign that is no longer ready goes
/// back to draft (audited with what is missing) rather than launching half-configured.
/// Answers whether it launched.
pub fn launch_scheduled(
    conn: &mut DbConnection,
    id: i64,
    owner: &str,
    now: DateTime<Utc>,
    provisioned: Option<i64>,
) -> ApiResult<bool> {
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let Some(row) = db::campaigns::find_by_id(conn, id)? else { return Ok(false) };
        if row.state != CampaignState::Scheduled || row.lease_owner.as_deref() != Some(owner) {
            return Ok(false);
        }
        let lookups = lookups(conn, row.organisation_id, std::slice::from_ref(&row))?;
        let readiness = readiness_of(&row, &lookups);
        let ready = readiness.ready && (single_use_needed(&row).is_none() || provisioned.is_some());
        let (changes, action, details) = if ready {
            (
                CampaignChanges {
                    state: Some(CampaignState::Active),
                    launched_at: Some(Some(stamp)),
                    updated_at: Some(stamp),
                    lease_owner: Some(None),
                    lease_expires_at: Some(None),
                    phone_number_id: provisioned.map(Some),
                    ..CampaignChanges::default()
                },
                "launched",
                json!({ "by": "scheduler", "scheduled_at": row.scheduled_at.map(utc) }),
            )
        } else {
            (
                CampaignChanges {
                    state: Some(CampaignState::Draft),
                    scheduled_at: Some(None),
                    updated_at: Some(stamp),
                    lease_owner: Some(None),
                    lease_expires_at: Some(None),
                    ..CampaignChanges::default()
                },
                "launch_failed",
                json!({ "by": "scheduler", "missing": readiness.missing }),
            )
        };
        if db::campaigns::update_in_state(conn, id, CampaignState::Scheduled, &changes)? == 0 {
            return Ok(false);
        }
        let mut details = details;
        if ready {
            if let (serde_json::Value::Object(counts), Some(details)) =
                (queue_launch(conn, id, stamp)?, details.as_object_mut())
            {
                details.extend(counts);
            }
        }
        audit::record_system(conn, row.organisation_id, ENTITY, id, action, &details, stamp)?;
        events::campaign_updated(conn, id, stamp)?;
        Ok(ready)
    })
}

/// The single-use number the scheduler must provision before launching `id`, if any.
pub fn scheduled_number_needed(conn: &mut DbConnection, id: i64) -> ApiResult<NumberToProvision> {
    Ok(db::campaigns::find_by_id(conn, id)?.as_ref().and_then(single_use_needed))
}
