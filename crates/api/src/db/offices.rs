//! Offices of an organisation.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{offices, users};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offices)]
pub struct OfficeRow {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub time_zone: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = offices)]
pub struct NewOffice<'a> {
    pub organisation_id: i64,
    pub name: &'a str,
    pub time_zone: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset, Default)]
#[diesel(table_name = offices)]
pub struct OfficeChanges {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, new: &NewOffice<'_>) -> QueryResult<i64> {
    diesel::insert_into(offices::table).values(new).returning(offices::id).get_result(conn)
}

/// An office of `organisation_id`; `NotFound` for other organisations' offices.
pub fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<OfficeRow> {
    offices::table
        .filter(offices::organisation_id.eq(organisation_id))
        .filter(offices::id.eq(id))
        .select(OfficeRow::as_select())
        .first(conn)
}

pub fn list(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<Vec<OfficeRow>> {
    offices::table
        .filter(offices::organisation_id.eq(organisation_id))
        .order((offices::name.asc(), offices::id.asc()))
        .select(OfficeRow::as_select())
        .load(conn)
}

pub fn name_taken(conn: &mut DbConnection, organisation_id: i64, name: &str, except: Option<i64>) -> QueryResult<bool> {
    let mut query = offices::table
        .filter(offices::organisation_id.eq(organisation_id))
        .filter(offices::name.eq(name))
        .select(offices::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(offices::id.ne(id));
    }
    Ok(query.first::<i64>(conn).optional()?.is_some())
}

pub fn update(conn: &mut DbConnection, organisation_id: i64, id: i64, changes: &OfficeChanges) -> QueryResult<usize> {
    diesel::update(offices::table.filter(offices::organisation_id.eq(organisation_id)).filter(offices::id.eq(id)))
        .set(changes)
        .execute(conn)
}

pub fn user_count(conn: &mut DbConnection, office_id: i64) -> QueryResult<i64> {
    users::table.filter(users::office_id.eq(office_id)).count().get_result(conn)
}

pub fn delete(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(offices::table.filter(offices::organisation_id.eq(organisation_id)).filter(offices::id.eq(id)))
        .execute(conn)
}
