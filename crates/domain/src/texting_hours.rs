//! Texting hours: the part of the day, on a contact's clock, in which a campaign may
//! text them. The organisation's default window is 08:00–21:00; the wizard flags a
//! launch time outside it, and the dispatcher asks [`decide`] (DESIGN.md, Compliance)
//! before it hands a campaign message to the provider.

use chrono::{NaiveTime, Timelike};

use crate::message_wire::Author;
#[cfg(feature = "time-zones")]
use chrono::{DateTime, Days, LocalResult, NaiveDateTime, TimeDelta, TimeZone, Utc};

/// Minutes in a day: a window may close at 24:00, the end of the day.
pub const MINUTES_PER_DAY: u16 = 24 * 60;

/// A daily window `[opens, closes)` in local time, in whole minutes since midnight
/// (`0 ≤ opens < closes ≤ 1440`). A window never crosses midnight: texting hours are
/// daytime hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextingWindow {
    opens: u16,
    closes: u16,
}

/// Why a window was refused, for the field named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowError {
    /// `opens` or `closes`.
    pub field: &'static str,
    pub reason: String,
}

impl TextingWindow {
    /// 08:00–21:00: what carriers and regulators treat as reasonable hours.
    pub const DEFAULT: TextingWindow = TextingWindow { opens: 8 * 60, closes: 21 * 60 };

    /// The window from its opening and closing minute, if it is one.
    pub fn from_minutes(opens: u16, closes: u16) -> Option<Self> {
        (opens < closes && closes <= MINUTES_PER_DAY).then_some(Self { opens, closes })
    }

    /// Reads `HH:MM` times (`24:00` allowed as the closing time), each error naming its
    /// field.
    pub fn parse(opens: &str, closes: &str) -> Result<Self, WindowError> {
        let opens_minute = parse_minute(opens).filter(|m| *m < MINUTES_PER_DAY).ok_or_else(|| WindowError {
            field: "opens",
            reason: format!("'{opens}' is not a time of day; write HH:MM, from 00:00 to 23:59."),
        })?;
        let closes_minute = parse_minute(closes).ok_or_else(|| WindowError {
            field: "closes",
            reason: format!("'{closes}' is not a time of day; write HH:MM, from 00:01 to 24:00."),
        })?;
        Self::from_minutes(opens_minute, closes_minute).ok_or_else(|| WindowError {
            field: "closes",
            reason: format!("Texting hours must close after they open ({opens}); they cannot cross midnight."),
        })
    }

    pub fn opens_minute(self) -> u16 {
        self.opens
    }

    pub fn closes_minute(self) -> u16 {
        self.closes
    }

    /// `08:00`.
    pub fn opens_text(self) -> String {
        minute_text(self.opens)
    }

    /// `21:00`, or `24:00` for the end of the day.
    pub fn closes_text(self) -> String {
        minute_text(self.closes)
    }

    /// Whether a message may go out at `local` (the window's closing minute is outside).
    pub fn contains(self, local: NaiveTime) -> bool {
        let minute = u16::try_from(local.hour() * 60 + local.minute()).unwrap_or(u16::MAX);
        self.opens <= minute && minute < self.closes
    }

    /// Whether this window lies inside `outer` (a campaign may only narrow the
    /// organisation's window).
    pub fn lies_within(self, outer: TextingWindow) -> bool {
        outer.opens <= self.opens && self.closes <= outer.closes
    }

    /// The hours a campaign texts in: its own narrowing where it still lies inside the
    /// organisation's window (which an administrator may have narrowed since), the
    /// overlap where it partly does, else the organisation's window.
    pub fn narrowed_by(self, campaign: Option<TextingWindow>) -> TextingWindow {
        campaign
            .and_then(|own| Self::from_minutes(own.opens.max(self.opens), own.closes.min(self.closes)))
            .unwrap_or(self)
    }

    /// `08:00–21:00` (written by hand: chrono's strftime would weigh on every SPA page).
    pub fn describe(self) -> String {
        format!("{}–{}", self.opens_text(), self.closes_text())
    }
}

