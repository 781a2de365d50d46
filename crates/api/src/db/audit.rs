//! The audit log: who changed what, when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub organisation_id: i64,
    pub actor_user_id: Option<i64>,
    pub entity_type: String,
    pub entity_id: i64,
    pub action: String,
    pub details: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub organisation_id: i64,
    pub actor_user_id: Option<i64>,
    pub entity_type: &'a str,
    pub entity_id: i64,
    pub action: &'a str,
    /// JSON text describing what changed.
    pub details: String,
    pub created_at: NaiveDateTime,
}

pub fn record(conn: &mut DbConnection, entry: &NewAuditEntry<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_log::table).values(entry).execute(conn).map(|_| ())
}

pub fn for_entity(
    conn: &mut DbConnection,
    organisation_id: i64,
    entity_type: &str,
    entity_id: i64,
) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .filter(audit_log::organisation_id.eq(organisation_id))
        .filter(audit_log::entity_type.eq(entity_type))
        .filter(audit_log::entity_id.eq(entity_id))
        .order(audit_log::id.asc())
        .select(AuditRow::as_select())
        .load(conn)
}

/// A page of `organisation_id`'s audit log, newest first, before `before_id`,
/// optionally about one kind of entity.
pub fn page(
    conn: &mut DbConnection,
    organisation_id: i64,
    entity_type: Option<&str>,
    before_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_log::table
        .filter(audit_log::organisation_id.eq(organisation_id))
        .select(AuditRow::as_select())
        .into_boxed();
    if let Some(entity_type) = entity_type {
        query = query.filter(audit_log::entity_type.eq(entity_type));
    }
    if let Some(before) = before_id {
        query = query.filter(audit_log::id.lt(before));
    }
    query.order(audit_log::id.desc()).limit(limit).load(conn)
}
