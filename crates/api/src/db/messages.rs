//! Messages: the outbound queue the dispatcher drains, and the record of every message
//! sent or received.
//!
//! The send state machine lives in these statements: `queued` → `claimed` (leased) →
//! `sending` (committed before the provider call) → `pending`/`failed`/`queued` again.
//! Every statement that moves a message names the status it expects, so two servers
//! racing on one row cannot both move it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::{Author, Direction};
use tidings_domain::phone_number::PhoneNumberStatus;

use super::schema::{dispatch_lanes, early_status_reports, messages};
use super::DbConnection;

/// Columns bound per message in a multi-row insert.
const MESSAGE_PARAMETERS: usize = 18;

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

/// Numbers with a message due for sending at `now` whose lane no other server holds.
/// One index probe per number (`messages_queue`), so the cost follows the number of
/// lanes, not the length of the queue.
pub fn numbers_with_due_work(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Due {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let sql = format!(
        "SELECT p.id AS id FROM phone_numbers p WHERE p.status = '{active}' \
         AND EXISTS (SELECT 1 FROM messages m WHERE m.phone_number_id = p.id \
                     AND m.status = '{queued}' AND m.next_attempt_at <= ?) \
         AND NOT EXISTS (SELECT 1 FROM dispatch_lanes l WHERE l.phone_number_id = p.id \
                         AND l.lease_expires_at >= ?) \
         ORDER BY p.id LIMIT ?",
        active = PhoneNumberStatus::Active.as_str(),
        queued = MessageStatus::Queued.as_str(),
    );
    let rows: Vec<Due> = crate::on_backend!(conn, |c| diesel::sql_query(numbered(c, &sql))
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c)?);
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// Takes (or renews) the lane of `phone_number_id` for `owner` until `until`; answers
/// whether `owner` holds it. A lane held by another server is taken only once its lease
/// has expired.
pub fn claim_lane(
    conn: &mut DbConnection,
    phone_number_id: i64,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Held {
        #[diesel(sql_type = BigInt)]
        #[allow(dead_code, reason = "only its presence matters")]
        phone_number_id: i64,
    }
    let sql = "INSERT INTO dispatch_lanes (phone_number_id, owner, lease_expires_at) VALUES (?, ?, ?) \
               ON CONFLICT (phone_number_id) DO UPDATE SET owner = excluded.owner, \
               lease_expires_at = excluded.lease_expires_at \
               WHERE dispatch_lanes.owner = excluded.owner OR dispatch_lanes.lease_expires_at < ? \
               RETURNING phone_number_id";
    let rows: Vec<Held> = crate::on_backend!(conn, |c| diesel::sql_query(numbered(c, sql))
        .bind::<BigInt, _>(phone_number_id)
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(now)
        .load(c)?);
    Ok(!rows.is_empty())
}

/// Gives a lane back.
pub fn release_lane(conn: &mut DbConnection, phone_number_id: i64, owner: &str) -> QueryResult<usize> {
    diesel::delete(
        dispatch_lanes::table
            .filter(dispatch_lanes::phone_number_id.eq(phone_number_id))
            .filter(dispatch_lanes::owner.eq(owner)),
    )
    .execute(conn)
}

/// A claimed message: what the dispatcher needs to send it and to count the outcome.
#[derive(Debug, Clone, QueryableByName)]
pub struct ClaimedMessage {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub organisation_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub campaign_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub author: Author,
    #[diesel(sql_type = Text)]
    pub from_phone: String,
    #[diesel(sql_type = Text)]
    pub to_phone: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = BigInt)]
    pub attempts: i64,
}

