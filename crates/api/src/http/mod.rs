//! The HTTP layer: one module per resource (routes, extractors, DTO mapping,
//! `#[utoipa::path]`), and the app-wide error plumbing that makes every failure —
//! including the framework's own — a problem+json.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod contact_lists;
pub mod conversations;
pub mod events;
pub mod idempotency;
pub mod insight;
pub mod json;
pub mod listing;
pub mod message_templates;
pub mod messages;
pub mod offices;
pub mod ops;
pub mod opt_outs;
pub mod organisation;
pub mod paged_download;
pub mod phone_numbers;
pub mod query;
pub mod route_table;
pub mod security_headers;
pub mod simulator;
pub mod spa;
pub mod transcripts;
pub mod users;
pub mod webhooks;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{web, HttpRequest, ResponseError};
use serde::Serialize;
use tidings_domain::FieldError;
use utoipa::ToSchema;

use crate::error::{ApiError, PROBLEM_JSON};

/// A list answer: `{"items": [...]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemList<T> {
    pub items: Vec<T>,
}

/// Registers every API route, each resource module its own (`routes`). The SPA
/// fallback is registered by the caller *after* this, so it never shadows an API path.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error));
    ops::routes(cfg);
    auth::routes(cfg);
    organisation::routes(cfg);
    offices::routes(cfg);
    users::routes(cfg);
    api_keys::routes(cfg);
    campaigns::routes(cfg);
    phone_numbers::routes(cfg);
    contact_lists::routes(cfg);
    messages::routes(cfg);
    message_templates::routes(cfg);
    insight::routes(cfg);
    conversations::routes(cfg);
    transcripts::routes(cfg);
    opt_outs::routes(cfg);
    audit::routes(cfg);
    simulator::routes(cfg);
    events::routes(cfg);
    webhooks::routes(cfg);
}

fn path_error(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    if let Some(allowed) = route_table::literal_route_methods(req.path()) {
        let response = route_table::method_not_allowed(req.path(), &allowed);
        return actix_web::error::InternalError::from_response(err, response).into();
    }
    let field =
        req.match_info().iter().find(|(_, value)| value.parse::<i64>().is_err()).map(|(name, _)| name.to_owned());
    let errors = vec![FieldError::new(field.unwrap_or_else(|| "path".to_owned()), "must be a whole number")];
    tracing::debug!(error = %err, "bad path parameter");
    ApiError::bad_request_fields("A value in the URL path is not valid.", errors).into()
}

fn query_error(err: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    query_problem(&err.to_string()).into()
}

/// A query string that could not be read, as a 400 naming the parameter when the
/// reason does (an unknown or missing one).
pub(crate) fn query_problem(message: &str) -> ApiError {
    let reason = message.strip_prefix("Query deserialize error: ").unwrap_or(message).to_owned();
    let field = reason
        .split('`')
        .nth(1)
        .filter(|_| reason.starts_with("unknown field") || reason.starts_with("missing field"))
        .map(str::to_owned);
    let errors = vec![FieldError::new(field.unwrap_or_else(|| "query".to_owned()), reason)];
    ApiError::bad_request_fields("A query parameter is not valid.", errors)
}

/// Middleware hook: an error response that is not yet a problem+json (a 404 or 405 of
/// the router, an extractor's own error) is rewritten into one with the same status.
pub fn ensure_problem_json<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = match status.as_u16() {
        404 => Some("This endpoint was not found.".to_owned()),
        405 => Some("This method is not allowed on this endpoint.".to_owned()),
        _ => None,
    };
    let (req, _) = res.into_parts();
    let problem = ApiError::with_status(status, detail).error_response();
    let res: ServiceResponse<EitherBody<B, BoxBody>> = ServiceResponse::new(req, problem).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
