//! Wire types of live updates (`GET /api/v1/events`, Server-Sent Events): the event
//! kinds and the data each carries, shared so the SPA reads exactly what the server
//! writes. Services publish an [`Event`]; its variant is its kind and the variant's
//! struct is the SSE `data:`. A new kind is an `EventKind` (with its spelling), an
//! `Event` variant with its struct and match arms here, the struct in the OpenAPI
//! document's schema list, and the kind in the SPA's listener list (`live.rs`).

use serde::{Deserialize, Serialize};

use crate::campaign::{CampaignState, OperatedBy};
use crate::conversation_wire::Route;
use crate::delivery::{MessageStatus, SendCounts};
use crate::message_wire::{Author, Direction};

/// A short-lived, single-use ticket to open the event stream
/// (`GET /api/v1/events?ticket=…`), so no long-lived credential goes into a URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreamTicket {
    /// Pass as the `ticket` query parameter; it opens one stream, once.
    pub ticket: String,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

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

/// The data of `message.created`: a message was written in a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageCreatedEvent {
    /// The message.
    pub id: i64,
    pub conversation_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub direction: Direction,
    pub author: Author,
}

/// The data of `conversation.updated`: a conversation as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationUpdatedEvent {
    /// The conversation.
    pub id: i64,
    pub campaign_id: Option<i64>,
    pub operated_by: OperatedBy,
    pub needs_attention: bool,
    pub route: Route,
    /// The user it is assigned to, if anyone.
    #[serde(default)]
    pub assigned_user_id: Option<i64>,
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
    /// While the launch is still writing its messages: how far it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_progress: Option<crate::campaign_wire::LaunchProgress>,
}

/// One stored live event: the variant is the kind, its struct the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    MessageCreated(MessageCreatedEvent),
    MessageStatus(MessageStatusEvent),
    ConversationUpdated(ConversationUpdatedEvent),
    CampaignUpdated(CampaignUpdatedEvent),
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Event::MessageCreated(_) => EventKind::MessageCreated,
            Event::MessageStatus(_) => EventKind::MessageStatus,
            Event::ConversationUpdated(_) => EventKind::ConversationUpdated,
            Event::CampaignUpdated(_) => EventKind::CampaignUpdated,
        }
    }

    /// The SSE `data:` of the event: its struct as JSON.
    pub fn data_json(&self) -> serde_json::Result<String> {
        match self {
            Event::MessageCreated(data) => serde_json::to_string(data),
            Event::MessageStatus(data) => serde_json::to_string(data),
            Event::ConversationUpdated(data) => serde_json::to_string(data),
            Event::CampaignUpdated(data) => serde_json::to_string(data),
        }
    }

    /// Reads an event of `kind` from its SSE data; `None` for `resync` (which has no
    /// data) and for data that is not that kind's.
    pub fn decode(kind: EventKind, data: &str) -> Option<Event> {
        Some(match kind {
            EventKind::MessageCreated => Event::MessageCreated(serde_json::from_str(data).ok()?),
            EventKind::MessageStatus => Event::MessageStatus(serde_json::from_str(data).ok()?),
            EventKind::ConversationUpdated => Event::ConversationUpdated(serde_json::from_str(data).ok()?),
            EventKind::CampaignUpdated => Event::CampaignUpdated(serde_json::from_str(data).ok()?),
            EventKind::Resync => return None,
        })
    }

    /// The campaign the event concerns, if any.
    pub fn campaign_id(&self) -> Option<i64> {
        match self {
            Event::MessageCreated(data) => data.campaign_id,
            Event::MessageStatus(data) => data.campaign_id,
            Event::ConversationUpdated(data) => data.campaign_id,
            Event::CampaignUpdated(data) => Some(data.id),
        }
    }

    /// The conversation the event concerns, if any.
    pub fn conversation_id(&self) -> Option<i64> {
        match self {
            Event::MessageCreated(data) => data.conversation_id,
            Event::MessageStatus(data) => data.conversation_id,
            Event::ConversationUpdated(data) => Some(data.id),
            Event::CampaignUpdated(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_reads_back_as_the_same_kind_and_data() {
        let events = [
            Event::MessageCreated(MessageCreatedEvent {
                id: 1,
                conversation_id: Some(2),
                campaign_id: Some(3),
                contact_id: None,
                direction: Direction::Inbound,
                author: Author::Contact,
            }),
            Event::ConversationUpdated(ConversationUpdatedEvent {
                id: 2,
                campaign_id: None,
                operated_by: OperatedBy::Agent,
                needs_attention: true,
                route: Route::Unsolicited,
                assigned_user_id: Some(5),
            }),
            Event::CampaignUpdated(CampaignUpdatedEvent {
                id: 3,
                state: CampaignState::Active,
                send_counts: None,
                launch_progress: None,
            }),
        ];
        for event in events {
            let data = event.data_json().unwrap_or_default();
            assert_eq!(Event::decode(event.kind(), &data), Some(event.clone()), "{data}");
        }
        assert_eq!(Event::decode(EventKind::MessageStatus, r#"{"id":1}"#), None, "not a message.status");
        assert_eq!(Event::decode(EventKind::Resync, "{}"), None);
    }

    #[test]
    fn an_event_names_its_campaign_and_conversation() {
        let updated = Event::ConversationUpdated(ConversationUpdatedEvent {
            id: 9,
            campaign_id: Some(4),
            operated_by: OperatedBy::Assistant,
            needs_attention: false,
            route: Route::Campaign,
            assigned_user_id: None,
        });
        assert_eq!((updated.campaign_id(), updated.conversation_id()), (Some(4), Some(9)));
        let campaign = Event::CampaignUpdated(CampaignUpdatedEvent {
            id: 4,
            state: CampaignState::Draft,
            send_counts: None,
            launch_progress: None,
        });
        assert_eq!((campaign.campaign_id(), campaign.conversation_id()), (Some(4), None));
    }

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
        let event =
            CampaignUpdatedEvent { id: 7, state: CampaignState::Scheduled, send_counts: None, launch_progress: None };
        assert_eq!(serde_json::to_value(&event).ok(), Some(serde_json::json!({"id": 7, "state": "scheduled"})));
    }
}
