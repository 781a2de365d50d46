//! Organisations (tenants).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::organisations;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: i64,
    pub name: String,
    pub help_text: String,
    pub created_at: NaiveDateTime,
    /// Texting hours, minutes since midnight on the contact's clock.
    pub texting_opens: i32,
    pub texting_closes: i32,
    /// Prices per SMS segment by number type, in micro-dollars.
    pub price_long_code_micros: i64,
    pub price_toll_free_micros: i64,
    pub price_short_code_micros: i64,
    /// The organisation's opt-out confirmation; empty for the built-in one.
    pub opt_out_reply: String,
    /// The opt-out language appended to first messages; empty for the built-in one.
    pub opt_out_language: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub help_text: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewOrganisation<'_>) -> QueryResult<i64> {
    diesel::insert_into(organisations::table).values(new).returning(organisations::id).get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<OrganisationRow> {
    organisations::table.find(id).select(OrganisationRow::as_select()).first(conn)
}

pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<OrganisationRow>> {
    organisations::table
        .filter(organisations::name.eq(name))
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()
}

/// Sets the organisation's texting hours (minutes since midnight).
pub fn set_texting_hours(conn: &mut DbConnection, id: i64, opens: i32, closes: i32) -> QueryResult<usize> {
    diesel::update(organisations::table.find(id))
        .set((organisations::texting_opens.eq(opens), organisations::texting_closes.eq(closes)))
        .execute(conn)
}

/// Sets the organisation's prices per segment (micro-dollars).
pub fn set_segment_prices(
    conn: &mut DbConnection,
    id: i64,
    long_code: i64,
    toll_free: i64,
    short_code: i64,
) -> QueryResult<usize> {
    diesel::update(organisations::table.find(id))
        .set((
            organisations::price_long_code_micros.eq(long_code),
            organisations::price_toll_free_micros.eq(toll_free),
            organisations::price_short_code_micros.eq(short_code),
        ))
        .execute(conn)
}

/// Sets the opt-out language appended to first messages.
pub fn set_opt_out_language(conn: &mut DbConnection, id: i64, language: &str) -> QueryResult<usize> {
    diesel::update(organisations::table.find(id)).set(organisations::opt_out_language.eq(language)).execute(conn)
}

/// Sets the organisation's automatic replies (`None` leaves one as it is).
pub fn set_replies(conn: &mut DbConnection, id: i64, help: Option<&str>, opt_out: Option<&str>) -> QueryResult<usize> {
    let mut changed = 0;
    if let Some(help) = help {
        changed +=
            diesel::update(organisations::table.find(id)).set(organisations::help_text.eq(help)).execute(conn)?;
    }
    if let Some(opt_out) = opt_out {
        changed += diesel::update(organisations::table.find(id))
            .set(organisations::opt_out_reply.eq(opt_out))
            .execute(conn)?;
    }
    Ok(changed)
}
