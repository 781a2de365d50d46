//! Launch fan-out: a conversation and one queued message per eligible contact of a
//! launching campaign, written inside the launch's own transaction with multi-row
//! inserts, so a campaign is either active with its whole queue or still where it was.
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
use tidings_domain::contact_zone::contact_zone;
use tidings_domain::conversation_wire::Route;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::delivery::SendCounts;
use tidings_domain::message_wire::{Author, Direction};
use tidings_domain::opt_out_wire::OptOutSource;
use tidings_domain::segments::segment_info;
use tidings_domain::template::{render_message, MergeFields};

use crate::db::campaigns::CampaignRow;
use crate::db::contact_lists::{ContactFilter, ContactListRow, ContactRow};
use crate::db::conversations::NewConversation;
use crate::db::messages::NewMessage;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::{organisation_settings, texting_hours};

/// Contacts read and messages written per round: bounded memory for any list size.
const PAGE: i64 = 5000;

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
    let field_names: Vec<String> = serde_json::from_str(&list.field_names)
        .map_err(|e| ApiError::internal(format!("contact list {} has unreadable field names: {e}", list.id)))?;
    let zone_field_index =
        list.time_zone_field.as_ref().and_then(|field| field_names.iter().position(|name| name == field));
    let mut after_id = None;
    loop {
        let filter = ContactFilter { after_id, limit: PAGE, ..ContactFilter::default() };
        let contacts = db::contact_lists::browse(conn, list.id, &filter)?;
        let Some(last) = contacts.last() else { break };
        after_id = Some(last.id);
        let full = i64::try_from(contacts.len()).unwrap_or(0) >= PAGE;
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
        visit(conn, texted)?;
        if !full {
            break;
        }
    }
    Ok(())
}

/// Queues the launch messages of `campaign`, sent from `phone_number_id`, and starts
/// its send counters. Run inside the launch transaction.
pub fn enqueue_launch_messages(
    conn: &mut DbConnection,
    campaign: &CampaignRow,
    phone_number_id: i64,
    stamp: NaiveDateTime,
) -> ApiResult<SendCounts> {
    let list_id = campaign.contact_list_id.ok_or_else(|| ApiError::conflict("The campaign has no contact list."))?;
    let list = db::contact_lists::find(conn, campaign.organisation_id, list_id)?;
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
    let mut counts = SendCounts::default();
    let mut queued = 0;
    walk_list(conn, &list, message, &mut counts, |conn, page| {
        let mut rows = Vec::with_capacity(page.len());
        let mut threads = Vec::with_capacity(page.len());
        for Texted { contact, body, zone_column } in page {
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
        queued += i64::try_from(db::messages::insert_all(conn, &rows)?).unwrap_or(i64::MAX);
        Ok(())
    })?;
    counts.queued = queued;
    db::send_counts::create(conn, campaign.id, &counts)?;
    Ok(counts)
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
