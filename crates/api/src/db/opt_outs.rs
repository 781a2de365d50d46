//! The organisation's suppression list (`opt_outs`): a number with a live row (not
//! lifted) must never be texted.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tidings_domain::opt_out_wire::OptOutSource;

use super::schema::{campaigns, opt_outs};
use super::DbConnection;

/// Numbers looked up per query: far under either backend's bound-parameter limit, and a
/// statement size both plan quickly.
const LOOKUP_CHUNK: usize = 1000;

/// A new live opt-out.
#[derive(Debug, Insertable)]
#[diesel(table_name = opt_outs)]
pub struct NewOptOut<'a> {
    pub organisation_id: i64,
    pub phone: &'a str,
    /// `keyword`, `manual` or `api`.
    pub source: OptOutSource,
    pub campaign_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    /// Why Tidings added it (an undeliverable number), if it did.
    pub reason: Option<&'a str>,
}

pub fn insert(conn: &mut DbConnection, new: &NewOptOut<'_>) -> QueryResult<i64> {
    diesel::insert_into(opt_outs::table).values(new).returning(opt_outs::id).get_result(conn)
}

/// Which of `phones` (E.164) are on `organisation_id`'s live suppression list, and why
/// (the entry's source): a launch counts undeliverable numbers apart from opt-outs.
pub fn live_sources_among(
    conn: &mut DbConnection,
    organisation_id: i64,
    phones: &[&str],
) -> QueryResult<HashMap<String, OptOutSource>> {
    let mut found = HashMap::new();
    for chunk in phones.chunks(LOOKUP_CHUNK) {
        let rows: Vec<(String, OptOutSource)> = opt_outs::table
            .filter(opt_outs::organisation_id.eq(organisation_id))
            .filter(opt_outs::lifted_at.is_null())
            .filter(opt_outs::phone.eq_any(chunk))
            .select((opt_outs::phone, opt_outs::source))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// Which of `phones` (E.164) are on `organisation_id`'s live suppression list, whatever
/// the source. Served by the partial unique index `opt_outs_live (organisation_id,
/// phone) WHERE lifted_at IS NULL`.
pub fn live_among(conn: &mut DbConnection, organisation_id: i64, phones: &[&str]) -> QueryResult<HashSet<String>> {
    Ok(live_sources_among(conn, organisation_id, phones)?.into_keys().collect())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = opt_outs)]
pub struct OptOutRow {
    pub id: i64,
    pub organisation_id: i64,
    pub phone: String,
    pub source: OptOutSource,
    pub campaign_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub lifted_at: Option<NaiveDateTime>,
    pub lifted_by: Option<i64>,
    pub lift_reason: Option<String>,
    pub reason: Option<String>,
}

/// The live entry of a number, if it is on the list.
pub fn find_live(conn: &mut DbConnection, organisation_id: i64, phone: &str) -> QueryResult<Option<OptOutRow>> {
    opt_outs::table
        .filter(opt_outs::organisation_id.eq(organisation_id))
        .filter(opt_outs::phone.eq(phone))
        .filter(opt_outs::lifted_at.is_null())
        .select(OptOutRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<OptOutRow> {
    opt_outs::table
        .filter(opt_outs::organisation_id.eq(organisation_id))
        .filter(opt_outs::id.eq(id))
        .select(OptOutRow::as_select())
        .first(conn)
}

/// Lifts a live entry; answers whether it was live.
pub fn lift(
    conn: &mut DbConnection,
    id: i64,
    lifted_by: Option<i64>,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(opt_outs::table.filter(opt_outs::id.eq(id)).filter(opt_outs::lifted_at.is_null()))
        .set((
            opt_outs::lifted_at.eq(Some(at)),
            opt_outs::lifted_by.eq(lifted_by),
            opt_outs::lift_reason.eq(Some(reason)),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// What a page of the list asks for.
#[derive(Debug, Clone, Default)]
pub struct OptOutFilter<'a> {
    /// An office-scoped user's office (see [`page`]).
    pub visible_office: Option<i64>,
    /// Digits the phone contains.
    pub digits: Option<&'a str>,
    pub source: Option<OptOutSource>,
    pub include_lifted: bool,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// A page of `organisation_id`'s list, newest first: phones containing the digits,
/// lifted entries only when asked.
pub fn page(conn: &mut DbConnection, organisation_id: i64, filter: &OptOutFilter<'_>) -> QueryResult<Vec<OptOutRow>> {
    let mut query = opt_outs::table
        .filter(opt_outs::organisation_id.eq(organisation_id))
        .select(OptOutRow::as_select())
        .into_boxed();
    // An office-scoped user sees the entries of their office's campaigns and those that
    // belong to no campaign (added by hand, through the API, or by a reply elsewhere).
    if let Some(office) = filter.visible_office {
        let office_campaigns =
            campaigns::table.filter(campaigns::office_id.eq(office)).select(campaigns::id.nullable());
        query = query.filter(opt_outs::campaign_id.is_null().or(opt_outs::campaign_id.eq_any(office_campaigns)));
    }
    if let Some(digits) = filter.digits {
        query = query.filter(
            opt_outs::phone.like(super::text_search::contains_pattern(digits)).escape(super::text_search::LIKE_ESCAPE),
        );
    }
    if let Some(source) = filter.source {
        query = query.filter(opt_outs::source.eq(source));
    }
    if !filter.include_lifted {
        query = query.filter(opt_outs::lifted_at.is_null());
    }
    if let Some(before) = filter.before_id {
        query = query.filter(opt_outs::id.lt(before));
    }
    query.order(opt_outs::id.desc()).limit(filter.limit).load(conn)
}

/// Serialises, per contact number, an opt-out against a dispatcher about to send to it
/// (PostgreSQL: a transaction-scoped advisory lock; SQLite's single writer already
/// serialises the two). Whichever commits first, the other sees it: the opt-out sees
/// the message `sending` and waits for it, or the dispatcher sees the opt-out and
/// cancels.
pub fn lock_contact(conn: &mut DbConnection, organisation_id: i64, phone: &str) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(contact_lock_key(organisation_id, phone))
            .execute(pg)?;
    }
    Ok(())
}

/// A stable 64-bit key for (organisation, phone): FNV-1a.
fn contact_lock_key(organisation_id: i64, phone: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in organisation_id.to_le_bytes().iter().chain(phone.as_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}
