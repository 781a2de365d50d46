//! The HTTP layer: one module per resource (routes, extractors, DTO mapping,
//! `#[utoipa::path]`), and the app-wide error plumbing that makes every failure —
//! including the framework's own — a problem+json.

pub mod api_keys;
pub mod auth;
pub mod campaigns;
pub mod contact_lists;
pub mod conversations;
pub mod events;
pub mod insight;
pub mod json;
pub mod messages;
pub mod offices;
pub mod ops;
pub mod opt_outs;
pub mod phone_numbers;
pub mod simulator;
pub mod spa;
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

/// Registers every API route. The SPA fallback is registered by the caller *after*
/// this, so it never shadows an API path.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .service(ops::healthz)
        .service(ops::readyz)
        .service(ops::metrics)
        .service(auth::login)
        .service(auth::logout)
        .service(auth::get_me)
        .service(offices::list_offices)
        .service(offices::create_office)
        .service(offices::get_office)
        .service(offices::update_office)
        .service(offices::delete_office)
        .service(users::list_users)
        .service(users::create_user)
        .service(users::get_user)
        .service(users::update_user)
        .service(users::delete_user)
        .service(api_keys::list_api_keys)
        .service(api_keys::create_api_key)
        .service(api_keys::delete_api_key)
        // The calendar before `{id}` so its path is not read as an id.
        .service(campaigns::get_calendar)
        .service(campaigns::list_campaigns)
        .service(campaigns::create_campaign)
        .service(campaigns::get_campaign)
        .service(campaigns::update_campaign)
        .service(campaigns::launch_campaign)
        .service(campaigns::schedule_campaign)
        .service(campaigns::unschedule_campaign)
        .service(campaigns::archive_campaign)
        .service(campaigns::clone_campaign)
        .service(campaigns::get_campaign_audit)
        .service(campaigns::list_tags)
        .service(phone_numbers::list_phone_numbers)
        .service(phone_numbers::create_phone_number)
        .service(phone_numbers::get_phone_number)
        .service(phone_numbers::update_phone_number)
        .service(phone_numbers::delete_phone_number)
        .service(phone_numbers::get_unsolicited_settings)
        .service(phone_numbers::set_unsolicited_settings)
        .service(contact_lists::list_contact_lists)
        .service(contact_lists::create_contact_list)
        .service(contact_lists::get_contact_list)
        .service(contact_lists::list_contact_list_contacts)
        .service(contact_lists::delete_contact_list)
        .service(messages::list_campaign_messages)
        .service(insight::list_campaign_contacts)
        .service(insight::export_campaign_contacts)
        .service(insight::preview_campaign_contact)
        .service(insight::opt_out_campaign_contact)
        .service(insight::get_campaign_analytics)
        .service(conversations::list_campaign_conversations)
        .service(conversations::list_campaign_conversation_tags)
        .service(conversations::get_conversation)
        .service(conversations::list_conversation_messages)
        .service(conversations::reply_in_conversation)
        .service(conversations::update_conversation)
        .service(conversations::opt_out_conversation)
        .service(conversations::get_inbox_counts)
        .service(conversations::get_inbox)
        .service(opt_outs::list_opt_outs)
        .service(opt_outs::add_opt_out)
        .service(opt_outs::lift_opt_out)
        .service(simulator::simulate_inbound)
        .service(events::get_events)
        .service(webhooks::twilio_status)
        .service(webhooks::twilio_inbound);
}

fn path_error(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    let field =
        req.match_info().iter().find(|(_, value)| value.parse::<i64>().is_err()).map(|(name, _)| name.to_owned());
    let errors = vec![FieldError::new(field.unwrap_or_else(|| "path".to_owned()), "must be a whole number")];
    tracing::debug!(error = %err, "bad path parameter");
    ApiError::bad_request_fields("A value in the URL path is not valid.", errors).into()
}

fn query_error(err: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let message = err.to_string();
    let reason = message.strip_prefix("Query deserialize error: ").unwrap_or(&message).to_owned();
    let field = reason
        .split('`')
        .nth(1)
        .filter(|_| reason.starts_with("unknown field") || reason.starts_with("missing field"))
        .map(str::to_owned);
    let errors = vec![FieldError::new(field.unwrap_or_else(|| "query".to_owned()), reason)];
    ApiError::bad_request_fields("A query parameter is not valid.", errors).into()
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
