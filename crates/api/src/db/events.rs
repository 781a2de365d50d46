//! Live-update events: written in the transaction of the change they describe, read in
//! id order by each server's poller and by reconnecting streams, pruned after minutes.

use chrono::NaiveDateTime;
use diesel::dsl::{max, min};
use diesel::prelude::*;
use tidings_domain::event_wire::EventKind;

use super::schema::events;
use super::DbConnection;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = events)]
pub struct NewEvent {
    pub organisation_id: i64,
    /// The office whose people may see it: the campaign's office (a number's office for
    /// what belongs to no campaign).
    pub office_id: i64,
    /// One of `EventKind::STORED`.
    pub kind: EventKind,
    pub campaign_id: Option<i64>,
    pub conversation_id: Option<i64>,
    /// JSON; the SSE `data:`.
    pub data: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub organisation_id: i64,
    pub office_id: i64,
    pub kind: EventKind,
    pub campaign_id: Option<i64>,
    pub conversation_id: Option<i64>,
    pub data: String,
    pub created_at: NaiveDateTime,
}

/// Stores an event; call it inside the transaction of the change it describes, so the
/// event exists exactly when the change does.
pub fn record(conn: &mut DbConnection, event: &NewEvent) -> QueryResult<()> {
    diesel::insert_into(events::table).values(event).execute(conn).map(|_| ())
}

/// Every event after `after_id`, oldest first (the poller).
pub fn after(conn: &mut DbConnection, after_id: i64, limit: i64) -> QueryResult<Vec<EventRow>> {
    events::table
        .filter(events::id.gt(after_id))
        .order(events::id.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)
}

/// The events among `ids` that exist now (the poller's second look at ids it skipped).
pub fn with_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<EventRow>> {
    events::table.filter(events::id.eq_any(ids)).order(events::id.asc()).select(EventRow::as_select()).load(conn)
}

/// The events of one organisation after `after_id`, oldest first, only of `office_id`
/// when given (a reconnecting stream's replay).
pub fn of_organisation_after(
    conn: &mut DbConnection,
    organisation_id: i64,
    office_id: Option<i64>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<EventRow>> {
    let mut query = events::table
        .filter(events::organisation_id.eq(organisation_id))
        .filter(events::id.gt(after_id))
        .order(events::id.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .into_boxed();
    if let Some(office_id) = office_id {
        query = query.filter(events::office_id.eq(office_id));
    }
    query.load(conn)
}

/// The oldest and newest stored ids, if any event is stored.
pub fn id_range(conn: &mut DbConnection) -> QueryResult<Option<(i64, i64)>> {
    let (oldest, newest): (Option<i64>, Option<i64>) =
        events::table.select((min(events::id), max(events::id))).first(conn)?;
    Ok(oldest.zip(newest))
}

/// Deletes events created before `before`, always keeping the newest: the oldest id
/// kept then tells a reconnecting stream whether anything it missed is gone.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    let Some((_, newest)) = id_range(conn)? else { return Ok(0) };
    diesel::delete(events::table.filter(events::created_at.lt(before)).filter(events::id.lt(newest))).execute(conn)
}
