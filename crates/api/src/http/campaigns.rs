//! `/api/v1/campaigns`: the four tabs, the calendar, the campaign resource and its state
//! changes, and `/api/v1/tags` for the tag filter.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use tidings_domain::campaign::CampaignState;
use tidings_domain::campaign_wire::{
    AuditEntry, Calendar, Campaign, CampaignPage, CreateCampaign, ScheduleCampaign, TagCount, UpdateCampaign,
};
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::http::query::{comma_list, Query};
use crate::http::ItemList;
use crate::services::campaigns::{self, ListQuery};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CampaignListQuery {
    /// The tab: `active` (active and paused campaigns), `scheduled`, `draft` or
    /// `archived`; `paused` alone lists only paused ones; every state when absent.
    pub state: Option<CampaignState>,
    /// Case-insensitive search in the title.
    pub q: Option<String>,
    /// Comma-separated tags; a campaign matches when it carries ANY of them
    /// (case-insensitive).
    pub tags: Option<String>,
    /// Only this office's campaigns (within what the user may see).
    pub office_id: Option<i64>,
    /// 1-based page number (default 1), at most 1 000 000.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u32>,
    /// Page size, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A tab of the Campaigns page: newest update first, paged. Users see their own
/// office's campaigns, or every office's with `view_other_offices` (never limited users).
/// Each campaign lists the `actions` this user may take now, disabled ones with a reason.
#[utoipa::path(
    tag = "campaigns",
    params(CampaignListQuery),
    responses(
        (status = 200, description = "One page of the tab", body = CampaignPage),
        (status = 400, description = "Bad query value", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns")]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<CampaignListQuery>,
) -> ApiResult<web::Json<CampaignPage>> {
    let query = query.into_inner();
    let list = ListQuery {
        state: query.state,
        q: query.q,
        tags: comma_list(query.tags),
        office_id: query.office_id,
        page: query.page.unwrap_or(1),
        per_page: query.per_page.unwrap_or(25),
    };
    let now = state.clock.now();
    state.db(move |conn| campaigns::list(conn, &user, list, now)).await.map(web::Json)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    /// First local date (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Last local date, inclusive; less than 366 days after `from`.
    pub to: NaiveDate,
    pub office_id: Option<i64>,
}

/// The Scheduled tab's calendar: for each local date with scheduled campaigns, their
/// count and title, number, office and contact list.
#[utoipa::path(
    tag = "campaigns",
    params(CalendarQuery),
    responses(
        (status = 200, description = "Days with scheduled campaigns", body = Calendar),
        (status = 400, description = "Bad or too wide range", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/calendar")]
pub async fn get_calendar(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<CalendarQuery>,
) -> ApiResult<web::Json<Calendar>> {
    let query = query.into_inner();
    state.db(move |conn| campaigns::calendar(conn, &user, query.from, query.to, query.office_id)).await.map(web::Json)
}

/// Create a draft campaign (administrative and standard users).
#[utoipa::path(
    tag = "campaigns",
    request_body = CreateCampaign,
    responses(
        (status = 201, description = "The new draft, with its readiness", body = Campaign),
        (status = 403, description = "Limited users cannot create campaigns", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/campaigns")]
pub async fn create_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<CreateCampaign>,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let input = body.into_inner();
    let campaign = state.db(move |conn| campaigns::create(conn, &user, input, now)).await?;
    Ok(HttpResponse::Created().json(campaign))
}

/// One campaign with its settings, `readiness {ready, missing[]}` and actions.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign", body = Campaign),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}")]
pub async fn get_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Campaign>> {
    let (id, now) = (id.into_inner(), state.clock.now());
    state.db(move |conn| campaigns::get(conn, &user, id, now)).await.map(web::Json)
}

/// Edit a draft, or a scheduled campaign outside the hour before its launch (409 inside
/// it). `null` clears the number, contact list or assistant script.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    request_body = UpdateCampaign,
    responses(
        (status = 200, description = "The updated campaign", body = Campaign),
        (status = 403, description = "Limited users cannot edit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not editable now (state or launch lock)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/api/v1/campaigns/{id}")]
pub async fn update_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<UpdateCampaign>,
) -> ApiResult<web::Json<Campaign>> {
    let (id, now, input) = (id.into_inner(), state.clock.now(), body.into_inner());
    state.db(move |conn| campaigns::update(conn, &user, id, input, now)).await.map(web::Json)
}

/// Launch a ready draft now (409 with the `missing` list when it is not ready).
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign, now active", body = Campaign),
        (status = 403, description = "Limited users cannot launch", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not ready (extensions.missing) or not a draft", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/campaigns/{id}/launch")]
pub async fn launch_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Campaign>> {
    campaigns::launch_now(&state, user, id.into_inner()).await.map(web::Json)
}

/// Schedule a ready draft to launch at `launch_at`, at least 30 minutes from now (422
/// otherwise).
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    request_body = ScheduleCampaign,
    responses(
        (status = 200, description = "The campaign, now scheduled", body = Campaign),
        (status = 403, description = "Limited users cannot schedule", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not ready or not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Launch time too soon", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/campaigns/{id}/schedule")]
pub async fn schedule_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<ScheduleCampaign>,
) -> ApiResult<web::Json<Campaign>> {
    let (id, now, launch_at) = (id.into_inner(), state.clock.now(), body.into_inner().launch_at);
    state.db(move |conn| campaigns::schedule(conn, &user, id, launch_at, now)).await.map(web::Json)
}

/// Move a scheduled campaign back to draft (409 within an hour of its launch).
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign, now a draft", body = Campaign),
        (status = 403, description = "Limited users cannot unschedule", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not scheduled, or within the launch lock", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/campaigns/{id}/unschedule")]
pub async fn unschedule_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Campaign>> {
    let (id, now) = (id.into_inner(), state.clock.now());
    state.db(move |conn| campaigns::unschedule(conn, &user, id, now)).await.map(web::Json)
}

/// Pause an active campaign: nothing more of it is sent until it is resumed. Messages
/// already handed to the provider finish and are recorded; replies and agent work go on.
/// Standard and administrative users who may act on the campaign.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign, now paused", body = Campaign),
        (status = 403, description = "Limited users cannot pause", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The campaign is not active", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/campaigns/{id}/pause")]
