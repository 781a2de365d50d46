//! The one error type at the HTTP edge, rendered as RFC 9457 `application/problem+json`.
//!
//! Which variant to use:
//! - `ApiError::validation(errors)` — the request's content is wrong (422, field list).
//! - `ApiError::bad_request(detail)` — the request cannot be read (400): malformed JSON,
//!   a bad path or query value (use `bad_request_fields` to name the field).
//! - `ApiError::not_found(what)` — the object does not exist *or this user may not see
//!   it*: never tell another organisation that an id exists.
//! - `ApiError::forbidden(detail)` — the user sees the object but may not do this.
//! - `ApiError::conflict(detail)` — the object's state forbids it now (409); add facts
//!   with `with_extensions`.
//! - `ApiError::internal(cause)` — anything unexpected: the cause is logged once here
//!   and the client gets an opaque 500.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use tidings_domain::{FieldError, Problem};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error a handler returns; rendered as problem+json.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    detail: Option<String>,
    errors: Vec<FieldError>,
    extensions: Option<serde_json::Value>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, detail: Option<String>) -> Self {
        Self { status, detail, errors: Vec::new(), extensions: None, retry_after: None }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self {
            errors,
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, Some("The request has invalid fields.".to_owned()))
        }
    }

    /// A single invalid field (422).
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, reason)])
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(detail.into()))
    }

    pub fn bad_request_fields(detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        Self { errors, ..Self::bad_request(detail) }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, Some(detail.into()))
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, Some(detail.into()))
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, Some(format!("{what} was not found.")))
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some(detail.into()))
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, Some(format!("The request body is larger than {limit} bytes.")))
    }

    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, Some(detail.into()))
    }

    pub fn too_many_requests(retry_after_seconds: u64) -> Self {
        Self {
            retry_after: Some(retry_after_seconds.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                Some(format!("Too many attempts. Try again in {} seconds.", retry_after_seconds.max(1))),
            )
        }
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, Some(detail.into()))
    }

    /// 503 with `Retry-After`: try again in `seconds`.
    pub fn unavailable_for(seconds: u64, detail: impl Into<String>) -> Self {
        Self { retry_after: Some(seconds.max(1)), ..Self::unavailable(detail) }
    }

    /// An unexpected failure: logged here, once, and hidden from the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, None)
    }

    /// Any status with a plain detail (used to wrap framework errors).
    pub fn with_status(status: StatusCode, detail: Option<String>) -> Self {
        Self::new(status, detail)
    }

    pub fn with_extensions(mut self, extensions: serde_json::Value) -> Self {
        self.extensions = Some(extensions);
        self
    }

    /// The problem document this error renders as.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: "about:blank".to_owned(),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            extensions: self.extensions.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        response.body(body)
    }
}

/// What a client is told to wait when the database could not take its request.
pub const DATABASE_RETRY_AFTER_SECONDS: u64 = 2;

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => Self::not_found("The resource"),
            other if is_database_trouble(&other) => {
                tracing::warn!(error = %other, "the database could not take a request");
                Self::database_unavailable()
            }
            other => Self::internal(format!("database: {other}")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %error, "database pool exhausted or unreachable");
        Self::database_unavailable()
    }
}

impl ApiError {
    /// 503 with `Retry-After`: the database was busy or unreachable, and the request's
    /// transaction was rolled back, so nothing of it was kept and it can be sent again.
    pub fn database_unavailable() -> Self {
        Self::unavailable_for(
            DATABASE_RETRY_AFTER_SECONDS,
            "The database is busy or unreachable right now; nothing was changed. Try again shortly.",
        )
    }
}

/// Whether `error` is the database being unavailable rather than the request being
/// wrong: SQLite's writer held past the busy timeout, a PostgreSQL connection dropped
/// (a restart, a failover) or a transaction that lost a serialisation race.
pub fn is_database_trouble(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message().to_ascii_lowercase();
            [
                "database is locked",
                "database is busy",
                "database table is locked",
                "server closed the connection",
                "terminating connection",
                "connection to server",
                "no connection to the server",
                "could not receive data from server",
                "the database system is shutting down",
                "the database system is starting up",
            ]
            .iter()
            .any(|sign| message.contains(sign))
        }
        Error::BrokenTransactionManager => true,
        _ => false,
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::internal(format!("blocking task: {error}"))
    }
}

/// A result whose error renders as problem+json.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    fn database_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn an_unavailable_database_is_a_503_to_retry_and_a_wrong_request_is_not() {
        let unavailable = [
            database_error(DatabaseErrorKind::Unknown, "database is locked"),
            database_error(DatabaseErrorKind::Unknown, "terminating connection due to administrator command"),
            database_error(DatabaseErrorKind::Unknown, "server closed the connection unexpectedly"),
            database_error(DatabaseErrorKind::ClosedConnection, "connection closed"),
            database_error(DatabaseErrorKind::SerializationFailure, "could not serialize access"),
        ];
        for error in unavailable {
            let api = ApiError::from(error);
            assert_eq!((api.status(), api.retry_after), (StatusCode::SERVICE_UNAVAILABLE, Some(2)));
        }
        let wrong = database_error(DatabaseErrorKind::Unknown, "no such column: nme");
        assert_eq!(ApiError::from(wrong).status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(ApiError::from(Error::NotFound).status(), StatusCode::NOT_FOUND);
    }
}
