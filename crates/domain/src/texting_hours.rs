//! Texting hours: the part of the day, on a contact's clock, in which a campaign may
//! text them. The organisation's default window is 08:00–21:00; the wizard flags a
//! launch time outside it, and the dispatcher's decision (DESIGN.md, Compliance) is
//! built on the same window.

use chrono::NaiveTime;

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
}
