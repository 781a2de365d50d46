//! Reading campaigns: the resource as the API shows it (built for a batch with a
//! handful of lookups), one campaign, the tab lists and the audit trail.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tidings_domain::campaign::{
    campaign_actions, readiness, ActionContext, CampaignDraftFacts, CampaignState, PhoneNumberKind, Readiness,
};
use tidings_domain::campaign_wire::{
    AuditEntry, Campaign, CampaignContactList, CampaignNumber, CampaignPage, NamedRef, TextingWait,
};
use tidings_domain::organisation_wire::TextingHours;
use tidings_domain::phone_display::display_phone;
use tidings_domain::tags::tag_key;
use tidings_domain::texting_hours::TextingWindow;
use tidings_domain::FieldError;

use super::{field_names, load_visible, script_of, ENTITY, MAX_PAGE, MAX_PER_PAGE};
use crate::auth::AuthUser;
use crate::db::campaigns::{CampaignFilter, CampaignRow};
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::texting_hours;

/// What the lookups for a batch of campaigns found.
pub(super) struct Lookups {
    pub(super) offices: HashMap<i64, String>,
    pub(super) numbers: HashMap<i64, (String, PhoneNumberKind)>,
    pub(super) lists: HashMap<i64, (String, i64, Vec<String>)>,
    pub(super) agents: HashMap<i64, Vec<NamedRef>>,
    pub(super) tags: HashMap<i64, Vec<String>>,
    pub(super) users: HashMap<i64, String>,
    pub(super) send_counts: HashMap<i64, tidings_domain::delivery::SendCounts>,
}

/// What a campaign resource says of texting hours, looked up once for a batch: the
/// organisation's window and, per running campaign, what waits for it.
struct TextingFacts {
    window: TextingWindow,
    waits: HashMap<i64, TextingWait>,
}

pub(super) fn lookups(conn: &mut DbConnection, organisation_id: i64, rows: &[CampaignRow]) -> ApiResult<Lookups> {
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

pub(super) fn number_view(row: &CampaignRow, lookups: &Lookups) -> Option<CampaignNumber> {
    match row.phone_number_id {
        Some(id) => {
            let (e164, kind) = lookups.numbers.get(&id)?;
            Some(CampaignNumber { id: Some(id), kind: *kind, e164: Some(e164.clone()), display: display_phone(e164) })
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

pub(super) fn readiness_of(row: &CampaignRow, lookups: &Lookups) -> Readiness {
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

fn to_campaign(
    actor: &AuthUser,
    row: CampaignRow,
    lookups: &Lookups,
    texting: &TextingFacts,
    now: DateTime<Utc>,
) -> ApiResult<Campaign> {
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
        texting_hours: texting_hours::campaign_narrowing(&row).map(TextingHours::of),
        effective_texting_hours: TextingHours::of(texting.window.narrowed_by(texting_hours::campaign_narrowing(&row))),
        texting_wait: texting.waits.get(&row.id).cloned(),
        agents: lookups.agents.get(&row.id).cloned().unwrap_or_default(),
        assistant_script: script_of(&row),
        scheduled_at: row.scheduled_at.map(utc),
        launched_at: row.launched_at.map(utc),
        archived_at: row.archived_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        created_by: row.created_by.map(|id| NamedRef { id, name: lookups.users.get(&id).cloned().unwrap_or_default() }),
        send_counts: lookups.send_counts.get(&row.id).copied().unwrap_or_default(),
        launch_progress: row.launch_progress(),
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
    // Only running campaigns have launch messages that can wait for texting hours.
    let running: Vec<i64> = rows.iter().filter(|r| r.state.is_running()).map(|r| r.id).collect();
    let texting = TextingFacts {
        window: texting_hours::organisation_window(&db::organisations::find(conn, actor.organisation_id)?),
        waits: db::send_queue::texting_waits(conn, &running, now.naive_utc())?
            .into_iter()
            .map(|(id, waiting, last)| (id, TextingWait { waiting, last_opens_at: utc(last) }))
            .collect(),
    };
    rows.into_iter().map(|row| to_campaign(actor, row, &lookups, &texting, now)).collect()
}

pub(super) fn campaign_view(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<Campaign> {
    let row = load_visible(conn, actor, id)?;
    to_campaigns(conn, actor, vec![row], now)?.pop().ok_or_else(|| ApiError::not_found("The campaign"))
}

/// `GET /campaigns/{id}`.
pub fn get(conn: &mut DbConnection, actor: &AuthUser, id: i64, now: DateTime<Utc>) -> ApiResult<Campaign> {
    campaign_view(conn, actor, id, now)
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

pub(super) fn visibility_filter(actor: &AuthUser) -> CampaignFilter {
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
    // Out of range is refused, not quietly changed: the caller asked for something else.
    let mut errors = Vec::new();
    if !(1..=MAX_PAGE).contains(&query.page) {
        errors.push(FieldError::new("page", format!("must be a whole number from 1 to {MAX_PAGE}")));
    }
    if !(1..=MAX_PER_PAGE).contains(&query.per_page) {
        errors.push(FieldError::new("per_page", format!("must be a whole number from 1 to {MAX_PER_PAGE}")));
    }
    if !errors.is_empty() {
        return Err(ApiError::bad_request_fields("A query parameter is not valid.", errors));
    }
    let (page, per_page) = (query.page, query.per_page);
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

/// `GET /campaigns/{id}/audit`: every recorded change, oldest first.
pub fn audit_trail(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<Vec<AuditEntry>> {
    load_visible(conn, actor, id)?;
    crate::services::audit::trail(conn, actor.organisation_id, ENTITY, id)
}
