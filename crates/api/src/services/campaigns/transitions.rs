//! State changes: the one transaction every change goes through (state checked,
//! audited, announced), scheduling, unscheduling, and Stop & Archive with what it
//! withdraws.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::json;
use tidings_domain::campaign::{validate_schedule, ArchiveKind, CampaignAction, CampaignState, PhoneNumberKind};
use tidings_domain::campaign_wire::Campaign;

use super::{authorise_action, campaign_view, changed_meanwhile, give_back, load_visible, ENTITY};
use crate::auth::AuthUser;
use crate::db::campaigns::{CampaignChanges, CampaignRow};
use crate::db::connection::write_transaction;
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, events, fanout};
use crate::state::AppState;

/// Moves a campaign from `from` with `changes`, audited as `action` with `details`.
pub(super) fn transition(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    from: CampaignState,
    changes: CampaignChanges,
    audited: (&str, serde_json::Value),
    stamp: NaiveDateTime,
) -> ApiResult<()> {
    transition_with(conn, actor, id, from, changes, audited, stamp, |_| Ok(serde_json::Value::Null))
}

/// A state change that also does `work` in the same transaction (the launch queue, the
/// cancelling of unsent messages); what `work` answers is audited with the change.
#[allow(clippy::too_many_arguments, reason = "one transition, spelled out")]
pub(super) fn transition_with(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    from: CampaignState,
    changes: CampaignChanges,
    (action, mut details): (&str, serde_json::Value),
    stamp: NaiveDateTime,
    work: impl FnOnce(&mut DbConnection) -> ApiResult<serde_json::Value>,
) -> ApiResult<()> {
    write_transaction(conn, |conn| {
        if db::campaigns::update_in_state(conn, id, from, &changes)? == 0 {
            return Err(changed_meanwhile());
        }
        if let (serde_json::Value::Object(extra), Some(details)) = (work(conn)?, details.as_object_mut()) {
            details.extend(extra);
        }
        audit::record(conn, actor, ENTITY, id, action, &details, stamp)?;
        events::campaign_updated(conn, id, stamp)
    })
}

/// Starts writing the launch messages of campaign `id` (its settings as committed in
/// this transaction; `fanout::write_launch` writes them after it commits), answering
/// what the audit trail records.
pub(super) fn queue_launch(conn: &mut DbConnection, id: i64, stamp: NaiveDateTime) -> ApiResult<serde_json::Value> {
    let row = db::campaigns::find_by_id(conn, id)?.ok_or_else(changed_meanwhile)?;
    row.phone_number_id.ok_or_else(changed_meanwhile)?;
    fanout::begin_launch(conn, &row, stamp)
}

/// Withdraws what a stopped campaign has not sent, and files its conversations: on a
/// single-use number (released next) every queued message and those the provider still
/// holds; on a reusable number the launch messages not yet sent — replies already
/// written still go out, since the number lives on.
fn cancel_unsent(conn: &mut DbConnection, row: &CampaignRow, stamp: NaiveDateTime) -> ApiResult<serde_json::Value> {
    use tidings_domain::delivery::MessageStatus;
    let single_use = match row.phone_number_id {
        Some(number) => db::phone_numbers::find_any(conn, number)?.kind == PhoneNumberKind::SingleUse,
        None => false,
    };
    let statuses: &[MessageStatus] = if single_use {
        &[MessageStatus::Queued, MessageStatus::Claimed, MessageStatus::Pending]
    } else {
        &[MessageStatus::Queued, MessageStatus::Claimed]
    };
    let cancelled = db::messages::cancel_of_campaign(conn, row.id, statuses, !single_use, stamp)?;
    let mut tally = db::send_counts::Tally::new();
    for (status, author) in &cancelled {
        {
            tally.moved(Some(row.id), *author, *status, MessageStatus::Cancelled);
        }
    }
    tally.write(conn)?;
    // Conversations leave the campaign agents' inboxes. On a reusable number those that
    // still need attention move to the number's unsolicited message settings (and later
    // replies open unsolicited conversations there); a single-use number is released,
    // so all of them close.
    let rerouted = db::conversations::close_for_campaign(conn, row.id, !single_use, stamp)?;
    Ok(json!({ "cancelled_messages": cancelled.len(), "conversations_to_unsolicited": rerouted.len() }))
}

/// `POST /campaigns/{id}/schedule`: a ready draft launches by itself at `launch_at`,
/// which must be at least 30 minutes from now.
pub fn schedule(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    launch_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> ApiResult<Campaign> {
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, CampaignAction::Schedule, now)?;
    validate_schedule(launch_at, now).map_err(|e| ApiError::invalid("launch_at", e.to_string()))?;
    let stamp = now.naive_utc();
    let launch = crate::clock::truncate_to_micros(launch_at).naive_utc();
    let changes = CampaignChanges {
        state: Some(CampaignState::Scheduled),
        scheduled_at: Some(Some(launch)),
        updated_at: Some(stamp),
        lease_owner: Some(None),
        lease_expires_at: Some(None),
        ..CampaignChanges::default()
    };
    transition(conn, actor, id, state, changes, ("scheduled", json!({ "launch_at": launch_at })), stamp)?;
    campaign_view(conn, actor, id, now)
}

