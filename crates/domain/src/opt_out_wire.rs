//! Wire types of the suppression list (`/api/v1/opt-outs`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::campaign_wire::NamedRef;

/// How a number came onto the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum OptOutSource {
    /// The contact texted an opt-out keyword (STOP, …).
    Keyword,
    /// A member of staff opted the contact out (a conversation, the Contacts tab).
    Manual,
    /// An integration added it through the API.
    Api,
    /// Added by Tidings when the provider said the number cannot receive texts
    /// (Twilio 21211, 21614, 30005, 30006); the code and its words are the reason.
    Undeliverable,
}

impl OptOutSource {
    pub fn as_str(self) -> &'static str {
        match self {
            OptOutSource::Keyword => "keyword",
            OptOutSource::Manual => "manual",
            OptOutSource::Api => "api",
            OptOutSource::Undeliverable => "undeliverable",
        }
    }

    pub fn parse(value: &str) -> Option<OptOutSource> {
        [OptOutSource::Keyword, OptOutSource::Manual, OptOutSource::Api, OptOutSource::Undeliverable]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// One entry of the organisation's suppression list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptOut {
    pub id: i64,
    /// E.164.
    pub phone: String,
    pub source: OptOutSource,
    /// The campaign the contact opted out from, if any.
    pub campaign: Option<NamedRef>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    pub created_by: Option<NamedRef>,
    /// Set once the opt-out was lifted (START, or by staff with a reason).
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub lifted_at: Option<DateTime<Utc>>,
    pub lifted_by: Option<NamedRef>,
    pub lift_reason: Option<String>,
    /// Why Tidings added it (an undeliverable number: the provider's code and words).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A page of the list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptOutPage {
    pub items: Vec<OptOut>,
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/opt-outs`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddOptOut {
    /// Any common format; normalised to E.164 (US by default).
    pub phone: String,
    /// Why it is added (kept as the entry's reason), at most 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The longest reason an entry or a lift may carry.
pub const OPT_OUT_REASON_MAX: usize = 500;

/// `DELETE /api/v1/opt-outs/{id}`: why the number may be texted again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LiftOptOut {
    pub reason: String,
}
