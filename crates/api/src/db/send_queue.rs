//! The send queue the dispatcher drains: per-number lanes, claims of due messages
//! under a lease, the `sending` commit before the provider call, the outcome, and the
//! recovery of expired leases.
//!
//! The send state machine lives in these statements: `queued` → `claimed` (leased) →
//! `sending` (committed before the provider call) → `pending`/`failed`/`queued` again.
//! Every statement that moves a message names the status it expects, so two servers
//! racing on one row cannot both move it.

use std::sync::LazyLock;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::Author;
use tidings_domain::phone_number::PhoneNumberStatus;

use super::messages::MessageRow;
use super::schema::{dispatch_lanes, messages};
use super::DbConnection;

/// Numbers with a message due for sending at `now` whose lane no other server holds.
/// One index probe per number (`messages_queue`), so the cost follows the number of
/// lanes, not the length of the queue.
pub fn numbers_with_due_work(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Due {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT p.id AS id FROM phone_numbers p WHERE p.status = '{active}' \
             AND EXISTS (SELECT 1 FROM messages m WHERE m.phone_number_id = p.id \
                         AND m.status = '{queued}' AND m.next_attempt_at <= ?) \
             AND NOT EXISTS (SELECT 1 FROM dispatch_lanes l WHERE l.phone_number_id = p.id \
                             AND l.lease_expires_at >= ?) \
             ORDER BY p.id LIMIT ?",
            active = PhoneNumberStatus::Active.as_str(),
            queued = MessageStatus::Queued.as_str(),
        )
    });
    let rows: Vec<Due> = crate::on_backend!(conn, |c| diesel::sql_query(numbered(c, &SQL))
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
    /// The contact's zone when the message waits for texting hours.
    #[diesel(sql_type = Nullable<Text>)]
    pub texting_zone: Option<String>,
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
    // The statuses are written into the statement (once, in the domain's spelling), not
    // bound: a literal lets both planners use the partial `messages_queue` index.
    static POSTGRES: LazyLock<String> = LazyLock::new(|| {
        let (queued, claimed) = (MessageStatus::Queued.as_str(), MessageStatus::Claimed.as_str());
        format!(
            "WITH picked AS MATERIALIZED (\
               SELECT id FROM messages WHERE phone_number_id = ? AND status = '{queued}' AND next_attempt_at <= ? \
               ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED) \
             UPDATE messages m SET status = '{claimed}', lease_owner = ?, lease_expires_at = ?, updated_at = ? \
             FROM picked WHERE m.id = picked.id AND m.status = '{queued}' \
             RETURNING m.id, m.organisation_id, m.campaign_id, m.author, m.from_phone, m.to_phone, m.body, m.attempts, \
             m.texting_zone"
        )
    });
    static SQLITE: LazyLock<String> = LazyLock::new(|| {
        let (queued, claimed) = (MessageStatus::Queued.as_str(), MessageStatus::Claimed.as_str());
        format!(
            "WITH picked AS (\
               SELECT id FROM messages WHERE phone_number_id = ? AND status = '{queued}' AND next_attempt_at <= ? \
               ORDER BY next_attempt_at, id LIMIT ?) \
             UPDATE messages SET status = '{claimed}', lease_owner = ?, lease_expires_at = ?, updated_at = ? \
             WHERE status = '{queued}' AND id IN (SELECT id FROM picked) \
             RETURNING id, organisation_id, campaign_id, author, from_phone, to_phone, body, attempts, texting_zone"
        )
    });
    let sql: &str = match conn {
        DbConnection::Postgresql(_) => &POSTGRES,
        DbConnection::Sqlite(_) => &SQLITE,
    };
    let mut rows: Vec<ClaimedMessage> = crate::on_backend!(conn, |c| diesel::sql_query(numbered(c, sql))
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

/// The claimed messages among `ids` that `owner` still holds: what each move out of
/// `claimed` starts from, so a claim taken back by a pause or by recovery is never moved.
type HeldClaims<'a> = diesel::dsl::Filter<
    diesel::dsl::Filter<
        diesel::dsl::Filter<messages::table, diesel::dsl::EqAny<messages::id, &'a [i64]>>,
        diesel::dsl::Eq<messages::status, MessageStatus>,
    >,
    diesel::dsl::Eq<messages::lease_owner, &'a str>,
>;

fn held_claims<'a>(ids: &'a [i64], owner: &'a str) -> HeldClaims<'a> {
    messages::table
        .filter(messages::id.eq_any(ids))
        .filter(messages::status.eq(MessageStatus::Claimed))
        .filter(messages::lease_owner.eq(owner))
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
    diesel::update(held_claims(ids, owner))
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
    diesel::update(held_claims(ids, owner))
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

/// Puts claimed messages `owner` holds among `ids` back in the queue, due at `until`
/// (their contact's texting hours are closed until then). Queued and claimed share a
/// send-count bucket, so the counters do not move. Answers the ids it moved.
pub fn defer_claimed(
    conn: &mut DbConnection,
    ids: &[i64],
    owner: &str,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    diesel::update(held_claims(ids, owner))
        .set((
            messages::status.eq(MessageStatus::Queued),
            messages::next_attempt_at.eq(until),
            messages::lease_owner.eq(None::<String>),
            messages::lease_expires_at.eq(None::<NaiveDateTime>),
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
        // By position: `MessageRow`'s fields, in order (`lookups` is not one of them).
        .returning((
            messages::id,
            messages::organisation_id,
            messages::campaign_id,
            messages::contact_id,
            messages::phone_number_id,
            messages::direction,
            messages::author,
            messages::author_user_id,
            messages::from_phone,
            messages::to_phone,
            messages::body,
            messages::encoding,
            messages::segments,
            messages::status,
            messages::attempts,
            messages::next_attempt_at,
            messages::lease_owner,
            messages::lease_expires_at,
            messages::provider_message_id,
            messages::error_code,
            messages::error_reason,
            messages::created_at,
            messages::updated_at,
            messages::sent_at,
            messages::conversation_id,
            messages::texting_zone,
        ))
        .get_result(conn)
        .optional()?;
        if let Some(row) = recorded {
            return Ok(Some((from, row)));
        }
    }
    Ok(None)
}

/// The `next_attempt_at` of a launch message held by a paused campaign: later than any
/// real due time, so the queue's index keeps it out of every claim until the campaign
/// resumes.
pub static HELD_UNTIL: LazyLock<NaiveDateTime> = LazyLock::new(|| {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or(NaiveDateTime::MAX)
});

/// Pauses a campaign's sending: its queued launch messages wait past any due time, and
/// those claimed but not yet committed as `sending` go back to the queue, held, so the
/// dispatcher that claimed them finds them gone when it commits (`mark_sending` moves
/// only what it still holds). What is already `sending` finishes. Answers how many.
/// Queued and claimed share a send-count bucket, so the counters do not move.
pub fn hold_campaign(conn: &mut DbConnection, campaign_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        messages::table
            .filter(messages::campaign_id.eq(campaign_id))
            .filter(messages::author.eq(Author::Campaign))
            .filter(messages::status.eq_any([MessageStatus::Queued, MessageStatus::Claimed])),
    )
    .set((
        messages::status.eq(MessageStatus::Queued),
        messages::next_attempt_at.eq(*HELD_UNTIL),
        messages::lease_owner.eq(None::<String>),
        messages::lease_expires_at.eq(None::<NaiveDateTime>),
        messages::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Resumes a campaign's sending: its held launch messages are due at `now`, in their
/// queue order (by id, as they were queued). Answers how many.
pub fn release_campaign(conn: &mut DbConnection, campaign_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        messages::table
            .filter(messages::campaign_id.eq(campaign_id))
            .filter(messages::author.eq(Author::Campaign))
            .filter(messages::status.eq(MessageStatus::Queued))
            .filter(messages::next_attempt_at.eq(*HELD_UNTIL)),
    )
    .set((messages::next_attempt_at.eq(now), messages::updated_at.eq(now)))
    .execute(conn)
}

/// Per campaign among `campaign_ids`: how many launch messages wait for their contacts'
/// texting hours at `now` (queued, never tried, due later, not held by a pause), and
/// the latest due time among them.
pub fn texting_waits(
    conn: &mut DbConnection,
    campaign_ids: &[i64],
    now: NaiveDateTime,
) -> QueryResult<Vec<(i64, i64, NaiveDateTime)>> {
    if campaign_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Option<i64>, i64, Option<NaiveDateTime>)> = messages::table
        .filter(messages::campaign_id.eq_any(campaign_ids))
        .filter(messages::status.eq(MessageStatus::Queued))
        .filter(messages::next_attempt_at.gt(now))
        .filter(messages::next_attempt_at.lt(*HELD_UNTIL))
        .filter(messages::author.eq(Author::Campaign))
        .filter(messages::attempts.eq(0))
        .filter(messages::texting_zone.is_not_null())
        .group_by(messages::campaign_id)
        .select((messages::campaign_id, diesel::dsl::count_star(), diesel::dsl::max(messages::next_attempt_at)))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(campaign, count, last)| Some((campaign?, count, last?))).collect())
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
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "UPDATE messages SET status = '{unknown}', updated_at = ?, \
             error_reason = 'The server stopped while sending; the message may or may not have been sent.' \
             WHERE status = '{sending}' AND lease_expires_at < ? RETURNING id, campaign_id, author",
            unknown = MessageStatus::Unknown.as_str(),
            sending = MessageStatus::Sending.as_str(),
        )
    });
    let unknown: Vec<Moved> = crate::on_backend!(conn, |c| diesel::sql_query(numbered(c, &SQL))
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
