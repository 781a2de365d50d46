//! Wire types of the campaign endpoints: the campaign resource (one shape for the tab
//! lists and the detail view), create/update bodies, the calendar and the audit trail.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::assistant::AssistantScript;
use crate::campaign::{ActionAvailability, ArchiveKind, CampaignState, OperatedBy, PhoneNumberKind, Readiness};
use crate::delivery::SendCounts;
use crate::organisation_wire::TextingHours;

/// An id with a display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// The number a campaign sends from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignNumber {
    /// Absent for a single-use number that is provisioned only at launch.
    pub id: Option<i64>,
    pub kind: PhoneNumberKind,
    /// E.164; absent until a single-use number is provisioned.
    pub e164: Option<String>,
    /// What the Phone Number column shows ("+1 415 555 0100", "Single-use (at launch)").
    pub display: String,
}

/// The contact list a campaign texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignContactList {
    pub id: i64,
    pub name: String,
    pub contact_count: i64,
}

/// A campaign: the Active tab's columns, its settings, readiness and the actions this
/// user may take on it now (disabled ones carry the reason).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    pub id: i64,
    pub title: String,
    pub state: CampaignState,
    /// How an archived campaign ended: discarded draft, cancelled schedule, stopped.
    pub archive_kind: Option<ArchiveKind>,
    pub office: NamedRef,
    pub phone_number: Option<CampaignNumber>,
    pub contact_list: Option<CampaignContactList>,
    pub operated_by: OperatedBy,
    pub tags: Vec<String>,
    /// IANA zone the campaign's times are shown in.
    pub time_zone: String,
    pub message_template: String,
    /// Whether "Reply STOP to opt out." is appended to the first message.
    pub append_opt_out: bool,
    /// The campaign's own narrowing of the organisation's texting hours; `null` when
    /// it keeps the organisation's.
    #[serde(default)]
    pub texting_hours: Option<TextingHours>,
    /// The hours its messages go out in, on each contact's clock: the organisation's
    /// window narrowed by the campaign's.
    pub effective_texting_hours: TextingHours,
    /// Launch messages waiting for their contacts' texting hours (active and paused
    /// campaigns that have any).
    #[serde(default)]
    pub texting_wait: Option<TextingWait>,
    pub agents: Vec<NamedRef>,
    pub assistant_script: Option<AssistantScript>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub scheduled_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub launched_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub archived_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    /// The "Last updated" column.
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<NamedRef>,
    /// Where the launch messages are; all zero before launch.
    #[serde(default)]
    pub send_counts: SendCounts,
    /// While a launch is still writing its messages (a chunk of contacts at a time):
    /// how far it is. Absent once every contact is written.
    #[serde(default)]
    pub launch_progress: Option<LaunchProgress>,
    pub readiness: Readiness,
    pub actions: Vec<ActionAvailability>,
}

/// A launch still writing its messages: contacts of the list handled so far (texted
/// or skipped) of those on it at launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LaunchProgress {
    pub written: i64,
    pub total: i64,
}

/// How many of a campaign's launch messages wait for their contacts' texting hours,
/// and when the last of them may go (the latest window opening among them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextingWait {
    pub waiting: i64,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub last_opens_at: DateTime<Utc>,
}

/// The number choice in a create or update body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum NumberChoice {
    /// A reusable number of the campaign's office.
    Reusable { id: i64 },
    /// A new number provisioned at launch and released when the campaign ends.
    SingleUse,
}

/// `POST /api/v1/campaigns`: a new draft. Only the title is required; the rest can be
/// filled in later (readiness lists what is missing).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCampaign {
    pub title: String,
    /// Defaults to the creator's office.
    #[serde(default)]
    pub office_id: Option<i64>,
    #[serde(default)]
    pub operated_by: Option<OperatedBy>,
    #[serde(default)]
    pub phone_number: Option<NumberChoice>,
    #[serde(default)]
    pub contact_list_id: Option<i64>,
    #[serde(default)]
    pub message_template: Option<String>,
    /// Defaults to true.
    #[serde(default)]
    pub append_opt_out: Option<bool>,
    #[serde(default)]
    pub agent_ids: Option<Vec<i64>>,
    #[serde(default)]
    pub assistant_script: Option<AssistantScript>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Defaults to the office's time zone.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Narrows the organisation's texting hours for this campaign; must lie inside
    /// them. Left out: the organisation's.
    #[serde(default)]
    pub texting_hours: Option<TextingHours>,
}

