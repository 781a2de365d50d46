//! Campaign send counters (`campaign_send_counts`): how many launch messages sit in
//! each `send_counts` bucket, kept in the same transaction as every status change so a
//! campaign page never counts a million rows.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use tidings_domain::delivery::{CountBucket, MessageStatus, SendCounts};
use tidings_domain::message_wire::Author;

use super::schema::{campaign_send_counts, messages};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = campaign_send_counts)]
struct CountsRow {
    campaign_id: i64,
    queued: i64,
    pending: i64,
    sent: i64,
    delivered: i64,
    failed: i64,
    unknown: i64,
    cancelled: i64,
    skipped_opted_out: i64,
    skipped_invalid: i64,
    skipped_undeliverable: i64,
}

impl From<CountsRow> for SendCounts {
    fn from(row: CountsRow) -> Self {
        SendCounts {
            queued: row.queued,
            pending: row.pending,
            sent: row.sent,
            delivered: row.delivered,
            failed: row.failed,
            unknown: row.unknown,
            cancelled: row.cancelled,
            skipped_opted_out: row.skipped_opted_out,
            skipped_invalid: row.skipped_invalid,
            skipped_undeliverable: row.skipped_undeliverable,
        }
    }
}

/// Starts a launched campaign's counters.
pub fn create(conn: &mut DbConnection, campaign_id: i64, counts: &SendCounts) -> QueryResult<()> {
    let row = CountsRow {
        campaign_id,
        queued: counts.queued,
        pending: counts.pending,
        sent: counts.sent,
        delivered: counts.delivered,
        failed: counts.failed,
        unknown: counts.unknown,
        cancelled: counts.cancelled,
        skipped_opted_out: counts.skipped_opted_out,
        skipped_invalid: counts.skipped_invalid,
        skipped_undeliverable: counts.skipped_undeliverable,
    };
    diesel::insert_into(campaign_send_counts::table).values(&row).execute(conn)?;
    Ok(())
}

/// Adds a chunk of a launch to a campaign's counters: its queued messages and the
/// contacts it skipped.
pub fn add_launched(conn: &mut DbConnection, campaign_id: i64, counts: &SendCounts) -> QueryResult<()> {
    use campaign_send_counts::dsl;
    diesel::update(campaign_send_counts::table.filter(dsl::campaign_id.eq(campaign_id)))
        .set((
            dsl::queued.eq(dsl::queued + counts.queued),
            dsl::skipped_opted_out.eq(dsl::skipped_opted_out + counts.skipped_opted_out),
            dsl::skipped_invalid.eq(dsl::skipped_invalid + counts.skipped_invalid),
            dsl::skipped_undeliverable.eq(dsl::skipped_undeliverable + counts.skipped_undeliverable),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves `n` messages of a campaign from one bucket to another.
pub fn shift(conn: &mut DbConnection, campaign_id: i64, from: CountBucket, to: CountBucket, n: i64) -> QueryResult<()> {
    if from == to || n == 0 {
        return Ok(());
    }
    // Column names come from a closed enum, never from input.
    let (from, to) = (from.as_str(), to.as_str());
    let sql = match conn {
        DbConnection::Postgresql(_) => {
            format!("UPDATE campaign_send_counts SET {from} = {from} - $1, {to} = {to} + $1 WHERE campaign_id = $2")
        }
        DbConnection::Sqlite(_) => {
            format!("UPDATE campaign_send_counts SET {from} = {from} - ?1, {to} = {to} + ?1 WHERE campaign_id = ?2")
        }
    };
    crate::on_backend!(conn, |c| diesel::sql_query(sql.as_str())
        .bind::<BigInt, _>(n)
        .bind::<BigInt, _>(campaign_id)
        .execute(c)?);
    Ok(())
}

/// The counters of `campaign_ids`; campaigns never launched have none.
pub fn of(conn: &mut DbConnection, campaign_ids: &[i64]) -> QueryResult<HashMap<i64, SendCounts>> {
    let rows: Vec<CountsRow> = campaign_send_counts::table
        .filter(campaign_send_counts::campaign_id.eq_any(campaign_ids))
        .select(CountsRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|row| (row.campaign_id, SendCounts::from(row))).collect())
}

/// The counters recomputed from the messages themselves (the skipped counts, which no
/// message records, from the stored row). Tests compare it with [`of`].
pub fn recount(conn: &mut DbConnection, campaign_id: i64) -> QueryResult<SendCounts> {
    let stored = of(conn, &[campaign_id])?.remove(&campaign_id).unwrap_or_default();
    let mut counts = SendCounts {
        skipped_opted_out: stored.skipped_opted_out,
        skipped_invalid: stored.skipped_invalid,
        skipped_undeliverable: stored.skipped_undeliverable,
        ..SendCounts::default()
    };
    let grouped: Vec<(MessageStatus, i64)> = messages::table
        .filter(messages::campaign_id.eq(campaign_id))
        .filter(messages::author.eq(Author::Campaign))
        .group_by(messages::status)
        .select((messages::status, diesel::dsl::count_star()))
        .load(conn)?;
    for (status, n) in grouped {
        if let Some(bucket) = status.count_bucket() {
            counts.add(bucket, n);
        }
    }
    Ok(counts)
}

/// Status changes gathered during a transaction, written as one counter update per
/// (campaign, from, to). Only launch messages are counted.
#[derive(Debug, Default)]
pub struct Tally {
    shifts: BTreeMap<(i64, CountBucket, CountBucket), i64>,
}

impl Tally {
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes that a message moved from `from` to `to`.
    pub fn moved(&mut self, campaign_id: Option<i64>, author: Author, from: MessageStatus, to: MessageStatus) {
        let (Some(campaign_id), Some(from), Some(to)) = (campaign_id, from.count_bucket(), to.count_bucket()) else {
            return;
        };
        if author != Author::Campaign || from == to {
            return;
        }
        *self.shifts.entry((campaign_id, from, to)).or_default() += 1;
    }

    /// Writes the gathered changes; call inside the transaction that moved the messages.
    pub fn write(self, conn: &mut DbConnection) -> QueryResult<()> {
        for ((campaign_id, from, to), n) in self.shifts {
            shift(conn, campaign_id, from, to, n)?;
        }
        Ok(())
    }
}
