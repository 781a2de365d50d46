//! `/api/v1/api-keys`: integration keys, created (shown once), listed and revoked by
//! administrators.

use actix_web::{delete, get, post, web, HttpResponse};
use tidings_domain::auth::{ApiKey, CreateApiKey, CreatedApiKey};
use tidings_domain::Problem;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::http::ItemList;
use crate::services::api_keys;
use crate::state::AppState;

/// The organisation's API keys (never their secrets).
#[utoipa::path(
    tag = "api-keys",
    responses(
        (status = 200, description = "Keys, newest first", body = ItemList<ApiKey>),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/api-keys")]
pub async fn list_api_keys(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<ItemList<ApiKey>>> {
    state.db(move |conn| api_keys::list(conn, &user)).await.map(|items| web::Json(ItemList { items }))
}

/// Create an API key; the answer is the only time the key is shown.
#[utoipa::path(
    tag = "api-keys",
    request_body = CreateApiKey,
    responses(
        (status = 201, description = "Created; store the key now", body = CreatedApiKey),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<CreateApiKey>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let input = body.into_inner();
    let created = state.db(move |conn| api_keys::create(conn, &user, clock.as_ref(), input)).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Revoke an API key: requests with it fail at once.
#[utoipa::path(
    tag = "api-keys",
    params(("id" = i64, Path, description = "API key id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/api/v1/api-keys/{id}")]
pub async fn delete_api_key(state: web::Data<AppState>, user: AuthUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let id = id.into_inner();
    state.db(move |conn| api_keys::revoke(conn, &user, clock.as_ref(), id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_api_keys).service(create_api_key).service(delete_api_key);
}
