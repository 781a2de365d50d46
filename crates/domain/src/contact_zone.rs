//! Which clock a contact's texting hours are read on (DESIGN.md, Compliance): the time
//! zone a mapped list column gives (an IANA name, or a US state), else the zone of the
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

/// The zone a time-zone column's value names: an IANA name (`America/Chicago`), or a
/// US state or territory by postal code (`IL`) or name (`Illinois`), any case. `None`
/// for a blank or unknown value.
pub fn zone_from_column(value: &str) -> Option<Tz> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if let Ok(zone) = value.parse::<Tz>() {
        return Some(zone);
    }
    US_STATES
        .iter()
        .find(|(code, name, _)| code.eq_ignore_ascii_case(value) || name.eq_ignore_ascii_case(value))
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
    fn every_state_names_a_real_zone() {
        for (code, name, zone) in US_STATES {
            assert!(zone.parse::<Tz>().is_ok(), "{code} {name}: {zone}");
        }
    }
}
