//! Transcripts as files: a campaign's conversations as CSV, one row per message (the
//! Activity tab's download), and one conversation as plain text (the conversation
//! panel's). Times are in the campaign's zone; cells a spreadsheet would run as
//! formulas are neutralised, as in the Contacts export.
//!
//! Who may read a campaign or a conversation may download it: limited users read every
//! conversation of a campaign they see, even those they may not work.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use tidings_domain::message_wire::{Author, Direction, Message};

use crate::auth::AuthUser;
use crate::db::conversations::ConversationRow;
use crate::db::messages::MessageRow;
use crate::db::{self, utc, DbConnection};
use crate::error::ApiResult;
use crate::services::campaigns::load_visible;
use crate::services::conversations;
use crate::services::csv_cells::csv_lines;
use crate::services::messages::to_messages;

/// Messages read (and written out) per page of a campaign's export.
const EXPORT_PAGE: i64 = 2000;

/// The CSV's columns.
const COLUMNS: [&str; 8] = ["Contact", "Phone", "Direction", "Author", "Time", "Status", "Tags", "Message"];

/// `GET /campaigns/{id}/transcript.csv`, page by page: [`campaign_export_start`] checks
/// the campaign and writes the header, then each [`campaign_export_page`] the next
/// messages. Each takes a connection for its own page only.
pub struct CampaignTranscript {
    organisation_id: i64,
    campaign_id: i64,
    zone: Tz,
    after_id: i64,
    done: bool,
}

/// The export's header line, after checking the caller may see the campaign.
pub fn campaign_export_start(
    conn: &mut DbConnection,
    actor: &AuthUser,
    campaign_id: i64,
) -> ApiResult<(CampaignTranscript, Vec<u8>)> {
    let campaign = load_visible(conn, actor, campaign_id)?;
    let export = CampaignTranscript {
        organisation_id: campaign.organisation_id,
        campaign_id: campaign.id,
        zone: zone_of(&campaign.time_zone),
        after_id: 0,
        done: false,
    };
    let header = COLUMNS.map(str::to_owned);
    Ok((export, csv_lines(&header, 1)?))
}

/// The next page of messages as CSV, or `None` once every message was written.
pub fn campaign_export_page(
    conn: &mut DbConnection,
    mut export: CampaignTranscript,
) -> ApiResult<(CampaignTranscript, Option<Vec<u8>>)> {
    if export.done {
        return Ok((export, None));
    }
    let rows = db::messages::page_of_campaign(conn, export.campaign_id, None, export.after_id, EXPORT_PAGE)?;
    let Some(last) = rows.last() else {
        export.done = true;
        return Ok((export, None));
    };
    export.after_id = last.id;
    export.done = i64::try_from(rows.len()).unwrap_or(0) < EXPORT_PAGE;
    let mut ids: Vec<i64> = rows.iter().filter_map(|row| row.conversation_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let conversations: HashMap<i64, ConversationRow> =
        db::conversations::find_many(conn, export.organisation_id, &ids)?
            .into_iter()
            .map(|row| (row.id, row))
            .collect();
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, tag) in db::conversations::tags_of(conn, &ids)? {
        tags.entry(id).or_default().push(tag);
    }
    let times: Vec<NaiveDateTime> = rows.iter().map(message_time).collect();
    let conversation_ids: Vec<Option<i64>> = rows.iter().map(|row| row.conversation_id).collect();
    let messages = to_messages(conn, export.organisation_id, rows)?;
    let mut cells = Vec::with_capacity(messages.len() * COLUMNS.len());
    for ((message, time), conversation_id) in messages.into_iter().zip(times).zip(conversation_ids) {
        let conversation = conversation_id.and_then(|id| conversations.get(&id));
        let contact = conversation.map(contact_name).unwrap_or_default();
        let phone = conversation.map_or_else(|| contact_phone_of(&message), |c| c.contact_phone.clone());
        let tags = conversation_id.and_then(|id| tags.get(&id)).map(|t| t.join("; ")).unwrap_or_default();
        cells.extend([
            contact.clone(),
            phone,
            message.direction.as_str().to_owned(),
            author_text(&message, &contact),
            local_text(utc(time), export.zone),
            message.status.as_str().to_owned(),
            tags,
            message.body,
        ]);
    }
    let lines = cells.len() / COLUMNS.len();
    Ok((export, Some(csv_lines(&cells, lines)?)))
}

/// `GET /conversations/{id}/transcript.txt`: the file's name and one conversation as
/// text: who, on which campaign, then every message oldest first.
pub fn conversation_text(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<(String, String)> {
    let conversation = conversations::load(conn, actor, id)?;
    let campaign = match conversation.campaign_id {
        Some(campaign_id) => db::campaigns::find_by_id(conn, campaign_id)?,
        None => None,
    };
    let zone = zone_of(campaign.as_ref().map_or("UTC", |c| c.time_zone.as_str()));
    let contact = contact_name(&conversation);
    let mut text = format!("Conversation with {contact} ({})\n", conversation.contact_phone);
    if let Some(campaign) = &campaign {
        text.push_str(&format!("Campaign: {}\n", campaign.title));
    }
    text.push_str(&format!("Times in {}\n\n", zone.name()));
    let mut before = None;
    let mut pages = Vec::new();
    // Newest pages first (the transcript's own paging), then written oldest first.
    loop {
        let rows = db::messages::page_of_conversation(conn, conversation.id, before, EXPORT_PAGE)?;
        let Some(oldest) = rows.last() else { break };
        before = Some(oldest.id);
        let full = i64::try_from(rows.len()).unwrap_or(0) == EXPORT_PAGE;
        pages.push(rows);
        if !full {
            break;
        }
    }
    let rows: Vec<MessageRow> = pages.into_iter().rev().flat_map(|page| page.into_iter().rev()).collect();
    let times: Vec<NaiveDateTime> = rows.iter().map(message_time).collect();
    for (message, time) in to_messages(conn, actor.organisation_id, rows)?.into_iter().zip(times) {
        text.push_str(&format!(
            "[{}] {} ({}): {}\n",
            local_text(utc(time), zone),
            author_text(&message, &contact),
            message.status.as_str(),
            message.body
        ));
    }
    Ok((format!("conversation-{}.txt", conversation.id), text))
}

/// When the message happened: sent (outbound) or received/created.
fn message_time(row: &MessageRow) -> NaiveDateTime {
    row.sent_at.unwrap_or(row.created_at)
}

fn zone_of(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// `2026-12-05 10:00:00 EST`.
fn local_text(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M:%S %Z").to_string()
}

fn contact_name(conversation: &ConversationRow) -> String {
    format!("{} {}", conversation.first_name, conversation.last_name).trim().to_owned()
}

/// The contact's side of a message without a conversation.
fn contact_phone_of(message: &Message) -> String {
    match message.direction {
        Direction::Inbound => message.from.clone(),
        Direction::Outbound => message.to.clone(),
    }
}

/// Who wrote it, as a reader of the transcript would say it.
fn author_text(message: &Message, contact: &str) -> String {
    match message.author {
        Author::Contact if contact.is_empty() => "Contact".to_owned(),
        Author::Contact => contact.to_owned(),
        Author::Agent => message.author_name.clone().unwrap_or_else(|| "Agent".to_owned()),
        Author::Assistant => "Virtual Assistant".to_owned(),
        Author::Campaign => "Campaign".to_owned(),
        Author::System => "Automatic reply".to_owned(),
    }
}
