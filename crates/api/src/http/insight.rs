//! A campaign's Contacts and Analytics tabs: `/api/v1/campaigns/{id}/contacts` (+ CSV
//! export, SMS preview, opt-out) and `/api/v1/campaigns/{id}/analytics`.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use tidings_domain::analytics_wire::CampaignAnalytics;
use tidings_domain::campaign_contact_wire::{CampaignContact, CampaignContactPage, DeliveryState};
use tidings_domain::template::MessagePreview;
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::listing::Listing;
use crate::http::paged_download::paged_download;
use crate::http::query::Query;
use crate::services::analytics;
use crate::services::campaign_contacts::{self, ContactQuery};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CampaignContactsQuery {
    /// First name, last name or phone (part of any).
    pub q: Option<String>,
    /// Only contacts in this delivery state.
    pub delivery: Option<DeliveryState>,
}

impl From<CampaignContactsQuery> for ContactQuery {
    fn from(query: CampaignContactsQuery) -> Self {
        ContactQuery { q: query.q, delivery: query.delivery }
    }
}

/// The Contacts tab's request: its filter and the page.
type CampaignContactsListing = Listing<CampaignContactsQuery, 50, { campaign_contacts::MAX_LIMIT }>;

/// The Contacts tab: every imported field, created at, the delivery state of the
/// campaign message (delivered, retrying, failed with the reason, pending, opted out).
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id"), CampaignContactsListing),
    responses(
        (status = 200, description = "One page, in list order", body = CampaignContactPage),
        (status = 400, description = "A bad cursor, limit or query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The campaign has no contact list", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}/contacts")]
pub async fn list_campaign_contacts(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    listing: CampaignContactsListing,
) -> ApiResult<web::Json<CampaignContactPage>> {
    let (id, query, page) = (id.into_inner(), ContactQuery::from(listing.filter), listing.page);
    let now = state.clock.now();
    state.db(move |conn| campaign_contacts::list(conn, &user, id, &query, &page, now)).await.map(web::Json)
}

/// The same rows as CSV (search and filter apply; every page). Cells that a
/// spreadsheet would run as formulas (`=`, `+`, `-`, `@`) are prefixed with `'`.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id"), CampaignContactsQuery),
    responses(
        (status = 200, description = "The contacts", body = String, content_type = "text/csv"),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The campaign has no contact list yet", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}/contacts.csv")]
pub async fn export_campaign_contacts(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    query: Query<CampaignContactsQuery>,
) -> ApiResult<HttpResponse> {
    let (id, query) = (id.into_inner(), ContactQuery::from(query.into_inner()));
    let now = state.clock.now();
    let (export, header) = state.db(move |conn| campaign_contacts::export_start(conn, &user, id, &query)).await?;
    Ok(paged_download(
        &state,
        header,
        export,
        move |conn, export| campaign_contacts::export_page(conn, export, now),
        ("text/csv; charset=utf-8", format!("campaign-{id}-contacts.csv")),
        "a contacts export",
    ))
}

/// The SMS preview: the exact text this contact receives (the template rendered, opt-out
/// language appended; after launch, the message as sent), its encoding, segment count
/// and the characters that force UCS-2.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id"), ("contact_id" = i64, Path, description = "Contact id")),
    responses(
        (status = 200, description = "The preview", body = MessagePreview),
        (status = 404, description = "No such campaign or contact", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}/contacts/{contact_id}/preview")]
pub async fn preview_campaign_contact(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> ApiResult<web::Json<MessagePreview>> {
    let (id, contact_id) = path.into_inner();
    state.db(move |conn| campaign_contacts::preview(conn, &user, id, contact_id)).await.map(web::Json)
}

/// Opt the contact out (the organisation's suppression list, source `manual`).
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id"), ("contact_id" = i64, Path, description = "Contact id")),
    responses(
        (status = 200, description = "The contact, now opted out", body = CampaignContact),
        (status = 403, description = "No two-way messaging permission, or a limited user and a contact whose conversation is not in their inboxes", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign or contact", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/campaigns/{id}/contacts/{contact_id}/opt-out")]
pub async fn opt_out_campaign_contact(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(i64, i64)>,
) -> ApiResult<web::Json<CampaignContact>> {
    let ((id, contact_id), now) = (path.into_inner(), state.clock.now());
    state.db(move |conn| campaign_contacts::opt_out(conn, &user, id, contact_id, now)).await.map(web::Json)
}

/// The Analytics tab: send status (with failures by code), engagement, responses (with
/// agent response times) and contact message activity in the campaign's time zone.
#[utoipa::path(
    tag = "campaigns",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The analytics", body = CampaignAnalytics),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}/analytics")]
pub async fn get_campaign_analytics(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<CampaignAnalytics>> {
    let (id, now) = (id.into_inner(), state.clock.now());
    state.db(move |conn| analytics::of_campaign(conn, &user, id, now)).await.map(web::Json)
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_campaign_contacts)
        .service(export_campaign_contacts)
        .service(preview_campaign_contact)
        .service(opt_out_campaign_contact)
        .service(get_campaign_analytics);
}