impl Default for TextingWindow {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// `HH:MM` → minutes since midnight (`24:00` → 1440). Exactly two digits each side,
/// nothing around them: what the OpenAPI document's pattern says.
fn parse_minute(text: &str) -> Option<u16> {
    let (hours, minutes) = text.split_once(':')?;
    let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(hours) || !two_digits(minutes) {
        return None;
    }
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    let minute = hours.checked_mul(60)? + minutes;
    (minutes < 60 && minute <= MINUTES_PER_DAY).then_some(minute)
}

fn minute_text(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Whether a message waits for texting hours. Campaign messages always do. An agent's
/// or the assistant's message does only when it opens the conversation — the contact
/// has not written in it yet — because otherwise it answers someone who just wrote.
pub fn waits_for_texting_hours(author: Author, contact_has_written: bool) -> bool {
    match author {
        Author::Campaign => true,
        Author::Agent | Author::Assistant | Author::System => !contact_has_written,
        Author::Contact => false,
    }
}

/// What the Contacts tab and the API say of a message waiting for its contact's
/// window: "Waits for texting hours until 08:00 (America/Chicago)."
pub fn waiting_note(opens_local: &str, zone: &str) -> String {
    format!("Waits for texting hours until {opens_local} ({zone}).")
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
    if local.time() >= window.opening_time() {
        day = day + Days::new(1);
    }
    // A window skipped whole by a clock change is followed by a normal day, so a few
    // days always find the next opening.
    for _ in 0..4 {
        if let Some(opening) = opening_on(window, zone, day.and_time(window.opening_time())) {
            return SendDecision::WaitUntil(opening);
        }
        day = day + Days::new(1);
    }
    SendDecision::WaitUntil(now + TimeDelta::days(1))
}

/// The instant the window opens on the day of `opens_at` (its local opening time), or
/// `None` when a clock change skips the whole window that day.
#[cfg(feature = "time-zones")]
impl TextingWindow {
    fn opening_time(self) -> NaiveTime {
        NaiveTime::from_hms_opt(u32::from(self.opens / 60), u32::from(self.opens % 60), 0).unwrap_or(NaiveTime::MIN)
    }
}

#[cfg(feature = "time-zones")]
fn opening_on(window: TextingWindow, zone: chrono_tz::Tz, opens_at: NaiveDateTime) -> Option<DateTime<Utc>> {
    let closes_at = opens_at.date().and_time(NaiveTime::MIN) + TimeDelta::minutes(i64::from(window.closes));
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

    #[test]
    fn windows_are_read_from_hh_mm_and_may_close_at_midnight() {
        let all_day = TextingWindow::parse("00:00", "24:00");
        assert_eq!(all_day.map(TextingWindow::describe), Ok("00:00–24:00".to_owned()));
        assert!(TextingWindow::parse("00:00", "24:00").is_ok_and(|w| w.contains(at(23, 59))));
        assert_eq!(TextingWindow::parse("9:00", "17:00").map_err(|e| e.field), Err("opens"));
        assert_eq!(TextingWindow::parse("24:00", "24:00").map_err(|e| e.field), Err("opens"));
        assert_eq!(TextingWindow::parse("09:00", "17:60").map_err(|e| e.field), Err("closes"));
        assert_eq!(TextingWindow::parse("09:00", "24:01").map_err(|e| e.field), Err("closes"));
        assert_eq!(TextingWindow::parse("17:00", "09:00").map_err(|e| e.field), Err("closes"));
        assert_eq!(TextingWindow::parse("09:00", "09:00").map_err(|e| e.field), Err("closes"));
    }

    #[test]
    fn a_campaign_narrows_the_organisations_window_and_never_widens_it() {
        let org = TextingWindow::DEFAULT;
        let parse = |o: &str, c: &str| TextingWindow::parse(o, c).unwrap_or(TextingWindow::DEFAULT);
        assert_eq!(org.narrowed_by(None), org);
        assert_eq!(org.narrowed_by(Some(parse("10:00", "18:00"))).describe(), "10:00–18:00");
        assert!(parse("10:00", "18:00").lies_within(org));
        assert!(!parse("07:00", "18:00").lies_within(org));
        // The organisation narrowed since: the overlap, or the organisation's own.
        assert_eq!(org.narrowed_by(Some(parse("07:00", "10:00"))).describe(), "08:00–10:00");
        assert_eq!(org.narrowed_by(Some(parse("05:00", "07:00"))), org);
    }

    #[cfg(feature = "time-zones")]
    mod decisions {
        use chrono::{DateTime, Utc};
        use chrono_tz::Tz;

        use super::super::*;

        fn utc(text: &str) -> DateTime<Utc> {
            match DateTime::parse_from_rfc3339(text) {
                Ok(instant) => instant.with_timezone(&Utc),
                Err(e) => panic!("{text}: {e}"),
            }
        }

        fn window(opens: (u16, u16), closes: (u16, u16)) -> TextingWindow {
            let minute = |(h, m): (u16, u16)| h * 60 + m;
            TextingWindow::from_minutes(minute(opens), minute(closes)).unwrap_or(TextingWindow::DEFAULT)
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
