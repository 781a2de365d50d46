//! `JsonBody<T>`: the JSON body extractor whose every failure is a problem+json naming
//! the field and the reason (malformed JSON → 400, wrong or unknown fields → 422, too
//! large → 413, wrong media type → 415).

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed};
use tidings_domain::FieldError;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON request body deserialised into `T`.
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// The body limit when no state is registered (tests of bare handlers).
const FALLBACK_LIMIT: usize = 1024 * 1024;

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| {
            let v = v.trim().to_ascii_lowercase();
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// Reads the whole body, refusing it as soon as it passes `limit` bytes.
pub async fn read_body(req: &HttpRequest, mut payload: Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(ApiError::payload_too_large(limit));
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request("The request body could not be read."))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::payload_too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Turns a deserialisation failure into the client's error, naming the field.
pub fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.inner();
    let message = inner.to_string();
    // serde_json appends " at line L column C"; the field name says more to a client.
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    match inner.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof | serde_json::error::Category::Io => {
            ApiError::bad_request(format!("The body is not valid JSON: {message}."))
        }
        serde_json::error::Category::Data => {
            // The path names the unknown field itself, but only the parent of a missing one.
            let join = |name: &str| {
                if path == "." {
                    name.to_owned()
                } else if path == name || path.ends_with(&format!(".{name}")) {
                    path.clone()
                } else {
                    format!("{path}.{name}")
                }
            };
            let (field, reason) = if let Some(name) = quoted(&message, "unknown field `") {
                (join(name), "is not a known field".to_owned())
            } else if let Some(name) = quoted(&message, "missing field `") {
                (join(name), "is required".to_owned())
            } else {
                (if path == "." { "body".to_owned() } else { path }, message)
            };
            ApiError::validation(vec![FieldError::new(field, reason)])
        }
    }
}

fn quoted<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

/// Deserialises `bytes` as JSON into `T` with field-naming errors.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    parse_json_seed(bytes, PhantomData::<T>)
}

/// Deserialises `bytes` as JSON through `seed` (which may consume the body as it goes,
/// as a large import's rows do), with the same checks and field-naming errors.
pub fn parse_json_seed<'de, S: DeserializeSeed<'de>>(bytes: &'de [u8], seed: S) -> Result<S::Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("The request body is empty; send a JSON object."));
    }
    // Every body is an object: serde would otherwise read a JSON array as the struct's
    // fields in order (`[null, null]` as a PATCH that changes nothing).
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::bad_request("The body must be a JSON object."));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let mut track = serde_path_to_error::Track::new();
    let value = seed
        .deserialize(serde_path_to_error::Deserializer::new(&mut deserializer, &mut track))
        .map_err(|error| json_error(serde_path_to_error::Error::new(track.path(), error)))?;
    deserializer.end().map_err(|e| ApiError::bad_request(format!("The body has text after the JSON value: {e}.")))?;
    Ok(value)
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = payload.take();
        Box::pin(async move {
            let limit = req
                .app_data::<web::Data<AppState>>()
                .map(|state| state.config.max_body_bytes)
                .unwrap_or(FALLBACK_LIMIT);
            if !is_json(&req) {
                return Err(ApiError::unsupported_media_type(
                    "Send the body as JSON with 'Content-Type: application/json'.",
                ));
            }
            let body = read_body(&req, payload, limit).await?;
            parse_json(&body).map(JsonBody)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields exist to be deserialised")]
    struct Body {
        name: String,
        count: i64,
    }

    #[test]
    fn errors_name_the_field() {
        let Err(err) = parse_json::<Body>(br#"{"name":"a","count":"x"}"#) else { panic!("refused") };
        assert_eq!(err.status().as_u16(), 422);
        assert_eq!(err.problem().errors[0].field, "count");
        let Err(err) = parse_json::<Body>(br#"{"name":"a","count":1,"extra":true}"#) else { panic!("refused") };
        assert_eq!(err.problem().errors[0].field, "extra");
        assert_eq!(err.problem().errors[0].reason, "is not a known field");
        let Err(err) = parse_json::<Body>(br#"{"name":"a"}"#) else { panic!("refused") };
        assert_eq!(err.problem().errors[0].field, "count");
        let Err(err) = parse_json::<Body>(br#"{"name":"#) else { panic!("refused") };
        assert_eq!(err.status().as_u16(), 400);
    }
}
