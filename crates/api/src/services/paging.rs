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

/// A `cursor` query value: an id this API gave out as `next_cursor`. An empty value
/// means the first page; anything else unreadable is a bad query value (400).
fn parse_cursor(cursor: Option<&str>) -> ApiResult<Option<i64>> {
    cursor.filter(|c| !c.is_empty()).map(|c| c.parse::<i64>().map_err(|_| invalid_cursor())).transpose()
}

/// The cursor after a row of a list ordered by an instant, then id: the instant in
/// microseconds since the epoch, and the id (`1767225600000000.42`).
pub fn instant_cursor(at: NaiveDateTime, id: i64) -> String {
    format!("{}.{id}", at.and_utc().timestamp_micros())
}

/// A cursor [`instant_cursor`] gave out; an empty value means the first page.
fn parse_instant_cursor(cursor: Option<&str>) -> ApiResult<Option<(NaiveDateTime, i64)>> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let parsed = cursor.split_once('.').and_then(|(at, id)| {
        let at = DateTime::from_timestamp_micros(at.parse().ok()?)?.naive_utc();
        Some((at, id.parse::<i64>().ok()?))
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
    fn a_page_read_one_long_is_cut_and_names_its_last_row() {
        let mut rows = vec![1, 2, 3];
        assert_eq!(page_end(&mut rows, 2), Some(&2));
        assert_eq!(rows, [1, 2]);
        assert_eq!(page_end(&mut rows, 2), None);
    }
}
