//! The dispatcher's side of the send queue: which numbers have due messages, holding a
//! number's lane, claiming its due messages under a lease, and giving the lane back.
//! (What happens to a message once claimed — the `sending` commit, the provider's
//! answer, recovery — is `delivery`.)

use chrono::{DateTime, Utc};

use crate::db::phone_numbers::PhoneNumberRow;
use crate::db::send_queue::ClaimedMessage;
use crate::db::{self, DbConnection};
use crate::error::ApiResult;

/// Up to `limit` numbers with a message due at `now` whose lane nobody holds.
pub fn due_lanes(conn: &mut DbConnection, now: DateTime<Utc>, limit: i64) -> ApiResult<Vec<i64>> {
    Ok(db::send_queue::numbers_with_due_work(conn, now.naive_utc(), limit)?)
}

/// The number a lane sends from.
pub fn lane_number(conn: &mut DbConnection, phone_number_id: i64) -> ApiResult<PhoneNumberRow> {
    Ok(db::phone_numbers::find_any(conn, phone_number_id)?)
}

/// Takes or renews the lane of `phone_number_id` for `owner` until `until`; answers
/// whether `owner` holds it.
pub fn hold_lane(
    conn: &mut DbConnection,
    phone_number_id: i64,
    owner: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> ApiResult<bool> {
    Ok(db::send_queue::claim_lane(conn, phone_number_id, owner, now.naive_utc(), until.naive_utc())?)
}

/// Leases up to `limit` due messages of the lane to `owner` until `until`, in queue
/// order.
pub fn claim(
    conn: &mut DbConnection,
    phone_number_id: i64,
    owner: &str,
    (now, until): (DateTime<Utc>, DateTime<Utc>),
    limit: i64,
) -> ApiResult<Vec<ClaimedMessage>> {
    Ok(db::send_queue::claim_batch(conn, phone_number_id, owner, now.naive_utc(), until.naive_utc(), limit)?)
}

/// Gives the lane back.
pub fn release_lane(conn: &mut DbConnection, phone_number_id: i64, owner: &str) -> ApiResult<()> {
    db::send_queue::release_lane(conn, phone_number_id, owner)?;
    Ok(())
}
