//! Registering, buying and releasing numbers: reusable numbers for offices (bought
//! before their row is written, given back if the write fails) and the single-use
//! numbers campaigns provision at launch and release when they end.

use std::str::FromStr;

use chrono::NaiveDateTime;
use diesel::result::Error as DieselError;
use phonenumber::metadata::DATABASE as NUMBERING_PLANS;
use serde_json::json;
use tidings_domain::campaign::{OperatedBy, PhoneNumberKind};
use tidings_domain::phone_number::{
    parse_short_code, validate_create, CreateMode, CreatePhoneNumber, NumberType, PhoneNumber, PhoneNumberStatus,
    ValidCreate, DEFAULT_COUNTRY, PHONE_NUMBER_NAME_MAX,
};
use tidings_domain::FieldError;

use super::{campaign_conflict, get_any_visible, not_found, provider_failure, record_system, with_settings, ENTITY};
use crate::auth::AuthUser;
use crate::db::connection::write_transaction;
use crate::db::phone_numbers::{self as repo, NewPhoneNumber, PhoneNumberRow};
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::providers::ProvisionRequest;
use crate::services::audit;
use crate::state::AppState;

/// Reads a number to register: E.164 (or the national format of `country`) checked
/// against the numbering plan, or a short code's digits. Errors name the request field.
fn normalise_registered(
    number: &str,
    number_type: NumberType,
    country: &str,
    provider: &str,
) -> Result<String, FieldError> {
    if number_type == NumberType::ShortCode {
        return parse_short_code(number).map_err(|reason| FieldError::new("e164", reason));
    }
    if number_type == NumberType::Simulator && provider != "simulator" {
        return Err(FieldError::new("number_type", "simulator numbers only exist with the simulator provider"));
    }
    let region = phonenumber::country::Id::from_str(country)
        .map_err(|_| FieldError::new("country", "is not a known country code"))?;
    let parsed = phonenumber::parse(Some(region), number).map_err(|_| {
        FieldError::new(
            "e164",
            format!("is not a phone number: use E.164 such as +14155550100 (or a {country} number)"),
        )
    })?;
    if parsed.extension().is_some() {
        return Err(FieldError::new("e164", "must not have an extension"));
    }
    // The simulator's numbers are fictional; every real one must exist in its plan.
    if number_type != NumberType::Simulator {
        if !parsed.is_valid() {
            return Err(FieldError::new("e164", "is not a valid phone number for its country"));
        }
        let toll_free = parsed.number_type(&NUMBERING_PLANS) == phonenumber::Type::TollFree;
        if number_type == NumberType::TollFree && !toll_free {
            return Err(FieldError::new("number_type", "the number is not a toll-free number"));
        }
        if number_type == NumberType::LongCode && toll_free {
            return Err(FieldError::new("number_type", "the number is toll-free: choose toll_free"));
        }
    }
    Ok(parsed.format().mode(phonenumber::Mode::E164).to_string())
}

/// The owner must be an active user of the organisation; answers whether they have
/// the two-way messaging permission.
pub(super) fn check_owner(
    conn: &mut DbConnection,
    organisation_id: i64,
    owner_user_id: i64,
    errors: &mut Vec<FieldError>,
) -> ApiResult<bool> {
    match repo::users_of_organisation(conn, organisation_id, &[owner_user_id])?.first() {
        Some(&(_, true, messaging)) => Ok(messaging),
        Some(_) => {
            errors.push(FieldError::new("owner_user_id", "this user is deactivated"));
            Ok(false)
        }
        None => {
            errors.push(FieldError::new("owner_user_id", "no such user in your organisation"));
            Ok(false)
        }
    }
}

pub(super) fn check_office(
    conn: &mut DbConnection,
    organisation_id: i64,
    office_id: i64,
    errors: &mut Vec<FieldError>,
) -> ApiResult<()> {
    if repo::offices_of_organisation(conn, organisation_id, &[office_id])?.is_empty() {
        errors.push(FieldError::new("office_id", "no such office in your organisation"));
    }
    Ok(())
}

