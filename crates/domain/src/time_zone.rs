//! IANA time zones: validation and formatting of instants in a zone.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Parses an IANA zone name such as `America/New_York`.
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| format!("'{name}' is not an IANA time zone name such as America/New_York"))
}

/// Formats an instant as local date and time in `zone` (e.g. `2026-03-01 14:05`), with the
/// zone's abbreviation for the hover text.
pub fn format_local(instant: DateTime<Utc>, zone: Tz) -> (String, String) {
    let local = instant.with_timezone(&zone);
    (local.format("%Y-%m-%d %H:%M").to_string(), format!("{} ({})", zone.name(), local.format("%Z")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn accepts_iana_names_and_refuses_others() {
        assert!(parse_time_zone("America/New_York").is_ok());
        assert!(parse_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn formats_in_the_zone_with_its_abbreviation() {
        let instant = Utc.with_ymd_and_hms(2026, 7, 1, 16, 0, 0).single();
        let Some(instant) = instant else { panic!("valid instant") };
        let (text, hover) = format_local(instant, chrono_tz::America::New_York);
        assert_eq!(text, "2026-07-01 12:00");
        assert_eq!(hover, "America/New_York (EDT)");
    }
}
