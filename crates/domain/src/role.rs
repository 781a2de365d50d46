//! Two-way messaging roles, as the vendor names them, and what each may do.

use serde::{Deserialize, Serialize};

/// A user's two-way messaging role.
///
/// - `administrative`: everything in the organisation, including users, offices,
///   numbers and API keys.
/// - `standard`: create, edit, launch, schedule and archive campaigns; contact lists;
///   all conversation work.
/// - `limited`: works the conversations in their inboxes and views their office's
///   campaigns; cannot create campaigns or start conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Role {
    Administrative,
    Standard,
    Limited,
}

impl Role {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrative => "administrative",
            Role::Standard => "standard",
            Role::Limited => "limited",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "administrative" => Some(Role::Administrative),
            "standard" => Some(Role::Standard),
            "limited" => Some(Role::Limited),
            _ => None,
        }
    }

    /// Whether this role administers the organisation (users, offices, numbers, keys).
    pub fn is_admin(self) -> bool {
        self == Role::Administrative
    }

    /// Whether this role may create, edit, launch, schedule and archive campaigns.
    pub fn manages_campaigns(self) -> bool {
        matches!(self, Role::Administrative | Role::Standard)
    }

    /// Whether a user with this role may ever see other offices' campaigns.
    /// Limited users never do, whatever their `view_other_offices` flag says.
    pub fn may_view_other_offices(self) -> bool {
        self != Role::Limited
    }

    /// A human label for the SPA.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrative => "Administrative",
            Role::Standard => "Standard",
            Role::Limited => "Limited",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_every_role() {
        for role in [Role::Administrative, Role::Standard, Role::Limited] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn limited_users_never_see_other_offices_or_manage_campaigns() {
        assert!(!Role::Limited.may_view_other_offices());
        assert!(!Role::Limited.manages_campaigns());
        assert!(Role::Standard.manages_campaigns());
        assert!(!Role::Standard.is_admin());
        assert!(Role::Administrative.is_admin());
    }
}
