//! Phone number wire types and their validation: reusable numbers owned by an office
//! (with unsolicited message settings) and single-use numbers provisioned for one
//! campaign.
//!
//! Parsing a phone number into E.164 needs the numbering-plan metadata, which the
//! server owns; the rules here are the ones the SPA can apply before sending: names,
//! descriptions, which fields each creation mode takes, country and area code shapes,
//! short codes, and the unsolicited recipients' list.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::campaign::{OperatedBy, PhoneNumberKind};
use crate::problem::FieldError;

/// Longest number name accepted, in characters.
pub const PHONE_NUMBER_NAME_MAX: usize = 120;
/// Longest description accepted, in characters.
pub const PHONE_NUMBER_DESCRIPTION_MAX: usize = 1000;
/// Most users, and most office inboxes, one number's unsolicited settings may name.
pub const UNSOLICITED_RECIPIENTS_MAX: usize = 200;
/// The country a number is read in, and provisioned in, when the request names none.
pub const DEFAULT_COUNTRY: &str = "US";

/// How a number sends, which decides its rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum NumberType {
    /// A local 10-digit number (10DLC): 1 message per second by default.
    LongCode,
    /// A toll-free number: 3 messages per second by default.
    TollFree,
    /// A 5–6 digit short code: 100 messages per second by default.
    ShortCode,
    /// A number of the built-in simulator: no rate limit.
    Simulator,
}

impl NumberType {
    pub const ALL: [NumberType; 4] =
        [NumberType::LongCode, NumberType::TollFree, NumberType::ShortCode, NumberType::Simulator];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::LongCode => "long_code",
            NumberType::TollFree => "toll_free",
            NumberType::ShortCode => "short_code",
            NumberType::Simulator => "simulator",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<NumberType> {
        NumberType::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            NumberType::LongCode => "Long code",
            NumberType::TollFree => "Toll-free",
            NumberType::ShortCode => "Short code",
            NumberType::Simulator => "Simulator",
        }
    }

    /// The default send rate in messages per second (Twilio's US/Canada defaults);
    /// `None` means unlimited.
    pub fn default_messages_per_second(self) -> Option<u32> {
        match self {
            NumberType::LongCode => Some(1),
            NumberType::TollFree => Some(3),
            NumberType::ShortCode => Some(100),
            NumberType::Simulator => None,
        }
    }
}

/// Whether a number can still send.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum PhoneNumberStatus {
    /// In service.
    #[default]
    Active,
    /// Given back to the provider; kept for the history of the campaigns that used it.
    Released,
}

impl PhoneNumberStatus {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneNumberStatus::Active => "active",
            PhoneNumberStatus::Released => "released",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<PhoneNumberStatus> {
        match value {
            "active" => Some(PhoneNumberStatus::Active),
            "released" => Some(PhoneNumberStatus::Released),
            _ => None,
        }
    }
}

/// The users (personal inboxes) and offices (office inboxes) that receive a reusable
/// number's messages not tied to an active campaign.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnsolicitedSettings {
    /// Users whose personal inbox receives the messages.
    #[serde(default)]
    pub user_ids: Vec<i64>,
    /// Offices whose office inbox receives the messages.
    #[serde(default)]
    pub office_ids: Vec<i64>,
}

impl UnsolicitedSettings {
    /// The same sets, each sorted and without repeats (the order the API answers in).
    pub fn normalised(&self) -> UnsolicitedSettings {
        fn sorted(ids: &[i64]) -> Vec<i64> {
            let mut ids = ids.to_vec();
            ids.sort_unstable();
            ids.dedup();
            ids
        }
        UnsolicitedSettings { user_ids: sorted(&self.user_ids), office_ids: sorted(&self.office_ids) }
    }

    /// Whether nobody receives unsolicited messages.
    pub fn is_empty(&self) -> bool {
        self.user_ids.is_empty() && self.office_ids.is_empty()
    }
}