/// `PATCH /api/v1/campaigns/{id}`: fields left out stay; `null` clears the optional
/// ones (number, contact list, assistant script).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCampaign {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub office_id: Option<i64>,
    #[serde(default)]
    pub operated_by: Option<OperatedBy>,
    #[serde(default, with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NumberChoice>))]
    pub phone_number: Option<Option<NumberChoice>>,
    #[serde(default, with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub contact_list_id: Option<Option<i64>>,
    #[serde(default)]
    pub message_template: Option<String>,
    #[serde(default)]
    pub append_opt_out: Option<bool>,
    #[serde(default)]
    pub agent_ids: Option<Vec<i64>>,
    #[serde(default, with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<AssistantScript>))]
    pub assistant_script: Option<Option<AssistantScript>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Narrows the organisation's texting hours; `null` goes back to the
    /// organisation's.
    #[serde(default, with = "double_option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<TextingHours>))]
    pub texting_hours: Option<Option<TextingHours>>,
}

/// Tells a field left out (`None`) from an explicit `null` (`Some(None)`).
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }

    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }
}

/// `POST /api/v1/campaigns/{id}/schedule`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScheduleCampaign {
    /// The launch time (RFC 3339); at least 30 minutes from now.
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub launch_at: DateTime<Utc>,
}

/// A page of campaigns.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignPage {
    pub items: Vec<Campaign>,
    pub page: u32,
    pub per_page: u32,
    /// Campaigns matching the filters across all pages.
    pub total: i64,
}

/// One scheduled campaign on a calendar day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarEntry {
    pub id: i64,
    pub title: String,
    /// The provisioned number, or "Single-use (at launch)".
    pub phone_number: String,
    pub office: String,
    pub contact_list: Option<String>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub launch_at: DateTime<Utc>,
    pub time_zone: String,
}

/// A calendar day with scheduled campaigns (days without any are left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDay {
    /// The local date in each campaign's time zone.
    pub date: NaiveDate,
    pub count: usize,
    pub campaigns: Vec<CalendarEntry>,
}

/// `GET /api/v1/campaigns/calendar`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Calendar {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<CalendarDay>,
}

/// A tag in use, for the tag filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagCount {
    pub tag: String,
    /// Campaigns (visible to the caller) carrying it.
    pub campaigns: i64,
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// What the entry is about: `campaign`, `opt_out`, `organisation`, `phone_number`,
    /// `conversation`, … and its id.
    #[serde(default)]
    pub entity_type: String,
    #[serde(default)]
    pub entity_id: i64,
    /// Absent for changes made by the system (the scheduler).
    pub actor: Option<NamedRef>,
    pub action: String,
    /// What changed (field → new value, or facts of the action).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub at: DateTime<Utc>,
}

/// `POST /api/v1/contact-lists/{id}/estimate`: what a message to this list would cost,
/// before anything is saved (the wizard's message and launch steps).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EstimateRequest {
    /// At most 1600 characters, like a campaign's message.
    pub message_template: String,
    /// Defaults to true, as for a campaign.
    #[serde(default)]
    pub append_opt_out: Option<bool>,
    /// The number it would go from (its type sets the price); without one, a long code.
    #[serde(default)]
    pub phone_number: Option<NumberChoice>,
}

/// The cost of texting a list: every eligible contact's own rendered message counted in
/// segments, times the organisation's price per segment for the number's type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostEstimate {
    /// Contacts in the list.
    pub contacts: i64,
    /// Contacts a launch would text now.
    pub eligible: i64,
    pub skipped_opted_out: i64,
    pub skipped_undeliverable: i64,
    /// Unusable numbers, or a message empty or over 1600 characters for that contact.
    pub skipped_invalid: i64,
    /// Segments over every eligible contact's message.
    pub segments: i64,
    pub number_type: crate::phone_number::NumberType,
    /// Dollars per segment, as decimal text (`0.0083`).
    pub price_per_segment: String,
    /// The total in dollars, to the cent (`19.34`).
    pub estimated_cost: String,
    /// "about 2,418 segments, ≈ $19.34".
    pub summary: String,
}

/// `GET /api/v1/audit-log`: the organisation's audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` for the next (older) page; absent on the last.
    pub next_cursor: Option<String>,
}
