//! Texting hours in the send path (DESIGN.md, Compliance): the window a campaign keeps,
//! the zone stored on each message that waits for it, the first due time of such a
//! message, and the dispatcher's last look before a message goes to the provider.
//!
//! The decision itself is the domain's [`decide`]; this module feeds it stored state.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use tidings_domain::contact_zone::contact_zone;
use tidings_domain::message_wire::Author;
use tidings_domain::texting_hours::{decide, waits_for_texting_hours, SendDecision, TextingWindow};

use crate::db::campaigns::CampaignRow;
use crate::db::conversations::ConversationRow;
use crate::db::organisations::OrganisationRow;
use crate::db::send_queue::ClaimedMessage;
use crate::db::{self, DbConnection};
use crate::error::ApiResult;

/// The organisation's window (a stored value out of range falls back to the default).
pub fn organisation_window(organisation: &OrganisationRow) -> TextingWindow {
    window_from(Some(organisation.texting_opens), Some(organisation.texting_closes)).unwrap_or_default()
}

/// The campaign's own narrowing, if it has one.
pub fn campaign_narrowing(campaign: &CampaignRow) -> Option<TextingWindow> {
    window_from(campaign.texting_opens, campaign.texting_closes)
}

fn window_from(opens: Option<i32>, closes: Option<i32>) -> Option<TextingWindow> {
    let minute = |m: Option<i32>| m.and_then(|m| u16::try_from(m).ok());
    TextingWindow::from_minutes(minute(opens)?, minute(closes)?)
}

/// The hours `campaign` texts in: the organisation's window narrowed by the campaign's.
pub fn campaign_window(conn: &mut DbConnection, campaign: &CampaignRow) -> ApiResult<TextingWindow> {
    let organisation = db::organisations::find(conn, campaign.organisation_id)?;
    Ok(organisation_window(&organisation).narrowed_by(campaign_narrowing(campaign)))
}

/// Reads a stored zone name; an unreadable one (never written by Tidings) is read as
/// UTC rather than letting the message through unchecked.
pub fn stored_zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// When a message for a contact on `zone`'s clock may first go: `now` inside the
/// window, else when it next opens.
pub fn first_due(window: TextingWindow, zone: Tz, now: NaiveDateTime) -> NaiveDateTime {
    match decide(window, zone, now.and_utc()) {
        SendDecision::Now => now,
        SendDecision::WaitUntil(at) => at.naive_utc(),
    }
}

/// The zone an agent's or the assistant's message in `conversation` waits on (`None`
/// when it answers a contact who has written, and does not wait) and when it is first
/// due.
pub fn reply_timing(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
    author: Author,
    stamp: NaiveDateTime,
) -> ApiResult<(Option<String>, NaiveDateTime)> {
    let Some(zone) = reply_zone(conn, conversation, author)? else { return Ok((None, stamp)) };
    let window = match conversation.campaign_id.map(|id| db::campaigns::find_by_id(conn, id)).transpose()?.flatten() {
        Some(campaign) => campaign_window(conn, &campaign)?,
        None => organisation_window(&db::organisations::find(conn, conversation.organisation_id)?),
    };
    let due = first_due(window, stored_zone(&zone), stamp);
    Ok((Some(zone), due))
}

/// A message that opens the conversation keeps the zone of its launch message (which
/// knew the list's time-zone column), else the number's area code, else the office's.
fn reply_zone(conn: &mut DbConnection, conversation: &ConversationRow, author: Author) -> ApiResult<Option<String>> {
    let contact_has_written = db::messages::contact_has_written(conn, conversation.id)?;
    if !waits_for_texting_hours(author, contact_has_written) {
        return Ok(None);
    }
    if let Some(zone) = db::messages::texting_zone_of_conversation(conn, conversation.id)? {
        return Ok(Some(zone));
    }
    let office = db::offices::find(conn, conversation.organisation_id, conversation.office_id)?;
    Ok(Some(contact_zone(None, &conversation.contact_phone, stored_zone(&office.time_zone)).zone.name().to_owned()))
}

/// The window each waiting message of a claimed batch keeps, looked up once per
/// organisation and campaign.
struct Windows {
    organisations: HashMap<i64, TextingWindow>,
    campaigns: HashMap<i64, Option<TextingWindow>>,
}

impl Windows {
    fn new() -> Self {
        Self { organisations: HashMap::new(), campaigns: HashMap::new() }
    }

    fn of(&mut self, conn: &mut DbConnection, message: &ClaimedMessage) -> ApiResult<TextingWindow> {
        let organisation = match self.organisations.get(&message.organisation_id) {
            Some(window) => *window,
            None => {
                let window = organisation_window(&db::organisations::find(conn, message.organisation_id)?);
                self.organisations.insert(message.organisation_id, window);
                window
            }
        };
        let Some(campaign_id) = message.campaign_id else { return Ok(organisation) };
        let narrowing = match self.campaigns.get(&campaign_id) {
            Some(narrowing) => *narrowing,
            None => {
                let narrowing = db::campaigns::find_by_id(conn, campaign_id)?.as_ref().and_then(campaign_narrowing);
                self.campaigns.insert(campaign_id, narrowing);
                narrowing
            }
        };
        Ok(organisation.narrowed_by(narrowing))
    }
}

/// The dispatcher's last look before `sending` is committed: claimed messages whose
/// contact's window is closed at `now` go back to the queue until it opens. Answers the
/// ids put back. A message sent "now" is therefore always inside its window, whatever
/// set its due time (a launch, a resume, a retry, a window narrowed since).
pub fn hold_outside_window(
    conn: &mut DbConnection,
    claimed: &[&ClaimedMessage],
    owner: &str,
    now: DateTime<Utc>,
) -> ApiResult<Vec<i64>> {
    let mut windows = Windows::new();
    let mut waits: HashMap<NaiveDateTime, Vec<i64>> = HashMap::new();
    for message in claimed {
        let Some(zone) = message.texting_zone.as_deref() else { continue };
        let window = windows.of(conn, message)?;
        if let SendDecision::WaitUntil(at) = decide(window, stored_zone(zone), now) {
            waits.entry(at.naive_utc()).or_default().push(message.id);
        }
    }
    let mut held = Vec::new();
    for (until, ids) in waits {
        held.extend(db::send_queue::defer_claimed(conn, &ids, owner, until, now.naive_utc())?);
    }
    Ok(held)
}
