//! Phone numbers: normalisation to E.164 with the `phonenumber` crate (libphonenumber's
//! metadata), and the default region numbers without a country code are read in.
//!
//! The default region comes from the office's IANA time zone ([`region_for_time_zone`]):
//! every zone of the United States and Canada gives "US" (one numbering plan, +1, so
//! Canadian numbers parse and validate the same way), other zones give their country
//! where the zone names one country (Europe/London → GB, Australia/Sydney → AU …).
//! Zones that name no single country (UTC, Etc/*) give no default: such an office's
//! lists must write numbers with their country code (`+44 …`). Offices do not carry a
//! country yet; when they do, it should win over the zone.

use std::str::FromStr;

use phonenumber::country::Id;
use phonenumber::{Mode, ParseError};

/// The region numbers without a country code are read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultRegion(Option<Id>);

impl DefaultRegion {
    /// No default: only numbers with a country code are accepted.
    pub const NONE: DefaultRegion = DefaultRegion(None);

    /// The region of an office in `time_zone` (see the module documentation).
    pub fn for_time_zone(time_zone: &str) -> Self {
        Self(region_for_time_zone(time_zone).and_then(|code| Id::from_str(code).ok()))
    }

    /// An ISO 3166 alpha-2 code such as `US`; `None` when the crate does not know it.
    pub fn for_country(code: &str) -> Option<Self> {
        Id::from_str(&code.trim().to_ascii_uppercase()).ok().map(|id| Self(Some(id)))
    }

    /// The region's ISO code, if there is one.
    pub fn code(self) -> Option<String> {
        self.0.map(|id| id.as_ref().to_owned())
    }
}

/// Why a phone was refused, worded for the import report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("is not a phone number")]
    NotANumber,
    #[error("has no country code; write it with + and the country code, e.g. +44 20 7946 0018")]
    NeedsCountryCode,
    #[error("has a country code that does not exist")]
    UnknownCountryCode,
    #[error("is too short to be a phone number")]
    TooShort,
    #[error("is too long to be a phone number")]
    TooLong,
    #[error("is not a valid number in its country's numbering plan")]
    Invalid,
    #[error("has an extension, which text messages cannot reach")]
    Extension,
}

