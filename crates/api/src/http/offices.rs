//! `/api/v1/offices`: every user reads; administrators create, edit and delete.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use tidings_domain::office::{CreateOffice, Office, UpdateOffice};
use tidings_domain::Problem;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::http::ItemList;
use crate::services::offices;
use crate::state::AppState;

/// The organisation's offices.
#[utoipa::path(
    tag = "offices",
    responses(
        (status = 200, description = "Offices by name", body = ItemList<Office>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/offices")]
pub async fn list_offices(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<ItemList<Office>>> {
    state.db(move |conn| offices::list(conn, &user)).await.map(|items| web::Json(ItemList { items }))
}

/// One office.
#[utoipa::path(
    tag = "offices",
    params(("id" = i64, Path, description = "Office id")),
    responses(
        (status = 200, description = "The office", body = Office),
        (status = 404, description = "No such office", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/offices/{id}")]
pub async fn get_office(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Office>> {
    let id = id.into_inner();
    state.db(move |conn| offices::get(conn, &user, id)).await.map(web::Json)
}

/// Create an office (administrators).
#[utoipa::path(
    tag = "offices",
    request_body = CreateOffice,
    responses(
        (status = 201, description = "Created", body = Office),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Name taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/offices")]
pub async fn create_office(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<CreateOffice>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let input = body.into_inner();
    let office = state.db(move |conn| offices::create(conn, &user, clock.as_ref(), input)).await?;
    Ok(HttpResponse::Created().json(office))
}

/// Rename an office or change its time zone (administrators).
#[utoipa::path(
    tag = "offices",
    params(("id" = i64, Path, description = "Office id")),
    request_body = UpdateOffice,
    responses(
        (status = 200, description = "Updated", body = Office),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such office", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Name taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/api/v1/offices/{id}")]
pub async fn update_office(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<UpdateOffice>,
) -> ApiResult<web::Json<Office>> {
    let clock = state.clock.clone();
    let (id, input) = (id.into_inner(), body.into_inner());
    state.db(move |conn| offices::update(conn, &user, clock.as_ref(), id, input)).await.map(web::Json)
}

/// Delete an office that has no users (administrators).
#[utoipa::path(
    tag = "offices",
    params(("id" = i64, Path, description = "Office id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such office", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The office is still in use", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/api/v1/offices/{id}")]
pub async fn delete_office(state: web::Data<AppState>, user: AuthUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let id = id.into_inner();
    state.db(move |conn| offices::delete(conn, &user, clock.as_ref(), id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_offices).service(create_office).service(get_office).service(update_office).service(delete_office);
}
