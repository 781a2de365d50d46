//! `/api/v1/simulator/inbound`: a contact "replies" without a phone, through the same
//! service as Twilio's inbound webhook. Only when the provider is the simulator.

use actix_web::{post, web, HttpResponse};
use serde::Serialize;
use tidings_domain::conversation_wire::SimulatedInbound;
use tidings_domain::Problem;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::config::ProviderKind;
use crate::error::{ApiError, ApiResult};
use crate::http::json::JsonBody;
use crate::services::inbound::{self, InboundOutcome};
use crate::state::AppState;

/// What the simulated reply became.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulatedInboundResult {
    pub conversation_id: i64,
    pub message_id: i64,
}

/// Injects a contact's reply to one of the organisation's numbers.
#[utoipa::path(
    tag = "simulator",
    request_body = SimulatedInbound,
    responses(
        (status = 201, description = "Filed", body = SimulatedInboundResult),
        (status = 403, description = "A limited user, or no two-way messaging permission: only standard and administrative users make up contacts' messages", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the simulator, or not one of your numbers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Blank body or sender", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/simulator/inbound")]
pub async fn simulate_inbound(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<SimulatedInbound>,
) -> ApiResult<HttpResponse> {
    if state.config.provider != ProviderKind::Simulator {
        return Err(ApiError::not_found("The simulator (the provider is Twilio)"));
    }
    match inbound::receive_simulated(&state, &user, body.into_inner()).await? {
        InboundOutcome::Filed { conversation_id, message_id, .. } => {
            Ok(HttpResponse::Created().json(SimulatedInboundResult { conversation_id, message_id }))
        }
        InboundOutcome::Duplicate | InboundOutcome::NotOurNumber | InboundOutcome::OptOutToReleasedNumber { .. } => {
            Err(ApiError::not_found("The number"))
        }
    }
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(simulate_inbound);
}