/// Normalises a phone as written by a person to E.164 (`+12025550123`).
pub fn normalise(raw: &str, region: DefaultRegion) -> Result<String, PhoneError> {
    let raw = raw.trim();
    if !raw.chars().any(|c| c.is_ascii_digit()) {
        return Err(PhoneError::NotANumber);
    }
    let number = phonenumber::parse(region.0, raw).map_err(|error| match error {
        ParseError::NoNumber | ParseError::MalformedInteger(_) => PhoneError::NotANumber,
        ParseError::InvalidCountryCode if region.0.is_none() && !raw.starts_with('+') => PhoneError::NeedsCountryCode,
        ParseError::InvalidCountryCode => PhoneError::UnknownCountryCode,
        ParseError::TooShortAfterIdd | ParseError::TooShortNsn => PhoneError::TooShort,
        ParseError::TooLong => PhoneError::TooLong,
    })?;
    if number.extension().is_some() {
        return Err(PhoneError::Extension);
    }
    if !phonenumber::is_valid(&number) {
        return Err(PhoneError::Invalid);
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

/// The ISO 3166 country of an IANA zone, for the zones that name one country; every
/// United States and Canada zone (and the old `US/…`, `Canada/…` names) gives "US".
pub fn region_for_time_zone(zone: &str) -> Option<&'static str> {
    let zone = zone.trim();
    if zone.starts_with("US/") || zone.starts_with("Canada/") || NANP_US_CA_ZONES.contains(&zone) {
        return Some("US");
    }
    if zone.starts_with("America/Indiana/")
        || zone.starts_with("America/Kentucky/")
        || zone.starts_with("America/North_Dakota/")
    {
        return Some("US");
    }
    if zone.starts_with("Australia/") {
        return Some("AU");
    }
    ZONE_COUNTRIES.iter().find(|(name, _)| *name == zone).map(|(_, code)| *code)
}

/// Zones of the United States and Canada (zone1970.tab), which share +1.
const NANP_US_CA_ZONES: &[&str] = &[
    "America/New_York",
    "America/Detroit",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Juneau",
    "America/Sitka",
    "America/Metlakatla",
    "America/Yakutat",
    "America/Nome",
    "America/Adak",
    "America/Boise",
    "America/Menominee",
    "America/Indianapolis",
    "America/Louisville",
    "America/Shiprock",
    "America/Fort_Wayne",
    "America/Knox_IN",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Montreal",
    "America/Vancouver",
    "America/Edmonton",
    "America/Winnipeg",
    "America/Regina",
    "America/Halifax",
    "America/St_Johns",
    "America/Moncton",
    "America/Glace_Bay",
    "America/Goose_Bay",
    "America/Whitehorse",
    "America/Dawson",
    "America/Dawson_Creek",
    "America/Fort_Nelson",
    "America/Creston",
    "America/Cambridge_Bay",
    "America/Inuvik",
    "America/Iqaluit",
    "America/Rankin_Inlet",
    "America/Resolute",
    "America/Swift_Current",
    "America/Yellowknife",
    "America/Thunder_Bay",
    "America/Nipigon",
    "America/Rainy_River",
    "America/Pangnirtung",
    "America/Atikokan",
    "America/Blanc-Sablon",
    "EST5EDT",
    "CST6CDT",
    "MST7MDT",
    "PST8PDT",
    "EST",
    "MST",
    "HST",
];

/// Single-country zones elsewhere (the ones offices are likely to use).
const ZONE_COUNTRIES: &[(&str, &str)] = &[
    ("America/Puerto_Rico", "PR"),
    ("America/Mexico_City", "MX"),
    ("America/Monterrey", "MX"),
    ("America/Tijuana", "MX"),
    ("America/Cancun", "MX"),
    ("America/Sao_Paulo", "BR"),
    ("America/Argentina/Buenos_Aires", "AR"),
    ("America/Buenos_Aires", "AR"),
    ("America/Bogota", "CO"),
    ("America/Lima", "PE"),
    ("America/Santiago", "CL"),
    ("America/Jamaica", "JM"),
    ("Europe/London", "GB"),
    ("Europe/Belfast", "GB"),
    ("Europe/Dublin", "IE"),
    ("Europe/Paris", "FR"),
    ("Europe/Berlin", "DE"),
    ("Europe/Madrid", "ES"),
    ("Europe/Lisbon", "PT"),
    ("Europe/Rome", "IT"),
    ("Europe/Amsterdam", "NL"),
    ("Europe/Brussels", "BE"),
    ("Europe/Zurich", "CH"),
    ("Europe/Vienna", "AT"),
    ("Europe/Stockholm", "SE"),
    ("Europe/Oslo", "NO"),
    ("Europe/Copenhagen", "DK"),
    ("Europe/Helsinki", "FI"),
    ("Europe/Warsaw", "PL"),
    ("Europe/Prague", "CZ"),
    ("Europe/Athens", "GR"),
    ("Europe/Istanbul", "TR"),
    ("Europe/Kiev", "UA"),
    ("Europe/Kyiv", "UA"),
    ("Asia/Kolkata", "IN"),
    ("Asia/Calcutta", "IN"),
    ("Asia/Tokyo", "JP"),
    ("Asia/Seoul", "KR"),
    ("Asia/Shanghai", "CN"),
    ("Asia/Hong_Kong", "HK"),
    ("Asia/Singapore", "SG"),
    ("Asia/Manila", "PH"),
    ("Asia/Dubai", "AE"),
    ("Asia/Jerusalem", "IL"),
    ("Africa/Johannesburg", "ZA"),
    ("Africa/Lagos", "NG"),
    ("Africa/Nairobi", "KE"),
    ("Africa/Cairo", "EG"),
    ("Pacific/Auckland", "NZ"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> DefaultRegion {
        DefaultRegion::for_time_zone("America/New_York")
    }

    #[test]
    fn national_numbers_take_the_offices_region() {
        assert_eq!(normalise("(202) 555-0123", us()), Ok("+12025550123".to_owned()));
        assert_eq!(normalise(" 202.555.0123 ", us()), Ok("+12025550123".to_owned()));
        assert_eq!(normalise("1-202-555-0123", us()), Ok("+12025550123".to_owned()));
        assert_eq!(normalise("416 555 0123", us()), Ok("+14165550123".to_owned()), "Canada shares +1");
        let london = DefaultRegion::for_time_zone("Europe/London");
        assert_eq!(normalise("020 7946 0018", london), Ok("+442079460018".to_owned()));
    }

    #[test]
    fn international_numbers_keep_their_country() {
        assert_eq!(normalise("+44 20 7946 0018", us()), Ok("+442079460018".to_owned()));
        assert_eq!(normalise("+44 20 7946 0018", DefaultRegion::NONE), Ok("+442079460018".to_owned()));
    }

    #[test]
    fn invalid_numbers_say_why() {
        assert_eq!(normalise("not a phone", us()), Err(PhoneError::NotANumber));
        assert_eq!(normalise("", us()), Err(PhoneError::NotANumber));
        assert_eq!(normalise("12", us()), Err(PhoneError::TooShort));
        assert_eq!(normalise("(202) 555-012", us()), Err(PhoneError::Invalid));
        assert_eq!(normalise("202 555 0123", DefaultRegion::NONE), Err(PhoneError::NeedsCountryCode));
        assert_eq!(normalise("202-555-0123 ext. 7", us()), Err(PhoneError::Extension));
    }

    #[test]
    fn zones_give_their_country() {
        assert_eq!(region_for_time_zone("America/Los_Angeles"), Some("US"));
        assert_eq!(region_for_time_zone("America/Toronto"), Some("US"));
        assert_eq!(region_for_time_zone("America/Indiana/Knox"), Some("US"));
        assert_eq!(region_for_time_zone("US/Eastern"), Some("US"));
        assert_eq!(region_for_time_zone("Australia/Sydney"), Some("AU"));
        assert_eq!(region_for_time_zone("Europe/London"), Some("GB"));
        assert_eq!(region_for_time_zone("UTC"), None);
        assert_eq!(DefaultRegion::for_time_zone("UTC"), DefaultRegion::NONE);
        assert_eq!(DefaultRegion::for_time_zone("Europe/Paris").code().as_deref(), Some("FR"));
        assert_eq!(DefaultRegion::for_country("gb").and_then(DefaultRegion::code).as_deref(), Some("GB"));
    }
}
