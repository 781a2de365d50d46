//! Login throttling: what a failed sign-in costs. Decided here; counted in the database
//! (`db::login_throttle`), so every server sharing it sees the same counts.
//!
//! Each attempt counts on two keys. The account *from this client network* delays every
//! failure after the fifth exponentially (1 s, 2 s, 4 s … up to 15 minutes) and forgets
//! after an hour without one. The *network* is locked for 15 minutes once it has failed
//! 100 times within 15 minutes, whatever the accounts. A stranger guessing a user's
//! password from elsewhere slows only their own network: the user, from theirs, signs in
//! as usual, so nobody can lock a known user out. An attempt is counted before its
//! password is checked, atomically, so parallel guesses get no more than the free ones;
//! a success takes its count back.

use chrono::{Duration, NaiveDateTime};

/// Failures of an account from one network before each further one waits.
pub const FREE_FAILURES: i64 = 5;
/// The longest wait between two attempts at an account from one network.
pub const MAX_DELAY: Duration = Duration::minutes(15);
/// How long an account's failures from a network are remembered after the last one.
pub const ACCOUNT_MEMORY: Duration = Duration::hours(1);
/// Failures of one network, any accounts, within [`NETWORK_WINDOW`] before it is locked.
pub const NETWORK_LIMIT: i64 = 100;
/// The network's counting window, and how long its lock lasts.
pub const NETWORK_WINDOW: Duration = Duration::minutes(15);

/// The two keys an attempt counts on.
#[derive(Debug, Clone)]
pub struct ThrottleKeys {
    pub account: String,
    pub network: String,
}

impl ThrottleKeys {
    /// The keys of an attempt at `email` (normalised) from client network `network`.
    pub fn new(email: &str, network: &str) -> ThrottleKeys {
        ThrottleKeys { account: format!("account:{network}:{email}"), network: format!("network:{network}") }
    }
}

/// One key's count. For an account key `window_started_at` is its last failure; for a
/// network key, the start of its counting window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub failures: i64,
    pub window_started_at: NaiveDateTime,
    pub blocked_until: NaiveDateTime,
}

impl Counter {
    pub fn fresh(now: NaiveDateTime) -> Counter {
        Counter { failures: 0, window_started_at: now, blocked_until: now }
    }

    /// The seconds to wait (at least one) when attempts are refused at `now`.
    pub fn wait(&self, now: NaiveDateTime) -> Option<u64> {
        (self.blocked_until > now).then(|| {
            let millis = (self.blocked_until - now).num_milliseconds();
            u64::try_from(((millis + 999) / 1000).max(1)).unwrap_or(1)
        })
    }

    /// The account key after a failure at `now`.
    pub fn account_failed(self, now: NaiveDateTime) -> Counter {
        let failures = if now - self.window_started_at >= ACCOUNT_MEMORY { 1 } else { self.failures + 1 };
        let blocked_until = if failures >= FREE_FAILURES { now + delay_after(failures) } else { now };
        Counter { failures, window_started_at: now, blocked_until }
    }

    /// The network key after a failure at `now`.
    pub fn network_failed(self, now: NaiveDateTime) -> Counter {
        let (failures, window_started_at) = if now - self.window_started_at >= NETWORK_WINDOW {
            (1, now)
        } else {
            (self.failures + 1, self.window_started_at)
        };
        let blocked_until = if failures >= NETWORK_LIMIT { now + NETWORK_WINDOW } else { self.blocked_until };
        Counter { failures, window_started_at, blocked_until }
    }
}

/// The wait after the `failures`th failure (the fifth waits 1 s, each next one twice
/// as long), at most [`MAX_DELAY`].
fn delay_after(failures: i64) -> Duration {
    let doublings = u32::try_from(failures - FREE_FAILURES).unwrap_or(0).min(20);
    Duration::seconds(1_i64 << doublings).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0).map(|t| t.naive_utc()).unwrap_or_default()
    }

    #[test]
    fn an_account_waits_longer_after_each_failure_past_the_free_ones() {
        let mut counter = Counter::fresh(at(0));
        for _ in 0..4 {
            counter = counter.account_failed(at(0));
            assert_eq!(counter.wait(at(0)), None, "the first four failures cost nothing");
        }
        let mut now = 0;
        let mut waits = Vec::new();
        for _ in 0..12 {
            counter = counter.account_failed(at(now));
            let wait = counter.wait(at(now)).unwrap_or(0);
            waits.push(wait);
            now += i64::try_from(wait).unwrap_or(0);
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        // An hour without failures forgets them.
        let later = counter.account_failed(at(now + 3600));
        assert_eq!((later.failures, later.wait(at(now + 3600))), (1, None));
    }

    #[test]
    fn a_network_is_locked_past_its_limit_within_the_window_only() {
        let mut counter = Counter::fresh(at(0));
        for i in 0..NETWORK_LIMIT - 1 {
            counter = counter.network_failed(at(i));
        }
        assert_eq!(counter.wait(at(99)), None);
        let locked = counter.network_failed(at(100));
        assert_eq!(locked.wait(at(100)), Some(15 * 60));
        // Failures spread wider than the window never add up to a lock.
        let mut spread = Counter::fresh(at(0));
        for i in 0..NETWORK_LIMIT * 2 {
            spread = spread.network_failed(at(i * 10));
        }
        assert_eq!(spread.wait(at(NETWORK_LIMIT * 20)), None);
    }

    #[test]
    fn keys_name_the_account_with_its_network() {
        let keys = ThrottleKeys::new("ann@example.test", "2001:db8:1:2::/64");
        assert_eq!(keys.account, "account:2001:db8:1:2::/64:ann@example.test");
        assert_eq!(keys.network, "network:2001:db8:1:2::/64");
    }
}