/// Checks a new reusable number's office and owner, refusing them together with the
/// field errors found before; answers whether the owner gets the number's unsolicited
/// messages by default.
fn check_references(
    conn: &mut DbConnection,
    actor: &AuthUser,
    input: &CreatePhoneNumber,
    mut errors: Vec<FieldError>,
) -> ApiResult<bool> {
    check_office(conn, actor.organisation_id, input.office_id, &mut errors)?;
    let owner_receives = match input.owner_user_id {
        Some(owner) => check_owner(conn, actor.organisation_id, owner, &mut errors)?,
        None => false,
    };
    if errors.is_empty() {
        Ok(owner_receives)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// "Already in use", telling the caller's own organisation which of its numbers. A
/// number another organisation uses is refused exactly as one the provider account
/// does not hold, so the answer says nothing about other organisations.
fn number_taken(conn: &mut DbConnection, organisation_id: i64, e164: &str) -> ApiResult<Option<ApiError>> {
    Ok(repo::find_live_by_e164(conn, e164)?.map(|live| {
        if live.organisation_id == organisation_id {
            ApiError::conflict(format!("This number is already in service as '{}'.", live.name))
                .with_extensions(json!({"phone_number_id": live.id}))
        } else {
            not_registrable()
        }
    }))
}

/// The one refusal for a number that cannot be registered here.
fn not_registrable() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "e164",
        "cannot be registered: it is not a number of this provider account that is free to use",
    )])
}

/// A checked reusable number ready to be stored.
struct ReusableNumber {
    valid: ValidCreate,
    office_id: i64,
    owner_user_id: Option<i64>,
    owner_receives: bool,
    e164: String,
    number_type: NumberType,
    provider_sid: Option<String>,
}

/// Stores a reusable number with its default unsolicited settings (the number's office
/// inbox, and the owner's personal inbox when the owner texts), in one transaction.
fn insert_reusable(
    conn: &mut DbConnection,
    actor: &AuthUser,
    now: NaiveDateTime,
    number: &ReusableNumber,
) -> ApiResult<PhoneNumber> {
    let inserted = write_transaction(conn, |conn| -> Result<_, ApiError> {
        if let Some(taken) = number_taken(conn, actor.organisation_id, &number.e164)? {
            return Err(taken);
        }
        let id = repo::insert(
            conn,
            &NewPhoneNumber {
                organisation_id: actor.organisation_id,
                office_id: number.office_id,
                kind: PhoneNumberKind::Reusable,
                e164: &number.e164,
                name: &number.valid.name,
                description: &number.valid.description,
                number_type: number.number_type,
                owner_user_id: number.owner_user_id,
                default_operated_by: number.valid.default_operated_by,
                provider_sid: number.provider_sid.as_deref(),
                status: PhoneNumberStatus::Active,
                campaign_id: None,
                created_at: now,
                updated_at: now,
            },
        )
        .map_err(|error| {
            if db::is_unique_violation(&error) {
                // Another request stored the same number since the check above.
                ApiError::conflict("This number is already in service.")
            } else {
                error.into()
            }
        })?;
        let users: Vec<i64> = number.owner_user_id.filter(|_| number.owner_receives).into_iter().collect();
        repo::replace_recipients(conn, id, &users, &[number.office_id])?;
        let mode = match number.valid.mode {
            CreateMode::Register => "register",
            CreateMode::Provision => "provision",
        };
        audit::record(
            conn,
            actor,
            ENTITY,
            id,
            "created",
            &json!({
                "mode": mode, "e164": number.e164, "name": number.valid.name, "office_id": number.office_id,
                "number_type": number.number_type.as_str(), "owner_user_id": number.owner_user_id,
                "default_operated_by": number.valid.default_operated_by.as_str(),
            }),
            now,
        )?;
        repo::find(conn, actor.organisation_id, id).map_err(ApiError::from)
    })?;
    with_settings(conn, inserted)
}

/// Registers an existing provider number, or provisions a new one through the
/// provider, as a reusable number of an office (administrators).
pub async fn create(state: &AppState, actor: AuthUser, input: CreatePhoneNumber) -> ApiResult<PhoneNumber> {
    actor.require_admin()?;
    let valid = validate_create(&input).map_err(ApiError::validation)?;
    match valid.mode {
        CreateMode::Register => {
            let (Some(number), Some(number_type)) = (valid.number.as_deref(), valid.number_type) else {
                return Err(ApiError::internal("a validated registration lacks its number"));
            };
            let (e164, number_errors) =
                match normalise_registered(number, number_type, &valid.country, state.provider.name()) {
                    Ok(e164) => (e164, Vec::new()),
                    Err(error) => (String::new(), vec![error]),
                };
            // Only a number the provider account holds: another account's number would
            // be texted from, and its replies never reach us.
            let owned = if e164.is_empty() {
                None
            } else {
                match state.provider.find_owned_number(&e164).await.map_err(provider_failure)? {
                    Some(owned) => Some(owned),
                    None => return Err(not_registrable()),
                }
            };
            let provider_sid = owned.and_then(|owned| owned.provider_sid).or_else(|| valid.provider_sid.clone());
            let now = state.clock.now_naive();
            state
                .db(move |conn| {
                    let owner_receives = check_references(conn, &actor, &input, number_errors)?;
                    let number = ReusableNumber {
                        provider_sid,
                        valid,
                        office_id: input.office_id,
                        owner_user_id: input.owner_user_id,
                        owner_receives,
                        e164,
                        number_type,
                    };
                    insert_reusable(conn, &actor, now, &number)
                })
                .await
        }
        CreateMode::Provision => {
            // Check first, so a mistyped office never buys a number.
            let (checker, checked_input) = (actor.clone(), input.clone());
            let owner_receives =
                state.db(move |conn| check_references(conn, &checker, &checked_input, Vec::new())).await?;
            let request = ProvisionRequest {
                country: valid.country.clone(),
                area_code: valid.area_code.clone(),
                friendly_name: valid.name.clone(),
            };
            let provisioned = state.provider.provision_number(request).await.map_err(provider_failure)?;
            let provider_sid = provisioned.provider_sid.clone();
            let now = state.clock.now_naive();
            let number = ReusableNumber {
                valid,
                office_id: input.office_id,
                owner_user_id: input.owner_user_id,
                owner_receives,
                e164: provisioned.e164,
                number_type: provisioned.number_type,
                provider_sid: Some(provisioned.provider_sid),
            };
            let stored = state.db(move |conn| insert_reusable(conn, &actor, now, &number)).await;
            if stored.is_err() {
                give_back(state, &provider_sid).await;
            }
            stored
        }
    }
}

