//! `/api/v1/opt-outs`: the organisation's suppression list.

use actix_web::{delete, get, post, web, HttpResponse};
use serde::Deserialize;
use tidings_domain::opt_out_wire::{AddOptOut, LiftOptOut, OptOut, OptOutPage};
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::services::opt_outs;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OptOutListQuery {
    /// Digits of the phone.
    pub q: Option<String>,
    /// Include lifted entries (default: only live ones).
    pub include_lifted: Option<bool>,
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

/// The suppression list, newest first: each entry's source, campaign and time.
#[utoipa::path(
    tag = "opt-outs",
    params(OptOutListQuery),
    responses(
        (status = 200, description = "One page", body = OptOutPage),
        (status = 422, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/opt-outs")]
pub async fn list_opt_outs(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<OptOutListQuery>,
) -> ApiResult<web::Json<OptOutPage>> {
    let query = query.into_inner();
    state
        .db(move |conn| {
            opt_outs::list(
                conn,
                &user,
                query.q.as_deref(),
                query.include_lifted.unwrap_or(false),
                query.cursor.as_deref(),
                query.limit.unwrap_or(50),
            )
        })
        .await
        .map(web::Json)
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
        (status = 422, description = "Not a phone number", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/opt-outs")]
pub async fn add_opt_out(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<AddOptOut>,
) -> ApiResult<HttpResponse> {
    let (now, phone) = (state.clock.now(), body.into_inner().phone);
    let (entry, created) = state.db(move |conn| opt_outs::add(conn, &user, &phone, now)).await?;
    Ok(if created { HttpResponse::Created().json(entry) } else { HttpResponse::Ok().json(entry) })
}

/// Lifts an entry with a reason (audited): the number may be texted again.
#[utoipa::path(
    tag = "opt-outs",
    params(("id" = i64, Path, description = "Opt-out id")),
    request_body = LiftOptOut,
    responses(
        (status = 200, description = "Lifted", body = OptOut),
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
