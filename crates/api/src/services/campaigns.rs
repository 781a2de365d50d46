//! Campaigns: drafts and edits, readiness, the state machine (launch, schedule,
//! unschedule, archive, clone), the tab lists, the calendar, tags and the audit trail.
//!
//! The rules themselves (transitions, readiness, the 30-minute and one-hour windows,
//! which actions a user may take) live in `tidings_domain::campaign`, so the SPA greys
//! out exactly what the server refuses.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde_json::json;
use tidings_domain::assistant::{validate_script, AssistantScript};
use tidings_domain::campaign::{
    campaign_actions, check_action, readiness, validate_campaign_title, validate_schedule, ActionContext,
    ActionRefusal, ArchiveKind, CampaignAction, CampaignDraftFacts, CampaignState, OperatedBy, PhoneNumberKind,
    Readiness,
};
use tidings_domain::campaign_wire::{
    AuditEntry, Calendar, CalendarDay, CalendarEntry, Campaign, CampaignContactList, CampaignNumber, CampaignPage,
    CreateCampaign, NamedRef, NumberChoice, UpdateCampaign,
};
use tidings_domain::office::validate_time_zone;
use tidings_domain::phone_display::display_phone;
use tidings_domain::phone_number::PhoneNumberStatus;
use tidings_domain::tags::{normalise_tags, tag_key, CAMPAIGN_TAG_MAX};
use tidings_domain::template::template_problems;
use tidings_domain::FieldError;

use crate::auth::AuthUser;
use crate::db::campaigns::{CampaignChanges, CampaignFilter, CampaignRow, NewCampaign};
use crate::db::connection::write_transaction;
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::{audit, events, fanout, phone_numbers};
use crate::state::AppState;

/// The audit log's name for campaigns.
const ENTITY: &str = "campaign";
/// Largest page of a tab list.
pub const MAX_PER_PAGE: u32 = 100;
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

/// What the lookups for a batch of campaigns found.
struct Lookups {
    offices: HashMap<i64, String>,
    numbers: HashMap<i64, (String, String)>,
    lists: HashMap<i64, (String, i64, Vec<String>)>,
    agents: HashMap<i64, Vec<NamedRef>>,
    tags: HashMap<i64, Vec<String>>,
    users: HashMap<i64, String>,
    send_counts: HashMap<i64, tidings_domain::delivery::SendCounts>,
}

fn lookups(conn: &mut DbConnection, organisation_id: i64, rows: &[CampaignRow]) -> ApiResult<Lookups> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let number_ids: Vec<i64> = rows.iter().filter_map(|r| r.phone_number_id).collect();
    let list_ids: Vec<i64> = rows.iter().filter_map(|r| r.contact_list_id).collect();
    let offices = db::offices::list(conn, organisation_id)?.into_iter().map(|o| (o.id, o.name)).collect();
    let numbers =
        db::campaigns::numbers_of(conn, &number_ids)?.into_iter().map(|(id, e164, kind)| (id, (e164, kind))).collect();
    let lists = db::campaigns::lists_of(conn, &list_ids)?
        .into_iter()
        .map(|(id, name, count, fields)| (id, (name, count, field_names(&fields))))
        .collect();
    let mut agents: HashMap<i64, Vec<NamedRef>> = HashMap::new();
    for (campaign_id, user_id, name) in db::campaigns::agents_of(conn, &ids)? {
        agents.entry(campaign_id).or_default().push(NamedRef { id: user_id, name });
    }
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (campaign_id, tag) in db::campaigns::tags_of(conn, &ids)? {
        tags.entry(campaign_id).or_default().push(tag);
    }
    let creators: Vec<i64> = rows.iter().filter_map(|r| r.created_by).collect();
    let users = db::users::names_of(conn, organisation_id, &creators)?.into_iter().collect();
    let send_counts = db::send_counts::of(conn, &ids)?;
    Ok(Lookups { offices, numbers, lists, agents, tags, users, send_counts })
}

fn number_view(row: &CampaignRow, lookups: &Lookups) -> Option<CampaignNumber> {
    match row.phone_number_id {
        Some(id) => {
            let (e164, kind) = lookups.numbers.get(&id)?;
            Some(CampaignNumber {
                id: Some(id),
                kind: PhoneNumberKind::parse(kind).unwrap_or(PhoneNumberKind::Reusable),
                e164: Some(e164.clone()),
                display: display_phone(e164),
            })
        }
        None if row.wants_single_use => Some(CampaignNumber {
            id: None,
            kind: PhoneNumberKind::SingleUse,
            e164: None,
            display: "Single-use (provisioned at launch)".to_owned(),
        }),
        None => None,
    }
}