/// Releases a number we could not store; a failure is logged (the provider's console
/// shows the number under its friendly name).
async fn give_back(state: &AppState, provider_sid: &str) {
    if let Err(error) = state.provider.release_number(provider_sid).await {
        tracing::error!(%error, provider_sid, "a provisioned number could not be stored nor released");
    }
}

/// Releases a number (administrators): it stops sending and receiving, the provider
/// takes it back when Tidings knows its provider id, and the row stays for history.
/// Refused while a campaign in draft, scheduled or active state uses it. Releasing a
/// released number answers it as it is.
pub async fn release(state: &AppState, actor: AuthUser, id: i64) -> ApiResult<PhoneNumber> {
    actor.require_admin()?;
    let now = state.clock.now_naive();
    let marker = actor.clone();
    let (row, newly_released) = state
        .db(move |conn| {
            write_transaction(conn, |conn| -> Result<_, ApiError> {
                let row = repo::lock(conn, marker.organisation_id, id).map_err(not_found)?;
                if row.status == PhoneNumberStatus::Released {
                    return Ok((row, false));
                }
                let provisioned_for = row.campaign_id.filter(|_| row.kind == PhoneNumberKind::SingleUse);
                if let Some(campaign) = repo::campaign_using(conn, id, provisioned_for)? {
                    return Err(campaign_conflict(
                        format!(
                            "The campaign '{}' ({}) uses this number; archive it or choose another number for \
                             it first.",
                            campaign.title,
                            campaign.state.as_str()
                        ),
                        &campaign,
                    ));
                }
                repo::mark_released(conn, id, now)?;
                audit::record(conn, &marker, ENTITY, id, "released", &json!({"e164": row.e164}), now)?;
                Ok((row, true))
            })
        })
        .await?;
    if newly_released {
        if let Some(sid) = row.provider_sid.as_deref() {
            if let Err(error) = state.provider.release_number(sid).await {
                let restorer = actor.clone();
                let restored = state
                    .db(move |conn| {
                        write_transaction(conn, |conn| -> Result<_, ApiError> {
                            repo::mark_active_again(conn, id, now)?;
                            audit::record(conn, &restorer, ENTITY, id, "release_failed", &json!({}), now)
                        })
                    })
                    .await;
                if let Err(restore_error) = restored {
                    tracing::error!(%restore_error, phone_number_id = id, "a number the provider kept stays marked released");
                }
                return Err(provider_failure(error));
            }
        }
    }
    state.db(move |conn| get_any_visible(conn, &actor, id)).await
}

/// The name a single-use number gets: "Single-use: <campaign title>", cut to fit.
fn single_use_name(campaign_title: &str) -> String {
    format!("Single-use: {}", campaign_title.trim()).chars().take(PHONE_NUMBER_NAME_MAX).collect()
}

