//! Phone numbers: reusable numbers owned by an office — registered, or provisioned
//! through the provider — with their unsolicited message settings; and the single-use
//! numbers the campaign engine provisions at launch and releases at archive.
//!
//! Who may do what: reading needs the two-way messaging permission (administrators
//! always may) and a visible office; creating, editing, releasing and the unsolicited
//! settings are administrative. Provider calls are network I/O, so they never run inside
//! a database transaction: a number is bought before its row is written (and given back
//! if the write fails), and a reusable number is marked released before the provider
//! lets it go (and put back in service if the provider refuses), so no campaign can pick
//! it up in between.
//!
//! `provisioning` registers, buys and releases numbers (reusable ones for offices,
//! single-use ones for campaigns); `settings` edits a number and its unsolicited
//! message settings and says whether a campaign may use it; this file reads them.

mod provisioning;
mod settings;

use provisioning::{check_office, check_owner};
pub use provisioning::{create, provision_single_use, release, release_single_use, SingleUseError};
use settings::get_any_visible;
pub use settings::{
    get_unsolicited, number_for_campaign, set_unsolicited, unsolicited_inboxes, update, UnusableNumber,
};

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::result::Error as DieselError;
use serde::Serialize;
use serde_json::json;
use tidings_domain::campaign::PhoneNumberKind;
use tidings_domain::phone_number::{PhoneNumber, PhoneNumberStatus, UnsolicitedSettings};

use crate::auth::AuthUser;
use crate::db::phone_numbers::{self as repo, CampaignUsingNumber, PhoneNumberFilter, PhoneNumberRow};
use crate::db::{utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::providers::ProviderError;
use crate::services::audit;

/// The audit log's name for these entities.
const ENTITY: &str = "phone_number";

/// The wire shape of a stored number.
pub fn to_phone_number(row: PhoneNumberRow, unsolicited: UnsolicitedSettings) -> ApiResult<PhoneNumber> {
    let (kind, number_type, status) = (row.kind, row.number_type, row.status);
    let default_operated_by = row.default_operated_by;
    Ok(PhoneNumber {
        id: row.id,
        office_id: row.office_id,
        kind,
        e164: row.e164,
        name: row.name,
        description: row.description,
        number_type,
        provider_sid: row.provider_sid,
        owner_user_id: row.owner_user_id,
        default_operated_by,
        status,
        campaign_id: row.campaign_id,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        released_at: row.released_at.map(utc),
        unsolicited,
    })
}

/// The unsolicited settings of several numbers, by number id.
fn settings_of(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<HashMap<i64, UnsolicitedSettings>> {
    let mut settings: HashMap<i64, UnsolicitedSettings> = HashMap::new();
    for recipient in repo::recipients(conn, ids)? {
        let entry = settings.entry(recipient.phone_number_id).or_default();
        entry.user_ids.extend(recipient.user_id);
        entry.office_ids.extend(recipient.office_id);
    }
    Ok(settings.into_iter().map(|(id, s)| (id, s.normalised())).collect())
}

fn with_settings(conn: &mut DbConnection, row: PhoneNumberRow) -> ApiResult<PhoneNumber> {
    let settings = settings_of(conn, &[row.id])?.remove(&row.id).unwrap_or_default();
    to_phone_number(row, settings)
}

/// Numbers are read by people who text (and by administrators, who manage them).
fn require_reader(actor: &AuthUser) -> ApiResult<()> {
    if actor.role.is_admin() {
        Ok(())
    } else {
        actor.require_messaging()
    }
}

fn not_found(error: DieselError) -> ApiError {
    match error {
        DieselError::NotFound => ApiError::not_found("The phone number"),
        other => other.into(),
    }
}

/// A number this user may see: in their organisation and in an office they see.
fn find_visible(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<PhoneNumberRow> {
    let row = repo::find(conn, actor.organisation_id, id).map_err(not_found)?;
    if actor.sees_office(row.office_id) {
        Ok(row)
    } else {
        Err(ApiError::not_found("The phone number"))
    }
}

/// The numbers this user sees, by name; `status` defaults to active ones.
pub fn list(
    conn: &mut DbConnection,
    actor: &AuthUser,
    office_id: Option<i64>,
    kind: Option<PhoneNumberKind>,
    status: Option<PhoneNumberStatus>,
) -> ApiResult<Vec<PhoneNumber>> {
    require_reader(actor)?;
    let filter = PhoneNumberFilter {
        office_id,
        kind,
        status: Some(status.unwrap_or_default()),
        visible_offices: (!actor.sees_all_offices()).then(|| vec![actor.office_id]),
    };
    let rows = repo::list(conn, actor.organisation_id, &filter)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut settings = settings_of(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let unsolicited = settings.remove(&row.id).unwrap_or_default();
            to_phone_number(row, unsolicited)
        })
        .collect()
}

pub fn get(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<PhoneNumber> {
    require_reader(actor)?;
    let row = find_visible(conn, actor, id)?;
    with_settings(conn, row)
}

fn provider_failure(error: ProviderError) -> ApiError {
    match error {
        ProviderError::Rejected { code, message } => {
            tracing::warn!(?code, %message, "the provider refused a number request");
            ApiError::conflict(format!("The SMS provider refused: {message}"))
                .with_extensions(json!({"provider_code": code}))
        }
        ProviderError::Unavailable(reason) => {
            tracing::warn!(%reason, "the provider is unavailable");
            ApiError::unavailable("The SMS provider is not reachable right now. Try again shortly.")
        }
        // A purchase may have gone through without us hearing of it: say so, so an
        // administrator looks before buying again.
        ProviderError::Unknown(reason) => {
            tracing::error!(%reason, "the provider's answer to a number request is unknown");
            ApiError::unavailable(
                "The SMS provider did not answer clearly. Check its console for the number before trying again.",
            )
        }
    }
}

fn campaign_conflict(detail: String, campaign: &CampaignUsingNumber) -> ApiError {
    ApiError::conflict(detail).with_extensions(json!({
        "campaign": {"id": campaign.id, "title": campaign.title, "state": campaign.state}
    }))
}

fn refuse_unless_reusable_and_active(row: &PhoneNumberRow, doing: &str) -> ApiResult<()> {
    if row.status != PhoneNumberStatus::Active {
        return Err(ApiError::conflict(format!("This number was released; released numbers cannot {doing}.")));
    }
    if row.kind != PhoneNumberKind::Reusable {
        return Err(ApiError::conflict(format!("Single-use numbers belong to their campaign and cannot {doing}.")));
    }
    Ok(())
}

/// Writes an audit entry for something the system did (no acting user).
fn record_system(
    conn: &mut DbConnection,
    organisation_id: i64,
    entity_id: i64,
    action: &str,
    details: &impl Serialize,
    at: NaiveDateTime,
) -> ApiResult<()> {
    audit::record_system(conn, organisation_id, ENTITY, entity_id, action, details, at)
}
