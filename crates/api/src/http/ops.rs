//! Operations endpoints: liveness, readiness and Prometheus metrics.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tidings_domain::Problem;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::services::readiness;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness: the database answers and every migration is applied.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Database unreachable or migrations pending", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    readiness::check(&state).await?;
    Ok(web::Json(Health { status: "ready" }))
}

/// Prometheus metrics (text exposition format).
///
/// With `TIDINGS_METRICS_TOKEN` set, only for `Authorization: Bearer <that token>`.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Metrics", body = String, content_type = "text/plain"),
        (status = 401, description = "A metrics token is configured and this is not it", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("metrics_token" = []))
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    if let Some(expected) = &state.config.metrics_token {
        let given = crate::auth::extractor::bearer(&req).unwrap_or_default();
        // Digests compared, so the time taken says nothing about the token.
        if Sha256::digest(given.as_bytes()) != Sha256::digest(expected.expose().as_bytes()) {
            return Err(ApiError::unauthorized("The metrics need 'Authorization: Bearer <TIDINGS_METRICS_TOKEN>'."));
        }
    }
    let pool = state.pool.state();
    let body = state.metrics.render(pool.connections, pool.idle_connections, state.pool.max_size());
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(body))
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}
