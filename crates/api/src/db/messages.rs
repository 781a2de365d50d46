//! Messages: the record of every message sent or received — writing them, reading a
//! campaign's or a conversation's, moving one on a status report, cancelling what was
//! not sent, and early status reports. The dispatcher's queue (lanes, claims, leases)
//! is `send_queue`.
//!
//! Every statement that moves a message names the status it expects, so two servers
//! racing on one row cannot both move it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::{Author, Direction};

use super::schema::{early_status_reports, messages};
use super::DbConnection;

/// Columns bound per message in a multi-row insert.
const MESSAGE_PARAMETERS: usize = 19;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = messages)]
pub struct NewMessage {
    pub organisation_id: i64,
    pub campaign_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub phone_number_id: i64,
    pub direction: Direction,
    pub author: Author,
    pub author_user_id: Option<i64>,
    pub from_phone: String,
    pub to_phone: String,
    pub body: String,
    pub encoding: &'static str,
    pub segments: i64,
    pub status: MessageStatus,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub conversation_id: Option<i64>,
    pub texting_zone: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: i64,
    pub organisation_id: i64,
    pub campaign_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub phone_number_id: i64,
    pub direction: Direction,
    pub author: Author,
    pub author_user_id: Option<i64>,
    pub from_phone: String,
    pub to_phone: String,
    pub body: String,
    pub encoding: String,
    pub segments: i64,
    pub status: MessageStatus,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<NaiveDateTime>,
    pub provider_message_id: Option<String>,
    pub error_code: Option<i64>,
    pub error_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub conversation_id: Option<i64>,
    /// The contact's zone when the message waits for texting hours; `None` for
    /// messages that do not (replies, inbound).
    pub texting_zone: Option<String>,
}

/// Inserts messages in multi-row statements under the backend's parameter limit; run
/// it inside the caller's transaction.
pub fn insert_all(conn: &mut DbConnection, rows: &[NewMessage]) -> QueryResult<usize> {
    let per_statement = match conn {
        DbConnection::Sqlite(_) => 32_766 / MESSAGE_PARAMETERS,
        DbConnection::Postgresql(_) => 65_535 / MESSAGE_PARAMETERS,
    };
    let mut inserted = 0;
    for chunk in rows.chunks(per_statement) {
        let statement = diesel::insert_into(messages::table).values(chunk);
        inserted += crate::on_backend!(conn, |c| statement.execute(c)?);
    }
    Ok(inserted)
}

