//! The organisation's suppression list (`opt_outs`): a number with a live row (not
//! lifted) must never be texted.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::opt_outs;
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
    pub source: &'a str,
    pub campaign_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewOptOut<'_>) -> QueryResult<i64> {
    diesel::insert_into(opt_outs::table).values(new).returning(opt_outs::id).get_result(conn)
}

/// Which of `phones` (E.164) are on `organisation_id`'s live suppression list. Served by
/// the partial unique index `opt_outs_live (organisation_id, phone) WHERE lifted_at IS
/// NULL`.
pub fn live_among(conn: &mut DbConnection, organisation_id: i64, phones: &[&str]) -> QueryResult<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in phones.chunks(LOOKUP_CHUNK) {
        let rows: Vec<String> = opt_outs::table
            .filter(opt_outs::organisation_id.eq(organisation_id))
            .filter(opt_outs::lifted_at.is_null())
            .filter(opt_outs::phone.eq_any(chunk))
            .select(opt_outs::phone)
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}
