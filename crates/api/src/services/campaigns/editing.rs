//! Editing campaigns: the settings of a draft checked against each other and the
//! organisation, creating a draft, changing one, and cloning a campaign.

use chrono::{DateTime, Utc};
use serde_json::json;
use tidings_domain::assistant::{validate_script, AssistantScript};
use tidings_domain::campaign::{validate_campaign_title, CampaignAction, CampaignState, OperatedBy, PhoneNumberKind};
use tidings_domain::campaign_wire::{Campaign, CreateCampaign, NumberChoice, UpdateCampaign};
use tidings_domain::office::validate_time_zone;
use tidings_domain::organisation_wire::TextingHours;
use tidings_domain::phone_number::PhoneNumberStatus;
use tidings_domain::tags::{normalise_tags, CAMPAIGN_TAG_MAX};
use tidings_domain::template::template_problems;
use tidings_domain::texting_hours::TextingWindow;
use tidings_domain::FieldError;

use super::{
    authorise_action, campaign_view, changed_meanwhile, field_names, load_visible, lookups, readiness_of, script_of,
    ENTITY,
};
use crate::auth::AuthUser;
use crate::db::campaigns::{CampaignChanges, NewCampaign};
use crate::db::connection::write_transaction;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, texting_hours};

/// The settings of a draft, as they will be stored, before validation.
#[derive(Debug, Clone)]
struct Settings {
    title: String,
    office_id: i64,
    operated_by: OperatedBy,
    number: Option<NumberChoice>,
    contact_list_id: Option<i64>,
    message_template: String,
    append_opt_out: bool,
    agent_ids: Vec<i64>,
    assistant_script: Option<AssistantScript>,
    tags: Vec<String>,
    time_zone: Option<String>,
    /// The campaign's narrowing of the organisation's texting hours, as given.
    texting_hours: Option<TextingHours>,
    /// The same, checked (set by `validate_settings`).
    texting_window: Option<TextingWindow>,
}

/// Checks settings against each other and the organisation; answers the values to
/// store (trimmed title, canonical zone, normalised tags) or every field error at once.
fn validate_settings(conn: &mut DbConnection, actor: &AuthUser, settings: &mut Settings) -> ApiResult<()> {
    let mut errors = Vec::new();
    settings.title = validate_campaign_title(&settings.title, &mut errors);
    let office = match db::offices::find(conn, actor.organisation_id, settings.office_id) {
        Ok(office) if actor.sees_office(office.id) => Some(office),
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            errors.push(FieldError::new("office_id", "no such office that you can see"));
            None
        }
        Err(other) => return Err(other.into()),
    };
    settings.time_zone = Some(match (&settings.time_zone, &office) {
        (Some(zone), _) => validate_time_zone(zone, "time_zone", &mut errors),
        (None, Some(office)) => office.time_zone.clone(),
        (None, None) => "UTC".to_owned(),
    });
    if let Some(NumberChoice::Reusable { id }) = settings.number {
        match db::campaigns::number_facts(conn, actor.organisation_id, id)? {
            Some((office_id, kind, status))
                if office_id == settings.office_id
                    && kind == PhoneNumberKind::Reusable
                    && status == PhoneNumberStatus::Active => {}
            Some((office_id, _, _)) if office_id != settings.office_id => {
                errors.push(FieldError::new("phone_number.id", "belongs to another office than the campaign"))
            }
            Some(_) => errors.push(FieldError::new("phone_number.id", "is not an active reusable number")),
            None => errors.push(FieldError::new("phone_number.id", "no such phone number in your organisation")),
        }
    }
    let mut list_fields: Option<Vec<String>> = None;
    if let Some(list_id) = settings.contact_list_id {
        match db::campaigns::list_facts(conn, actor.organisation_id, list_id)? {
            Some((office_id, fields)) if actor.sees_office(office_id) => list_fields = Some(field_names(&fields)),
            _ => errors.push(FieldError::new("contact_list_id", "no such contact list that you can see")),
        }
    }
    // A draft may be saved without a message; a message it has must be well formed and
    // use only fields its contact list has.
    if !settings.message_template.trim().is_empty() {
        for reason in template_problems(&settings.message_template, list_fields.as_deref()) {
            errors.push(FieldError::new("message_template", reason));
        }
    }
    let mut seen = std::collections::HashSet::new();
    settings.agent_ids.retain(|id| seen.insert(*id));
    for (index, agent_id) in settings.agent_ids.iter().enumerate() {
        let field = format!("agent_ids[{index}]");
        match db::users::find(conn, actor.organisation_id, *agent_id) {
            Ok(user) => {
                let role = user.role;
                let sees = user.office_id == settings.office_id
                    || (role.may_view_other_offices() && (user.view_other_offices || role.is_admin()));
                if !user.active {
                    errors.push(FieldError::new(field, "the user is deactivated"));
                } else if !user.two_way_messaging {
                    errors.push(FieldError::new(field, "the user has no two-way messaging permission"));
                } else if !sees {
                    errors.push(FieldError::new(field, "the user cannot see the campaign's office"));
                }
            }
            Err(diesel::result::Error::NotFound) => {
                errors.push(FieldError::new(field, "no such user in your organisation"))
            }
            Err(other) => return Err(other.into()),
        }
    }
    if let Some(script) = &settings.assistant_script {
        validate_script(script, &mut errors);
    }
    settings.tags = normalise_tags(&settings.tags, Some(CAMPAIGN_TAG_MAX), &mut errors);
    settings.texting_window = match &settings.texting_hours {
        None => None,
        Some(hours) => match hours.window() {
            Err(error) => {
                errors.push(FieldError::new(format!("texting_hours.{}", error.field), error.reason));
                None
            }
            Ok(window) => {
                let organisation =
                    texting_hours::organisation_window(&db::organisations::find(conn, actor.organisation_id)?);
                if !window.lies_within(organisation) {
                    errors.push(FieldError::new(
                        "texting_hours",
                        format!("must lie inside the organisation's texting hours, {}", organisation.describe()),
                    ));
                }
                Some(window)
            }
        },
    };
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn script_json(script: &Option<AssistantScript>) -> ApiResult<Option<String>> {
    script.as_ref().map(|s| serde_json::to_string(s).map_err(ApiError::internal)).transpose()
}

