//! Login throttling: failed attempts counted per account and per client IP in a sliding
//! window; past the limit, attempts are refused with 429 and `Retry-After`.
//!
//! Counts live in this process's memory. With several servers behind a balancer each
//! counts on its own, so the effective limit is per server; that still caps guessing
//! at a rate far below what a password of ten characters needs.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Limits for one kind of key.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_failures: usize,
    pub window: Duration,
}

/// Failed-login counters.
#[derive(Debug)]
pub struct LoginThrottle {
    per_account: Limit,
    per_ip: Limit,
    accounts: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
    ips: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(
            Limit { max_failures: 5, window: Duration::minutes(15) },
            Limit { max_failures: 30, window: Duration::minutes(15) },
        )
    }
}

impl LoginThrottle {
    pub fn new(per_account: Limit, per_ip: Limit) -> Self {
        Self { per_account, per_ip, accounts: Mutex::default(), ips: Mutex::default() }
    }

    /// `Some(seconds)` to wait when this account or IP is over its limit now.
    pub fn check(&self, account: &str, ip: &str, now: DateTime<Utc>) -> Option<u64> {
        let account_wait = wait(&self.accounts, account, self.per_account, now);
        let ip_wait = wait(&self.ips, ip, self.per_ip, now);
        account_wait.into_iter().chain(ip_wait).max()
    }

    pub fn record_failure(&self, account: &str, ip: &str, now: DateTime<Utc>) {
        push(&self.accounts, account, self.per_account, now);
        push(&self.ips, ip, self.per_ip, now);
    }

    /// A successful login clears the account's failures (not the IP's).
    pub fn record_success(&self, account: &str) {
        if let Ok(mut map) = self.accounts.lock() {
            map.remove(account);
        }
    }
}

fn prune(times: &mut VecDeque<DateTime<Utc>>, limit: Limit, now: DateTime<Utc>) {
    while times.front().is_some_and(|t| *t + limit.window <= now) {
        times.pop_front();
    }
}

fn wait(
    map: &Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
    key: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Option<u64> {
    let mut map = map.lock().ok()?;
    let times = map.get_mut(key)?;
    prune(times, limit, now);
    if times.len() < limit.max_failures {
        return None;
    }
    // The oldest failure in the window frees a slot when it leaves the window.
    let oldest = *times.front()?;
    let seconds = (oldest + limit.window - now).num_seconds().max(1);
    u64::try_from(seconds).ok()
}

fn push(map: &Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>, key: &str, limit: Limit, now: DateTime<Utc>) {
    if let Ok(mut map) = map.lock() {
        // Bound memory under a flood of distinct keys: drop keys whose window passed.
        if map.len() > 100_000 {
            map.retain(|_, times| times.back().is_some_and(|t| *t + limit.window > now));
        }
        let times = map.entry(key.to_owned()).or_default();
        prune(times, limit, now);
        times.push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_in_the_window_is_refused_until_the_window_passes() {
        let throttle = LoginThrottle::default();
        let start = Utc::now();
        for i in 0..5 {
            assert_eq!(throttle.check("ann", "1.1.1.1", start), None, "attempt {i}");
            throttle.record_failure("ann", "1.1.1.1", start);
        }
        let Some(wait) = throttle.check("ann", "1.1.1.1", start + Duration::minutes(1)) else { panic!("throttled") };
        assert_eq!(wait, 14 * 60);
        assert_eq!(throttle.check("bob", "2.2.2.2", start), None);
        assert_eq!(throttle.check("ann", "1.1.1.1", start + Duration::minutes(15)), None);
    }
}
