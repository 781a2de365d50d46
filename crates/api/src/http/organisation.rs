//! `/api/v1/organisation`: the signed-in user's organisation and its settings (texting
//! hours); administrators change them.

use actix_web::{get, patch, web};
use tidings_domain::organisation_wire::{OrganisationSettings, UpdateOrganisationSettings};
use tidings_domain::Problem;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::services::organisation_settings;
use crate::state::AppState;

/// The organisation's settings.
#[utoipa::path(
    tag = "organisation",
    responses(
        (status = 200, description = "The organisation and its settings", body = OrganisationSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/organisation")]
pub async fn get_organisation(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<OrganisationSettings>> {
    state.db(move |conn| organisation_settings::get(conn, &user)).await.map(web::Json)
}

/// Change the organisation's settings (administrators). Texting hours are `HH:MM`
/// times on each contact's clock; `closes` is after `opens`, at most `24:00`.
#[utoipa::path(
    tag = "organisation",
    request_body = UpdateOrganisationSettings,
    responses(
        (status = 200, description = "Updated", body = OrganisationSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`texting_hours.opens`, `texting_hours.closes`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/api/v1/organisation")]
pub async fn update_organisation(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<UpdateOrganisationSettings>,
) -> ApiResult<web::Json<OrganisationSettings>> {
    let clock = state.clock.clone();
    let input = body.into_inner();
    state.db(move |conn| organisation_settings::update(conn, &user, clock.as_ref(), input)).await.map(web::Json)
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(get_organisation).service(update_organisation);
}