/// Provisions a single-use number for a campaign at launch: the provider call first
/// (outside any transaction — call this *before* the launch transaction, or between
/// two), then an `active` `single_use` row with `campaign_id` set, named
/// "Single-use: <title>", in the campaign's office. Audited without an acting user.
///
/// Safe to retry: when the campaign already has a live single-use number it is
/// returned and nothing is bought (a unique index keeps it to one per campaign even
/// when two launches race; the loser's number is released again).
///
/// Errors: the office is not in the organisation → 404; the provider refused → 409
/// (with `provider_code`); the provider is unreachable → 503 (try again later).
pub async fn provision_single_use(
    state: &AppState,
    organisation_id: i64,
    office_id: i64,
    campaign_id: i64,
    campaign_title: &str,
) -> ApiResult<PhoneNumberRow> {
    let existing = state
        .db(move |conn| {
            let mut errors = Vec::new();
            check_office(conn, organisation_id, office_id, &mut errors)?;
            if !errors.is_empty() {
                return Err(ApiError::not_found("The office"));
            }
            Ok(repo::find_live_for_campaign(conn, campaign_id)?)
        })
        .await?;
    if let Some(existing) = existing {
        return Ok(existing);
    }
    let name = single_use_name(campaign_title);
    let request =
        ProvisionRequest { country: DEFAULT_COUNTRY.to_owned(), area_code: None, friendly_name: name.clone() };
    let provisioned = state.provider.provision_number(request).await.map_err(provider_failure)?;
    let now = state.clock.now_naive();
    let number = provisioned.clone();
    let stored = state
        .db(move |conn| {
            let number_type = number.number_type;
            let inserted = write_transaction(conn, |conn| -> Result<_, SingleUseError> {
                let id = repo::insert(
                    conn,
                    &NewPhoneNumber {
                        organisation_id,
                        office_id,
                        kind: PhoneNumberKind::SingleUse,
                        e164: &number.e164,
                        name: &name,
                        description: "",
                        number_type,
                        owner_user_id: None,
                        default_operated_by: OperatedBy::Agent,
                        provider_sid: Some(&number.provider_sid),
                        status: PhoneNumberStatus::Active,
                        campaign_id: Some(campaign_id),
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                let details = json!({"campaign_id": campaign_id, "e164": number.e164});
                record_system(conn, organisation_id, id, "provisioned", &details, now).map_err(SingleUseError::Api)?;
                Ok(repo::find_any(conn, id)?)
            });
            match inserted {
                Ok(row) => Ok(Stored::New(row)),
                // A concurrent launch of the same campaign won the race: use its number.
                Err(SingleUseError::Taken) => match repo::find_live_for_campaign(conn, campaign_id)? {
                    Some(row) => Ok(Stored::Existing(row)),
                    None => {
                        Err(ApiError::conflict("The provider gave a number that is already in service. Try again."))
                    }
                },
                Err(SingleUseError::Api(error)) => Err(error),
            }
        })
        .await;
    match stored {
        Ok(Stored::New(row)) => Ok(row),
        Ok(Stored::Existing(row)) => {
            give_back(state, &provisioned.provider_sid).await;
            Ok(row)
        }
        Err(error) => {
            give_back(state, &provisioned.provider_sid).await;
            Err(error)
        }
    }
}

/// How storing a single-use number failed: a live row already holds the number or the
/// campaign (unique indexes), or anything else.
pub enum SingleUseError {
    Taken,
    Api(ApiError),
}

impl From<DieselError> for SingleUseError {
    fn from(error: DieselError) -> Self {
        if db::is_unique_violation(&error) {
            SingleUseError::Taken
        } else {
            SingleUseError::Api(error.into())
        }
    }
}

/// Releases a campaign's single-use number at archive: the provider release first,
/// then the row is marked `released` with `released_at` (it stays for history).
/// Idempotent: releasing a released number succeeds without calling the provider.
///
/// Errors: no such number → 404; not a single-use number → 409 (reusable numbers are
/// never released by a campaign); the provider refused → 409; the provider is
/// unreachable → 503, and the number stays active so a later call can finish the job.
pub async fn release_single_use(state: &AppState, phone_number_id: i64) -> ApiResult<()> {
    let row = state.db(move |conn| repo::find_any(conn, phone_number_id).map_err(not_found)).await?;
    if row.kind != PhoneNumberKind::SingleUse {
        return Err(ApiError::conflict("Only single-use numbers are released with their campaign."));
    }
    if row.status == PhoneNumberStatus::Released {
        return Ok(());
    }
    if let Some(sid) = row.provider_sid.as_deref() {
        state.provider.release_number(sid).await.map_err(provider_failure)?;
    }
    let now = state.clock.now_naive();
    state
        .db(move |conn| {
            write_transaction(conn, |conn| -> Result<_, ApiError> {
                if repo::mark_released(conn, row.id, now)? > 0 {
                    let details = json!({"campaign_id": row.campaign_id, "e164": row.e164});
                    record_system(conn, row.organisation_id, row.id, "released", &details, now)?;
                }
                Ok(())
            })
        })
        .await
}

/// Whether provisioning stored a new number or found the one already stored.
enum Stored {
    New(PhoneNumberRow),
    Existing(PhoneNumberRow),
}
