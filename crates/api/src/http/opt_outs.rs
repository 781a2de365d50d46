//! `/api/v1/opt-outs`: the organisation's suppression list.

use actix_web::{delete, get, post, web, HttpResponse};
use serde::Deserialize;
use tidings_domain::campaign_wire::AuditEntry;
use tidings_domain::opt_out_wire::{AddOptOut, LiftOptOut, OptOut, OptOutPage, OptOutSource};
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::http::listing::Listing;
use crate::http::ItemList;
use crate::services::opt_outs::{self, OptOutQuery};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OptOutListQuery {
    /// Digits of the phone.
    pub q: Option<String>,
    /// Only entries of this source (`keyword`, `manual`, `api`, `undeliverable`).
    pub source: Option<OptOutSource>,
    /// Include lifted entries (default: only live ones).
    pub include_lifted: Option<bool>,
}

/// The suppression list's request: its filter and the page.
type OptOutListing = Listing<OptOutListQuery, 50, 200>;

/// The suppression list, newest first: each entry's source, campaign and time.
#[utoipa::path(
    tag = "opt-outs",
    params(OptOutListing),
    responses(
        (status = 200, description = "One page", body = OptOutPage),
        (status = 400, description = "A bad cursor, limit or query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/opt-outs")]
pub async fn list_opt_outs(
    state: web::Data<AppState>,
    user: AuthUser,
    listing: OptOutListing,
) -> ApiResult<web::Json<OptOutPage>> {
    let Listing { filter, page, .. } = listing;
    let query =
        OptOutQuery { q: filter.q, source: filter.source, include_lifted: filter.include_lifted.unwrap_or(false) };
    state.db(move |conn| opt_outs::list(conn, &user, &query, &page)).await.map(web::Json)
}

/// Adds a number (source `api`); its queued messages are cancelled. An already listed
/// number answers 200 with its entry.
#[utoipa::path(
    tag = "opt-outs",
    request_body = AddOptOut,
    responses(
        (status = 201, description = "Added", body = OptOut),
        (status = 200, description = "Already on the list", body = OptOut),
        (status = 403, description = "Limited users cannot change the list", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a phone number, or a reason over 500 characters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/opt-outs")]
pub async fn add_opt_out(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<AddOptOut>,
) -> ApiResult<HttpResponse> {
    let (now, input) = (state.clock.now(), body.into_inner());
    let (entry, created) = state.db(move |conn| opt_outs::add(conn, &user, &input, now)).await?;
    Ok(if created { HttpResponse::Created().json(entry) } else { HttpResponse::Ok().json(entry) })
}

/// Lifts an entry with a reason (audited): the number may be texted again.
/// Administrators only; a keyword opt-out (the contact's own STOP) is lifted only by the
/// contact texting START or UNSTOP, never here.
#[utoipa::path(
    tag = "opt-outs",
    params(("id" = i64, Path, description = "Opt-out id")),
    request_body = LiftOptOut,
    responses(
        (status = 200, description = "Lifted", body = OptOut),
        (status = 403, description = "Not an administrator, or a keyword opt-out (only the contact's START lifts it)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already lifted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/api/v1/opt-outs/{id}")]
pub async fn lift_opt_out(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<LiftOptOut>,
) -> ApiResult<web::Json<OptOut>> {
    let (id, now, reason) = (id.into_inner(), state.clock.now(), body.into_inner().reason);
    state.db(move |conn| opt_outs::lift(conn, &user, id, &reason, now)).await.map(web::Json)
}

/// What happened to an entry: who or what added it and why, and any lift (administrators).
#[utoipa::path(
    tag = "opt-outs",
    params(("id" = i64, Path, description = "Opt-out id")),
    responses(
        (status = 200, description = "The entry's audit trail, oldest first", body = ItemList<AuditEntry>),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/opt-outs/{id}/audit")]
pub async fn get_opt_out_audit(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ItemList<AuditEntry>>> {
    let id = id.into_inner();
    state.db(move |conn| opt_outs::audit_trail(conn, &user, id)).await.map(|items| web::Json(ItemList { items }))
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_opt_outs).service(add_opt_out).service(lift_opt_out).service(get_opt_out_audit);
}
