//! Which clock a contact's texting hours are read on (DESIGN.md, Compliance): the time
//! zone a mapped list column gives (an IANA name, a US state, or a US ZIP code), else the zone of the
//! phone's North American area code, else the campaign's zone.

use chrono_tz::Tz;

use crate::area_code_zones::zone_of_nanp_number;

/// Where a contact's zone came from, for the Contacts tab's "waits until … (zone)".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneSource {
    /// The contact list's time-zone column.
    Column,
    /// The phone number's area code.
    AreaCode,
    /// The campaign's own zone (nothing better known).
    Campaign,
}

/// A contact's clock and how it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactZone {
    pub zone: Tz,
    pub source: ZoneSource,
}

/// US states, DC and the territories (postal code, name, the zone most of it keeps).
/// A state split between zones takes the one most of its people live in.
const US_STATES: &[(&str, &str, &str)] = &[
    ("AL", "Alabama", "America/Chicago"),
    ("AK", "Alaska", "America/Anchorage"),
    ("AZ", "Arizona", "America/Phoenix"),
    ("AR", "Arkansas", "America/Chicago"),
    ("CA", "California", "America/Los_Angeles"),
    ("CO", "Colorado", "America/Denver"),
    ("CT", "Connecticut", "America/New_York"),
    ("DE", "Delaware", "America/New_York"),
    ("DC", "District of Columbia", "America/New_York"),
    ("FL", "Florida", "America/New_York"),
    ("GA", "Georgia", "America/New_York"),
    ("HI", "Hawaii", "Pacific/Honolulu"),
    ("ID", "Idaho", "America/Boise"),
    ("IL", "Illinois", "America/Chicago"),
    ("IN", "Indiana", "America/Indiana/Indianapolis"),
    ("IA", "Iowa", "America/Chicago"),
    ("KS", "Kansas", "America/Chicago"),
    ("KY", "Kentucky", "America/New_York"),
    ("LA", "Louisiana", "America/Chicago"),
    ("ME", "Maine", "America/New_York"),
    ("MD", "Maryland", "America/New_York"),
    ("MA", "Massachusetts", "America/New_York"),
    ("MI", "Michigan", "America/Detroit"),
    ("MN", "Minnesota", "America/Chicago"),
    ("MS", "Mississippi", "America/Chicago"),
    ("MO", "Missouri", "America/Chicago"),
    ("MT", "Montana", "America/Denver"),
    ("NE", "Nebraska", "America/Chicago"),
    ("NV", "Nevada", "America/Los_Angeles"),
    ("NH", "New Hampshire", "America/New_York"),
    ("NJ", "New Jersey", "America/New_York"),
    ("NM", "New Mexico", "America/Denver"),
    ("NY", "New York", "America/New_York"),
    ("NC", "North Carolina", "America/New_York"),
    ("ND", "North Dakota", "America/Chicago"),
    ("OH", "Ohio", "America/New_York"),
    ("OK", "Oklahoma", "America/Chicago"),
    ("OR", "Oregon", "America/Los_Angeles"),
    ("PA", "Pennsylvania", "America/New_York"),
    ("RI", "Rhode Island", "America/New_York"),
    ("SC", "South Carolina", "America/New_York"),
    ("SD", "South Dakota", "America/Chicago"),
    ("TN", "Tennessee", "America/Chicago"),
    ("TX", "Texas", "America/Chicago"),
    ("UT", "Utah", "America/Denver"),
    ("VT", "Vermont", "America/New_York"),
    ("VA", "Virginia", "America/New_York"),
    ("WA", "Washington", "America/Los_Angeles"),
    ("WV", "West Virginia", "America/New_York"),
    ("WI", "Wisconsin", "America/Chicago"),
    ("WY", "Wyoming", "America/Denver"),
    ("PR", "Puerto Rico", "America/Puerto_Rico"),
    ("VI", "U.S. Virgin Islands", "America/St_Thomas"),
    ("GU", "Guam", "Pacific/Guam"),
    ("AS", "American Samoa", "Pacific/Pago_Pago"),
    ("MP", "Northern Mariana Islands", "Pacific/Saipan"),
];

/// USPS ZIP Code prefix assignments: the first three digits of a ZIP code and the state
/// or territory they are assigned to, as ranges (inclusive). Source: the USPS ZIP Code
/// prefix list (Publication 65, the National Five-Digit ZIP Code and Post Office
/// Directory), as listed in Wikipedia's "List of ZIP Code prefixes"; the assignments
/// are public facts of the US Postal Service. Military (AA, AE, AP) and unassigned
/// prefixes are left out: their contacts fall back to the area code.
const ZIP_PREFIXES: &[(u16, u16, &str)] = &[
    (5, 5, "NY"),
    (6, 7, "PR"),
    (8, 8, "VI"),
    (9, 9, "PR"),
    (10, 27, "MA"),
    (28, 29, "RI"),
    (30, 38, "NH"),
    (39, 49, "ME"),
    (50, 54, "VT"),
    (55, 55, "MA"),
    (56, 59, "VT"),
    (60, 69, "CT"),
    (70, 89, "NJ"),
    (100, 149, "NY"),
    (150, 196, "PA"),
    (197, 199, "DE"),
    (200, 200, "DC"),
    (201, 201, "VA"),
    (202, 205, "DC"),
    (206, 219, "MD"),
    (220, 246, "VA"),
    (247, 268, "WV"),
    (270, 289, "NC"),
    (290, 299, "SC"),
    (300, 319, "GA"),
    (320, 339, "FL"),
    (341, 349, "FL"),
    (350, 369, "AL"),
    (370, 385, "TN"),
    (386, 397, "MS"),
    (398, 399, "GA"),
    (400, 427, "KY"),
    (430, 459, "OH"),
    (460, 479, "IN"),
    (480, 499, "MI"),
    (500, 528, "IA"),
    (530, 549, "WI"),
    (550, 567, "MN"),
    (569, 569, "DC"),
    (570, 577, "SD"),
    (580, 588, "ND"),
    (590, 599, "MT"),
    (600, 629, "IL"),
    (630, 658, "MO"),
    (660, 679, "KS"),
    (680, 693, "NE"),
    (700, 714, "LA"),
    (716, 729, "AR"),
    (730, 732, "OK"),
    (733, 733, "TX"),
    (734, 749, "OK"),
    (750, 799, "TX"),
    (800, 816, "CO"),
    (820, 831, "WY"),
    (832, 838, "ID"),
    (840, 847, "UT"),
    (850, 865, "AZ"),
    (870, 884, "NM"),
    (885, 885, "TX"),
    (889, 898, "NV"),
    (900, 961, "CA"),
    (967, 968, "HI"),
    (969, 969, "GU"),
    (970, 979, "OR"),
    (980, 994, "WA"),
    (995, 999, "AK"),
];

