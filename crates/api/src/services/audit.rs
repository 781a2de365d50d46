//! Writing the audit log from services.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::auth::AuthUser;
use crate::db::audit::{self, NewAuditEntry};
use crate::db::DbConnection;
use crate::error::ApiError;

/// Records that `actor` did `action` to an entity, with JSON details of what changed.
pub fn record(
    conn: &mut DbConnection,
    actor: &AuthUser,
    entity_type: &str,
    entity_id: i64,
    action: &str,
    details: &impl Serialize,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    write(conn, actor.organisation_id, Some(actor.id), (entity_type, entity_id, action), details, at)
}

/// Records something the system did on its own (the scheduler, single-use number
/// provisioning): no acting user.
pub fn record_system(
    conn: &mut DbConnection,
    organisation_id: i64,
    entity_type: &str,
    entity_id: i64,
    action: &str,
    details: &impl Serialize,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    write(conn, organisation_id, None, (entity_type, entity_id, action), details, at)
}

fn write(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_user_id: Option<i64>,
    (entity_type, entity_id, action): (&str, i64, &str),
    details: &impl Serialize,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let details = serde_json::to_string(details).map_err(ApiError::internal)?;
    audit::record(
        conn,
        &NewAuditEntry { organisation_id, actor_user_id, entity_type, entity_id, action, details, created_at: at },
    )?;
    Ok(())
}
