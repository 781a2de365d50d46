//! Idempotency keys: the first answer to a POST sent with an `Idempotency-Key`, per
//! organisation and key, for 24 hours.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::connection::write_transaction;
use super::schema::idempotency_keys;
use super::DbConnection;
use crate::on_backend;

/// How long a key's first answer is kept.
pub const KEPT: chrono::Duration = chrono::Duration::hours(24);
/// A request still marked running after this long died with its server: its key may
/// be used again.
pub const ABANDONED_AFTER: chrono::Duration = chrono::Duration::minutes(10);

/// A kept answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What a request with a key may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// The key is new (or expired, or abandoned): the request runs, and its answer is
    /// kept with [`finish`].
    Run,
    /// The first request with this key is still running.
    Running,
    /// The key was used with another request.
    Mismatch,
    /// The first request's answer, to send again.
    Answered(StoredAnswer),
}

/// Claims `key` for a request with `fingerprint`, atomically: of two requests with the
/// same key, one runs and the other is told it is running.
pub fn begin(
    conn: &mut DbConnection,
    organisation_id: i64,
    key: &str,
    fingerprint: &str,
    now: NaiveDateTime,
) -> QueryResult<Begin> {
    write_transaction(conn, |conn| {
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(now - KEPT))).execute(conn)?;
        let row = (
            idempotency_keys::organisation_id.eq(organisation_id),
            idempotency_keys::key.eq(key),
            idempotency_keys::fingerprint.eq(fingerprint),
            idempotency_keys::created_at.eq(now),
        );
        let inserted = on_backend!(conn, |c| diesel::insert_into(idempotency_keys::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c))?;
        if inserted == 1 {
            return Ok(Begin::Run);
        }
        let (kept_fingerprint, status, content_type, body, created_at) = idempotency_keys::table
            .find((organisation_id, key))
            .select((
                idempotency_keys::fingerprint,
                idempotency_keys::status,
                idempotency_keys::content_type,
                idempotency_keys::body,
                idempotency_keys::created_at,
            ))
            .first::<(String, Option<i32>, Option<String>, Option<Vec<u8>>, NaiveDateTime)>(conn)?;
        if kept_fingerprint != fingerprint {
            return Ok(Begin::Mismatch);
        }
        match status.and_then(|status| u16::try_from(status).ok()) {
            Some(status) => Ok(Begin::Answered(StoredAnswer { status, content_type, body: body.unwrap_or_default() })),
            None if now - created_at >= ABANDONED_AFTER => {
                diesel::update(idempotency_keys::table.find((organisation_id, key)))
                    .set(idempotency_keys::created_at.eq(now))
                    .execute(conn)?;
                Ok(Begin::Run)
            }
            None => Ok(Begin::Running),
        }
    })
}

/// Keeps the answer of the request that ran with `key`.
pub fn finish(conn: &mut DbConnection, organisation_id: i64, key: &str, answer: &StoredAnswer) -> QueryResult<usize> {
    diesel::update(idempotency_keys::table.find((organisation_id, key)))
        .set((
            idempotency_keys::status.eq(Some(i32::from(answer.status))),
            idempotency_keys::content_type.eq(answer.content_type.as_deref()),
            idempotency_keys::body.eq(Some(answer.body.as_slice())),
        ))
        .execute(conn)
}

/// Lets `key` be used again: its request did not complete (a server error), so a retry
/// must run it.
pub fn forget(conn: &mut DbConnection, organisation_id: i64, key: &str) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.find((organisation_id, key)).filter(idempotency_keys::status.is_null()))
        .execute(conn)
}