/// A phone number of the organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneNumber {
    pub id: i64,
    /// The office that owns the number (for a single-use number: its campaign's office).
    pub office_id: i64,
    pub kind: PhoneNumberKind,
    /// The number in E.164 (`+14155550100`), or the digits of a short code.
    pub e164: String,
    pub name: String,
    pub description: String,
    pub number_type: NumberType,
    /// The provider's id for the number (Twilio's `PN…` sid), when known.
    pub provider_sid: Option<String>,
    /// The owning agent.
    pub owner_user_id: Option<i64>,
    /// Who answers conversations on this number when no campaign is active on it, and
    /// again after a campaign on it is archived.
    pub default_operated_by: OperatedBy,
    pub status: PhoneNumberStatus,
    /// The campaign a single-use number was provisioned for.
    pub campaign_id: Option<i64>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub released_at: Option<DateTime<Utc>>,
    /// Who receives messages not tied to an active campaign (reusable numbers).
    pub unsolicited: UnsolicitedSettings,
}

/// How `POST /api/v1/phone-numbers` gets its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CreateMode {
    /// A number the organisation already has at the provider: give `e164` and
    /// `number_type` (and `provider_sid` to let Tidings release it at the provider).
    Register,
    /// Buy a new number through the provider (optionally near `area_code`).
    Provision,
}

/// `POST /api/v1/phone-numbers`: a new reusable number.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePhoneNumber {
    pub mode: CreateMode,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub office_id: i64,
    /// The owning agent, a user of the organisation.
    #[serde(default)]
    pub owner_user_id: Option<i64>,
    /// Defaults to `agent`.
    #[serde(default)]
    pub default_operated_by: Option<OperatedBy>,
    /// Register only: the number, in E.164 (`+14155550100`) or in the national format
    /// of `country` (`(415) 555-0100`); a short code's digits for `short_code`.
    #[serde(default)]
    pub e164: Option<String>,
    /// Register only: how the number sends (decides its rate).
    #[serde(default)]
    pub number_type: Option<NumberType>,
    /// Register only: the provider's id for the number. With it, releasing the number
    /// releases it at the provider too; without it, Tidings only stops using it.
    #[serde(default)]
    pub provider_sid: Option<String>,
    /// ISO 3166 country (two letters): where a national-format `e164` is read, and
    /// where a provisioned number is bought. Defaults to `US`.
    #[serde(default)]
    pub country: Option<String>,
    /// Provision only: the preferred area code (three digits, North America).
    #[serde(default)]
    pub area_code: Option<String>,
}

/// `PATCH /api/v1/phone-numbers/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdatePhoneNumber {
    #[serde(default)]
    pub name: Option<String>,
    /// An empty string clears the description.
    #[serde(default)]
    pub description: Option<String>,
    /// Moves the number to another office (refused while a campaign that is not
    /// archived uses it).
    #[serde(default)]
    pub office_id: Option<i64>,
    /// The owning agent; `null` removes the owner.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub owner_user_id: Option<Option<i64>>,
    #[serde(default)]
    pub default_operated_by: Option<OperatedBy>,
}

/// Tells a field sent as `null` (`Some(None)`) from a field left out (`None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The fields of a creation request that passed the checks, trimmed and defaulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCreate {
    pub mode: CreateMode,
    pub name: String,
    pub description: String,
    pub default_operated_by: OperatedBy,
    /// Register: the number as typed (trimmed); the server parses it.
    pub number: Option<String>,
    pub number_type: Option<NumberType>,
    pub provider_sid: Option<String>,
    /// Upper-case ISO 3166 alpha-2.
    pub country: String,
    pub area_code: Option<String>,
}

/// Checks what a creation request can be checked for without numbering-plan
/// metadata: the name, the description, and which fields the mode takes.
pub fn validate_create(input: &CreatePhoneNumber) -> Result<ValidCreate, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = validate_number_name(&input.name, &mut errors);
    let description = validate_description(input.description.as_deref().unwrap_or(""), &mut errors);
    let country = validate_country(input.country.as_deref().unwrap_or(DEFAULT_COUNTRY), &mut errors);
    let number = input.e164.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    let provider_sid = input.provider_sid.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let mut area_code = None;
    match input.mode {
        CreateMode::Register => {
            if number.is_none() {
                errors.push(FieldError::new("e164", "give the number to register"));
            }
            if input.number_type.is_none() {
                errors.push(FieldError::new(
                    "number_type",
                    "give the number's type: long_code, toll_free, short_code or simulator",
                ));
            }
            if input.area_code.is_some() {
                errors.push(FieldError::new("area_code", "only applies when provisioning a new number"));
            }
            if provider_sid.as_deref().is_some_and(|sid| sid.chars().count() > 64) {
                errors.push(FieldError::new("provider_sid", "must be at most 64 characters"));
            }
        }
        CreateMode::Provision => {
            for (field, given) in [
                ("e164", input.e164.is_some()),
                ("number_type", input.number_type.is_some()),
                ("provider_sid", input.provider_sid.is_some()),
            ] {
                if given {
                    errors.push(FieldError::new(field, "the provider chooses this when provisioning"));
                }
            }
            area_code = input.area_code.as_deref().and_then(|code| validate_area_code(code, &mut errors));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidCreate {
        mode: input.mode,
        name,
        description,
        default_operated_by: input.default_operated_by.unwrap_or_default(),
        number,
        number_type: input.number_type,
        provider_sid,
        country,
        area_code,
    })
}

