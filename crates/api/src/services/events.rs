//! Live updates: what services publish (inside their own transactions), who may see
//! an event, and the replay a reconnecting stream gets.
//!
//! An event is a row written with the change it describes, so it exists exactly when
//! the change committed and every server sharing the database sees it; each server's
//! poller (`crate::live`) fans new rows out to its streams. Who sees an event follows
//! who sees the campaign: same organisation, the two-way messaging permission, and the
//! event's office among those the user sees.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::event_wire::{CampaignUpdatedEvent, Event, MessageStatusEvent};

use crate::auth::AuthUser;
use crate::db::events::{EventRow, NewEvent};
use crate::db::messages::MessageRow;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};

/// Most events a reconnecting stream replays; past this it is told to resync, which
/// costs the client one reload instead of a flood.
pub const REPLAY_LIMIT: i64 = 1000;

/// Where an event belongs: who may see it and what it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventScope {
    pub organisation_id: i64,
    pub office_id: i64,
    pub campaign_id: Option<i64>,
    pub conversation_id: Option<i64>,
}

/// Stores `event` for the streams; call inside the transaction of the change.
pub fn publish(conn: &mut DbConnection, scope: EventScope, event: &Event, at: NaiveDateTime) -> ApiResult<()> {
    let data = event.data_json().map_err(ApiError::internal)?;
    db::events::record(
        conn,
        &NewEvent {
            organisation_id: scope.organisation_id,
            office_id: scope.office_id,
            kind: event.kind(),
            campaign_id: scope.campaign_id,
            conversation_id: scope.conversation_id,
            data,
            created_at: at,
        },
    )?;
    Ok(())
}

/// `campaign.updated` for campaign `id` as it stands in this transaction.
pub fn campaign_updated(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> ApiResult<()> {
    let row = db::campaigns::find_by_id(conn, id)?.ok_or_else(|| ApiError::not_found("The campaign"))?;
    let state = row.state;
    let send_counts = db::send_counts::of(conn, &[id])?.remove(&id);
    let scope = EventScope {
        organisation_id: row.organisation_id,
        office_id: row.office_id,
        campaign_id: Some(id),
        conversation_id: None,
    };
    let event = CampaignUpdatedEvent { id, state, send_counts, launch_progress: row.launch_progress() };
    publish(conn, scope, &Event::CampaignUpdated(event), at)
}

/// The office each message's events belong to, remembered across a batch: the
/// campaign's office; outside any campaign, the conversation's (an unsolicited one),
/// else the number's.
#[derive(Debug, Default)]
pub struct MessageOffices {
    by_campaign: HashMap<i64, i64>,
    by_conversation: HashMap<i64, i64>,
    by_number: HashMap<i64, i64>,
}

impl MessageOffices {
    pub fn of(&mut self, conn: &mut DbConnection, message: &MessageRow) -> ApiResult<i64> {
        if let Some(campaign_id) = message.campaign_id {
            if let Some(office) = self.by_campaign.get(&campaign_id) {
                return Ok(*office);
            }
            if let Some(campaign) = db::campaigns::find_by_id(conn, campaign_id)? {
                self.by_campaign.insert(campaign_id, campaign.office_id);
                return Ok(campaign.office_id);
            }
        }
        if let Some(conversation_id) = message.conversation_id {
            if let Some(office) = self.by_conversation.get(&conversation_id) {
                return Ok(*office);
            }
            let office = db::conversations::find_any(conn, conversation_id)?.office_id;
            self.by_conversation.insert(conversation_id, office);
            return Ok(office);
        }
        if let Some(office) = self.by_number.get(&message.phone_number_id) {
            return Ok(*office);
        }
        let office = db::phone_numbers::find_any(conn, message.phone_number_id)?.office_id;
        self.by_number.insert(message.phone_number_id, office);
        Ok(office)
    }
}

/// `message.status` for `message`, which is now in `status` with `error`.
pub fn message_status(
    conn: &mut DbConnection,
    offices: &mut MessageOffices,
    message: &MessageRow,
    status: MessageStatus,
    error: (Option<i64>, Option<&str>),
    at: NaiveDateTime,
) -> ApiResult<()> {
    let office_id = offices.of(conn, message)?;
    let data = MessageStatusEvent {
        id: message.id,
        campaign_id: message.campaign_id,
        conversation_id: message.conversation_id,
        contact_id: message.contact_id,
        status,
        // As the messages list says it: back in the queue after at least one attempt.
        retrying: status == MessageStatus::Queued && message.attempts > 0,
        error_code: error.0,
        error_reason: error.1.map(str::to_owned),
    };
    let scope = EventScope {
        organisation_id: message.organisation_id,
        office_id,
        campaign_id: message.campaign_id,
        conversation_id: message.conversation_id,
    };
    publish(conn, scope, &Event::MessageStatus(data), at)
}

/// `message.status` for message `id` as it stands in this transaction.
pub fn message_status_now(
    conn: &mut DbConnection,
    offices: &mut MessageOffices,
    id: i64,
    at: NaiveDateTime,
) -> ApiResult<()> {
    let Some(message) = db::messages::find(conn, id)? else { return Ok(()) };
    let status = message.status;
    let error = (message.error_code, message.error_reason.clone());
    message_status(conn, offices, &message, status, (error.0, error.1.as_deref()), at)
}

/// Whether `user` may see an event of `organisation_id` and `office_id`.
pub fn may_see(user: &AuthUser, organisation_id: i64, office_id: i64) -> bool {
    user.two_way_messaging && user.organisation_id == organisation_id && user.sees_office(office_id)
}

/// What a stream reconnecting after an event id gets first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    /// These, oldest first (possibly none).
    Events(Vec<EventRow>),
    /// Some of what was missed is gone (pruned) or too much to replay; the client
    /// reloads. `latest` is the newest stored id, to continue from.
    Resync { latest: i64 },
}

/// The events `user` may see after `last_event_id`, or a resync when part of them is
/// no longer stored or there are more than [`REPLAY_LIMIT`].
pub fn replay(conn: &mut DbConnection, user: &AuthUser, last_event_id: i64) -> ApiResult<Replay> {
    user.require_messaging()?;
    let Some((oldest, newest)) = db::events::id_range(conn)? else { return Ok(Replay::Events(Vec::new())) };
    // Pruning always keeps the newest row, so a gap before the oldest kept id means
    // something after `last_event_id` may have been deleted.
    if last_event_id < newest && oldest > last_event_id.saturating_add(1) {
        return Ok(Replay::Resync { latest: newest });
    }
    let office = (!user.sees_all_offices()).then_some(user.office_id);
    let rows = db::events::of_organisation_after(conn, user.organisation_id, office, last_event_id, REPLAY_LIMIT + 1)?;
    if rows.len() > usize::try_from(REPLAY_LIMIT).unwrap_or(usize::MAX) {
        return Ok(Replay::Resync { latest: newest });
    }
    Ok(Replay::Events(rows))
}
