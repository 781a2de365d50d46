//! Revoked session tokens, kept until they would have expired anyway.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::revoked_tokens;
use super::DbConnection;

pub fn revoke(conn: &mut DbConnection, jti: &str, expires_at: NaiveDateTime) -> QueryResult<()> {
    let already = is_revoked(conn, jti)?;
    if !already {
        diesel::insert_into(revoked_tokens::table)
            .values((revoked_tokens::jti.eq(jti), revoked_tokens::expires_at.eq(expires_at)))
            .execute(conn)?;
    }
    Ok(())
}

/// Uses up the single-use token `jti`: `false` when it was used (or revoked) before.
/// Atomic: of two requests with the same token, one inserts and the other conflicts.
pub fn consume(conn: &mut DbConnection, jti: &str, expires_at: NaiveDateTime) -> QueryResult<bool> {
    let inserted = diesel::insert_into(revoked_tokens::table)
        .values((revoked_tokens::jti.eq(jti), revoked_tokens::expires_at.eq(expires_at)))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(other) => Err(other),
    }
}

pub fn is_revoked(conn: &mut DbConnection, jti: &str) -> QueryResult<bool> {
    Ok(revoked_tokens::table.find(jti).select(revoked_tokens::jti).first::<String>(conn).optional()?.is_some())
}

/// Forgets revocations of tokens that have expired: they fail the `exp` check anyway.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(revoked_tokens::table.filter(revoked_tokens::expires_at.lt(now))).execute(conn)
}
