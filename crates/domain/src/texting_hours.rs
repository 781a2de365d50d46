//! Texting hours: the part of the day, on a contact's clock, in which a campaign may
//! text them. The organisation's default window is 08:00–21:00; the wizard flags a
//! launch time outside it, and the dispatcher asks [`decide`] (DESIGN.md, Compliance)
//! before it hands a campaign message to the provider.

use chrono::NaiveTime;
#[cfg(feature = "time-zones")]
use chrono::{DateTime, Days, LocalResult, NaiveDateTime, TimeDelta, TimeZone, Utc};

/// A daily window `[opens, closes)` in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextingWindow {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

impl TextingWindow {
    /// 08:00–21:00: what carriers and regulators treat as reasonable hours.
    pub const DEFAULT: TextingWindow = TextingWindow {
        opens: match NaiveTime::from_hms_opt(8, 0, 0) {
            Some(time) => time,
            None => NaiveTime::MIN,
        },
        closes: match NaiveTime::from_hms_opt(21, 0, 0) {
            Some(time) => time,
            None => NaiveTime::MIN,
        },
    };

    /// Whether a message may go out at `local` (the window's closing minute is outside).
    pub fn contains(self, local: NaiveTime) -> bool {
        self.opens <= local && local < self.closes
    }

    /// `08:00–21:00` (written by hand: chrono's strftime would weigh on every SPA page).
    pub fn describe(self) -> String {
        use chrono::Timelike;
        let text = |t: NaiveTime| format!("{:02}:{:02}", t.hour(), t.minute());
        format!("{}–{}", text(self.opens), text(self.closes))
    }
}

/// What the dispatcher may do with a message for a contact in a given zone.
#[cfg(feature = "time-zones")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendDecision {
    /// Inside the window: hand it to the provider now.
    Now,
    /// Outside it: wait until this instant, when the window next opens.
    WaitUntil(DateTime<Utc>),
}

/// Whether a message may go at `now` to a contact whose clock is `zone`, and if not,
/// when it may. The window is read on the contact's wall clock, minute by minute:
/// - on a day the clocks go back and the opening time comes twice, it opens the first
///   time (and a message waiting for it goes once: the queue sends each message once);
/// - on a day the clocks go forward past the opening time, it opens at the first
///   minute after the jump that is still inside the window; when the jump skips the
///   whole window, the day has none and the next day's opening counts.
#[cfg(feature = "time-zones")]
pub fn decide(window: TextingWindow, zone: chrono_tz::Tz, now: DateTime<Utc>) -> SendDecision {
    let local = now.with_timezone(&zone).naive_local();
    if window.contains(local.time()) {
        return SendDecision::Now;
    }
    let mut day = local.date();
    if local.time() >= window.opens {
        day = day + Days::new(1);
    }
    // A window skipped whole by a clock change is followed by a normal day, so a few
    // days always find the next opening.
    for _ in 0..4 {
        if let Some(opening) = opening_on(window, zone, day.and_time(window.opens)) {
            return SendDecision::WaitUntil(opening);
        }
        day = day + Days::new(1);
    }
    SendDecision::WaitUntil(now + TimeDelta::days(1))
}

