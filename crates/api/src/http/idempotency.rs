//! `Idempotency-Key` on every POST of the API: the first answer is kept 24 hours per
//! organisation and key, and a retry with the same key gets it again (marked
//! `Idempotent-Replayed: true`) instead of doing the work twice — a retried reply
//! texts once, a retried number purchase buys once. The same key with another request
//! is a 422; while the first request runs, a 409. A server error is not kept: the work
//! did not complete, so a retry runs it. Requests without the header, and those whose
//! credentials fail (the handler answers them), pass straight through.

use std::future::{ready, Ready};
use std::rc::Rc;

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{forward_ready, Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tidings_domain::FieldError;

use crate::auth::extractor::{authenticate, bearer};
use crate::auth::AuthUser;
use crate::db::idempotency::{self, Begin, StoredAnswer};
use crate::error::ApiError;
use crate::state::AppState;

/// The request header.
pub const HEADER: &str = "Idempotency-Key";
/// The answer header of a replayed answer.
pub const REPLAYED: &str = "Idempotent-Replayed";
/// The longest key accepted.
pub const MAX_KEY_LENGTH: usize = 255;

/// The middleware (wrap it inside the error handlers' output, so it keeps what clients get).
pub struct Idempotency;

impl<S, B> Transform<S, ServiceRequest> for Idempotency
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = Error;
    type Transform = IdempotencyMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(IdempotencyMiddleware { service: Rc::new(service) }))
    }
}

pub struct IdempotencyMiddleware<S> {
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for IdempotencyMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = self.service.clone();
        Box::pin(async move {
            let keyed = req.method() == Method::POST && req.path().starts_with("/api/v1/");
            let key = req.headers().get(HEADER).map(|value| value.to_str().map(str::to_owned));
            let (true, Some(key)) = (keyed, key) else {
                return service.call(req).await.map(ServiceResponse::map_into_boxed_body);
            };
            let key = match key.ok().filter(|key| valid_key(key)) {
                Some(key) => key,
                None => return Ok(refuse(req, invalid_key())),
            };
            let Some(state) = req.app_data::<web::Data<AppState>>().map(|data| data.get_ref().clone()) else {
                return service.call(req).await.map(ServiceResponse::map_into_boxed_body);
            };
            let Ok(user) = caller(&state, &req).await else {
                return service.call(req).await.map(ServiceResponse::map_into_boxed_body);
            };
            let organisation_id = user.organisation_id;
            // The handler's `AuthUser` takes this one instead of asking the database again.
            req.extensions_mut().insert(user);
            let mut req = req;
            let body = match read_all(&mut req, state.config.max_upload_bytes).await {
                Ok(body) => body,
                Err(refusal) => return Ok(refuse(req, refusal)),
            };
            let fingerprint = fingerprint_of(&req, &body);
            let now = state.clock.now_naive();
            let claimed = {
                let (key, fingerprint) = (key.clone(), fingerprint.clone());
                state.db(move |conn| Ok(idempotency::begin(conn, organisation_id, &key, &fingerprint, now)?)).await
            };
            match claimed {
                Ok(Begin::Run) => {}
                Ok(Begin::Running) => {
                    return Ok(refuse(
                        req,
                        ApiError::conflict(
                            "A request with this Idempotency-Key is still running: try again once it has finished.",
                        ),
                    ))
                }
                Ok(Begin::Mismatch) => {
                    return Ok(refuse(
                        req,
                        ApiError::validation(vec![FieldError::new(
                            HEADER,
                            "was used with a different request: use a new key for a new request",
                        )]),
                    ))
                }
                Ok(Begin::Answered(answer)) => return Ok(replay(req, answer)),
                Err(error) => return Ok(refuse(req, error)),
            }
            req.set_payload(Payload::from(body));
            let answered = service.call(req).await;
            let response = match answered {
                Ok(response) => response,
                Err(error) => {
                    forget(&state, organisation_id, &key).await;
                    return Err(error);
                }
            };
            let status = response.status();
            let (request, response) = response.into_parts();
            let (head, body) = response.into_parts();
            let body = match to_bytes(body).await {
                Ok(body) => body,
                Err(_) => {
                    forget(&state, organisation_id, &key).await;
                    return Ok(ServiceResponse::new(
                        request,
                        ApiError::internal("an answer could not be read").error_response(),
                    ));
                }
            };
            if status.is_server_error() {
                forget(&state, organisation_id, &key).await;
            } else {
                let answer = StoredAnswer {
                    status: status.as_u16(),
                    content_type: head
                        .headers()
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned),
                    body: body.to_vec(),
                };
                let kept = state.db(move |conn| Ok(idempotency::finish(conn, organisation_id, &key, &answer)?)).await;
                if let Err(error) = kept {
                    tracing::error!(%error, "an idempotent answer could not be kept");
                }
            }
            Ok(ServiceResponse::new(request, head.set_body(body).map_into_boxed_body()))
        })
    }
}

/// The caller, when the credentials hold.
async fn caller(state: &AppState, req: &ServiceRequest) -> Result<AuthUser, ApiError> {
    let token = bearer(req.request())?;
    authenticate(state.clone(), token).await
}

/// Printable ASCII, 1 to 255 characters (a UUID fits well).
fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY_LENGTH && key.bytes().all(|b| b.is_ascii_graphic())
}

fn invalid_key() -> ApiError {
    ApiError::bad_request_fields(
        "The Idempotency-Key header is not valid.",
        vec![FieldError::new(HEADER, format!("must be 1 to {MAX_KEY_LENGTH} printable characters without spaces"))],
    )
}

fn fingerprint_of(req: &ServiceRequest, body: &[u8]) -> String {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    fingerprint(req.method().as_str(), req.path(), req.query_string(), content_type, body)
}

/// What makes two requests the same: method, path, query, media type and body.
pub fn fingerprint(method: &str, path: &str, query: &str, content_type: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [method, path, query, content_type] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.update(body);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The whole body, at most `limit` bytes.
async fn read_all(req: &mut ServiceRequest, limit: usize) -> Result<Bytes, ApiError> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request("The request body could not be read."))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::with_status(
                StatusCode::PAYLOAD_TOO_LARGE,
                Some(format!("The body is larger than {limit} bytes.")),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn refuse(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(error.error_response())
}

fn replay(req: ServiceRequest, answer: StoredAnswer) -> ServiceResponse<BoxBody> {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    if let Some(content_type) = answer.content_type.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        response.insert_header((header::CONTENT_TYPE, content_type));
    }
    response.insert_header((REPLAYED, "true"));
    req.into_response(response.body(answer.body))
}

async fn forget(state: &AppState, organisation_id: i64, key: &str) {
    let key = key.to_owned();
    if let Err(error) = state.db(move |conn| Ok(idempotency::forget(conn, organisation_id, &key)?)).await {
        tracing::error!(%error, "an idempotency key could not be released");
    }
}
