//! API keys for integrations (stored as SHA-256 hashes).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::api_keys;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: i64,
    pub organisation_id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKey<'a> {
    pub organisation_id: i64,
    pub user_id: i64,
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewApiKey<'_>) -> QueryResult<i64> {
    diesel::insert_into(api_keys::table).values(new).returning(api_keys::id).get_result(conn)
}

pub fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<ApiKeyRow> {
    api_keys::table
        .filter(api_keys::organisation_id.eq(organisation_id))
        .filter(api_keys::id.eq(id))
        .select(ApiKeyRow::as_select())
        .first(conn)
}

/// The live (unrevoked) key with this hash.
pub fn find_live_by_hash(conn: &mut DbConnection, key_hash: &str) -> QueryResult<Option<ApiKeyRow>> {
    api_keys::table
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<Vec<ApiKeyRow>> {
    api_keys::table
        .filter(api_keys::organisation_id.eq(organisation_id))
        .order(api_keys::id.desc())
        .select(ApiKeyRow::as_select())
        .load(conn)
}

pub fn revoke(conn: &mut DbConnection, organisation_id: i64, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_keys::table
            .filter(api_keys::organisation_id.eq(organisation_id))
            .filter(api_keys::id.eq(id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(at))
    .execute(conn)
}

pub fn touch(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_keys::table.find(id)).set(api_keys::last_used_at.eq(at)).execute(conn)
}
