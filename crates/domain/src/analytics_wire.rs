//! Wire types of a campaign's Analytics tab (`GET /api/v1/campaigns/{id}/analytics`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::campaign_wire::NamedRef;

/// Failures with one error code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailureCount {
    /// The provider's code; absent when the failure had none (e.g. the provider was
    /// unreachable on every attempt).
    pub code: Option<i64>,
    pub reason: String,
    pub count: i64,
}

/// Campaign Send Status: the launch messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendStatus {
    /// Launch messages written (one per texted contact).
    pub total: i64,
    /// Sent or delivered.
    pub successful: i64,
    /// Undelivered or refused.
    pub failed: i64,
    /// Neither yet: queued, with the provider, or of unknown outcome.
    pub in_progress: i64,
    /// Withdrawn when the campaign stopped.
    pub cancelled: i64,
    pub failures: Vec<FailureCount>,
}

/// Engagement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Engagement {
    /// Launch messages sent or delivered.
    pub sent: i64,
    /// Contacts who replied at least once.
    pub responded: i64,
    /// Numbers put on the suppression list from this campaign.
    pub opt_outs: i64,
    /// responded ÷ sent; absent while nothing was sent.
    pub rate: Option<f64>,
}

/// One agent's replies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentResponses {
    pub agent: NamedRef,
    pub responses: i64,
    pub median_response_seconds: Option<i64>,
    pub p90_response_seconds: Option<i64>,
}

/// Responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Responses {
    /// Messages from contacts.
    pub contact_responses: i64,
    /// Messages from agents.
    pub agent_responses: i64,
    /// Messages from the Virtual Assistant.
    pub chatbot_responses: i64,
    /// Each contact message to the next agent reply in its conversation.
    pub median_agent_response_seconds: Option<i64>,
    pub p90_agent_response_seconds: Option<i64>,
    pub per_agent: Vec<AgentResponses>,
}

/// One bucket of Contact Message Activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityBar {
    /// The bucket's start (a local hour, midnight, month or year in the campaign's zone).
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub start: DateTime<Utc>,
    pub inbound: i64,
    pub outbound: i64,
}

/// Contact Message Activity: counts per bucket, empty buckets included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    /// `hour`, `day`, `month` or `year`, by how long the campaign has been active.
    pub bucket: String,
    pub time_zone: String,
    pub bars: Vec<ActivityBar>,
}

/// The Analytics tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignAnalytics {
    pub send_status: SendStatus,
    pub engagement: Engagement,
    pub responses: Responses,
    /// Absent before launch.
    pub activity: Option<Activity>,
}
