//! User wire types and their validation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::problem::FieldError;
use crate::role::Role;

/// Shortest password accepted for a new account.
pub const PASSWORD_MIN: usize = 10;

/// A user of the organisation, as administrators see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub office_id: i64,
    pub view_other_offices: bool,
    pub two_way_messaging: bool,
    /// Deactivated users cannot sign in; their history stays.
    pub active: bool,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/users`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub office_id: i64,
    #[serde(default)]
    pub view_other_offices: bool,
    #[serde(default = "yes")]
    pub two_way_messaging: bool,
}

fn yes() -> bool {
    true
}

/// `PATCH /api/v1/users/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub office_id: Option<i64>,
    #[serde(default)]
    pub view_other_offices: Option<bool>,
    #[serde(default)]
    pub two_way_messaging: Option<bool>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// Normalises and checks an email address: trimmed, lower-cased, one `@` with text on
/// both sides and a dot in the domain. Deliverability is not our business.
pub fn validate_email(email: &str, errors: &mut Vec<FieldError>) -> String {
    let normalised = email.trim().to_lowercase();
    let valid = match normalised.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && normalised.len() <= 254
                && !normalised.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if !valid {
        errors.push(FieldError::new("email", "must be an email address such as name@example.org"));
    }
    normalised
}

/// Checks a person's display name.
pub fn validate_user_name(name: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    } else if trimmed.chars().count() > 120 {
        errors.push(FieldError::new("name", "must be at most 120 characters"));
    }
    trimmed.to_owned()
}

/// Checks a new password's length (the only rule NIST SP 800-63B asks for).
pub fn validate_password(password: &str, errors: &mut Vec<FieldError>) {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        errors.push(FieldError::new("password", format!("must be at least {PASSWORD_MIN} characters")));
    } else if length > 256 {
        errors.push(FieldError::new("password", "must be at most 256 characters"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        let mut errors = Vec::new();
        assert_eq!(validate_email("  Ada@Example.ORG ", &mut errors), "ada@example.org");
        assert!(errors.is_empty());
        for bad in ["ada", "@example.org", "ada@example", "ada@.org", "a b@example.org"] {
            let mut errors = Vec::new();
            validate_email(bad, &mut errors);
            assert_eq!(errors.len(), 1, "{bad} should be refused");
            assert_eq!(errors[0].field, "email");
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        let mut errors = Vec::new();
        validate_password("short", &mut errors);
        assert_eq!(errors.len(), 1);
        let mut errors = Vec::new();
        validate_password("long enough password", &mut errors);
        assert!(errors.is_empty());
    }
}
