//! Launch fan-out: a conversation and one queued message per eligible contact of a
//! launching campaign. The launch's own transaction only starts it (counters at zero,
//! the cursor before the first contact); the messages are then written a chunk of
//! contacts at a time, each chunk its own short write transaction that also moves the
//! cursor, so SQLite's one writer is free between chunks for inbound webhooks, STOPs
//! and staff work. A chunk is all or nothing and names the cursor it starts from, so
//! a launch cut short (the server killed midway) resumes where its last chunk ended
//! and no contact gets two launch messages.
//!
//! Contacts on the organisation's suppression list are skipped and counted; so are
//! contacts whose number is not E.164 or whose rendered message is empty or over the
//! provider's 1600-character limit (a long merge field can do that). The cost estimate
//! before launch walks a list the same way ([`walk_list`]), so it counts what a launch
//! would send.
//!
//! Each message carries its contact's zone and is first due when the contact's texting
//! window is open: at once inside it, else when it next opens.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::json;
use tidings_domain::campaign::CampaignState;
use tidings_domain::contact_zone::contact_zone;
use tidings_domain::conversation_wire::Route;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::delivery::SendCounts;
use tidings_domain::message_wire::{Author, Direction};
use tidings_domain::opt_out_wire::OptOutSource;
use tidings_domain::segments::segment_info;
use tidings_domain::template::{render_message, MergeFields};

use crate::db::campaigns::{CampaignChanges, CampaignRow};
use crate::db::connection::write_transaction;
use crate::db::contact_lists::{ContactFilter, ContactListRow, ContactRow};
use crate::db::conversations::NewConversation;
use crate::db::messages::NewMessage;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, events, organisation_settings, texting_hours};
use crate::state::AppState;

/// Contacts read per round of a walk: bounded memory for any list size.
const PAGE: i64 = 5000;
/// Contacts written per chunk of a launch: a few thousand rows in one short write
/// transaction.
pub const CHUNK: i64 = 2000;
/// How long a launch still being written may stand still before another server (or
/// this one, restarted) resumes it.
pub const STALLED_AFTER: chrono::Duration = chrono::Duration::seconds(30);

/// The message a campaign would send: its template and the organisation's opt-out
/// language when the campaign appends it.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub template: &'a str,
    pub opt_out_language: Option<&'a str>,
}

/// A contact a launch would text: its rendered message and the value of the list's
/// time-zone column, if the list has one.
pub struct Texted {
    pub contact: ContactRow,
    pub body: String,
    pub zone_column: Option<String>,
}

/// Walks every contact of `list` page by page, counting in `skipped` those a launch
/// skips and handing each page's texted contacts to `visit`.
pub fn walk_list(
    conn: &mut DbConnection,
    list: &ContactListRow,
    message: Message<'_>,
    skipped: &mut SendCounts,
    mut visit: impl FnMut(&mut DbConnection, Vec<Texted>) -> ApiResult<()>,
) -> ApiResult<()> {
    let mut after_id = None;
    loop {
        let page = walk_page(conn, list, message, after_id, PAGE, skipped)?;
        visit(conn, page.texted)?;
        match page.next_after {
            Some(last) => after_id = Some(last),
            None => return Ok(()),
        }
    }
}

/// One page of a list's walk: the contacts texted, how many contacts it read, and the
/// last contact's id when more may follow.
pub struct WalkedPage {
    pub texted: Vec<Texted>,
    pub read: i64,
    pub next_after: Option<i64>,
}

/// Reads up to `limit` contacts of `list` after contact `after_id`, counting in
/// `skipped` those a launch skips.
pub fn walk_page(
    conn: &mut DbConnection,
    list: &ContactListRow,
    message: Message<'_>,
    after_id: Option<i64>,
    limit: i64,
    skipped: &mut SendCounts,
) -> ApiResult<WalkedPage> {
    let field_names: Vec<String> = serde_json::from_str(&list.field_names)
        .map_err(|e| ApiError::internal(format!("contact list {} has unreadable field names: {e}", list.id)))?;
    let zone_field_index =
        list.time_zone_field.as_ref().and_then(|field| field_names.iter().position(|name| name == field));
    let filter = ContactFilter { after_id, limit, ..ContactFilter::default() };
    let contacts = db::contact_lists::browse(conn, list.id, &filter)?;
    let read = i64::try_from(contacts.len()).unwrap_or(0);
    let next_after = contacts.last().map(|last| last.id).filter(|_| read >= limit);
    let phones: Vec<&str> = contacts.iter().map(|c| c.phone.as_str()).collect();
    let suppressed = db::opt_outs::live_sources_among(conn, list.organisation_id, &phones)?;
    let mut texted = Vec::with_capacity(contacts.len());
    for contact in contacts {
        if let Some(source) = suppressed.get(&contact.phone) {
            match source {
                OptOutSource::Undeliverable => skipped.skipped_undeliverable += 1,
                _ => skipped.skipped_opted_out += 1,
            }
            continue;
        }
        let values: Vec<String> = serde_json::from_str(&contact.fields).unwrap_or_default();
        let merge = MergeFields::for_contact(
            &contact.first_name,
            &contact.last_name,
            &contact.phone,
            field_names.iter().zip(values.iter()),
        );
        match render_message(message.template, &merge, message.opt_out_language) {
            Ok(body) if is_e164(&contact.phone) => {
                let zone_column = zone_field_index.and_then(|i| values.get(i)).cloned();
                texted.push(Texted { contact, body, zone_column });
            }
            _ => skipped.skipped_invalid += 1,
        }
    }
    Ok(WalkedPage { texted, read, next_after })
}

