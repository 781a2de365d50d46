//! The injectable clock: rules about time (schedule leads, locks, token expiry,
//! throttling windows) read it, so tests can stand exactly on a boundary.

use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// Tells the time.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Now as stored: UTC, microsecond precision (what PostgreSQL keeps, so both
    /// backends compare alike).
    fn now_naive(&self) -> NaiveDateTime {
        truncate_to_micros(self.now()).naive_utc()
    }
}

/// Drops sub-microsecond precision.
pub fn truncate_to_micros(instant: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = instant.timestamp_subsec_nanos();
    instant - Duration::nanoseconds(i64::from(nanos % 1_000))
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self { now: Mutex::new(truncate_to_micros(start)) }
    }

    pub fn set(&self, instant: DateTime<Utc>) {
        if let Ok(mut now) = self.now.lock() {
            *now = truncate_to_micros(instant);
        }
    }

    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.now.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        match self.now.lock() {
            Ok(now) => *now,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}