/// Inserts one message, answering its id.
pub fn insert_one(conn: &mut DbConnection, row: &NewMessage) -> QueryResult<i64> {
    diesel::insert_into(messages::table).values(row).returning(messages::id).get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MessageRow>> {
    messages::table.find(id).select(MessageRow::as_select()).first(conn).optional()
}

/// The message the provider knows as `provider_message_id`.
pub fn find_by_provider_id(conn: &mut DbConnection, provider_message_id: &str) -> QueryResult<Option<MessageRow>> {
    messages::table
        .filter(messages::provider_message_id.eq(provider_message_id))
        .select(MessageRow::as_select())
        .first(conn)
        .optional()
}

/// A page of a campaign's messages in id order, after `after_id`, optionally only those
/// in `statuses`.
pub fn page_of_campaign(
    conn: &mut DbConnection,
    campaign_id: i64,
    statuses: Option<&[MessageStatus]>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<MessageRow>> {
    let mut query = messages::table
        .filter(messages::campaign_id.eq(campaign_id))
        .filter(messages::id.gt(after_id))
        .select(MessageRow::as_select())
        .order(messages::id)
        .limit(limit)
        .into_boxed();
    if let Some(statuses) = statuses {
        query = query.filter(messages::status.eq_any(statuses.to_vec()));
    }
    query.load(conn)
}

/// Every message of a campaign, in id order (tests and recounts).
pub fn all_of_campaign(conn: &mut DbConnection, campaign_id: i64) -> QueryResult<Vec<MessageRow>> {
    messages::table
        .filter(messages::campaign_id.eq(campaign_id))
        .select(MessageRow::as_select())
        .order(messages::id)
        .load(conn)
}

/// The status a message had when it was looked at, to move it only from there.
pub fn set_status_from(
    conn: &mut DbConnection,
    id: i64,
    from: MessageStatus,
    to: MessageStatus,
    error: Option<(Option<i64>, &str)>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = messages::table.filter(messages::id.eq(id)).filter(messages::status.eq(from));
    let changed = match error {
        Some((code, reason)) => diesel::update(target)
            .set((
                messages::status.eq(to),
                messages::error_code.eq(code),
                messages::error_reason.eq(Some(reason)),
                messages::updated_at.eq(now),
            ))
            .execute(conn)?,
        None => diesel::update(target).set((messages::status.eq(to), messages::updated_at.eq(now))).execute(conn)?,
    };
    Ok(changed == 1)
}

/// Puts a message the provider could not deliver for a passing reason back in the
/// queue for `next_attempt_at`, forgetting the failed attempt's provider id.
pub fn requeue_from(
    conn: &mut DbConnection,
    id: i64,
    from: MessageStatus,
    (code, reason): (i64, &str),
    next_attempt_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(messages::table.filter(messages::id.eq(id)).filter(messages::status.eq(from)))
        .set((
            messages::status.eq(MessageStatus::Queued),
            messages::provider_message_id.eq(None::<String>),
            messages::error_code.eq(Some(code)),
            messages::error_reason.eq(Some(reason)),
            messages::next_attempt_at.eq(next_attempt_at),
            messages::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Cancels a campaign's outbound messages still in one of `statuses` — only its launch
/// messages when `launch_only`. Answers each cancelled message as (former status,
/// author), for the counters: one statement per status, so the former status is exact
/// even while a dispatcher moves rows.
pub fn cancel_of_campaign(
    conn: &mut DbConnection,
    campaign_id: i64,
    statuses: &[MessageStatus],
    launch_only: bool,
    now: NaiveDateTime,
) -> QueryResult<Vec<(MessageStatus, Author)>> {
    let mut cancelled = Vec::new();
    for status in statuses {
        let authors: Vec<Author> = if launch_only {
            diesel::update(
                messages::table
                    .filter(messages::campaign_id.eq(campaign_id))
                    .filter(messages::status.eq(*status))
                    .filter(messages::direction.eq(Direction::Outbound))
                    .filter(messages::author.eq(Author::Campaign)),
            )
            .set(cancelled_values(now))
            .returning(messages::author)
            .get_results(conn)?
        } else {
            diesel::update(
                messages::table
                    .filter(messages::campaign_id.eq(campaign_id))
                    .filter(messages::status.eq(*status))
                    .filter(messages::direction.eq(Direction::Outbound)),
            )
            .set(cancelled_values(now))
            .returning(messages::author)
            .get_results(conn)?
        };
        cancelled.extend(authors.into_iter().map(|author| (*status, author)));
    }
    Ok(cancelled)
}

#[allow(clippy::type_complexity, reason = "diesel's changeset tuple")]
fn cancelled_values(
    now: NaiveDateTime,
) -> (
    diesel::dsl::Eq<messages::status, MessageStatus>,
    diesel::dsl::Eq<messages::lease_owner, Option<String>>,
    diesel::dsl::Eq<messages::lease_expires_at, Option<NaiveDateTime>>,
    diesel::dsl::Eq<messages::error_reason, Option<&'static str>>,
    diesel::dsl::Eq<messages::updated_at, NaiveDateTime>,
) {
    (
        messages::status.eq(MessageStatus::Cancelled),
        messages::lease_owner.eq(None),
        messages::lease_expires_at.eq(None),
        messages::error_reason.eq(Some("The campaign was stopped before this message was sent.")),
        messages::updated_at.eq(now),
    )
}

/// Cancels every not-yet-sent outbound message of `organisation_id` to `phone` except
/// automatic (`system`) replies — the opt-out confirmation must still go. Answers each
/// as (former status, campaign, author), for the counters.
pub fn cancel_to_phone(
    conn: &mut DbConnection,
    organisation_id: i64,
    phone: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<(MessageStatus, Option<i64>, Author)>> {
    let mut cancelled = Vec::new();
    for status in [MessageStatus::Queued, MessageStatus::Claimed] {
        let moved: Vec<(Option<i64>, Author)> = diesel::update(
            messages::table
                .filter(messages::organisation_id.eq(organisation_id))
                .filter(messages::to_phone.eq(phone))
                .filter(messages::status.eq(status))
                .filter(messages::direction.eq(Direction::Outbound))
                .filter(messages::author.ne(Author::System)),
        )
        .set((
            messages::status.eq(MessageStatus::Cancelled),
            messages::lease_owner.eq(None::<String>),
            messages::lease_expires_at.eq(None::<NaiveDateTime>),
            messages::error_reason.eq(Some("The contact opted out before this message was sent.")),
            messages::updated_at.eq(now),
        ))
        .returning((messages::campaign_id, messages::author))
        .get_results(conn)?;
        cancelled.extend(moved.into_iter().map(|(campaign, author)| (status, campaign, author)));
    }
    Ok(cancelled)
}

/// Outbound messages to `phone` of `organisation_id` in the provider's hands right now
/// (`sending`): an opt-out waits for them before it answers.
pub fn count_sending_to(conn: &mut DbConnection, organisation_id: i64, phone: &str) -> QueryResult<i64> {
    messages::table
        .filter(messages::organisation_id.eq(organisation_id))
        .filter(messages::to_phone.eq(phone))
        .filter(messages::status.eq(MessageStatus::Sending))
        .count()
        .get_result(conn)
}

/// Records the provider's id of a message (an inbound one: the unique index refuses a
/// second delivery of the same message).
pub fn set_provider_id(conn: &mut DbConnection, id: i64, provider_message_id: &str) -> QueryResult<usize> {
    diesel::update(messages::table.find(id))
        .set(messages::provider_message_id.eq(Some(provider_message_id)))
        .execute(conn)
}

/// A contact's launch message in a campaign.
pub fn launch_message_of(
    conn: &mut DbConnection,
    campaign_id: i64,
    contact_id: i64,
) -> QueryResult<Option<MessageRow>> {
    messages::table
        .filter(messages::campaign_id.eq(campaign_id))
        .filter(messages::contact_id.eq(contact_id))
        .filter(messages::author.eq(Author::Campaign))
        .select(MessageRow::as_select())
        .first(conn)
        .optional()
}

/// Whether the contact has written in a conversation (an inbound message exists).
pub fn contact_has_written(conn: &mut DbConnection, conversation_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        messages::table
            .filter(messages::conversation_id.eq(conversation_id))
            .filter(messages::direction.eq(Direction::Inbound)),
    ))
    .get_result(conn)
}

/// The contact zone a conversation's first waiting message was given (its launch
/// message's, which knew the list's time-zone column).
pub fn texting_zone_of_conversation(conn: &mut DbConnection, conversation_id: i64) -> QueryResult<Option<String>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::texting_zone.is_not_null())
        .order(messages::id)
        .select(messages::texting_zone)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// A page of a conversation's transcript: up to `limit` messages before message
/// `before` (the newest when `None`), newest first.
pub fn page_of_conversation(
    conn: &mut DbConnection,
    conversation_id: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<MessageRow>> {
    let mut query = messages::table.filter(messages::conversation_id.eq(conversation_id)).into_boxed();
    if let Some(before) = before {
        query = query.filter(messages::id.lt(before));
    }
    query.select(MessageRow::as_select()).order(messages::id.desc()).limit(limit).load(conn)
}

/// The newest message of each of `conversation_ids`.
pub fn last_of_conversations(conn: &mut DbConnection, conversation_ids: &[i64]) -> QueryResult<Vec<MessageRow>> {
    let newest: Vec<Option<i64>> = messages::table
        .filter(messages::conversation_id.eq_any(conversation_ids))
        .group_by(messages::conversation_id)
        .select(diesel::dsl::max(messages::id))
        .load(conn)?;
    let ids: Vec<i64> = newest.into_iter().flatten().collect();
    messages::table.filter(messages::id.eq_any(ids)).select(MessageRow::as_select()).load(conn)
}

/// A status report that arrived before the send it names was recorded.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = early_status_reports)]
pub struct EarlyReport {
    pub provider_message_id: String,
    /// The provider's own status word (Twilio's `MessageStatus`), mapped when applied.
    pub status: String,
    pub error_code: Option<i64>,
    pub received_at: NaiveDateTime,
}

pub fn find_early_report(conn: &mut DbConnection, provider_message_id: &str) -> QueryResult<Option<EarlyReport>> {
    early_status_reports::table.find(provider_message_id).select(EarlyReport::as_select()).first(conn).optional()
}

/// Keeps `report` as the early report of its message (replacing a less advanced one,
/// which the caller decides).
pub fn store_early_report(conn: &mut DbConnection, report: &EarlyReport) -> QueryResult<()> {
    diesel::delete(early_status_reports::table.find(&report.provider_message_id)).execute(conn)?;
    diesel::insert_into(early_status_reports::table).values(report).execute(conn)?;
    Ok(())
}

pub fn delete_early_report(conn: &mut DbConnection, provider_message_id: &str) -> QueryResult<usize> {
    diesel::delete(early_status_reports::table.find(provider_message_id)).execute(conn)
}

/// Forgets early reports older than `before` that never found their message (a retried
/// send's earlier attempt, a message of another system on the same account).
pub fn prune_early_reports(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(early_status_reports::table.filter(early_status_reports::received_at.lt(before))).execute(conn)
}

/// Sends whose answer was lost (`unknown`) that are due to be looked up at the
/// provider: last touched before `settled_before` (the provider's list has caught up by
/// then) and asked about fewer than `max_lookups` times.
pub fn unknown_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    settled_before: NaiveDateTime,
    max_lookups: i64,
    limit: i64,
) -> QueryResult<Vec<(MessageRow, i64)>> {
    messages::table
        .filter(messages::status.eq(MessageStatus::Unknown))
        .filter(messages::next_attempt_at.le(now))
        .filter(messages::updated_at.le(settled_before))
        .filter(messages::lookups.lt(max_lookups))
        .order(messages::next_attempt_at.asc())
        .limit(limit)
        .select((MessageRow::as_select(), messages::lookups))
        .load(conn)
}

/// Settles an `unknown` message as found at the provider: its id, its status there.
pub fn settle_found(
    conn: &mut DbConnection,
    id: i64,
    to: MessageStatus,
    provider_message_id: &str,
    error: Option<(Option<i64>, &str)>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = messages::table.filter(messages::id.eq(id)).filter(messages::status.eq(MessageStatus::Unknown));
    let changed = diesel::update(target)
        .set((
            messages::status.eq(to),
            messages::provider_message_id.eq(Some(provider_message_id)),
            messages::error_code.eq(error.and_then(|(code, _)| code)),
            messages::error_reason.eq(error.map(|(_, reason)| reason)),
            messages::sent_at.eq(Some(now)),
            messages::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Puts an `unknown` message the provider never received back in the queue, due now.
pub fn requeue_never_sent(conn: &mut DbConnection, id: i64, reason: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let target = messages::table.filter(messages::id.eq(id)).filter(messages::status.eq(MessageStatus::Unknown));
    let changed = diesel::update(target)
        .set((
            messages::status.eq(MessageStatus::Queued),
            messages::provider_message_id.eq(None::<String>),
            messages::error_code.eq(None::<i64>),
            messages::error_reason.eq(Some(reason)),
            messages::next_attempt_at.eq(now),
            messages::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Notes a lookup that could not tell: asked again at `next`, with `reason` shown.
pub fn lookup_failed(
    conn: &mut DbConnection,
    id: i64,
    reason: &str,
    next: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = messages::table.filter(messages::id.eq(id)).filter(messages::status.eq(MessageStatus::Unknown));
    let changed = diesel::update(target)
        .set((
            messages::lookups.eq(messages::lookups + 1),
            messages::error_reason.eq(Some(reason)),
            messages::next_attempt_at.eq(next),
            messages::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}
