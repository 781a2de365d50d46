//! One extractor for every cursor-paged list, the way crates.io's `PaginationOptions`
//! serves all its lists: the list's own filter (its query struct, which still refuses
//! unknown parameters) plus the page — `cursor` and `limit`, the limit checked against
//! the list's default and maximum — so no list spells out its paging again.

use std::future::{ready, Ready};
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use tidings_domain::FieldError;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::Required;
use utoipa::IntoParams;

use crate::error::{ApiError, ApiResult};
use crate::services::paging::PageRequest;

/// A list request: `filter` is the list's own query struct `F`; `page` holds `cursor`
/// and `limit` (`DEFAULT` when absent, 1 to `MAX`). A bad limit or query value is a
/// 400 naming the field; the cursor is read by the list, which knows its shape `C`
/// (the document states it, so any cursor of that shape is one the list can read).
#[derive(Debug)]
pub struct Listing<F, const DEFAULT: i64, const MAX: i64, C = IdCursor> {
    pub filter: F,
    pub page: PageRequest,
    shape: PhantomData<C>,
}

/// The shape of a list's `next_cursor`, as a pattern for the document.
pub trait CursorShape {
    const PATTERN: &'static str;
}

/// The cursor of a list ordered by id (`paging::PageRequest::id_cursor`): an id. At
/// most 18 digits, so every cursor of the shape is a number the list can read.
#[derive(Debug)]
pub struct IdCursor;

impl CursorShape for IdCursor {
    const PATTERN: &'static str = "^[0-9]{1,18}$";
}

/// The cursor of a list ordered by an instant, then id (`paging::instant_cursor`):
/// microseconds since the epoch, a dot, an id.
#[derive(Debug)]
pub struct InstantCursor;

impl CursorShape for InstantCursor {
    const PATTERN: &'static str = r"^-?[0-9]{1,16}\.[0-9]{1,18}$";
}

/// The parameters the extractor takes for itself; the rest go to the filter.
const CURSOR: &str = "cursor";
const LIMIT: &str = "limit";

impl<F: DeserializeOwned, const DEFAULT: i64, const MAX: i64, C> Listing<F, DEFAULT, MAX, C> {
    fn parse(query: &str) -> ApiResult<Self> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|e| super::query_problem(&e.to_string()))?;
        let (paging, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(name, _)| name == CURSOR || name == LIMIT);
        let rest = serde_urlencoded::to_string(&rest).map_err(|e| super::query_problem(&e.to_string()))?;
        let filter = super::query::parse_query(&rest)?;
        // The last of a repeated parameter counts, as in a browser's URLSearchParams.set.
        let value = |name: &str| paging.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let limit = match value(LIMIT) {
            None => DEFAULT,
            Some(text) => text.parse::<i64>().ok().filter(|l| (1..=MAX).contains(l)).ok_or_else(|| {
                ApiError::bad_request_fields(
                    "A query parameter is not valid.",
                    vec![FieldError::new(LIMIT, format!("must be a whole number from 1 to {MAX}"))],
                )
            })?,
        };
        // An empty cursor is not one a page gave out: the first page leaves it out.
        if value(CURSOR) == Some("") {
            return Err(ApiError::bad_request_fields(
                "A query parameter is not valid.",
                vec![FieldError::new(CURSOR, "is not a cursor this API gave out")],
            ));
        }
        let cursor = value(CURSOR).map(str::to_owned);
        Ok(Self { filter, page: PageRequest { cursor, limit }, shape: PhantomData })
    }
}

impl<F: DeserializeOwned, const DEFAULT: i64, const MAX: i64, C> FromRequest for Listing<F, DEFAULT, MAX, C> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::parse(req.query_string()).map_err(Into::into))
    }
}

/// The filter's parameters, then `cursor` and `limit` with the list's bounds, so the
/// OpenAPI document states every list's default and maximum.
impl<F: IntoParams, const DEFAULT: i64, const MAX: i64, C: CursorShape> IntoParams for Listing<F, DEFAULT, MAX, C> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut params = F::into_params(|| Some(ParameterIn::Query));
        let cursor = ParameterBuilder::new()
            .name(CURSOR)
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some("`next_cursor` of the previous page; the first page when absent."))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String).pattern(Some(C::PATTERN))));
        let limit = ParameterBuilder::new()
            .name(LIMIT)
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(format!("Page size, 1 to {MAX} (default {DEFAULT}).")))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                    .minimum(Some(1))
                    .maximum(Some(MAX))
                    .default(Some(DEFAULT.into())),
            ));
        params.extend([cursor.build(), limit.build()]);
        params
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Filter {
        q: Option<String>,
    }

    type Page = Listing<Filter, 25, 100>;

    #[test]
    fn paging_is_taken_out_and_the_rest_is_the_filter() {
        let listing = Page::parse("q=ada%20l&cursor=42&limit=10").unwrap();
        assert_eq!(listing.filter, Filter { q: Some("ada l".to_owned()) });
        assert_eq!(listing.page, PageRequest { cursor: Some("42".to_owned()), limit: 10 });
        let listing = Page::parse("").unwrap();
        assert_eq!(listing.page, PageRequest { cursor: None, limit: 25 });
    }

    #[test]
    fn a_limit_out_of_bounds_or_an_unknown_parameter_is_refused() {
        for query in ["limit=0", "limit=101", "limit=ten", "limit=", "cursor="] {
            let error = Page::parse(query).unwrap_err();
            assert_eq!(error.status(), actix_web::http::StatusCode::BAD_REQUEST, "{query}");
        }
        assert!(Page::parse("qq=1").is_err(), "the filter still refuses unknown parameters");
    }
}