fn readiness_of(row: &CampaignRow, lookups: &Lookups) -> Readiness {
    let number = number_view(row, lookups).map(|n| n.kind);
    let empty = Vec::new();
    let list = row.contact_list_id.and_then(|id| lookups.lists.get(&id));
    let fields = list.map(|(_, _, fields)| fields).unwrap_or(&empty);
    let script = script_of(row);
    readiness(&CampaignDraftFacts {
        title: &row.title,
        has_office: true,
        phone_number: number,
        has_contact_list: list.is_some(),
        message_template: &row.message_template,
        contact_fields: fields,
        operated_by: row.operated_by,
        agent_count: lookups.agents.get(&row.id).map_or(0, Vec::len),
        assistant_script: script.as_ref(),
    })
}

fn to_campaign(actor: &AuthUser, row: CampaignRow, lookups: &Lookups, now: DateTime<Utc>) -> ApiResult<Campaign> {
    let state = row.state;
    let readiness = readiness_of(&row, lookups);
    let actions = campaign_actions(&ActionContext {
        state,
        readiness: &readiness,
        launch_at: row.scheduled_at.map(utc),
        now,
        may_manage: actor.role.manages_campaigns(),
    });
    Ok(Campaign {
        id: row.id,
        title: row.title.clone(),
        state,
        archive_kind: row.archive_kind,
        office: NamedRef { id: row.office_id, name: lookups.offices.get(&row.office_id).cloned().unwrap_or_default() },
        phone_number: number_view(&row, lookups),
        contact_list: row.contact_list_id.and_then(|id| {
            lookups.lists.get(&id).map(|(name, count, _)| CampaignContactList {
                id,
                name: name.clone(),
                contact_count: *count,
            })
        }),
        operated_by: row.operated_by,
        tags: lookups.tags.get(&row.id).cloned().unwrap_or_default(),
        time_zone: row.time_zone.clone(),
        message_template: row.message_template.clone(),
        append_opt_out: row.append_opt_out,
        agents: lookups.agents.get(&row.id).cloned().unwrap_or_default(),
        assistant_script: script_of(&row),
        scheduled_at: row.scheduled_at.map(utc),
        launched_at: row.launched_at.map(utc),
        archived_at: row.archived_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        created_by: row.created_by.map(|id| NamedRef { id, name: lookups.users.get(&id).cloned().unwrap_or_default() }),
        send_counts: lookups.send_counts.get(&row.id).copied().unwrap_or_default(),
        readiness,
        actions,
    })
}