/// Leases up to `limit` due queued messages of one number to `owner` until `until`, in
/// queue order. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets two servers claim at once
/// without taking the same row; SQLite has one writer, so its claims never overlap.
pub fn claim_batch(
    conn: &mut DbConnection,
    phone_number_id: i64,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<ClaimedMessage>> {
    // PostgreSQL: the pick is a materialised CTE. As an `IN (subquery … LIMIT n)` the
    // planner may run the subquery more than once and lease more than `n` rows.
    // The statuses are written into the statement, not bound: a literal lets both
    // planners use the partial `messages_queue` index.
    let (queued, claimed) = (MessageStatus::Queued.as_str(), MessageStatus::Claimed.as_str());
    let sql = match conn {
        DbConnection::Postgresql(_) => format!(
            "WITH picked AS MATERIALIZED (\
               SELECT id FROM messages WHERE phone_number_id = ? AND status = '{queued}' AND next_attempt_at <= ? \
               ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED) \
             UPDATE messages m SET status = '{claimed}', lease_owner = ?, lease_expires_at = ?, updated_at = ? \
             FROM picked WHERE m.id = picked.id AND m.status = '{queued}' \
             RETURNING m.id, m.organisation_id, m.campaign_id, m.author, m.from_phone, m.to_phone, m.body, m.attempts"
        ),
        DbConnection::Sqlite(_) => format!(
            "WITH picked AS (\
               SELECT id FROM messages WHERE phone_number_id = ? AND status = '{queued}' AND next_attempt_at <= ? \
               ORDER BY next_attempt_at, id LIMIT ?) \
             UPDATE messages SET status = '{claimed}', lease_owner = ?, lease_expires_at = ?, updated_at = ? \
             WHERE status = '{queued}' AND id IN (SELECT id FROM picked) \
             RETURNING id, organisation_id, campaign_id, author, from_phone, to_phone, body, attempts"
        ),
    };
    let mut rows: Vec<ClaimedMessage> = crate::on_backend!(conn, |c| diesel::sql_query(numbered(c, &sql))
        .bind::<BigInt, _>(phone_number_id)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(now)
        .load(c)?);
    // RETURNING gives no order guarantee; send in queue order.
    rows.sort_by_key(|row| row.id);
    Ok(rows)
}

/// Commits `sending` for the messages `owner` still holds among `ids` — before the
/// provider is called — and counts the attempt. Answers the ids it moved.
pub fn mark_sending(
    conn: &mut DbConnection,
    ids: &[i64],
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    diesel::update(
        messages::table
            .filter(messages::id.eq_any(ids))
            .filter(messages::status.eq(MessageStatus::Claimed))
            .filter(messages::lease_owner.eq(owner)),
    )
    .set((
        messages::status.eq(MessageStatus::Sending),
        messages::attempts.eq(messages::attempts + 1),
        messages::lease_expires_at.eq(until),
        messages::updated_at.eq(now),
    ))
    .returning(messages::id)
    .get_results(conn)
}

/// Cancels claimed messages `owner` holds among `ids` (their contact opted out).
pub fn cancel_claimed(conn: &mut DbConnection, ids: &[i64], owner: &str, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
    diesel::update(
        messages::table
            .filter(messages::id.eq_any(ids))
            .filter(messages::status.eq(MessageStatus::Claimed))
            .filter(messages::lease_owner.eq(owner)),
    )
    .set((
        messages::status.eq(MessageStatus::Cancelled),
        messages::lease_owner.eq(None::<String>),
        messages::lease_expires_at.eq(None::<NaiveDateTime>),
        messages::error_reason.eq(Some("The contact opted out before this message was sent.")),
        messages::updated_at.eq(now),
    ))
    .returning(messages::id)
    .get_results(conn)
}

/// What became of one send, to record.
#[derive(Debug, Clone)]
pub struct SendOutcome {
    pub id: i64,
    pub status: MessageStatus,
    pub provider_message_id: Option<String>,
    pub error_code: Option<i64>,
    pub error_reason: Option<String>,
    /// For a transient failure: when to try again.
    pub next_attempt_at: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub segments: Option<i64>,
}

/// The columns an outcome writes; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = messages, treat_none_as_null = false)]
struct OutcomeChanges<'a> {
    status: MessageStatus,
    provider_message_id: Option<Option<&'a str>>,
    error_code: Option<Option<i64>>,
    error_reason: Option<Option<&'a str>>,
    sent_at: Option<Option<NaiveDateTime>>,
    lease_owner: Option<Option<&'a str>>,
    lease_expires_at: Option<Option<NaiveDateTime>>,
    next_attempt_at: Option<NaiveDateTime>,
    segments: Option<i64>,
    updated_at: NaiveDateTime,
}

