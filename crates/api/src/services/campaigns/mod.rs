//! Campaigns: drafts and edits, readiness, the state machine (launch, schedule,
//! unschedule, archive, clone), the tab lists, the calendar, tags and the audit trail.
//!
//! The rules themselves (transitions, readiness, the 30-minute and one-hour windows,
//! which actions a user may take) live in `tidings_domain::campaign`, so the SPA greys
//! out exactly what the server refuses.
//!
//! One module per use case: `view` (reading), `editing` (drafts, edits, clones),
//! `transitions` (schedule, unschedule, archive), `launch` (one launch path for the
//! Launch button and the scheduler) and `calendar` (the calendar and tags); this file
//! holds what they share: loading a campaign the caller may see and checking an action.

mod calendar;
mod editing;
mod launch;
mod transitions;
mod view;

pub use calendar::{calendar, tags};
pub use editing::{clone, create, update};
pub use launch::{
    claim_due, launch, launch_due, launch_now, launch_scheduled, plan_launch, scheduled_number_needed,
    NumberToProvision,
};
pub use transitions::{archive, archive_now, pause, resume, schedule, unschedule, Archived};
pub use view::{audit_trail, get, list, to_campaigns, ListQuery};

use launch::give_back;
use transitions::{queue_launch, transition_with};
use view::{campaign_view, lookups, number_view, readiness_of, visibility_filter};

use chrono::{DateTime, Utc};
use serde_json::json;
use tidings_domain::assistant::AssistantScript;
use tidings_domain::campaign::{check_action, ActionContext, ActionRefusal, CampaignAction, CampaignState, Readiness};

use crate::auth::AuthUser;
use crate::db::campaigns::CampaignRow;
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};

/// The audit log's name for campaigns.
const ENTITY: &str = "campaign";
/// Largest page of a tab list.
pub const MAX_PER_PAGE: u32 = 100;
/// The last page number the Campaigns list takes (a million pages of campaigns is
/// beyond any organisation; the document states the bound).
pub const MAX_PAGE: u32 = 1_000_000;
/// Widest calendar window, in days.
pub const MAX_CALENDAR_DAYS: i64 = 366;

fn script_of(row: &CampaignRow) -> Option<AssistantScript> {
    row.assistant_script.as_deref().and_then(|json| serde_json::from_str(json).ok())
}

fn field_names(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A campaign of the caller's organisation in an office they see; 404 otherwise (never
/// tell anyone else that the id exists).
pub fn load_visible(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<CampaignRow> {
    actor.require_messaging()?;
    let row = db::campaigns::find(conn, actor.organisation_id, id).map_err(|e| match e {
        diesel::result::Error::NotFound => ApiError::not_found("The campaign"),
        other => other.into(),
    })?;
    if !actor.sees_office(row.office_id) {
        return Err(ApiError::not_found("The campaign"));
    }
    Ok(row)
}

/// Answers the campaign's current state, refusing `action` when the rules do.
fn authorise_action(
    conn: &mut DbConnection,
    actor: &AuthUser,
    row: &CampaignRow,
    action: CampaignAction,
    now: DateTime<Utc>,
) -> ApiResult<(CampaignState, Readiness)> {
    let state = row.state;
    let lookups = lookups(conn, actor.organisation_id, std::slice::from_ref(row))?;
    let readiness = readiness_of(row, &lookups);
    let context = ActionContext {
        state,
        readiness: &readiness,
        launch_at: row.scheduled_at.map(utc),
        now,
        may_manage: actor.role.manages_campaigns(),
    };
    check_action(&context, action).map_err(refusal_error)?;
    Ok((state, readiness))
}

/// The HTTP answer to a refused action: 403 for the role, 409 for the campaign's state,
/// with the missing items or the launch time as facts.
pub fn refusal_error(refusal: ActionRefusal) -> ApiError {
    let detail = format!("{refusal}.");
    match refusal {
        ActionRefusal::LimitedUser { .. } => ApiError::forbidden(detail),
        ActionRefusal::NotAvailable { state, .. } => {
            ApiError::conflict(detail).with_extensions(json!({ "state": state }))
        }
        ActionRefusal::NotReady { readiness, .. } => {
            ApiError::conflict(detail).with_extensions(json!({ "missing": readiness.missing }))
        }
        ActionRefusal::WithinLaunchLock { launch_at, .. } => {
            ApiError::conflict(detail).with_extensions(json!({ "launch_at": launch_at }))
        }
    }
}

/// Someone else changed the campaign between our read and our write.
fn changed_meanwhile() -> ApiError {
    ApiError::conflict("The campaign changed meanwhile; reload it and try again.")
}