/// Starts the launch of `campaign` inside the launch transaction: its counters at zero
/// and its cursor before the first contact, for [`write_chunk`] to write. Answers what
/// the audit trail records of it.
pub fn begin_launch(
    conn: &mut DbConnection,
    campaign: &CampaignRow,
    stamp: NaiveDateTime,
) -> ApiResult<serde_json::Value> {
    let list_id = campaign.contact_list_id.ok_or_else(|| ApiError::conflict("The campaign has no contact list."))?;
    let list = db::contact_lists::find(conn, campaign.organisation_id, list_id)?;
    db::send_counts::create(conn, campaign.id, &SendCounts::default())?;
    let changes = CampaignChanges {
        fanout_after_contact_id: Some(Some(0)),
        fanout_written: Some(0),
        fanout_total: Some(list.contact_count),
        fanout_touched_at: Some(Some(stamp)),
        ..CampaignChanges::default()
    };
    db::campaigns::update(conn, campaign.id, &changes)?;
    Ok(json!({ "contacts": list.contact_count }))
}

/// What a chunk did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk {
    /// Written; more contacts remain.
    More,
    /// The launch is written (or there was none to write, or the campaign ended).
    Done,
    /// Another writer moved the cursor first: read it again.
    Raced,
}

/// Writes the next [`CHUNK`] contacts of campaign `id`'s launch in one write
/// transaction: their conversations and queued messages, the counters, and the cursor.
pub fn write_chunk(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> ApiResult<Chunk> {
    write_transaction(conn, |conn| {
        let Some(campaign) = db::campaigns::find_by_id(conn, id)? else { return Ok(Chunk::Done) };
        let Some(after) = campaign.fanout_after_contact_id else { return Ok(Chunk::Done) };
        if !matches!(campaign.state, CampaignState::Active | CampaignState::Paused) {
            // Stopped while launching: what was written was withdrawn with it.
            let changes = CampaignChanges { fanout_after_contact_id: Some(None), ..CampaignChanges::default() };
            db::campaigns::update(conn, id, &changes)?;
            return Ok(Chunk::Done);
        }
        if db::campaigns::claim_fanout_chunk(conn, id, after, now)? == 0 {
            return Ok(Chunk::Raced);
        }
        let phone_number_id =
            campaign.phone_number_id.ok_or_else(|| ApiError::conflict("The campaign has no number."))?;
        let list_id =
            campaign.contact_list_id.ok_or_else(|| ApiError::conflict("The campaign has no contact list."))?;
        let list = db::contact_lists::find(conn, campaign.organisation_id, list_id)?;
        let mut counts = SendCounts::default();
        let (read, next_after) = enqueue_page(conn, &campaign, &list, phone_number_id, after, now, &mut counts)?;
        db::send_counts::add_launched(conn, id, &counts)?;
        let changes = CampaignChanges {
            fanout_after_contact_id: Some(next_after),
            fanout_written: Some(campaign.fanout_written + read),
            fanout_touched_at: Some(Some(now)),
            ..CampaignChanges::default()
        };
        db::campaigns::update(conn, id, &changes)?;
        if next_after.is_none() {
            let totals = db::send_counts::of(conn, &[id])?.remove(&id).unwrap_or_default();
            let details = json!({
                "queued": totals.queued,
                "skipped_opted_out": totals.skipped_opted_out,
                "skipped_invalid": totals.skipped_invalid,
                "skipped_undeliverable": totals.skipped_undeliverable,
            });
            audit::record_system(conn, campaign.organisation_id, "campaign", id, "launch_written", &details, now)?;
        }
        events::campaign_updated(conn, id, now)?;
        Ok(if next_after.is_some() { Chunk::More } else { Chunk::Done })
    })
}

/// Queues the launch messages of one chunk of `campaign`'s contacts after contact
/// `after`: answers how many contacts it read and the cursor after them (`None` at the
/// end of the list).
fn enqueue_page(
    conn: &mut DbConnection,
    campaign: &CampaignRow,
    list: &ContactListRow,
    phone_number_id: i64,
    after: i64,
    stamp: NaiveDateTime,
    counts: &mut SendCounts,
) -> ApiResult<(i64, Option<i64>)> {
    let sender = db::phone_numbers::find_any(conn, phone_number_id)?;
    // Each message waits for its contact's texting hours: the zone the list's time-zone
    // column names, else the number's area code, else the campaign's.
    let organisation = db::organisations::find(conn, campaign.organisation_id)?;
    let window =
        texting_hours::organisation_window(&organisation).narrowed_by(texting_hours::campaign_narrowing(campaign));
    let campaign_zone = texting_hours::stored_zone(&campaign.time_zone);
    let language = organisation_settings::opt_out_language(&organisation);
    let message = Message {
        template: &campaign.message_template,
        opt_out_language: campaign.append_opt_out.then_some(language.as_str()),
    };
    let page = walk_page(conn, list, message, Some(after), CHUNK, counts)?;
    let mut rows = Vec::with_capacity(page.texted.len());
    let mut threads = Vec::with_capacity(page.texted.len());
    for Texted { contact, body, zone_column } in page.texted {
        let zone = contact_zone(zone_column.as_deref(), &contact.phone, campaign_zone).zone;
        let cost = segment_info(&body);
        threads.push(NewConversation {
            organisation_id: campaign.organisation_id,
            office_id: campaign.office_id,
            campaign_id: Some(campaign.id),
            phone_number_id,
            contact_id: Some(contact.id),
            contact_phone: contact.phone.clone(),
            first_name: contact.first_name.clone(),
            last_name: contact.last_name.clone(),
            operated_by: campaign.operated_by,
            needs_attention: false,
            opt_out_suggested: false,
            assistant_fallbacks: 0,
            route: Route::Campaign,
            last_message_at: Some(stamp),
            created_at: stamp,
            updated_at: stamp,
        });
        rows.push(NewMessage {
            organisation_id: campaign.organisation_id,
            campaign_id: Some(campaign.id),
            contact_id: Some(contact.id),
            phone_number_id,
            direction: Direction::Outbound,
            author: Author::Campaign,
            author_user_id: None,
            from_phone: sender.e164.clone(),
            to_phone: contact.phone,
            body,
            encoding: cost.encoding.as_str(),
            segments: i64::try_from(cost.segments).unwrap_or(i64::MAX),
            status: MessageStatus::Queued,
            attempts: 0,
            next_attempt_at: texting_hours::first_due(window, zone, stamp),
            created_at: stamp,
            updated_at: stamp,
            conversation_id: None,
            texting_zone: Some(zone.name().to_owned()),
        });
    }
    // Each message joins its contact's conversation, created alongside.
    let conversation_of: HashMap<i64, i64> = db::conversations::insert_all(conn, &threads)?
        .into_iter()
        .filter_map(|(id, contact)| contact.map(|contact| (contact, id)))
        .collect();
    for row in &mut rows {
        row.conversation_id = row.contact_id.and_then(|contact| conversation_of.get(&contact).copied());
    }
    counts.queued += i64::try_from(db::messages::insert_all(conn, &rows)?).unwrap_or(i64::MAX);
    Ok((page.read, page.next_after))
}

/// Writes campaign `id`'s launch to the end, chunk by chunk, each in its own
/// transaction (the Launch button and the scheduler wait for it; other work runs
/// between chunks).
pub async fn write_launch(state: &AppState, id: i64) -> ApiResult<()> {
    loop {
        let now = state.clock.now().naive_utc();
        match state.db(move |conn| write_chunk(conn, id, now)).await? {
            Chunk::Done => return Ok(()),
            Chunk::More | Chunk::Raced => {}
        }
    }
}

/// As [`write_launch`], on one connection the caller holds (the demo seed, the
/// benchmarks): every chunk, one transaction each.
pub fn write_launch_on(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> ApiResult<()> {
    while write_chunk(conn, id, now)? != Chunk::Done {}
    Ok(())
}

/// Resumes launches that stood still past [`STALLED_AFTER`] (their server died
/// midway): answers how many it finished.
pub async fn resume_stalled(state: &AppState) -> ApiResult<usize> {
    let before = (state.clock.now() - STALLED_AFTER).naive_utc();
    let stalled = state.db(move |conn| Ok(db::campaigns::stalled_fanouts(conn, before, 10)?)).await?;
    for &id in &stalled {
        tracing::info!(campaign_id = id, "resuming a launch that stopped midway");
        write_launch(state, id).await?;
    }
    Ok(stalled.len())
}

/// `+` and 8 to 15 digits: what the provider accepts as a destination.
fn is_e164(phone: &str) -> bool {
    phone
        .strip_prefix('+')
        .is_some_and(|digits| (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::is_e164;

    #[test]
    fn destinations_must_be_e164() {
        assert!(is_e164("+14155550100"));
        assert!(!is_e164("4155550100"));
        assert!(!is_e164("+1415555010a"));
        assert!(!is_e164("+1"));
    }
}
