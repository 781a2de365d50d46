//! A number's settings: its name, description, office, owner and default operator,
//! its unsolicited message settings, and whether a campaign may text from it.

use std::collections::HashMap;

use diesel::result::Error as DieselError;
use serde_json::json;
use tidings_domain::campaign::PhoneNumberKind;
use tidings_domain::phone_number::{
    validate_description, validate_number_name, validate_unsolicited, PhoneNumber, PhoneNumberStatus,
    UnsolicitedSettings, UpdatePhoneNumber,
};
use tidings_domain::FieldError;

use super::{
    campaign_conflict, check_office, check_owner, find_visible, not_found, refuse_unless_reusable_and_active,
    require_reader, settings_of, with_settings, ENTITY,
};
use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::connection::write_transaction;
use crate::db::phone_numbers::{self as repo, PhoneNumberChanges, PhoneNumberRow};
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::services::audit;

/// Edits a reusable number's name, description, office, owner or default behaviour
/// (administrators). Moving it to another office is refused while a campaign that is
/// not archived uses it.
pub fn update(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    id: i64,
    input: UpdatePhoneNumber,
) -> ApiResult<PhoneNumber> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let name = input.name.as_deref().map(|n| validate_number_name(n, &mut errors));
    let description = input.description.as_deref().map(|d| validate_description(d, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = clock.now_naive();
    let row = write_transaction(conn, |conn| -> Result<_, ApiError> {
        let row = repo::lock(conn, actor.organisation_id, id).map_err(not_found)?;
        refuse_unless_reusable_and_active(&row, "be edited")?;
        let mut errors = Vec::new();
        let office_id = input.office_id.filter(|&office| office != row.office_id);
        if let Some(office) = office_id {
            check_office(conn, actor.organisation_id, office, &mut errors)?;
        }
        if let Some(Some(owner)) = input.owner_user_id {
            check_owner(conn, actor.organisation_id, owner, &mut errors)?;
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        if office_id.is_some() {
            if let Some(campaign) = repo::campaign_using(conn, id, None)? {
                return Err(campaign_conflict(
                    format!(
                        "The campaign '{}' ({}) uses this number; it can move to another office once that \
                         campaign is archived or texts from another number.",
                        campaign.title,
                        campaign.state.as_str()
                    ),
                    &campaign,
                ));
            }
        }
        let changes = PhoneNumberChanges {
            name: name.clone(),
            description: description.clone(),
            office_id,
            owner_user_id: input.owner_user_id,
            default_operated_by: input.default_operated_by,
            updated_at: Some(now),
        };
        repo::update(conn, actor.organisation_id, id, &changes)?;
        audit::record(conn, actor, ENTITY, id, "updated", &changed_fields(&changes), now)?;
        repo::find(conn, actor.organisation_id, id).map_err(ApiError::from)
    })?;
    with_settings(conn, row)
}

/// The audit details of an edit: only the fields it changes (`owner_user_id: null`
/// means the owner was removed).
fn changed_fields(changes: &PhoneNumberChanges) -> serde_json::Map<String, serde_json::Value> {
    let mut fields = serde_json::Map::new();
    if let Some(name) = &changes.name {
        fields.insert("name".to_owned(), json!(name));
    }
    if let Some(description) = &changes.description {
        fields.insert("description".to_owned(), json!(description));
    }
    if let Some(office_id) = changes.office_id {
        fields.insert("office_id".to_owned(), json!(office_id));
    }
    if let Some(owner) = changes.owner_user_id {
        fields.insert("owner_user_id".to_owned(), json!(owner));
    }
    if let Some(operated_by) = &changes.default_operated_by {
        fields.insert("default_operated_by".to_owned(), json!(operated_by));
    }
    fields
}

pub(super) fn get_any_visible(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<PhoneNumber> {
    let row = repo::find(conn, actor.organisation_id, id).map_err(not_found)?;
    with_settings(conn, row)
}

/// The users and office inboxes receiving a number's unsolicited messages.
pub fn get_unsolicited(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<UnsolicitedSettings> {
    require_reader(actor)?;
    let row = find_visible(conn, actor, id)?;
    Ok(settings_of(conn, &[row.id])?.remove(&row.id).unwrap_or_default())
}

/// Checks that every id names an active user with the messaging permission, or an
/// office, of the organisation; errors name the position in the request
/// (`user_ids[2]`).
fn check_recipients(
    conn: &mut DbConnection,
    organisation_id: i64,
    requested: &UnsolicitedSettings,
) -> ApiResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    let users: HashMap<i64, (bool, bool)> = repo::users_of_organisation(conn, organisation_id, &requested.user_ids)?
        .into_iter()
        .map(|(id, active, messaging)| (id, (active, messaging)))
        .collect();
    for (i, id) in requested.user_ids.iter().enumerate() {
        let reason = match users.get(id) {
            None => Some("no such user in your organisation"),
            Some((false, _)) => Some("this user is deactivated"),
            Some((true, false)) => Some("this user does not have the two-way messaging permission"),
            Some((true, true)) => None,
        };
        if let Some(reason) = reason {
            errors.push(FieldError::new(format!("user_ids[{i}]"), reason));
        }
    }
    let offices = repo::offices_of_organisation(conn, organisation_id, &requested.office_ids)?;
    for (i, id) in requested.office_ids.iter().enumerate() {
        if !offices.contains(id) {
            errors.push(FieldError::new(format!("office_ids[{i}]"), "no such office in your organisation"));
        }
    }
    Ok(errors)
}

/// Replaces a reusable number's unsolicited message settings (administrators), in one
/// transaction. An empty set is allowed: then nobody receives those messages.
pub fn set_unsolicited(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    id: i64,
    input: UnsolicitedSettings,
) -> ApiResult<UnsolicitedSettings> {
    actor.require_admin()?;
    let settings = validate_unsolicited(&input).map_err(ApiError::validation)?;
    let now = clock.now_naive();
    write_transaction(conn, |conn| -> Result<_, ApiError> {
        let row = repo::lock(conn, actor.organisation_id, id).map_err(not_found)?;
        refuse_unless_reusable_and_active(&row, "take unsolicited message settings")?;
        let errors = check_recipients(conn, actor.organisation_id, &input)?;
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let before = settings_of(conn, &[id])?.remove(&id).unwrap_or_default();
        repo::replace_recipients(conn, id, &settings.user_ids, &settings.office_ids)?;
        repo::update(
            conn,
            actor.organisation_id,
            id,
            &PhoneNumberChanges { updated_at: Some(now), ..Default::default() },
        )?;
        audit::record(
            conn,
            actor,
            ENTITY,
            id,
            "unsolicited_settings_changed",
            &json!({"before": before, "after": settings}),
            now,
        )?;
        Ok(settings)
    })
}

// ---------------------------------------------------------------------------------
// For the campaign engine and the conversation work.
// ---------------------------------------------------------------------------------

/// Why a number cannot be a campaign's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnusableNumber {
    /// No such number in the organisation.
    NotFound,
    /// The number was released.
    Released,
    /// A single-use number (those are provisioned by the campaign itself).
    SingleUse,
    /// The number belongs to another office than the campaign's.
    OtherOffice,
}

impl UnusableNumber {
    /// Why, in words for a field error on `phone_number_id`.
    pub fn reason(self) -> &'static str {
        match self {
            UnusableNumber::NotFound => "no such phone number in your organisation",
            UnusableNumber::Released => "this phone number was released",
            UnusableNumber::SingleUse => "this is another campaign's single-use number",
            UnusableNumber::OtherOffice => "this phone number belongs to another office",
        }
    }
}

/// Validates a reusable number chosen for a campaign of `office_id`: it must exist in
/// the organisation, be active, be reusable and belong to that office. `Ok(Err(..))`
/// tells why not (see [`UnusableNumber::reason`]).
///
/// It takes the number's row lock, so call it inside the transaction that stores the
/// choice (or launches): a concurrent release or office move of the number then waits
/// for that transaction and sees the campaign, and vice versa.
pub fn number_for_campaign(
    conn: &mut DbConnection,
    organisation_id: i64,
    office_id: i64,
    phone_number_id: i64,
) -> diesel::QueryResult<Result<PhoneNumberRow, UnusableNumber>> {
    let row = match repo::lock(conn, organisation_id, phone_number_id) {
        Ok(row) => row,
        Err(DieselError::NotFound) => return Ok(Err(UnusableNumber::NotFound)),
        Err(other) => return Err(other),
    };
    Ok(if row.status != PhoneNumberStatus::Active {
        Err(UnusableNumber::Released)
    } else if row.kind != PhoneNumberKind::Reusable {
        Err(UnusableNumber::SingleUse)
    } else if row.office_id != office_id {
        Err(UnusableNumber::OtherOffice)
    } else {
        Ok(row)
    })
}

/// The inboxes that receive a number's unsolicited messages: `(user_ids, office_ids)`,
/// each ascending. Both may be empty (single-use numbers, or an administrator cleared
/// the settings); routing then decides a fallback, such as the number's office inbox.
pub fn unsolicited_inboxes(conn: &mut DbConnection, phone_number_id: i64) -> diesel::QueryResult<(Vec<i64>, Vec<i64>)> {
    let mut users = Vec::new();
    let mut offices = Vec::new();
    for recipient in repo::recipients(conn, &[phone_number_id])? {
        users.extend(recipient.user_id);
        offices.extend(recipient.office_id);
    }
    users.sort_unstable();
    users.dedup();
    offices.sort_unstable();
    offices.dedup();
    Ok((users, offices))
}