/// Checks a number's name: trimmed, not empty, not too long. Returns the trimmed name.
pub fn validate_number_name(name: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    } else if trimmed.chars().count() > PHONE_NUMBER_NAME_MAX {
        errors.push(FieldError::new("name", format!("must be at most {PHONE_NUMBER_NAME_MAX} characters")));
    }
    trimmed.to_owned()
}

/// Checks a description (may be empty). Returns it trimmed.
pub fn validate_description(description: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = description.trim();
    if trimmed.chars().count() > PHONE_NUMBER_DESCRIPTION_MAX {
        errors
            .push(FieldError::new("description", format!("must be at most {PHONE_NUMBER_DESCRIPTION_MAX} characters")));
    }
    trimmed.to_owned()
}

/// Checks an ISO 3166 alpha-2 country code's shape; returns it upper-cased.
pub fn validate_country(country: &str, errors: &mut Vec<FieldError>) -> String {
    let code = country.trim().to_ascii_uppercase();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.push(FieldError::new("country", "must be a two-letter country code such as US"));
    }
    code
}

/// Checks a North American area code: three digits, not starting with 0 or 1.
pub fn validate_area_code(code: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let code = code.trim();
    let valid = code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) && !code.starts_with(['0', '1']);
    if valid {
        Some(code.to_owned())
    } else {
        errors.push(FieldError::new("area_code", "must be three digits not starting with 0 or 1, such as 415"));
        None
    }
}

/// Reads a US/Canada short code (5 or 6 digits; spaces and dashes ignored).
pub fn parse_short_code(text: &str) -> Result<String, &'static str> {
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if (5..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0') {
        Ok(digits)
    } else {
        Err("a short code is 5 or 6 digits, such as 44444")
    }
}

