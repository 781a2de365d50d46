//! Reading messages: a campaign's messages with their delivery status, paged by id.

use std::collections::HashMap;

use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::{Message, MessagePage};

use crate::auth::AuthUser;
use crate::db::messages::MessageRow;
use crate::db::{self, utc, DbConnection};
use crate::error::ApiResult;
use crate::services::campaigns::load_visible;
use crate::services::paging::{page_end, PageRequest};

/// What the campaign messages list takes.
#[derive(Debug, Clone)]
pub struct MessageQuery {
    pub statuses: Vec<MessageStatus>,
}

/// `GET /campaigns/{id}/messages`: the campaign's messages, oldest first.
pub fn campaign_messages(
    conn: &mut DbConnection,
    actor: &AuthUser,
    campaign_id: i64,
    query: MessageQuery,
    page: &PageRequest,
) -> ApiResult<MessagePage> {
    let campaign = load_visible(conn, actor, campaign_id)?;
    let limit = page.limit;
    let after_id = page.id_cursor()?.unwrap_or(0);
    let filter = (!query.statuses.is_empty()).then_some(query.statuses.as_slice());
    let mut rows = db::messages::page_of_campaign(conn, campaign.id, filter, after_id, limit + 1)?;
    let next_cursor = page_end(&mut rows, limit).map(|last| last.id.to_string());
    let items: Vec<Message> = rows.into_iter().map(to_message).collect::<ApiResult<_>>()?;
    Ok(MessagePage { items, next_cursor })
}

/// The wire form of stored messages, each agent reply with its author's name.
pub fn to_messages(conn: &mut DbConnection, organisation_id: i64, rows: Vec<MessageRow>) -> ApiResult<Vec<Message>> {
    let mut authors: Vec<i64> = rows.iter().filter_map(|r| r.author_user_id).collect();
    authors.sort_unstable();
    authors.dedup();
    let names: HashMap<i64, String> = db::users::names_of(conn, organisation_id, &authors)?.into_iter().collect();
    rows.into_iter()
        .map(|row| {
            let name = row.author_user_id.and_then(|id| names.get(&id).cloned());
            to_message(row).map(|message| Message { author_name: name, ..message })
        })
        .collect()
}

/// The wire form of a stored message.
pub fn to_message(row: MessageRow) -> ApiResult<Message> {
    let (status, author, direction) = (row.status, row.author, row.direction);
    Ok(Message {
        id: row.id,
        campaign_id: row.campaign_id,
        contact_id: row.contact_id,
        direction,
        author,
        author_name: None,
        from: row.from_phone,
        to: row.to_phone,
        body: row.body,
        encoding: row.encoding,
        segments: row.segments,
        retrying: status == MessageStatus::Queued && row.attempts > 0,
        status,
        attempts: row.attempts,
        error_code: row.error_code,
        error_reason: row.error_reason,
        provider_message_id: row.provider_message_id,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        sent_at: row.sent_at.map(utc),
    })
}