/// The state of a US ZIP code (`60601`, `60601-1234`), by its first three digits.
fn state_of_zip(value: &str) -> Option<&'static str> {
    let digits = match value.split_once('-') {
        Some((zip, plus4)) if plus4.len() == 4 && plus4.bytes().all(|b| b.is_ascii_digit()) => zip,
        Some(_) => return None,
        None => value,
    };
    if digits.len() != 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u16 = digits[..3].parse().ok()?;
    ZIP_PREFIXES.iter().find(|(from, to, _)| (*from..=*to).contains(&prefix)).map(|(_, _, state)| *state)
}

/// The zone a time-zone column's value names: an IANA name (`America/Chicago`), a US
/// state or territory by postal code (`IL`) or name (`Illinois`), any case, or a US ZIP
/// code (its state's zone). `None` for a blank or unknown value.
pub fn zone_from_column(value: &str) -> Option<Tz> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if let Ok(zone) = value.parse::<Tz>() {
        return Some(zone);
    }
    let state = state_of_zip(value).unwrap_or(value);
    US_STATES
        .iter()
        .find(|(code, name, _)| code.eq_ignore_ascii_case(state) || name.eq_ignore_ascii_case(state))
        .and_then(|(_, _, zone)| zone.parse().ok())
}

/// The clock a contact is texted on: their list's time-zone column when it names one,
/// else their number's area code, else the campaign's zone.
pub fn contact_zone(column: Option<&str>, phone_e164: &str, campaign_zone: Tz) -> ContactZone {
    if let Some(zone) = column.and_then(zone_from_column) {
        return ContactZone { zone, source: ZoneSource::Column };
    }
    if let Some(zone) = zone_of_nanp_number(phone_e164).and_then(|name| name.parse().ok()) {
        return ContactZone { zone, source: ZoneSource::AreaCode };
    }
    ContactZone { zone: campaign_zone, source: ZoneSource::Campaign }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_an_area_code_or_the_campaign_gives_the_clock() {
        let campaign = chrono_tz::America::New_York;
        let column = contact_zone(Some("Pacific/Honolulu"), "+12125550100", campaign);
        assert_eq!(column, ContactZone { zone: chrono_tz::Pacific::Honolulu, source: ZoneSource::Column });
        let state = contact_zone(Some(" az "), "+12125550100", campaign);
        assert_eq!(state.zone, chrono_tz::America::Phoenix);
        assert_eq!(contact_zone(Some("texas"), "+12125550100", campaign).zone, chrono_tz::America::Chicago);
        let area = contact_zone(Some("somewhere"), "+13125550100", campaign);
        assert_eq!(area, ContactZone { zone: chrono_tz::America::Chicago, source: ZoneSource::AreaCode });
        let fallback = contact_zone(None, "+442071234567", campaign);
        assert_eq!(fallback, ContactZone { zone: campaign, source: ZoneSource::Campaign });
    }

    #[test]
    fn a_zip_code_gives_its_states_zone() {
        let zone = |zip: &str| zone_from_column(zip);
        assert_eq!(zone("10001"), Some(chrono_tz::America::New_York));
        assert_eq!(zone("60601"), Some(chrono_tz::America::Chicago));
        assert_eq!(zone(" 85001 "), Some(chrono_tz::America::Phoenix));
        assert_eq!(zone("96813"), Some(chrono_tz::Pacific::Honolulu));
        assert_eq!(zone("99501"), Some(chrono_tz::America::Anchorage));
        assert_eq!(zone("94105-1234"), Some(chrono_tz::America::Los_Angeles));
        assert_eq!(zone("02108"), Some(chrono_tz::America::New_York), "a leading zero is kept");
        assert_eq!(zone("73301"), Some(chrono_tz::America::Chicago), "733 is Austin, Texas");
        for unknown in ["00000", "09001", "1234", "123456", "94105-12", "abcde"] {
            assert_eq!(zone(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn every_zip_prefix_names_a_listed_state() {
        for (from, to, state) in ZIP_PREFIXES {
            assert!(from <= to, "{from}–{to}");
            assert!(US_STATES.iter().any(|(code, _, _)| code == state), "{state}");
        }
        for pair in ZIP_PREFIXES.windows(2) {
            assert!(pair[0].1 < pair[1].0, "ranges are ordered and apart: {pair:?}");
        }
    }

    #[test]
    fn every_state_names_a_real_zone() {
        for (code, name, zone) in US_STATES {
            assert!(zone.parse::<Tz>().is_ok(), "{code} {name}: {zone}");
        }
    }
}