pub async fn pause_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Campaign>> {
    let (id, now) = (id.into_inner(), state.clock.now());
    state.db(move |conn| campaigns::pause(conn, &user, id, now)).await.map(web::Json)
}

/// Resume a paused campaign: its unsent messages go out from where it stopped, at the
/// number's rate.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign, active again", body = Campaign),
        (status = 403, description = "Limited users cannot resume", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The campaign is not paused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/campaigns/{id}/resume")]
pub async fn resume_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Campaign>> {
    let (id, now) = (id.into_inner(), state.clock.now());
    state.db(move |conn| campaigns::resume(conn, &user, id, now)).await.map(web::Json)
}

/// Archive: a draft is discarded, a scheduled campaign cancelled (409 within an hour of
/// launch), an active campaign stopped; a single-use number is released.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign, now archived", body = Campaign),
        (status = 403, description = "Limited users cannot archive", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already archived, or within the launch lock", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/campaigns/{id}/archive")]
pub async fn archive_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Campaign>> {
    campaigns::archive_now(&state, user, id.into_inner()).await.map(web::Json)
}

/// Clone into a new draft "Copy of …" with the same settings (no messages, no
/// single-use number).
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 201, description = "The new draft", body = Campaign),
        (status = 403, description = "Limited users cannot clone", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/campaigns/{id}/clone")]
pub async fn clone_campaign(state: web::Data<AppState>, user: AuthUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let campaign = state.db(move |conn| campaigns::clone(conn, &user, id, now)).await?;
    Ok(HttpResponse::Created().json(campaign))
}

/// Every recorded change of a campaign (who, when, what), oldest first.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The audit trail", body = ItemList<AuditEntry>),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}/audit")]
pub async fn get_campaign_audit(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ItemList<AuditEntry>>> {
    let id = id.into_inner();
    state.db(move |conn| campaigns::audit_trail(conn, &user, id)).await.map(|items| web::Json(ItemList { items }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TagsQuery {
    /// Count only the campaigns of this tab (`active`, `scheduled`, `draft` or
    /// `archived`); every state when absent.
    pub state: Option<CampaignState>,
}

/// Campaign tags in use (in the campaigns you see, of one tab when `state` is given),
/// for the tag filter.
#[utoipa::path(
    tag = "campaigns",
    params(TagsQuery),
    responses(
        (status = 200, description = "Tags with their campaign counts", body = ItemList<TagCount>),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/tags")]
pub async fn list_tags(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<TagsQuery>,
) -> ApiResult<web::Json<ItemList<TagCount>>> {
    let tab = query.into_inner().state;
    state.db(move |conn| campaigns::tags(conn, &user, tab)).await.map(|items| web::Json(ItemList { items }))
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    // The calendar before `{id}` so its path is not read as an id.
    cfg.service(get_calendar)
        .service(list_campaigns)
        .service(create_campaign)
        .service(get_campaign)
        .service(update_campaign)
        .service(launch_campaign)
        .service(schedule_campaign)
        .service(unschedule_campaign)
        .service(pause_campaign)
        .service(resume_campaign)
        .service(archive_campaign)
        .service(clone_campaign)
        .service(get_campaign_audit)
        .service(list_tags);
}
