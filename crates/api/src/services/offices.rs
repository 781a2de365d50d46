//! Offices: every user of the organisation reads them; administrators change them.

use serde_json::json;
use tidings_domain::office::{validate_office_name, validate_time_zone, CreateOffice, Office, UpdateOffice};
use tidings_domain::FieldError;

use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::connection::write_transaction;
use crate::db::offices::{NewOffice, OfficeChanges, OfficeRow};
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::audit;

pub fn to_office(row: OfficeRow) -> Office {
    Office {
        id: row.id,
        name: row.name,
        time_zone: row.time_zone,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

pub fn list(conn: &mut DbConnection, actor: &AuthUser) -> ApiResult<Vec<Office>> {
    Ok(db::offices::list(conn, actor.organisation_id)?.into_iter().map(to_office).collect())
}

pub fn get(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<Office> {
    find(conn, actor.organisation_id, id).map(to_office)
}

fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> ApiResult<OfficeRow> {
    db::offices::find(conn, organisation_id, id).map_err(|e| match e {
        diesel::result::Error::NotFound => ApiError::not_found("The office"),
        other => other.into(),
    })
}

pub fn create(conn: &mut DbConnection, actor: &AuthUser, clock: &dyn Clock, input: CreateOffice) -> ApiResult<Office> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let name = validate_office_name(&input.name, &mut errors);
    let time_zone = validate_time_zone(&input.time_zone, "time_zone", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        if db::offices::name_taken(conn, actor.organisation_id, &name, None)? {
            return Err(ApiError::conflict(format!("An office named '{name}' already exists.")));
        }
        let id = db::offices::insert(
            conn,
            &NewOffice {
                organisation_id: actor.organisation_id,
                name: &name,
                time_zone: &time_zone,
                created_at: now,
                updated_at: now,
            },
        )?;
        audit::record(conn, actor, "office", id, "created", &json!({"name": name, "time_zone": time_zone}), now)?;
        find(conn, actor.organisation_id, id).map(to_office)
    })
}

pub fn update(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    id: i64,
    input: UpdateOffice,
) -> ApiResult<Office> {
    actor.require_admin()?;
    let mut errors: Vec<FieldError> = Vec::new();
    let name = input.name.as_deref().map(|n| validate_office_name(n, &mut errors));
    let time_zone = input.time_zone.as_deref().map(|z| validate_time_zone(z, "time_zone", &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        find(conn, actor.organisation_id, id)?;
        if let Some(name) = &name {
            if db::offices::name_taken(conn, actor.organisation_id, name, Some(id))? {
                return Err(ApiError::conflict(format!("An office named '{name}' already exists.")));
            }
        }
        let changes = OfficeChanges { name: name.clone(), time_zone: time_zone.clone(), updated_at: Some(now) };
        db::offices::update(conn, actor.organisation_id, id, &changes)?;
        audit::record(conn, actor, "office", id, "updated", &json!({"name": name, "time_zone": time_zone}), now)?;
        find(conn, actor.organisation_id, id).map(to_office)
    })
}

pub fn delete(conn: &mut DbConnection, actor: &AuthUser, clock: &dyn Clock, id: i64) -> ApiResult<()> {
    actor.require_admin()?;
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        let office = find(conn, actor.organisation_id, id)?;
        if db::offices::user_count(conn, id)? > 0 {
            return Err(ApiError::conflict(format!(
                "The office '{}' still has users; move them to another office first.",
                office.name
            )));
        }
        // Numbers, contact lists, campaigns and inbox settings keep an office too; the
        // foreign keys find them all, so their violation is the "still in use" answer.
        match db::offices::delete(conn, actor.organisation_id, id) {
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::ForeignKeyViolation, _)) => {
                return Err(ApiError::conflict(format!(
                    "The office '{}' still has phone numbers, contact lists or campaigns.",
                    office.name
                )));
            }
            other => other?,
        };
        audit::record(conn, actor, "office", id, "deleted", &json!({"name": office.name}), now)?;
        Ok(())
    })
}
