//! `/api/v1/users`: administrators manage staff; standard users may list them.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::Deserialize;
use tidings_domain::user::{CreateUser, UpdateUser, User};
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::http::query::Query;
use crate::http::ItemList;
use crate::services::users;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserListQuery {
    /// Only users of this office.
    pub office_id: Option<i64>,
}

/// The organisation's users (administrative and standard users).
#[utoipa::path(
    tag = "users",
    params(UserListQuery),
    responses(
        (status = 200, description = "Users by name", body = ItemList<User>),
        (status = 403, description = "Limited users cannot list users", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<UserListQuery>,
) -> ApiResult<web::Json<ItemList<User>>> {
    let office_id = query.office_id;
    state.db(move |conn| users::list(conn, &user, office_id)).await.map(|items| web::Json(ItemList { items }))
}

/// One user.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 403, description = "A limited user asking for someone else", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/users/{id}")]
pub async fn get_user(state: web::Data<AppState>, user: AuthUser, id: web::Path<i64>) -> ApiResult<web::Json<User>> {
    let id = id.into_inner();
    state.db(move |conn| users::get(conn, &user, id)).await.map(web::Json)
}

/// Create a user (administrators).
#[utoipa::path(
    tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<CreateUser>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let input = body.into_inner();
    let hash = users::hash_new_password(&state.passwords, &user, Some(&input.password)).await?;
    let created = state.db(move |conn| users::create(conn, &user, clock.as_ref(), input, hash)).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Change a user's name, password, role, office or permissions (administrators).
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "Updated", body = User),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would leave no administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/api/v1/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<UpdateUser>,
) -> ApiResult<web::Json<User>> {
    let clock = state.clock.clone();
    let (id, input) = (id.into_inner(), body.into_inner());
    let hash = users::hash_new_password(&state.passwords, &user, input.password.as_deref()).await?;
    state.db(move |conn| users::update(conn, &user, clock.as_ref(), id, input, hash)).await.map(web::Json)
}

/// Deactivate a user (administrators): they can no longer sign in; history stays.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Own account or the last administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/api/v1/users/{id}")]
pub async fn delete_user(state: web::Data<AppState>, user: AuthUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let id = id.into_inner();
    state.db(move |conn| users::deactivate(conn, &user, clock.as_ref(), id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_users).service(create_user).service(get_user).service(update_user).service(delete_user);
}
