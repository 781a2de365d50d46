//! Keyset paging shared by every list: the page a caller asks for, the cursor a page
//! hands out, and cutting a page that was read one row long.

use chrono::{DateTime, NaiveDateTime};
use tidings_domain::FieldError;

use crate::error::{ApiError, ApiResult};

/// One page of a list as asked for: where the previous page ended (a `next_cursor`
/// this API gave out, read by the list that knows its shape) and how many rows, already
/// within the list's bounds (the HTTP layer's `Listing` checks them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub cursor: Option<String>,
    pub limit: i64,
}

impl PageRequest {
    /// The first page of `limit` rows.
    pub fn first(limit: i64) -> Self {
        Self { cursor: None, limit }
    }

    /// The cursor of a list ordered by id.
    pub fn id_cursor(&self) -> ApiResult<Option<i64>> {
        parse_cursor(self.cursor.as_deref())
    }

    /// The cursor of a list ordered by an instant, then id.
    pub fn instant_cursor(&self) -> ApiResult<Option<(NaiveDateTime, i64)>> {
        parse_instant_cursor(self.cursor.as_deref())
    }
}

/// A `cursor` query value: an id this API gave out as `next_cursor` — 1 to 18 digits,
/// the shape the OpenAPI document states (`http::listing::IdCursor`); anything else is
/// a bad query value (400).
fn parse_cursor(cursor: Option<&str>) -> ApiResult<Option<i64>> {
    cursor.map(|c| digits(c, 18).ok_or_else(invalid_cursor)).transpose()
}

/// `text` as a number when it is 1 to `most` ASCII digits (no sign, no spaces).
fn digits(text: &str, most: usize) -> Option<i64> {
    let shaped = (1..=most).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    shaped.then(|| text.parse().ok()).flatten()
}

/// The cursor after a row of a list ordered by an instant, then id: the instant in
/// microseconds since the epoch, and the id (`1767225600000000.42`).
pub fn instant_cursor(at: NaiveDateTime, id: i64) -> String {
    format!("{}.{id}", at.and_utc().timestamp_micros())
}

/// A cursor [`instant_cursor`] gave out (`http::listing::InstantCursor`'s shape).
fn parse_instant_cursor(cursor: Option<&str>) -> ApiResult<Option<(NaiveDateTime, i64)>> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let parsed = cursor.split_once('.').and_then(|(at, id)| {
        let micros = match at.strip_prefix('-') {
            Some(magnitude) => -digits(magnitude, 16)?,
            None => digits(at, 16)?,
        };
        let at = DateTime::from_timestamp_micros(micros)?.naive_utc();
        Some((at, digits(id, 18)?))
    });
    parsed.map(Some).ok_or_else(invalid_cursor)
}

fn invalid_cursor() -> ApiError {
    ApiError::bad_request_fields(
        "A query parameter is not valid.",
        vec![FieldError::new("cursor", "is not a cursor this API gave out")],
    )
}

/// Cuts `rows`, read with `limit + 1`, to `limit`; answers the last row kept when
/// there is a next page (its id is the next cursor).
pub fn page_end<T>(rows: &mut Vec<T>, limit: i64) -> Option<&T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() > limit {
        rows.truncate(limit);
        rows.last()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_of_the_stated_shape_are_read_and_others_refused() {
        let page = |cursor: &str| PageRequest { cursor: Some(cursor.to_owned()), limit: 1 };
        assert_eq!(page("42").id_cursor().ok(), Some(Some(42)));
        assert_eq!(page("999999999999999999").id_cursor().ok(), Some(Some(999_999_999_999_999_999)));
        for bad in ["-1", "+1", " 1", "1000000000000000000", "1.2", "x"] {
            assert!(page(bad).id_cursor().is_err(), "{bad}");
        }
        let at = DateTime::from_timestamp_micros(-5).map(|t| t.naive_utc());
        assert_eq!(page("-5.7").instant_cursor().ok(), Some(at.map(|t| (t, 7))));
        let now = DateTime::from_timestamp_micros(1_767_225_600_000_000).map(|t| t.naive_utc());
        assert_eq!(now.and_then(|t| page(&instant_cursor(t, 3)).instant_cursor().ok()), Some(now.map(|t| (t, 3))));
        for bad in ["+5.7", "5", "5.-7", "5.7.", "99999999999999999.1"] {
            assert!(page(bad).instant_cursor().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_page_read_one_long_is_cut_and_names_its_last_row() {
        let mut rows = vec![1, 2, 3];
        assert_eq!(page_end(&mut rows, 2), Some(&2));
        assert_eq!(rows, [1, 2]);
        assert_eq!(page_end(&mut rows, 2), None);
    }
}