/// The instant the window opens on the day of `opens_at` (its local opening time), or
/// `None` when a clock change skips the whole window that day.
#[cfg(feature = "time-zones")]
fn opening_on(window: TextingWindow, zone: chrono_tz::Tz, opens_at: NaiveDateTime) -> Option<DateTime<Utc>> {
    let closes_at = opens_at.date().and_time(window.closes);
    let mut minute = opens_at;
    while minute < closes_at {
        match zone.from_local_datetime(&minute) {
            LocalResult::Single(instant) => return Some(instant.with_timezone(&Utc)),
            // The opening time comes twice (clocks going back): the first one.
            LocalResult::Ambiguous(first, _) => return Some(first.with_timezone(&Utc)),
            // Skipped by clocks going forward: the first minute that exists.
            LocalResult::None => minute += TimeDelta::minutes(1),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32, minute: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
    }

    #[test]
    fn the_default_window_opens_at_eight_and_closes_at_nine_in_the_evening() {
        let window = TextingWindow::DEFAULT;
        assert!(!window.contains(at(7, 59)));
        assert!(window.contains(at(8, 0)));
        assert!(window.contains(at(20, 59)));
        assert!(!window.contains(at(21, 0)), "the closing minute is outside");
        assert!(!window.contains(at(23, 30)));
        assert_eq!(window.describe(), "08:00–21:00");
    }

    #[cfg(feature = "time-zones")]
    mod decisions {
        use chrono::{DateTime, NaiveTime, Utc};
        use chrono_tz::Tz;

        use super::super::*;

        fn utc(text: &str) -> DateTime<Utc> {
            match DateTime::parse_from_rfc3339(text) {
                Ok(instant) => instant.with_timezone(&Utc),
                Err(e) => panic!("{text}: {e}"),
            }
        }

        fn window(opens: (u32, u32), closes: (u32, u32)) -> TextingWindow {
            let at = |(h, m): (u32, u32)| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
            TextingWindow { opens: at(opens), closes: at(closes) }
        }

        fn zone(name: &str) -> Tz {
            name.parse().unwrap_or_else(|_| panic!("{name} is a zone"))
        }

        /// (zone, now in UTC, expected: None = send now, Some = wait until, in UTC).
        const DEFAULT_WINDOW_CASES: &[(&str, &str, Option<&str>)] = &[
            // 20:55 in New York (EST, UTC-5): inside; 21:00 is not.
            ("America/New_York", "2026-01-15T01:55:00Z", None),
            ("America/New_York", "2026-01-15T02:00:00Z", Some("2026-01-15T13:00:00Z")),
            // 07:59 in Chicago (CST, UTC-6) waits a minute; 08:00 sends.
            ("America/Chicago", "2026-01-15T13:59:00Z", Some("2026-01-15T14:00:00Z")),
            ("America/Chicago", "2026-01-15T14:00:00Z", None),
            // Denver in summer (MDT, UTC-6): 22:30 waits for the next morning.
            ("America/Denver", "2026-07-16T04:30:00Z", Some("2026-07-16T14:00:00Z")),
            // Los Angeles (PDT, UTC-7): 03:00 waits until 08:00 the same day.
            ("America/Los_Angeles", "2026-07-15T10:00:00Z", Some("2026-07-15T15:00:00Z")),
            // Phoenix keeps UTC-7 all year: 08:00 is 15:00 UTC in January and July.
            ("America/Phoenix", "2026-01-15T14:59:00Z", Some("2026-01-15T15:00:00Z")),
            ("America/Phoenix", "2026-07-15T14:59:00Z", Some("2026-07-15T15:00:00Z")),
            ("America/Phoenix", "2026-07-15T15:00:00Z", None),
            // Honolulu (UTC-10, no DST): 20:59 sends, 21:00 waits for 08:00 (18:00 UTC).
            ("Pacific/Honolulu", "2026-03-09T06:59:00Z", None),
            ("Pacific/Honolulu", "2026-03-09T07:00:00Z", Some("2026-03-09T18:00:00Z")),
            // The same instant is inside for New York and outside for Honolulu.
            ("America/New_York", "2026-03-09T13:30:00Z", None),
            ("Pacific/Honolulu", "2026-03-09T13:30:00Z", Some("2026-03-09T18:00:00Z")),
            // The night before the clocks go forward (8 March 2026): New York opens at
            // 08:00 EDT, which is 12:00 UTC, not 13:00.
            ("America/New_York", "2026-03-08T03:00:00Z", Some("2026-03-08T12:00:00Z")),
            // The night before they go back (1 November 2026): 08:00 EST is 13:00 UTC.
            ("America/New_York", "2026-11-01T04:30:00Z", Some("2026-11-01T13:00:00Z")),
        ];

        #[test]
        fn the_default_window_is_read_on_the_contacts_clock() {
            for (name, now, expected) in DEFAULT_WINDOW_CASES {
                let decision = decide(TextingWindow::DEFAULT, zone(name), utc(now));
                let expected = expected.map_or(SendDecision::Now, |at| SendDecision::WaitUntil(utc(at)));
                assert_eq!(decision, expected, "{name} at {now}");
            }
        }

        #[test]
        fn a_window_opening_in_the_hour_the_clocks_skip_opens_when_they_land() {
            // 02:30–09:00 in New York on 8 March 2026: 02:30 does not exist; the clocks
            // jump from 02:00 EST to 03:00 EDT (07:00 UTC).
            let early = window((2, 30), (9, 0));
            let decision = decide(early, zone("America/New_York"), utc("2026-03-08T05:00:00Z"));
            assert_eq!(decision, SendDecision::WaitUntil(utc("2026-03-08T07:00:00Z")));
        }

        #[test]
        fn a_window_the_clocks_skip_whole_opens_the_next_day() {
            // 02:10–02:50 never happens in New York on 8 March 2026.
            let skipped = window((2, 10), (2, 50));
            let decision = decide(skipped, zone("America/New_York"), utc("2026-03-08T05:00:00Z"));
            assert_eq!(decision, SendDecision::WaitUntil(utc("2026-03-09T06:10:00Z")), "02:10 EDT on the 9th");
        }

        #[test]
        fn a_window_opening_in_the_hour_that_comes_twice_opens_the_first_time() {
            // 01:30 comes twice in New York on 1 November 2026: 05:30 UTC (EDT) and
            // 06:30 UTC (EST). The window opens at the first.
            let night = window((1, 30), (6, 0));
            let zone = zone("America/New_York");
            assert_eq!(
                decide(night, zone, utc("2026-11-01T04:00:00Z")),
                SendDecision::WaitUntil(utc("2026-11-01T05:30:00Z"))
            );
            // During the repeated hour it is open both times round.
            assert_eq!(decide(night, zone, utc("2026-11-01T05:45:00Z")), SendDecision::Now);
            assert_eq!(decide(night, zone, utc("2026-11-01T06:45:00Z")), SendDecision::Now);
        }

        #[test]
        fn every_minute_of_a_dst_day_is_decided_the_same_way_as_its_wall_clock() {
            // Walk both 2026 change days minute by minute: a message sent "now" is
            // always inside the window on the contact's clock, and a wait always ends
            // at an instant that is inside it.
            let zone = zone("America/Chicago");
            for day in ["2026-03-08T00:00:00Z", "2026-11-01T00:00:00Z"] {
                let start = utc(day);
                for minute in 0..(36 * 60) {
                    let now = start + chrono::TimeDelta::minutes(minute);
                    let local = now.with_timezone(&zone).time();
                    match decide(TextingWindow::DEFAULT, zone, now) {
                        SendDecision::Now => assert!(TextingWindow::DEFAULT.contains(local), "{now}"),
                        SendDecision::WaitUntil(at) => {
                            assert!(at > now, "{now}");
                            assert!(TextingWindow::DEFAULT.contains(at.with_timezone(&zone).time()), "{now} → {at}");
                            assert!(at - now <= chrono::TimeDelta::hours(12), "{now} → {at}");
                        }
                    }
                }
            }
        }
    }
}