/// Records a send's outcome for a message `owner` had in `sending` — or that crash
/// recovery meanwhile marked `unknown`: the answer arrived after all, and it is the
/// truth. One statement per status it may be in, so the status it left is exact;
/// answers that status and the message as recorded, or `None` when `owner` no longer
/// held it.
pub fn record_outcome(
    conn: &mut DbConnection,
    outcome: &SendOutcome,
    owner: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(MessageStatus, MessageRow)>> {
    let changes = OutcomeChanges {
        status: outcome.status,
        provider_message_id: Some(outcome.provider_message_id.as_deref()),
        error_code: Some(outcome.error_code),
        error_reason: Some(outcome.error_reason.as_deref()),
        sent_at: Some(outcome.sent_at),
        lease_owner: Some(None),
        lease_expires_at: Some(None),
        next_attempt_at: outcome.next_attempt_at,
        segments: outcome.segments,
        updated_at: now,
    };
    for from in [MessageStatus::Sending, MessageStatus::Unknown] {
        let recorded: Option<MessageRow> = diesel::update(
            messages::table
                .filter(messages::id.eq(outcome.id))
                .filter(messages::status.eq(from))
                .filter(messages::lease_owner.eq(owner)),
        )
        .set(&changes)
        // By position: `MessageRow` lists the table's columns in order.
        .returning(messages::all_columns)
        .get_result(conn)
        .optional()?;
        if let Some(row) = recorded {
            return Ok(Some((from, row)));
        }
    }
    Ok(None)
}

/// The status a message had when it was looked at, to move it only from there.
pub fn set_status_from(
    conn: &mut DbConnection,
    id: i64,
    from: MessageStatus,
    to: MessageStatus,
    error: Option<(i64, &str)>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = messages::table.filter(messages::id.eq(id)).filter(messages::status.eq(from));
    let changed = match error {
        Some((code, reason)) => diesel::update(target)
            .set((
                messages::status.eq(to),
                messages::error_code.eq(Some(code)),
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

/// A message moved in bulk, to count per campaign.
#[derive(Debug, Clone, QueryableByName)]
pub struct Moved {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub campaign_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub author: Author,
}

/// Crash recovery: messages left `sending` past their lease may have been sent and
/// become `unknown`; messages left `claimed` past their lease were never handed over
/// and go back to the queue.
pub fn recover_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<(Vec<Moved>, usize)> {
    let sql = format!(
        "UPDATE messages SET status = '{unknown}', updated_at = ?, \
         error_reason = 'The server stopped while sending; the message may or may not have been sent.' \
         WHERE status = '{sending}' AND lease_expires_at < ? RETURNING id, campaign_id, author",
        unknown = MessageStatus::Unknown.as_str(),
        sending = MessageStatus::Sending.as_str(),
    );
    let unknown: Vec<Moved> = crate::on_backend!(conn, |c| diesel::sql_query(numbered(c, &sql))
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .load(c)?);
    let requeued = diesel::update(
        messages::table.filter(messages::status.eq(MessageStatus::Claimed)).filter(messages::lease_expires_at.lt(now)),
    )
    .set((
        messages::status.eq(MessageStatus::Queued),
        messages::lease_owner.eq(None::<String>),
        messages::lease_expires_at.eq(None::<NaiveDateTime>),
        messages::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok((unknown, requeued))
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

/// Messages of a conversation, oldest first.
pub fn of_conversation(conn: &mut DbConnection, conversation_id: i64) -> QueryResult<Vec<MessageRow>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .select(MessageRow::as_select())
        .order(messages::id)
        .load(conn)
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

/// Rewrites `?` placeholders as `$1, $2, …` for PostgreSQL, so raw statements are
/// written once. Our statements hold no `?` inside literals.
fn numbered(conn: &impl HasDialect, sql: &str) -> String {
    if !conn.numbered_placeholders() {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Which placeholder style a backend connection speaks.
trait HasDialect {
    fn numbered_placeholders(&self) -> bool;
}

impl HasDialect for diesel::PgConnection {
    fn numbered_placeholders(&self) -> bool {
        true
    }
}

impl HasDialect for diesel::SqliteConnection {
    fn numbered_placeholders(&self) -> bool {
        false
    }
}