/// The campaign resources for `rows`, with a handful of batched lookups.
pub fn to_campaigns(
    conn: &mut DbConnection,
    actor: &AuthUser,
    rows: Vec<CampaignRow>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Campaign>> {
    let lookups = lookups(conn, actor.organisation_id, &rows)?;
    rows.into_iter().map(|row| to_campaign(actor, row, &lookups, now)).collect()
}

fn view(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Campaign> {
    let row = load_visible(conn, actor, id)?;
    to_campaigns(conn, actor, vec![row], now)?.pop().ok_or_else(|| ApiError::not_found("The campaign"))
}

/// `GET /campaigns/{id}`.
pub fn get(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Campaign> {
    view(conn, actor, id, now)
}

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
    view(conn, actor, id, now)
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
            updated_at: Some(stamp),
            ..CampaignChanges::default()
        };
        if db::campaigns::update_in_state(conn, id, state.as_str(), &changes)? == 0 {
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
    view(conn, actor, id, now)
}

/// Moves a campaign from `from` with `changes`, audited as `action` with `details`.
fn transition(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    from: CampaignState,
    changes: CampaignChanges,
    audited: (&str, serde_json::Value),
    stamp: NaiveDateTime,
) -> ApiResult<()> {
    transition_with(conn, actor, id, from, changes, audited, stamp, |_| Ok(serde_json::Value::Null))
}

/// A state change that also does `work` in the same transaction (the launch queue, the
/// cancelling of unsent messages); what `work` answers is audited with the change.
#[allow(clippy::too_many_arguments, reason = "one transition, spelled out")]
fn transition_with(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    from: CampaignState,
    changes: CampaignChanges,
    (action, mut details): (&str, serde_json::Value),
    stamp: NaiveDateTime,
    work: impl FnOnce(&mut DbConnection) -> ApiResult<serde_json::Value>,
) -> ApiResult<()> {
    write_transaction(conn, |conn| {
        if db::campaigns::update_in_state(conn, id, from.as_str(), &changes)? == 0 {
            return Err(changed_meanwhile());
        }
        if let (serde_json::Value::Object(extra), Some(details)) = (work(conn)?, details.as_object_mut()) {
            details.extend(extra);
        }
        audit::record(conn, actor, ENTITY, id, action, &details, stamp)?;
        events::campaign_updated(conn, id, stamp)
    })
}

/// Queues the launch messages of campaign `id` (its settings as committed in this
/// transaction), answering the counts for the audit trail.
fn queue_launch(conn: &mut DbConnection, id: i64, stamp: NaiveDateTime) -> ApiResult<serde_json::Value> {
    let row = db::campaigns::find_by_id(conn, id)?.ok_or_else(changed_meanwhile)?;
    let number = row.phone_number_id.ok_or_else(changed_meanwhile)?;
    let counts = fanout::enqueue_launch_messages(conn, &row, number, stamp)?;
    Ok(json!({
        "queued": counts.queued,
        "skipped_opted_out": counts.skipped_opted_out,
        "skipped_invalid": counts.skipped_invalid,
    }))
}

/// Withdraws what a stopped campaign has not sent, and files its conversations: on a
/// single-use number (released next) every queued message and those the provider still
/// holds; on a reusable number the launch messages not yet sent — replies already
/// written still go out, since the number lives on.
fn cancel_unsent(conn: &mut DbConnection, row: &CampaignRow, stamp: NaiveDateTime) -> ApiResult<serde_json::Value> {
    use tidings_domain::delivery::MessageStatus;
    let single_use = match row.phone_number_id {
        Some(number) => db::phone_numbers::find_any(conn, number)?.kind == PhoneNumberKind::SingleUse,
        None => false,
    };
    let statuses: &[MessageStatus] = if single_use {
        &[MessageStatus::Queued, MessageStatus::Claimed, MessageStatus::Pending]
    } else {
        &[MessageStatus::Queued, MessageStatus::Claimed]
    };
    let cancelled = db::messages::cancel_of_campaign(conn, row.id, statuses, !single_use, stamp)?;
    let mut tally = db::send_counts::Tally::new();
    for (status, author) in &cancelled {
        {
            tally.moved(Some(row.id), *author, *status, MessageStatus::Cancelled);
        }
    }
    tally.write(conn)?;
    // Conversations leave the campaign agents' inboxes. On a reusable number those that
    // still need attention move to the number's unsolicited message settings (and later
    // replies open unsolicited conversations there); a single-use number is released,
    // so all of them close.
    let rerouted = db::conversations::close_for_campaign(conn, row.id, !single_use, stamp)?;
    Ok(json!({ "cancelled_messages": cancelled.len(), "conversations_to_unsolicited": rerouted.len() }))
}

/// A single-use number a launch has to provision first: (organisation, office, title).
pub type NumberToProvision = Option<(i64, i64, String)>;

fn single_use_needed(row: &CampaignRow) -> NumberToProvision {
    (row.wants_single_use && row.phone_number_id.is_none())
        .then(|| (row.organisation_id, row.office_id, row.title.clone()))
}

/// Checks that the caller may launch the campaign now; answers the single-use number
/// to provision before the launch, if any.
pub fn plan_launch(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<NumberToProvision> {
    let row = load_visible(conn, actor, id)?;
    authorise_action(conn, actor, &row, CampaignAction::Launch, now)?;
    Ok(single_use_needed(&row))
}

/// A ready draft becomes active now, with the single-use number `provisioned` for it.
pub fn launch(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    now: DateTime<Utc>,
    provisioned: Option<i64>,
) -> ApiResult<Campaign> {
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, CampaignAction::Launch, now)?;
    if single_use_needed(&row).is_some() && provisioned.is_none() {
        return Err(changed_meanwhile());
    }
    let stamp = now.naive_utc();
    let changes = CampaignChanges {
        state: Some(CampaignState::Active),
        launched_at: Some(Some(stamp)),
        updated_at: Some(stamp),
        phone_number_id: provisioned.map(Some),
        ..CampaignChanges::default()
    };
    transition_with(
        conn,
        actor,
        id,
        state,
        changes,
        ("launched", json!({ "provisioned_number": provisioned })),
        stamp,
        |conn| queue_launch(conn, id, stamp),
    )?;
    view(conn, actor, id, now)
}

/// `POST /campaigns/{id}/launch`: provisions a single-use number when the campaign asks
/// for one (a provider call, outside any transaction), then launches. A launch that
/// fails after provisioning gives the number back.
pub async fn launch_now(state: &AppState, actor: AuthUser, id: i64) -> ApiResult<Campaign> {
    let now = state.clock.now();
    let planner = actor.clone();
    let needed = state.db(move |conn| plan_launch(conn, &planner, id, now)).await?;
    let provisioned = match needed {
        Some((organisation_id, office_id, title)) => {
            Some(phone_numbers::provision_single_use(state, organisation_id, office_id, id, &title).await?.id)
        }
        None => None,
    };
    let outcome = state.db(move |conn| launch(conn, &actor, id, now, provisioned)).await;
    if let (Err(_), Some(number)) = (&outcome, provisioned) {
        give_back(state, number).await;
    }
    outcome
}

/// Releases a single-use number whose campaign did not launch or has ended; a failure
/// is logged (the number stays active and an administrator can release it).
async fn give_back(state: &AppState, number: i64) {
    if let Err(error) = phone_numbers::release_single_use(state, number).await {
        tracing::warn!(phone_number_id = number, %error, "could not release a single-use number");
    }
}

/// `POST /campaigns/{id}/schedule`: a ready draft launches by itself at `launch_at`,
/// which must be at least 30 minutes from now.
pub fn schedule(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    launch_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> ApiResult<Campaign> {
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, CampaignAction::Schedule, now)?;
    validate_schedule(launch_at, now).map_err(|e| ApiError::invalid("launch_at", e.to_string()))?;
    let stamp = now.naive_utc();
    let launch = crate::clock::truncate_to_micros(launch_at).naive_utc();
    let changes = CampaignChanges {
        state: Some(CampaignState::Scheduled),
        scheduled_at: Some(Some(launch)),
        updated_at: Some(stamp),
        lease_owner: Some(None),
        lease_expires_at: Some(None),
        ..CampaignChanges::default()
    };
    transition(conn, actor, id, state, changes, ("scheduled", json!({ "launch_at": launch_at })), stamp)?;
    view(conn, actor, id, now)
}

/// `POST /campaigns/{id}/unschedule`: back to draft, outside the one-hour lock.
pub fn unschedule(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Campaign> {
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, CampaignAction::Unschedule, now)?;
    let stamp = now.naive_utc();
    let changes = CampaignChanges {
        state: Some(CampaignState::Draft),
        scheduled_at: Some(None),
        updated_at: Some(stamp),
        ..CampaignChanges::default()
    };
    transition(
        conn,
        actor,
        id,
        state,
        changes,
        ("unscheduled", json!({ "was_scheduled_for": row.scheduled_at.map(utc) })),
        stamp,
    )?;
    view(conn, actor, id, now)
}

/// What archiving did, for the caller to finish outside the transaction (releasing a
/// single-use number is a provider call).
pub struct Archived {
    pub campaign: Campaign,
    /// The single-use number to release, when the campaign had one.
    pub release_number: Option<i64>,
}

/// `POST /campaigns/{id}/archive`: discard a draft, cancel a schedule (outside the
/// lock), or stop an active campaign.
pub fn archive(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Archived> {
    let row = load_visible(conn, actor, id)?;
    let (state, _) = authorise_action(conn, actor, &row, CampaignAction::Archive, now)?;
    let kind = ArchiveKind::archiving(state).ok_or_else(|| ApiError::conflict("This campaign cannot be archived."))?;
    let stamp = now.naive_utc();
    let changes = CampaignChanges {
        state: Some(CampaignState::Archived),
        archive_kind: Some(Some(kind)),
        archived_at: Some(Some(stamp)),
        updated_at: Some(stamp),
        lease_owner: Some(None),
        lease_expires_at: Some(None),
        ..CampaignChanges::default()
    };
    let stopping = state == CampaignState::Active;
    transition_with(
        conn,
        actor,
        id,
        state,
        changes,
        ("archived", json!({ "from": state, "as": kind })),
        stamp,
        |conn| {
            if stopping {
                cancel_unsent(conn, &row, stamp)
            } else {
                Ok(serde_json::Value::Null)
            }
        },
    )?;
    let release_number = match row.phone_number_id {
        Some(number) => db::campaigns::numbers_of(conn, &[number])?
            .into_iter()
            .find(|(_, _, kind)| kind == PhoneNumberKind::SingleUse.as_str())
            .map(|(id, _, _)| id),
        None => None,
    };
    Ok(Archived { campaign: view(conn, actor, id, now)?, release_number })
}

/// `POST /campaigns/{id}/archive`, then the release of a single-use number.
pub async fn archive_now(state: &AppState, actor: AuthUser, id: i64) -> ApiResult<Campaign> {
    let now = state.clock.now();
    let archived = state.db(move |conn| archive(conn, &actor, id, now)).await?;
    if let Some(number) = archived.release_number {
        give_back(state, number).await;
    }
    Ok(archived.campaign)
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
    view(conn, actor, new_id, now)
}

/// The filters of `GET /campaigns`.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub state: Option<CampaignState>,
    pub q: Option<String>,
    pub tags: Vec<String>,
    pub office_id: Option<i64>,
    pub page: u32,
    pub per_page: u32,
}

fn visibility_filter(actor: &AuthUser) -> CampaignFilter {
    CampaignFilter {
        organisation_id: actor.organisation_id,
        visible_office: (!actor.sees_all_offices()).then_some(actor.office_id),
        ..CampaignFilter::default()
    }
}

/// `GET /campaigns`: one tab, newest update first.
pub fn list(
    conn: &mut DbConnection,
    actor: &AuthUser,
    query: ListQuery,
    now: DateTime<Utc>,
) -> ApiResult<CampaignPage> {
    actor.require_messaging()?;
    let page = query.page.max(1);
    let per_page = query.per_page.clamp(1, MAX_PER_PAGE);
    let filter = CampaignFilter {
        state: query.state,
        office_id: query.office_id,
        title_contains: query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase),
        tag_keys: query.tags.iter().map(|t| tag_key(t)).filter(|t| !t.is_empty()).collect(),
        ..visibility_filter(actor)
    };
    let offset = i64::from(page - 1) * i64::from(per_page);
    let (rows, total) = db::campaigns::list(conn, &filter, offset, i64::from(per_page))?;
    Ok(CampaignPage { items: to_campaigns(conn, actor, rows, now)?, page, per_page, total })
}

/// `GET /campaigns/calendar`: scheduled campaigns by local launch date.
pub fn calendar(
    conn: &mut DbConnection,
    actor: &AuthUser,
    from: NaiveDate,
    to: NaiveDate,
    office_id: Option<i64>,
) -> ApiResult<Calendar> {
    actor.require_messaging()?;
    if to < from {
        return Err(ApiError::bad_request_fields(
            "The calendar range is empty.",
            vec![FieldError::new("to", "must not be before from")],
        ));
    }
    if (to - from).num_days() >= MAX_CALENDAR_DAYS {
        return Err(ApiError::bad_request_fields(
            "The calendar range is too wide.",
            vec![FieldError::new("to", format!("must be less than {MAX_CALENDAR_DAYS} days after from"))],
        ));
    }
    // Local dates can be up to 14 hours either side of UTC: widen the window by a day
    // each way and keep the campaigns whose local date falls inside.
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::days(1);
    let end = to.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::days(2);
    let filter = CampaignFilter { state: Some(CampaignState::Scheduled), office_id, ..visibility_filter(actor) };
    let rows = db::campaigns::scheduled_between(conn, &filter, start, end)?;
    let lookups = lookups(conn, actor.organisation_id, &rows)?;
    let mut days: std::collections::BTreeMap<NaiveDate, Vec<CalendarEntry>> = std::collections::BTreeMap::new();
    for row in &rows {
        let Some(launch) = row.scheduled_at.map(utc) else { continue };
        let zone: Tz = row.time_zone.parse().unwrap_or(Tz::UTC);
        let date = launch.with_timezone(&zone).date_naive();
        if date < from || date > to {
            continue;
        }
        days.entry(date).or_default().push(CalendarEntry {
            id: row.id,
            title: row.title.clone(),
            phone_number: number_view(row, &lookups).map(|n| n.display).unwrap_or_else(|| "None chosen".to_owned()),
            office: lookups.offices.get(&row.office_id).cloned().unwrap_or_default(),
            contact_list: row.contact_list_id.and_then(|id| lookups.lists.get(&id).map(|l| l.0.clone())),
            launch_at: launch,
            time_zone: row.time_zone.clone(),
        });
    }
    Ok(Calendar {
        from,
        to,
        days: days
            .into_iter()
            .map(|(date, campaigns)| CalendarDay { date, count: campaigns.len(), campaigns })
            .collect(),
    })
}

/// `GET /tags`: campaign tags in use in the campaigns this user sees.
pub fn tags(
    conn: &mut DbConnection,
    actor: &AuthUser,
    state: Option<CampaignState>,
) -> ApiResult<Vec<tidings_domain::campaign_wire::TagCount>> {
    actor.require_messaging()?;
    let filter = CampaignFilter { state, ..visibility_filter(actor) };
    Ok(db::campaigns::tag_counts(conn, &filter)?
        .into_iter()
        .map(|(tag, campaigns)| tidings_domain::campaign_wire::TagCount { tag, campaigns })
        .collect())
}

/// `GET /campaigns/{id}/audit`: every recorded change, oldest first.
pub fn audit_trail(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<Vec<AuditEntry>> {
    load_visible(conn, actor, id)?;
    let rows = db::audit::for_entity(conn, actor.organisation_id, ENTITY, id)?;
    let actors: Vec<i64> = rows.iter().filter_map(|row| row.actor_user_id).collect();
    let users: HashMap<i64, String> = db::users::names_of(conn, actor.organisation_id, &actors)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            actor: row.actor_user_id.map(|id| NamedRef { id, name: users.get(&id).cloned().unwrap_or_default() }),
            action: row.action,
            details: serde_json::from_str(&row.details).unwrap_or(serde_json::Value::Null),
            at: utc(row.created_at),
        })
        .collect())
}