/// `POST /campaigns`: a new draft.
pub fn create(
    conn: &mut DbConnection,
    actor: &AuthUser,
    input: CreateCampaign,
    now: DateTime<Utc>,
) -> ApiResult<Campaign> {
    actor.require_campaign_manager()?;
    let mut settings = Settings {
        title: input.title.clone(),
        office_id: input.office_id.unwrap_or(actor.office_id),
        operated_by: input.operated_by.unwrap_or_default(),
        number: input.phone_number.clone(),
        contact_list_id: input.contact_list_id,
        message_template: input.message_template.clone().unwrap_or_default(),
        append_opt_out: input.append_opt_out.unwrap_or(true),
        agent_ids: input.agent_ids.clone().unwrap_or_default(),
        assistant_script: input.assistant_script.clone(),
        tags: input.tags.clone().unwrap_or_default(),
        time_zone: input.time_zone.clone(),
        texting_hours: input.texting_hours.clone(),
        texting_window: None,
    };
    validate_settings(conn, actor, &mut settings)?;
    let stamp = now.naive_utc();
    let id = write_transaction(conn, |conn| {
        let id = db::campaigns::insert(
            conn,
            &NewCampaign {
                organisation_id: actor.organisation_id,
                office_id: settings.office_id,
                title: &settings.title,
                state: CampaignState::Draft,
                operated_by: settings.operated_by,
                phone_number_id: match settings.number {
                    Some(NumberChoice::Reusable { id }) => Some(id),
                    _ => None,
                },
                wants_single_use: settings.number == Some(NumberChoice::SingleUse),
                contact_list_id: settings.contact_list_id,
                message_template: &settings.message_template,
                append_opt_out: settings.append_opt_out,
                assistant_script: script_json(&settings.assistant_script)?,
                time_zone: settings.time_zone.as_deref().unwrap_or("UTC"),
                texting_opens: settings.texting_window.map(|w| i32::from(w.opens_minute())),
                texting_closes: settings.texting_window.map(|w| i32::from(w.closes_minute())),
                created_by: Some(actor.id),
                created_at: stamp,
                updated_at: stamp,
            },
        )?;
        db::campaigns::replace_agents(conn, id, &settings.agent_ids)?;
        db::campaigns::replace_tags(conn, id, &settings.tags)?;
        audit::record(conn, actor, ENTITY, id, "created", &json!({ "title": settings.title }), stamp)?;
        Ok::<_, ApiError>(id)
    })?;
    campaign_view(conn, actor, id, now)
}

