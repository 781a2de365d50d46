//! Operations endpoints: liveness, readiness and Prometheus metrics.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use tidings_domain::Problem;
use utoipa::ToSchema;

use crate::error::ApiResult;
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
#[utoipa::path(tag = "operations", responses((status = 200, description = "Metrics", body = String, content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.state();
    let body = state.metrics.render(pool.connections, pool.idle_connections, state.pool.max_size());
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(body)
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}
