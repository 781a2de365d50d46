//! Office wire types and their validation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::problem::FieldError;
#[cfg(feature = "time-zones")]
use crate::time_zone::parse_time_zone;

/// Longest office name accepted.
pub const OFFICE_NAME_MAX: usize = 120;

/// An office of the organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Office {
    pub id: i64,
    pub name: String,
    /// IANA time zone, e.g. `America/New_York`.
    pub time_zone: String,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/offices`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOffice {
    pub name: String,
    pub time_zone: String,
}

/// `PATCH /api/v1/offices/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOffice {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Checks an office name: trimmed, not empty, not too long. Returns the trimmed name.
pub fn validate_office_name(name: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    } else if trimmed.chars().count() > OFFICE_NAME_MAX {
        errors.push(FieldError::new("name", format!("must be at most {OFFICE_NAME_MAX} characters")));
    }
    trimmed.to_owned()
}

/// Checks a time zone name; returns the canonical name.
#[cfg(feature = "time-zones")]
pub fn validate_time_zone(name: &str, field: &str, errors: &mut Vec<FieldError>) -> String {
    match parse_time_zone(name) {
        Ok(zone) => zone.name().to_owned(),
        Err(reason) => {
            errors.push(FieldError::new(field, reason));
            name.to_owned()
        }
    }
}
