//! Provider webhooks: Twilio's inbound messages and status callbacks. Every request
//! must carry a valid `X-Twilio-Signature`; anything else is refused with 403 before it
//! changes anything. Also the simulator's stand-in for the inbound webhook.

use actix_web::{web, HttpRequest, HttpResponse};
use tidings_domain::Problem;

use crate::error::{ApiError, ApiResult};
use crate::providers::twilio::{INBOUND_WEBHOOK_PATH, STATUS_WEBHOOK_PATH};
use crate::providers::twilio_signature::{is_valid_signature, SIGNATURE_HEADER};
use crate::providers::StatusReport;
use crate::services::delivery;
use crate::services::inbound::{self, InboundMessage};
use crate::spool::SpooledRequest;
use crate::state::AppState;

/// A form post's parameters, in the order received.
type FormParams = Vec<(String, String)>;

/// Refuses a request whose signature does not match what Twilio would send for it.
fn verify_signature(state: &AppState, request: &HttpRequest, params: &FormParams) -> ApiResult<()> {
    let Some(twilio) = &state.config.twilio else {
        return Err(ApiError::forbidden("Twilio webhooks are accepted only when the provider is Twilio."));
    };
    let header = request.headers().get(SIGNATURE_HEADER).and_then(|value| value.to_str().ok());
    let path = request.uri().path_and_query().map_or_else(|| request.path(), |p| p.as_str());
    if is_valid_signature(twilio.auth_token.expose(), &state.config.public_url, path, params, header) {
        Ok(())
    } else {
        Err(ApiError::forbidden("The X-Twilio-Signature header is missing or does not sign this request."))
    }
}

fn param<'a>(params: &'a FormParams, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|name| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()))
}

/// Twilio's status callback (`StatusCallback` of every send): moves the message
/// forward — queued/accepted/sending → pending, sent, delivered, undelivered/failed →
/// undelivered with the code's reason. Repeated and out-of-order callbacks change
/// nothing. Unknown parameters are ignored (but signed).
#[utoipa::path(
    post,
    path = STATUS_WEBHOOK_PATH,
    tag = "webhooks",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "Twilio's form: MessageSid, MessageStatus, ErrorCode, …"),
    params(("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and form")),
    responses(
        (status = 204, description = "Recorded (or nothing to change)"),
        (status = 400, description = "MessageSid or MessageStatus missing, ErrorCode not a number", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong signature", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn twilio_status(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<FormParams>,
) -> ApiResult<HttpResponse> {
    let params = form.into_inner();
    verify_signature(&state, &request, &params)?;
    let missing = |field: &str| {
        ApiError::bad_request_fields(
            "The status callback is incomplete.",
            vec![tidings_domain::FieldError::new(field, "is required")],
        )
    };
    let sid =
        param(&params, &["MessageSid", "SmsSid"]).filter(|s| !s.is_empty()).ok_or_else(|| missing("MessageSid"))?;
    let status = param(&params, &["MessageStatus", "SmsStatus"])
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing("MessageStatus"))?;
    let error_code = match param(&params, &["ErrorCode"]).map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(code) => Some(code.parse::<i64>().map_err(|_| {
            ApiError::bad_request_fields(
                "The status callback is malformed.",
                vec![tidings_domain::FieldError::new("ErrorCode", "must be a number")],
            )
        })?)
        .filter(|code| *code != 0),
    };
    let report = StatusReport { provider_message_id: sid.to_owned(), status: status.to_owned(), error_code };
    let settings = state.config.delivery.clone();
    let now = state.clock.now();
    let outcome = state.db(move |conn| delivery::apply_report(conn, &report, &settings, now)).await?;
    tracing::debug!(?outcome, "status callback");
    Ok(HttpResponse::NoContent().finish())
}

/// Twilio's inbound message webhook: files the message in its conversation (keywords
/// first, then the operator) and answers an empty TwiML `<Response/>` — replies go
/// through the outbound queue. A repeated MessageSid is stored once.
#[utoipa::path(
    post,
    path = INBOUND_WEBHOOK_PATH,
    tag = "webhooks",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "Twilio's form: MessageSid, From, To, Body, …"),
    params(("X-Twilio-Signature" = String, Header, description = "Twilio's signature of the URL and form")),
    responses(
        (status = 200, description = "Filed (or ignored: not our number, a repeat)", body = String, content_type = "text/xml"),
        (status = 400, description = "From, To or Body missing", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong signature", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database could not take the message now: the signed request is kept in the server's spool and filed once the database is back; Twilio retries too (`Retry-After`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn twilio_inbound(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<FormParams>,
) -> ApiResult<HttpResponse> {
    let params = form.into_inner();
    verify_signature(&state, &request, &params)?;
    let message = InboundMessage::from_twilio_form(&params).map_err(|name| {
        ApiError::bad_request_fields(
            "The inbound message is incomplete.",
            vec![tidings_domain::FieldError::new(name, "is required")],
        )
    })?;
    let received_at = state.clock.now();
    match inbound::receive_at(&state, message, received_at).await {
        Ok(outcome) => tracing::debug!(?outcome, "inbound message"),
        // The database could not take it (locked, down, or failing): keep the signed
        // request on disk before answering, and ask Twilio to retry as well. Whichever
        // arrives first is filed; the other is a repeat of its MessageSid.
        Err(error) if error.status().is_server_error() => {
            let spooled = SpooledRequest {
                received_at,
                path: request
                    .uri()
                    .path_and_query()
                    .map_or_else(|| request.path().to_owned(), |p| p.as_str().to_owned()),
                signature: signature_of(&request).unwrap_or_default().to_owned(),
                params,
            };
            let spool = state.spool.clone();
            let kept = web::block(move || spool.keep(&spooled)).await;
            match kept {
                Ok(Ok(path)) => {
                    tracing::warn!(path = %path.display(), status = %error.status(), "inbound message spooled")
                }
                Ok(Err(io)) => tracing::error!(error = %io, "inbound message could not be spooled either"),
                Err(blocking) => tracing::error!(error = %blocking, "inbound spool task failed"),
            }
            return Err(ApiError::unavailable_for(
                SPOOL_RETRY_AFTER_SECONDS,
                "The message could not be filed now; it is kept and will be filed shortly. Retry later.",
            ));
        }
        Err(error) => return Err(error),
    }
    Ok(HttpResponse::Ok().content_type("text/xml").body("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"))
}

/// What Twilio is told to wait before retrying a request the database could not take.
const SPOOL_RETRY_AFTER_SECONDS: u64 = 5;

fn signature_of(request: &HttpRequest) -> Option<&str> {
    request.headers().get(SIGNATURE_HEADER).and_then(|value| value.to_str().ok())
}

/// This resource's routes: the paths are the ones Tidings gives Twilio when it
/// provisions a number, so they are registered from the same constants.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(STATUS_WEBHOOK_PATH, web::post().to(twilio_status))
        .route(INBOUND_WEBHOOK_PATH, web::post().to(twilio_inbound));
}
