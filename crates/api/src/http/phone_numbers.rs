//! `/api/v1/phone-numbers`: users with the messaging permission read the numbers of
//! the offices they see; administrators register, provision, edit and release them and
//! set their unsolicited message settings.

use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use serde::Deserialize;
use tidings_domain::campaign::PhoneNumberKind;
use tidings_domain::phone_number::{
    CreatePhoneNumber, PhoneNumber, PhoneNumberStatus, UnsolicitedSettings, UpdatePhoneNumber,
};
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::http::query::Query;
use crate::http::ItemList;
use crate::services::phone_numbers;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PhoneNumberListQuery {
    /// Only numbers of this office.
    pub office_id: Option<i64>,
    /// Only `reusable` or only `single_use` numbers.
    pub kind: Option<PhoneNumberKind>,
    /// `active` (the default) or `released`.
    pub status: Option<PhoneNumberStatus>,
}

/// The phone numbers of the offices you see, by name.
#[utoipa::path(
    tag = "phone-numbers",
    params(PhoneNumberListQuery),
    responses(
        (status = 200, description = "Numbers by name", body = ItemList<PhoneNumber>),
        (status = 400, description = "A bad filter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/phone-numbers")]
pub async fn list_phone_numbers(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<PhoneNumberListQuery>,
) -> ApiResult<web::Json<ItemList<PhoneNumber>>> {
    let PhoneNumberListQuery { office_id, kind, status } = query.into_inner();
    state
        .db(move |conn| phone_numbers::list(conn, &user, office_id, kind, status))
        .await
        .map(|items| web::Json(ItemList { items }))
}

/// One phone number, with its unsolicited message settings.
#[utoipa::path(
    tag = "phone-numbers",
    params(("id" = i64, Path, description = "Phone number id")),
    responses(
        (status = 200, description = "The number", body = PhoneNumber),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such number, or not in an office you see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/phone-numbers/{id}")]
pub async fn get_phone_number(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<PhoneNumber>> {
    let id = id.into_inner();
    state.db(move |conn| phone_numbers::get(conn, &user, id)).await.map(web::Json)
}

/// Add a reusable number to an office (administrators).
///
/// `mode: register` adds a number the organisation already has at the provider: give
/// `e164` (E.164 such as `+14155550100`, or the national format of `country`, default
/// `US`; a short code's digits for `short_code`) and `number_type`, and `provider_sid`
/// to let Tidings release it at the provider later. `mode: provision` buys a new
/// number through the provider, near `area_code` when given. A new number's
/// unsolicited messages go to its office's inbox (and to the owner's, when the owner
/// texts) until the settings are changed.
#[utoipa::path(
    tag = "phone-numbers",
    request_body = CreatePhoneNumber,
    responses(
        (status = 201, description = "Created", body = PhoneNumber),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The number is already in service in your organisation, or the provider refused", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or (`e164`) a number the provider account does not hold or that is not free to use", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The provider is not reachable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/phone-numbers")]
pub async fn create_phone_number(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<CreatePhoneNumber>,
) -> ApiResult<HttpResponse> {
    let number = phone_numbers::create(&state, user, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(number))
}

/// Edit a reusable number's name, description, office, owner or default behaviour
/// (administrators).
#[utoipa::path(
    tag = "phone-numbers",
    params(("id" = i64, Path, description = "Phone number id")),
    request_body = UpdatePhoneNumber,
    responses(
        (status = 200, description = "Updated", body = PhoneNumber),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such number", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Released or single-use, or a campaign that is not archived uses it (office moves)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/api/v1/phone-numbers/{id}")]
pub async fn update_phone_number(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<UpdatePhoneNumber>,
) -> ApiResult<web::Json<PhoneNumber>> {
    let clock = state.clock.clone();
    let (id, input) = (id.into_inner(), body.into_inner());
    state.db(move |conn| phone_numbers::update(conn, &user, clock.as_ref(), id, input)).await.map(web::Json)
}

/// Release a number (administrators): the provider takes it back (when its provider id
/// is known) and it stops sending; it stays listed under `status=released` for the
/// history of the campaigns that used it. Releasing a released number answers it as
/// it is.
#[utoipa::path(
    tag = "phone-numbers",
    params(("id" = i64, Path, description = "Phone number id")),
    responses(
        (status = 200, description = "Released", body = PhoneNumber),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such number", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A draft, scheduled or active campaign uses it (named in `extensions.campaign`), or the provider refused", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The provider is not reachable; the number stays active", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/api/v1/phone-numbers/{id}")]
pub async fn delete_phone_number(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<PhoneNumber>> {
    phone_numbers::release(&state, user, id.into_inner()).await.map(web::Json)
}

/// The users and office inboxes that receive the number's messages not tied to an
/// active campaign.
#[utoipa::path(
    tag = "phone-numbers",
    params(("id" = i64, Path, description = "Phone number id")),
    responses(
        (status = 200, description = "The settings", body = UnsolicitedSettings),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such number, or not in an office you see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/phone-numbers/{id}/unsolicited-settings")]
pub async fn get_unsolicited_settings(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<UnsolicitedSettings>> {
    let id = id.into_inner();
    state.db(move |conn| phone_numbers::get_unsolicited(conn, &user, id)).await.map(web::Json)
}

/// Replace a reusable number's unsolicited message settings (administrators). Every
/// user must be an active user of the organisation with the two-way messaging
/// permission, every office one of its offices; errors name `user_ids[i]` or
/// `office_ids[i]`.
#[utoipa::path(
    tag = "phone-numbers",
    params(("id" = i64, Path, description = "Phone number id")),
    request_body = UnsolicitedSettings,
    responses(
        (status = 200, description = "The new settings", body = UnsolicitedSettings),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such number", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Released or single-use numbers have no settings", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/api/v1/phone-numbers/{id}/unsolicited-settings")]
pub async fn set_unsolicited_settings(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<UnsolicitedSettings>,
) -> ApiResult<web::Json<UnsolicitedSettings>> {
    let clock = state.clock.clone();
    let (id, input) = (id.into_inner(), body.into_inner());
    state.db(move |conn| phone_numbers::set_unsolicited(conn, &user, clock.as_ref(), id, input)).await.map(web::Json)
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_phone_numbers)
        .service(create_phone_number)
        .service(get_phone_number)
        .service(update_phone_number)
        .service(delete_phone_number)
        .service(get_unsolicited_settings)
        .service(set_unsolicited_settings);
}
