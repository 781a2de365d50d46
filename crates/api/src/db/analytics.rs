//! The reads behind a campaign's Analytics tab. Each is a range scan of a small part
//! of the campaign's messages (`messages_campaign_status`, `messages_campaign_author`);
//! the big numbers come from maintained counters (`send_counts`, `activity`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::Author;
use tidings_domain::opt_out_wire::OptOutSource;

use super::schema::{messages, opt_outs};
use super::DbConnection;

/// Failed launch messages per error code: (code, count).
pub fn failures_by_code(conn: &mut DbConnection, campaign_id: i64) -> QueryResult<Vec<(Option<i64>, i64)>> {
    // The author is told apart here, not in SQL: with `author = 'campaign'` in the WHERE,
    // SQLite picks `messages_campaign_author (campaign_id, author, id)` and walks every
    // launch message (a million of them) instead of the failed few through
    // `messages_campaign_status (campaign_id, status, id)`.
    let rows: Vec<(Option<i64>, Author, i64)> = messages::table
        .filter(messages::campaign_id.eq(campaign_id))
        .filter(messages::status.eq_any([MessageStatus::Failed, MessageStatus::Undelivered]))
        .group_by((messages::error_code, messages::author))
        .select((messages::error_code, messages::author, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter(|(_, author, _)| *author == Author::Campaign).map(|(code, _, n)| (code, n)).collect())
}

/// A message of the conversation side: contact, agent and assistant messages.
#[derive(Debug, Clone, Queryable)]
pub struct ReplyRow {
    pub id: i64,
    pub conversation_id: Option<i64>,
    pub author: Author,
    pub author_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// The campaign's contact, agent and assistant messages, in order. Sorted here, not in
/// SQL: an `ORDER BY id` invites SQLite to walk `messages_campaign` (campaign, id) —
/// every launch message — instead of the small `messages_campaign_author` ranges.
pub fn replies(conn: &mut DbConnection, campaign_id: i64) -> QueryResult<Vec<ReplyRow>> {
    let mut rows: Vec<ReplyRow> = messages::table
        .filter(messages::campaign_id.eq(campaign_id))
        .filter(messages::author.eq_any([Author::Contact, Author::Agent, Author::Assistant]))
        .select((
            messages::id,
            messages::conversation_id,
            messages::author,
            messages::author_user_id,
            messages::created_at,
        ))
        .load(conn)?;
    rows.sort_by_key(|row| row.id);
    Ok(rows)
}

/// Opt-outs recorded from this campaign (keyword or staff), lifted later or not. A
/// number suppressed because it cannot receive texts is no one's choice, so it is not
/// counted.
pub fn opt_outs_from(conn: &mut DbConnection, campaign_id: i64) -> QueryResult<i64> {
    opt_outs::table
        .filter(opt_outs::campaign_id.eq(campaign_id))
        .filter(opt_outs::source.ne(OptOutSource::Undeliverable))
        .count()
        .get_result(conn)
}