/// The scheduler's launch of a claimed campaign: scheduled → active when still due,
/// still leased by `owner` and still ready; a campaign that is no longer ready goes
/// back to draft (audited with what is missing) rather than launching half-configured.
/// Answers whether it launched.
pub fn launch_scheduled(
    conn: &mut DbConnection,
    id: i64,
    owner: &str,
    now: DateTime<Utc>,
    provisioned: Option<i64>,
) -> ApiResult<bool> {
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let Some(row) = db::campaigns::find_by_id(conn, id)? else { return Ok(false) };
        if row.state != CampaignState::Scheduled || row.lease_owner.as_deref() != Some(owner) {
            return Ok(false);
        }
        let lookups = lookups(conn, row.organisation_id, std::slice::from_ref(&row))?;
        let readiness = readiness_of(&row, &lookups);
        let ready = readiness.ready && (single_use_needed(&row).is_none() || provisioned.is_some());
        let (changes, action, details) = if ready {
            (
                CampaignChanges {
                    state: Some(CampaignState::Active),
                    launched_at: Some(Some(stamp)),
                    updated_at: Some(stamp),
                    lease_owner: Some(None),
                    lease_expires_at: Some(None),
                    phone_number_id: provisioned.map(Some),
                    ..CampaignChanges::default()
                },
                "launched",
                json!({ "by": "scheduler", "scheduled_at": row.scheduled_at.map(utc) }),
            )
        } else {
            (
                CampaignChanges {
                    state: Some(CampaignState::Draft),
                    scheduled_at: Some(None),
                    updated_at: Some(stamp),
                    lease_owner: Some(None),
                    lease_expires_at: Some(None),
                    ..CampaignChanges::default()
                },
                "launch_failed",
                json!({ "by": "scheduler", "missing": readiness.missing }),
            )
        };
        if db::campaigns::update_in_state(conn, id, CampaignState::Scheduled.as_str(), &changes)? == 0 {
            return Ok(false);
        }
        let mut details = details;
        if ready {
            if let (serde_json::Value::Object(counts), Some(details)) =
                (queue_launch(conn, id, stamp)?, details.as_object_mut())
            {
                details.extend(counts);
            }
        }
        audit::record_system(conn, row.organisation_id, ENTITY, id, action, &details, stamp)?;
        events::campaign_updated(conn, id, stamp)?;
        Ok(ready)
    })
}

/// The single-use number the scheduler must provision before launching `id`, if any.
pub fn scheduled_number_needed(conn: &mut DbConnection, id: i64) -> ApiResult<NumberToProvision> {
    Ok(db::campaigns::find_by_id(conn, id)?.as_ref().and_then(single_use_needed))
}
