//! Campaign activity counters: messages in and out per campaign and 15-minute UTC slot,
//! so the Analytics tab's chart never scans a campaign's messages.

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use super::schema::campaign_activity;
use super::DbConnection;

/// The slot an instant falls in: its UTC quarter hour. Every time zone's local hours
/// (and so days, months, years) start on a quarter hour.
pub fn slot_of(at: NaiveDateTime) -> NaiveDateTime {
    let minute = at.minute() - at.minute() % 15;
    at.date().and_hms_opt(at.hour(), minute, 0).unwrap_or(at)
}

/// Adds messages to a campaign's slot.
pub fn add(
    conn: &mut DbConnection,
    campaign_id: i64,
    at: NaiveDateTime,
    inbound: i64,
    outbound: i64,
) -> QueryResult<()> {
    if inbound == 0 && outbound == 0 {
        return Ok(());
    }
    let sql = match conn {
        DbConnection::Postgresql(_) => {
            "INSERT INTO campaign_activity (campaign_id, slot_start, inbound, outbound) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (campaign_id, slot_start) DO UPDATE SET inbound = campaign_activity.inbound + excluded.inbound, \
             outbound = campaign_activity.outbound + excluded.outbound"
        }
        DbConnection::Sqlite(_) => {
            "INSERT INTO campaign_activity (campaign_id, slot_start, inbound, outbound) VALUES (?, ?, ?, ?) \
             ON CONFLICT (campaign_id, slot_start) DO UPDATE SET inbound = campaign_activity.inbound + excluded.inbound, \
             outbound = campaign_activity.outbound + excluded.outbound"
        }
    };
    crate::on_backend!(conn, |c| diesel::sql_query(sql)
        .bind::<BigInt, _>(campaign_id)
        .bind::<Timestamp, _>(slot_of(at))
        .bind::<BigInt, _>(inbound)
        .bind::<BigInt, _>(outbound)
        .execute(c)?);
    Ok(())
}

/// A campaign's slots in time order: (slot start, inbound, outbound).
pub fn of_campaign(conn: &mut DbConnection, campaign_id: i64) -> QueryResult<Vec<(DateTime<Utc>, i64, i64)>> {
    let rows: Vec<(NaiveDateTime, i64, i64)> = campaign_activity::table
        .filter(campaign_activity::campaign_id.eq(campaign_id))
        .order(campaign_activity::slot_start)
        .select((campaign_activity::slot_start, campaign_activity::inbound, campaign_activity::outbound))
        .load(conn)?;
    Ok(rows.into_iter().map(|(at, i, o)| (at.and_utc(), i, o)).collect())
}
