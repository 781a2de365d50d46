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

/// The settings a change writes; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub texting_opens: Option<i32>,
    pub texting_closes: Option<i32>,
    pub price_long_code_micros: Option<i64>,
    pub price_toll_free_micros: Option<i64>,
    pub price_short_code_micros: Option<i64>,
    pub help_text: Option<String>,
    pub opt_out_reply: Option<String>,
    pub opt_out_language: Option<String>,
}

/// Writes `changes` (nothing when there are none).
pub fn update(conn: &mut DbConnection, id: i64, changes: &OrganisationChanges) -> QueryResult<usize> {
    let nothing = changes.texting_opens.is_none()
        && changes.texting_closes.is_none()
        && changes.price_long_code_micros.is_none()
        && changes.price_toll_free_micros.is_none()
        && changes.price_short_code_micros.is_none()
        && changes.help_text.is_none()
        && changes.opt_out_reply.is_none()
        && changes.opt_out_language.is_none();
    if nothing {
        return Ok(0);
    }
    diesel::update(organisations::table.find(id)).set(changes).execute(conn)
}

/// Sets the organisation's texting hours (minutes since midnight).
pub fn set_texting_hours(conn: &mut DbConnection, id: i64, opens: i32, closes: i32) -> QueryResult<usize> {
    update(
        conn,
        id,
        &OrganisationChanges { texting_opens: Some(opens), texting_closes: Some(closes), ..Default::default() },
    )
}
