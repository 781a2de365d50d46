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
