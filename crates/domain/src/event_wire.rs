//! Wire types of live updates (`GET /api/v1/events`, Server-Sent Events): the event
//! kinds and the data each carries, shared so the SPA reads exactly what the server
//! writes.

use serde::{Deserialize, Serialize};

use crate::campaign::CampaignState;
use crate::delivery::{MessageStatus, SendCounts};

/// What happened; the SSE `event:` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum EventKind {
    /// A message was written (a contact's reply, an agent's or the assistant's answer).
    #[serde(rename = "message.created")]
    MessageCreated,
    /// A message's delivery status changed.
    #[serde(rename = "message.status")]
    MessageStatus,
    /// A conversation changed (section, operator, needs attention, tags, inboxes).
    #[serde(rename = "conversation.updated")]
    ConversationUpdated,
    /// A campaign changed state (launched, scheduled, unscheduled, archived).
    #[serde(rename = "campaign.updated")]
    CampaignUpdated,
    /// Not stored: the stream could not give everything that was missed (the
    /// reconnect came after the replay window, or the client fell behind); reload
    /// what is on screen.
    #[serde(rename = "resync")]
    Resync,
}

impl EventKind {
    pub const STORED: [EventKind; 4] = [
        EventKind::MessageCreated,
        EventKind::MessageStatus,
        EventKind::ConversationUpdated,
        EventKind::CampaignUpdated,
    ];

    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::MessageCreated => "message.created",
            EventKind::MessageStatus => "message.status",
            EventKind::ConversationUpdated => "conversation.updated",
            EventKind::CampaignUpdated => "campaign.updated",
            EventKind::Resync => "resync",
        }
    }

    pub fn parse(value: &str) -> Option<EventKind> {
        EventKind::STORED.into_iter().chain([EventKind::Resync]).find(|k| k.as_str() == value)
    }
}

/// The data of `message.status`: where a message is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageStatusEvent {
    /// The message.
    pub id: i64,
    pub campaign_id: Option<i64>,
    pub conversation_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub status: MessageStatus,
    /// Waiting for another attempt after a transient failure.
    pub retrying: bool,
    pub error_code: Option<i64>,
    /// What the error means to a person.
    pub error_reason: Option<String>,
}

/// The data of `campaign.updated`: the campaign's state now, and its send counters once
/// it has launched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignUpdatedEvent {
    /// The campaign.
    pub id: i64,
    pub state: CampaignState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_counts: Option<SendCounts>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_spelt_the_same_on_the_wire_and_in_storage() {
        for kind in EventKind::STORED.into_iter().chain([EventKind::Resync]) {
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::Value::from(kind.as_str())));
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EventKind::parse("message"), None);
    }

    #[test]
    fn a_campaign_event_leaves_out_counts_it_does_not_have() {
        let event = CampaignUpdatedEvent { id: 7, state: CampaignState::Scheduled, send_counts: None };
        assert_eq!(serde_json::to_value(&event).ok(), Some(serde_json::json!({"id": 7, "state": "scheduled"})));
    }
}
