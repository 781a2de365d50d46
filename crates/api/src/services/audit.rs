//! Writing the audit log from services, reading one entity's trail, and the
//! organisation's whole log for administrators.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::Serialize;
use tidings_domain::campaign_wire::{AuditEntry, AuditPage, NamedRef};

use crate::auth::AuthUser;
use crate::db::audit::{self, AuditRow, NewAuditEntry};
use crate::db::{utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::paging::{page_end, PageRequest};

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

/// Everything recorded about one entity of `organisation_id`, oldest first, with the
/// acting users' names (none for what the system did).
pub fn trail(
    conn: &mut DbConnection,
    organisation_id: i64,
    entity_type: &str,
    entity_id: i64,
) -> ApiResult<Vec<AuditEntry>> {
    let rows = audit::for_entity(conn, organisation_id, entity_type, entity_id)?;
    entries(conn, organisation_id, rows)
}

/// `GET /audit-log` (administrators): everything recorded in the organisation, newest
/// first — campaigns, opt-outs added, lifted and suppressed automatically, settings.
pub fn log(
    conn: &mut DbConnection,
    actor: &AuthUser,
    entity_type: Option<&str>,
    page: &PageRequest,
) -> ApiResult<AuditPage> {
    actor.require_admin()?;
    let mut rows = audit::page(conn, actor.organisation_id, entity_type, page.id_cursor()?, page.limit + 1)?;
    let next_cursor = page_end(&mut rows, page.limit).map(|last| last.id.to_string());
    Ok(AuditPage { items: entries(conn, actor.organisation_id, rows)?, next_cursor })
}

/// Audit rows as the API shows them, with the acting users' names.
fn entries(conn: &mut DbConnection, organisation_id: i64, rows: Vec<AuditRow>) -> ApiResult<Vec<AuditEntry>> {
    let actors: Vec<i64> = rows.iter().filter_map(|row| row.actor_user_id).collect();
    let users: HashMap<i64, String> = crate::db::users::names_of(conn, organisation_id, &actors)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            actor: row.actor_user_id.map(|id| NamedRef { id, name: users.get(&id).cloned().unwrap_or_default() }),
            action: row.action,
            details: serde_json::from_str(&row.details).unwrap_or(serde_json::Value::Null),
            at: utc(row.created_at),
        })
        .collect())
}
