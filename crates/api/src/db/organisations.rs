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
