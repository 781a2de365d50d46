//! Users of an organisation.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tidings_domain::Role;

use super::schema::users;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub organisation_id: i64,
    pub office_id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub view_other_offices: bool,
    pub two_way_messaging: bool,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Session tokens issued at an older generation are refused.
    pub session_generation: i64,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub organisation_id: i64,
    pub office_id: i64,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub view_other_offices: bool,
    pub two_way_messaging: bool,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset, Default)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub password_hash: Option<String>,
    pub role: Option<Role>,
    pub office_id: Option<i64>,
    pub view_other_offices: Option<bool>,
    pub two_way_messaging: Option<bool>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, new: &NewUser<'_>) -> QueryResult<i64> {
    diesel::insert_into(users::table).values(new).returning(users::id).get_result(conn)
}

/// Any user by id, whatever the organisation (for authentication only).
pub fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<UserRow> {
    users::table.find(id).select(UserRow::as_select()).first(conn)
}

/// A user of `organisation_id`; `NotFound` for other organisations' users.
pub fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<UserRow> {
    users::table
        .filter(users::organisation_id.eq(organisation_id))
        .filter(users::id.eq(id))
        .select(UserRow::as_select())
        .first(conn)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table.filter(users::email.eq(email)).select(UserRow::as_select()).first(conn).optional()
}

pub fn list(conn: &mut DbConnection, organisation_id: i64, office_id: Option<i64>) -> QueryResult<Vec<UserRow>> {
    let mut query = users::table.filter(users::organisation_id.eq(organisation_id)).into_boxed();
    if let Some(office_id) = office_id {
        query = query.filter(users::office_id.eq(office_id));
    }
    query.order((users::name.asc(), users::id.asc())).select(UserRow::as_select()).load(conn)
}

pub fn update(conn: &mut DbConnection, organisation_id: i64, id: i64, changes: &UserChanges) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::organisation_id.eq(organisation_id)).filter(users::id.eq(id)))
        .set(changes)
        .execute(conn)
}

/// Ends every session of user `id` (their tokens carry an older generation now).
pub fn end_sessions(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::session_generation.eq(users::session_generation + 1)).execute(conn)
}

pub fn count_active_admins(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<i64> {
    users::table
        .filter(users::organisation_id.eq(organisation_id))
        .filter(users::role.eq(Role::Administrative))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)
}

/// (id, name) of these users of `organisation_id`: the names a page shows, without
/// loading the whole staff list.
pub fn names_of(conn: &mut DbConnection, organisation_id: i64, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::organisation_id.eq(organisation_id))
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name))
        .load(conn)
}