/// `POST /campaigns/{id}/unschedule`: back to draft, outside the one-hour lock.
pub fn unschedule(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Campaign> {
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, CampaignAction::Unschedule, now)?;
    let stamp = now.naive_utc();
    let changes = CampaignChanges {
        state: Some(CampaignState::Draft),
        scheduled_at: Some(None),
        updated_at: Some(stamp),
        ..CampaignChanges::default()
    };
    transition(
        conn,
        actor,
        id,
        state,
        changes,
        ("unscheduled", json!({ "was_scheduled_for": row.scheduled_at.map(utc) })),
        stamp,
    )?;
    campaign_view(conn, actor, id, now)
}

/// `POST /campaigns/{id}/pause`: nothing more of the campaign is sent until it is
/// resumed. Messages already handed to the provider finish and are recorded; replies,
/// agent and assistant work go on. Once this answers, no launch message of the campaign
/// is claimed or committed for sending.
pub fn pause(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Campaign> {
    switch_sending(conn, actor, id, now, SendingSwitch::Pause)
}

/// `POST /campaigns/{id}/resume`: the held messages are due again, in their order, at
/// the number's rate.
pub fn resume(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Campaign> {
    switch_sending(conn, actor, id, now, SendingSwitch::Resume)
}

/// Pausing or resuming a running campaign.
#[derive(Clone, Copy)]
enum SendingSwitch {
    Pause,
    Resume,
}

fn switch_sending(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    now: DateTime<Utc>,
    switch: SendingSwitch,
) -> ApiResult<Campaign> {
    let (action, to, audited) = match switch {
        SendingSwitch::Pause => (CampaignAction::Pause, CampaignState::Paused, "paused"),
        SendingSwitch::Resume => (CampaignAction::Resume, CampaignState::Active, "resumed"),
    };
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, action, now)?;
    let stamp = now.naive_utc();
    let changes = CampaignChanges { state: Some(to), updated_at: Some(stamp), ..CampaignChanges::default() };
    transition_with(conn, actor, id, state, changes, (audited, json!({})), stamp, |conn| {
        Ok(match switch {
            SendingSwitch::Pause => json!({ "held_messages": db::send_queue::hold_campaign(conn, id, stamp)? }),
            SendingSwitch::Resume => {
                json!({ "released_messages": db::send_queue::release_campaign(conn, id, stamp)? })
            }
        })
    })?;
    campaign_view(conn, actor, id, now)
}

/// What archiving did, for the caller to finish outside the transaction (releasing a
/// single-use number is a provider call).
pub struct Archived {
    pub campaign: Campaign,
    /// The single-use number to release, when the campaign had one.
    pub release_number: Option<i64>,
}

/// `POST /campaigns/{id}/archive`: discard a draft, cancel a schedule (outside the
/// lock), or stop an active or paused campaign.
pub fn archive(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Archived> {
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, CampaignAction::Archive, now)?;
    let kind = ArchiveKind::archiving(state).ok_or_else(|| ApiError::conflict("This campaign cannot be archived."))?;
    let stamp = now.naive_utc();
    let changes = CampaignChanges {
        state: Some(CampaignState::Archived),
        archive_kind: Some(Some(kind)),
        archived_at: Some(Some(stamp)),
        updated_at: Some(stamp),
        lease_owner: Some(None),
        lease_expires_at: Some(None),
        ..CampaignChanges::default()
    };
    let stopping = state.is_running();
    transition_with(
        conn,
        actor,
        id,
        state,
        changes,
        ("archived", json!({ "from": state, "as": kind })),
        stamp,
        |conn| {
            if stopping {
                cancel_unsent(conn, &row, stamp)
            } else {
                Ok(serde_json::Value::Null)
            }
        },
    )?;
    let release_number = match row.phone_number_id {
        Some(number) => db::campaigns::numbers_of(conn, &[number])?
            .into_iter()
            .find(|(_, _, kind)| *kind == PhoneNumberKind::SingleUse)
            .map(|(id, _, _)| id),
        None => None,
    };
    Ok(Archived { campaign: campaign_view(conn, actor, id, now)?, release_number })
}

/// `POST /campaigns/{id}/archive`, then the release of a single-use number.
pub async fn archive_now(state: &AppState, actor: AuthUser, id: i64) -> ApiResult<Campaign> {
    let now = state.clock.now();
    let archived = state.db(move |conn| archive(conn, &actor, id, now)).await?;
    if let Some(number) = archived.release_number {
        give_back(state, number).await;
    }
    Ok(archived.campaign)
}
