//! Login, session and API-key wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::role::Role;

/// Credentials for `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub password: String,
}

/// A signed-in session: the bearer token and who it belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub expires_at: DateTime<Utc>,
    pub user: Me,
}

/// The organisation a user belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationSummary {
    pub id: i64,
    pub name: String,
}

/// The office a user belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeSummary {
    pub id: i64,
    pub name: String,
    pub time_zone: String,
}

/// The signed-in user (`GET /api/v1/me`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub view_other_offices: bool,
    /// Without it every campaign and conversation endpoint answers 403.
    pub two_way_messaging: bool,
    pub office: OfficeSummary,
    pub organisation: OrganisationSummary,
    /// The server sends through its built-in simulator, not Twilio: contacts' replies
    /// can be made up (`POST /api/v1/simulator/inbound`), and the app offers a
    /// "Simulate reply" control.
    #[serde(default)]
    pub simulator: bool,
    /// Conversations needing attention in the user's personal inbox (the navigation's
    /// count); 0 without the messaging permission.
    #[serde(default)]
    pub inbox_needs_attention: i64,
}

/// The longest name an API key may have, in characters.
pub const API_KEY_NAME_MAX: usize = 120;

/// `POST /api/v1/api-keys`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// What the key is for ("SIS nightly sync").
    pub name: String,
    /// The user the key acts as; defaults to the admin creating it.
    #[serde(default)]
    pub user_id: Option<i64>,
}

/// An API key as listed: never the secret itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The first characters of the key, to tell keys apart.
    pub prefix: String,
    pub user_id: i64,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The answer to creating a key: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    /// Send as `Authorization: Bearer <key>`. Store it now: it is not shown again.
    pub key: String,
    #[serde(flatten)]
    pub api_key: ApiKey,
}
