//! Failed sign-in counts (`auth::throttle` decides what they cost), shared by every
//! server on the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::connection::write_transaction;
use super::schema::login_throttle;
use super::DbConnection;
use crate::auth::throttle::{Counter, ThrottleKeys};
use crate::on_backend;

/// How long a count is kept after it stopped mattering.
const KEPT: chrono::Duration = chrono::Duration::days(1);

/// Counts an attempt on both keys as a failure, unless either key is blocked now: then
/// `Err(seconds to wait)` and nothing is counted. Atomic across servers: the first
/// statement writes (SQLite takes its one writer's lock there) and the rows are locked
/// before they are read (PostgreSQL), so parallel attempts are counted one by one.
pub fn begin_attempt(conn: &mut DbConnection, keys: &ThrottleKeys, now: NaiveDateTime) -> QueryResult<Result<(), u64>> {
    write_transaction(conn, |conn| {
        for key in [&keys.account, &keys.network] {
            let fresh = Counter::fresh(now);
            let row = (
                login_throttle::key.eq(key),
                login_throttle::failures.eq(fresh.failures),
                login_throttle::window_started_at.eq(fresh.window_started_at),
                login_throttle::blocked_until.eq(fresh.blocked_until),
            );
            on_backend!(conn, |c| diesel::insert_into(login_throttle::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(c))?;
        }
        // One row at a time, in key order: two attempts never wait for each other in a circle.
        let mut locked = [&keys.account, &keys.network];
        locked.sort();
        for key in locked {
            diesel::update(login_throttle::table.find(key))
                .set(login_throttle::failures.eq(login_throttle::failures))
                .execute(conn)?;
        }
        let account = load(conn, &keys.account)?;
        let network = load(conn, &keys.network)?;
        if let Some(wait) = account.wait(now).into_iter().chain(network.wait(now)).max() {
            return Ok(Err(wait));
        }
        store(conn, &keys.account, account.account_failed(now))?;
        store(conn, &keys.network, network.network_failed(now))?;
        diesel::delete(
            login_throttle::table
                .filter(login_throttle::window_started_at.lt(now - KEPT))
                .filter(login_throttle::blocked_until.lt(now)),
        )
        .execute(conn)?;
        Ok(Ok(()))
    })
}

/// Takes back a successful attempt's count: the account starts afresh from this
/// network, and the network's count drops by the one attempt.
pub fn attempt_succeeded(conn: &mut DbConnection, keys: &ThrottleKeys) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(&keys.account)).execute(conn)?;
    diesel::update(login_throttle::table.find(&keys.network).filter(login_throttle::failures.gt(0)))
        .set(login_throttle::failures.eq(login_throttle::failures - 1))
        .execute(conn)?;
    Ok(())
}

fn load(conn: &mut DbConnection, key: &str) -> QueryResult<Counter> {
    let (failures, window_started_at, blocked_until) = login_throttle::table
        .find(key)
        .select((login_throttle::failures, login_throttle::window_started_at, login_throttle::blocked_until))
        .first::<(i64, NaiveDateTime, NaiveDateTime)>(conn)?;
    Ok(Counter { failures, window_started_at, blocked_until })
}

fn store(conn: &mut DbConnection, key: &str, counter: Counter) -> QueryResult<usize> {
    diesel::update(login_throttle::table.find(key))
        .set((
            login_throttle::failures.eq(counter.failures),
            login_throttle::window_started_at.eq(counter.window_started_at),
            login_throttle::blocked_until.eq(counter.blocked_until),
        ))
        .execute(conn)
}
