//! `/api/v1/audit-log`: the organisation's audit log, for administrators.

use actix_web::{get, web};
use serde::Deserialize;
use tidings_domain::campaign_wire::AuditPage;
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::listing::Listing;
use crate::services::audit;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditLogQuery {
    /// Only entries about this kind of thing: `opt_out`, `campaign`, `organisation`,
    /// `phone_number`, `conversation`, `user`, …
    pub entity_type: Option<String>,
}

/// The audit log's request: its filter and the page.
type AuditListing = Listing<AuditLogQuery, 50, 200>;

/// Everything recorded in the organisation, newest first: who did what to which entity
/// and when — every opt-out added (by a contact's keyword, staff, an integration, or
/// automatically when a number cannot receive texts), every lift, campaign changes and
/// settings.
#[utoipa::path(
    tag = "audit",
    params(AuditListing),
    responses(
        (status = 200, description = "One page, newest first", body = AuditPage),
        (status = 400, description = "A bad cursor, limit or query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/audit-log")]
pub async fn audit_log(
    state: web::Data<AppState>,
    user: AuthUser,
    listing: AuditListing,
) -> ApiResult<web::Json<AuditPage>> {
    let Listing { filter, page, .. } = listing;
    let entity_type = filter.entity_type.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    state.db(move |conn| audit::log(conn, &user, entity_type.as_deref(), &page)).await.map(web::Json)
}

/// This resource's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(audit_log);
}
