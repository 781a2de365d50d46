//! `Query<T>`: the query-string extractor whose every failure is a 400 problem+json
//! naming the parameter — a value of the wrong type or outside its choices included,
//! which actix-web's own `web::Query` reports without a name.

use std::future::{ready, Ready};
use std::ops::Deref;

use actix_web::{dev::Payload, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use tidings_domain::FieldError;

use crate::error::{ApiError, ApiResult};

/// A query string deserialised into `T`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(Query).map_err(Into::into))
    }
}

/// A comma-separated list parameter (`tags=a,b`): its items trimmed, blanks dropped.
pub fn comma_list(value: Option<String>) -> Vec<String> {
    value.map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()).unwrap_or_default()
}

/// Reads `query` into `T`; a parameter that cannot be read is named in the 400.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> ApiResult<T> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let reason = error.inner().to_string();
        if path.is_empty() || path == "." {
            // Unknown and missing parameters: the reason names them.
            super::query_problem(&reason)
        } else {
            ApiError::bad_request_fields("A query parameter is not valid.", vec![FieldError::new(path, reason)])
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "snake_case")]
    enum Tab {
        Mine,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Filter {
        #[serde(default)]
        #[expect(dead_code, reason = "read to be checked")]
        tab: Option<Tab>,
        #[serde(default)]
        #[expect(dead_code, reason = "read to be checked")]
        office_id: Option<i64>,
    }

    fn refused_field(query: &str) -> String {
        match parse_query::<Filter>(query) {
            Ok(filter) => panic!("{query} was read as {filter:?}"),
            Err(error) => error.problem().errors[0].field.clone(),
        }
    }

    #[test]
    fn a_parameter_that_cannot_be_read_is_named() {
        assert!(parse_query::<Filter>("tab=mine&office_id=3").is_ok());
        assert_eq!(refused_field("tab=everything"), "tab");
        assert_eq!(refused_field("office_id=three"), "office_id");
        assert_eq!(refused_field("colour=red"), "colour");
    }
}