/// `PATCH /campaigns/{id}`: drafts, and scheduled campaigns outside the one-hour lock.
pub fn update(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    input: UpdateCampaign,
    now: DateTime<Utc>,
) -> ApiResult<Campaign> {
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, CampaignAction::Edit, now)?;
    let current_agents: Vec<i64> =
        db::campaigns::agents_of(conn, &[id])?.into_iter().map(|(_, user, _)| user).collect();
    let current_tags: Vec<String> = db::campaigns::tags_of(conn, &[id])?.into_iter().map(|(_, tag)| tag).collect();
    let current_number = match (row.phone_number_id, row.wants_single_use) {
        (Some(id), _) => Some(NumberChoice::Reusable { id }),
        (None, true) => Some(NumberChoice::SingleUse),
        (None, false) => None,
    };
    let mut settings = Settings {
        title: input.title.clone().unwrap_or_else(|| row.title.clone()),
        office_id: input.office_id.unwrap_or(row.office_id),
        operated_by: input.operated_by.unwrap_or(row.operated_by),
        number: input.phone_number.clone().unwrap_or(current_number),
        contact_list_id: input.contact_list_id.unwrap_or(row.contact_list_id),
        message_template: input.message_template.clone().unwrap_or_else(|| row.message_template.clone()),
        append_opt_out: input.append_opt_out.unwrap_or(row.append_opt_out),
        agent_ids: input.agent_ids.clone().unwrap_or(current_agents),
        assistant_script: input.assistant_script.clone().unwrap_or_else(|| script_of(&row)),
        tags: input.tags.clone().unwrap_or(current_tags),
        time_zone: Some(input.time_zone.clone().unwrap_or_else(|| row.time_zone.clone())),
        texting_hours: input
            .texting_hours
            .clone()
            .unwrap_or_else(|| texting_hours::campaign_narrowing(&row).map(TextingHours::of)),
        texting_window: None,
    };
    validate_settings(conn, actor, &mut settings)?;
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let changes = CampaignChanges {
            title: Some(settings.title.clone()),
            office_id: Some(settings.office_id),
            operated_by: Some(settings.operated_by),
            phone_number_id: Some(match settings.number {
                Some(NumberChoice::Reusable { id }) => Some(id),
                _ => None,
            }),
            wants_single_use: Some(settings.number == Some(NumberChoice::SingleUse)),
            contact_list_id: Some(settings.contact_list_id),
            message_template: Some(settings.message_template.clone()),
            append_opt_out: Some(settings.append_opt_out),
            assistant_script: Some(script_json(&settings.assistant_script)?),
            time_zone: settings.time_zone.clone(),
            texting_opens: Some(settings.texting_window.map(|w| i32::from(w.opens_minute()))),
            texting_closes: Some(settings.texting_window.map(|w| i32::from(w.closes_minute()))),
            updated_at: Some(stamp),
            ..CampaignChanges::default()
        };
        if db::campaigns::update_in_state(conn, id, state, &changes)? == 0 {
            return Err(changed_meanwhile());
        }
        db::campaigns::replace_agents(conn, id, &settings.agent_ids)?;
        db::campaigns::replace_tags(conn, id, &settings.tags)?;
        if state == CampaignState::Scheduled {
            // A scheduled campaign launches by itself: it must stay launchable.
            let updated = db::campaigns::find(conn, actor.organisation_id, id)?;
            let lookups = lookups(conn, actor.organisation_id, std::slice::from_ref(&updated))?;
            let readiness = readiness_of(&updated, &lookups);
            if !readiness.ready {
                return Err(ApiError::conflict(format!(
                    "A scheduled campaign must stay ready to launch; this edit leaves it without {}.",
                    readiness.missing_labels()
                ))
                .with_extensions(json!({ "missing": readiness.missing })));
            }
        }
        audit::record(conn, actor, ENTITY, id, "updated", &json!({ "changes": input }), stamp)?;
        Ok(())
    })?;
    campaign_view(conn, actor, id, now)
}

/// `POST /campaigns/{id}/clone`: a new draft with the same settings ("Copy of …"); no
/// messages and no single-use number come along (a single-use *request* does).
pub fn clone(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Campaign> {
    let row = load_visible(conn, actor, id)?;
    authorise_action(conn, actor, &row, CampaignAction::Clone, now)?;
    let number = match row.phone_number_id {
        Some(number) => match db::campaigns::number_facts(conn, actor.organisation_id, number)? {
            Some((_, kind, status)) if kind == PhoneNumberKind::Reusable && status == PhoneNumberStatus::Active => {
                Some(number)
            }
            _ => None,
        },
        None => None,
    };
    let agents: Vec<i64> = db::campaigns::agents_of(conn, &[id])?.into_iter().map(|(_, user, _)| user).collect();
    let tags: Vec<String> = db::campaigns::tags_of(conn, &[id])?.into_iter().map(|(_, tag)| tag).collect();
    let title = tidings_domain::campaign::clone_title(&row.title);
    let stamp = now.naive_utc();
    let new_id = write_transaction(conn, |conn| {
        let new_id = db::campaigns::insert(
            conn,
            &NewCampaign {
                organisation_id: actor.organisation_id,
                office_id: row.office_id,
                title: &title,
                state: CampaignState::Draft,
                operated_by: row.operated_by,
                phone_number_id: number,
                // A launched single-use campaign keeps its request (its provisioned number
                // is never a reusable one), so the copy asks for a new number again.
                wants_single_use: row.wants_single_use,
                contact_list_id: row.contact_list_id,
                message_template: &row.message_template,
                append_opt_out: row.append_opt_out,
                assistant_script: row.assistant_script.clone(),
                time_zone: &row.time_zone,
                texting_opens: row.texting_opens,
                texting_closes: row.texting_closes,
                created_by: Some(actor.id),
                created_at: stamp,
                updated_at: stamp,
            },
        )?;
        let live_agents: Vec<i64> = agents
            .iter()
            .copied()
            .filter(|agent| db::users::find(conn, actor.organisation_id, *agent).is_ok_and(|u| u.active))
            .collect();
        db::campaigns::replace_agents(conn, new_id, &live_agents)?;
        db::campaigns::replace_tags(conn, new_id, &tags)?;
        audit::record(conn, actor, ENTITY, new_id, "created", &json!({ "cloned_from": id, "title": title }), stamp)?;
        Ok::<_, ApiError>(new_id)
    })?;
    campaign_view(conn, actor, new_id, now)
}
