//! The organisation's own settings (`/api/v1/organisation`): everyone signed in reads
//! them (the wizard shows the texting hours); administrators change them, audited.

use serde_json::json;
use tidings_domain::organisation_wire::{OrganisationSettings, TextingHours, UpdateOrganisationSettings};
use tidings_domain::FieldError;

use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::connection::write_transaction;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, texting_hours};

/// The audit trail's name for the organisation itself.
const ENTITY: &str = "organisation";

/// `GET /organisation`.
pub fn get(conn: &mut DbConnection, actor: &AuthUser) -> ApiResult<OrganisationSettings> {
    let row = db::organisations::find(conn, actor.organisation_id)?;
    Ok(OrganisationSettings {
        id: row.id,
        name: row.name.clone(),
        texting_hours: TextingHours::of(texting_hours::organisation_window(&row)),
    })
}

/// `PATCH /organisation` (administrators). A narrower window applies at once to every
/// queued message: the dispatcher reads it before each send. Campaigns narrowed beyond
/// the new window keep the overlap (`TextingWindow::narrowed_by`).
pub fn update(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    input: UpdateOrganisationSettings,
) -> ApiResult<OrganisationSettings> {
    actor.require_admin()?;
    let window = match &input.texting_hours {
        None => None,
        Some(hours) => Some(hours.window().map_err(|error| {
            ApiError::validation(vec![FieldError::new(format!("texting_hours.{}", error.field), error.reason)])
        })?),
    };
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        let before = get(conn, actor)?;
        if let Some(window) = window {
            let (opens, closes) = (i32::from(window.opens_minute()), i32::from(window.closes_minute()));
            db::organisations::set_texting_hours(conn, actor.organisation_id, opens, closes)?;
        }
        let details = json!({ "before": { "texting_hours": before.texting_hours }, "changes": input });
        audit::record(conn, actor, ENTITY, actor.organisation_id, "settings_changed", &details, now)?;
        Ok::<_, ApiError>(())
    })?;
    get(conn, actor)
}