/// Checks an unsolicited-settings request's size and returns it normalised (sorted,
/// without repeats). Whether each id belongs to the organisation is the server's check.
pub fn validate_unsolicited(settings: &UnsolicitedSettings) -> Result<UnsolicitedSettings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let normalised = settings.normalised();
    for (field, count) in [("user_ids", normalised.user_ids.len()), ("office_ids", normalised.office_ids.len())] {
        if count > UNSOLICITED_RECIPIENTS_MAX {
            errors.push(FieldError::new(field, format!("may name at most {UNSOLICITED_RECIPIENTS_MAX} recipients")));
        }
    }
    if errors.is_empty() {
        Ok(normalised)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register(e164: &str) -> CreatePhoneNumber {
        CreatePhoneNumber {
            mode: CreateMode::Register,
            name: " Front desk ".to_owned(),
            description: None,
            office_id: 1,
            owner_user_id: None,
            default_operated_by: None,
            e164: Some(e164.to_owned()),
            number_type: Some(NumberType::LongCode),
            provider_sid: None,
            country: None,
            area_code: None,
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn spellings_round_trip() {
        for t in NumberType::ALL {
            assert_eq!(NumberType::parse(t.as_str()), Some(t));
        }
        for s in [PhoneNumberStatus::Active, PhoneNumberStatus::Released] {
            assert_eq!(PhoneNumberStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(NumberType::parse("landline"), None);
        assert_eq!(serde_json::to_value(NumberType::TollFree).ok(), Some(serde_json::json!("toll_free")));
    }

    #[test]
    fn rates_follow_the_number_type() {
        assert_eq!(NumberType::LongCode.default_messages_per_second(), Some(1));
        assert_eq!(NumberType::TollFree.default_messages_per_second(), Some(3));
        assert_eq!(NumberType::ShortCode.default_messages_per_second(), Some(100));
        assert_eq!(NumberType::Simulator.default_messages_per_second(), None);
    }

    #[test]
    fn register_is_trimmed_and_defaulted() {
        let valid = validate_create(&register(" (415) 555-0100 ")).unwrap();
        assert_eq!(valid.name, "Front desk");
        assert_eq!(valid.description, "");
        assert_eq!(valid.number.as_deref(), Some("(415) 555-0100"));
        assert_eq!(valid.country, "US");
        assert_eq!(valid.default_operated_by, OperatedBy::Agent);
    }

    #[test]
    fn register_needs_a_number_and_a_type() {
        let input = CreatePhoneNumber {
            e164: Some("  ".to_owned()),
            number_type: None,
            area_code: Some("415".to_owned()),
            name: String::new(),
            ..register("")
        };
        let errors = validate_create(&input).unwrap_err();
        assert_eq!(fields(&errors), ["name", "e164", "number_type", "area_code"]);
    }

    #[test]
    fn provision_refuses_what_the_provider_chooses() {
        let input = CreatePhoneNumber { mode: CreateMode::Provision, ..register("+14155550100") };
        let errors = validate_create(&input).unwrap_err();
        assert_eq!(fields(&errors), ["e164", "number_type"]);

        let input = CreatePhoneNumber {
            mode: CreateMode::Provision,
            e164: None,
            number_type: None,
            area_code: Some("415".to_owned()),
            country: Some("ca".to_owned()),
            ..register("")
        };
        let valid = validate_create(&input).unwrap();
        assert_eq!(valid.area_code.as_deref(), Some("415"));
        assert_eq!(valid.country, "CA");
    }

    #[test]
    fn names_descriptions_countries_and_area_codes_are_checked() {
        let mut errors = Vec::new();
        validate_number_name(&"x".repeat(PHONE_NUMBER_NAME_MAX + 1), &mut errors);
        validate_description(&"x".repeat(PHONE_NUMBER_DESCRIPTION_MAX + 1), &mut errors);
        validate_country("USA", &mut errors);
        assert_eq!(validate_area_code("015", &mut errors), None);
        assert_eq!(validate_area_code("41", &mut errors), None);
        assert_eq!(fields(&errors), ["name", "description", "country", "area_code", "area_code"]);
        let mut errors = Vec::new();
        assert_eq!(validate_number_name(&"é".repeat(PHONE_NUMBER_NAME_MAX), &mut errors).chars().count(), 120);
        assert_eq!(validate_area_code(" 212 ", &mut errors).as_deref(), Some("212"));
        assert!(errors.is_empty());
    }

    #[test]
    fn short_codes_are_five_or_six_digits() {
        assert_eq!(parse_short_code("44 444"), Ok("44444".to_owned()));
        assert_eq!(parse_short_code("123-456"), Ok("123456".to_owned()));
        assert!(parse_short_code("1234").is_err());
        assert!(parse_short_code("1234567").is_err());
        assert!(parse_short_code("+14155550100").is_err());
        assert!(parse_short_code("01234").is_err());
    }

    #[test]
    fn unsolicited_settings_are_sorted_without_repeats() {
        let settings = UnsolicitedSettings { user_ids: vec![3, 1, 3], office_ids: vec![] };
        let valid = validate_unsolicited(&settings).unwrap();
        assert_eq!(valid, UnsolicitedSettings { user_ids: vec![1, 3], office_ids: vec![] });
        assert!(!valid.is_empty());
        let too_many =
            UnsolicitedSettings { user_ids: (0..=UNSOLICITED_RECIPIENTS_MAX as i64).collect(), office_ids: vec![] };
        assert_eq!(fields(&validate_unsolicited(&too_many).unwrap_err()), ["user_ids"]);
    }

    #[test]
    fn patch_tells_null_from_absent() {
        let cleared: UpdatePhoneNumber = serde_json::from_str(r#"{"owner_user_id": null}"#).unwrap();
        assert_eq!(cleared.owner_user_id, Some(None));
        let set: UpdatePhoneNumber = serde_json::from_str(r#"{"owner_user_id": 7}"#).unwrap();
        assert_eq!(set.owner_user_id, Some(Some(7)));
        let absent: UpdatePhoneNumber = serde_json::from_str(r#"{"name": "x"}"#).unwrap();
        assert_eq!(absent.owner_user_id, None);
        assert!(serde_json::from_str::<UpdatePhoneNumber>(r#"{"kind": "reusable"}"#).is_err());
    }
}
