//! Wire types of messages: one message as the API shows it (campaign messages list,
//! later conversation transcripts) and a page of them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::delivery::MessageStatus;

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Direction {
    Outbound,
    Inbound,
}

impl Direction {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "outbound",
            Direction::Inbound => "inbound",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<Direction> {
        [Direction::Outbound, Direction::Inbound].into_iter().find(|d| d.as_str() == value)
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Author {
    /// The campaign's launch message.
    Campaign,
    Agent,
    Assistant,
    /// An automatic reply (opt-out confirmation, help text).
    System,
    Contact,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Campaign => "campaign",
            Author::Agent => "agent",
            Author::Assistant => "assistant",
            Author::System => "system",
            Author::Contact => "contact",
        }
    }

    pub fn parse(value: &str) -> Option<Author> {
        [Author::Campaign, Author::Agent, Author::Assistant, Author::System, Author::Contact]
            .into_iter()
            .find(|a| a.as_str() == value)
    }
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    pub campaign_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub direction: Direction,
    pub author: Author,
    /// The staff member who wrote it, for an agent's reply (the transcript names them).
    pub author_name: Option<String>,
    /// E.164.
    pub from: String,
    /// E.164.
    pub to: String,
    pub body: String,
    /// `gsm7` or `ucs2`.
    pub encoding: String,
    pub segments: i64,
    pub status: MessageStatus,
    /// Waiting for another attempt after a transient failure.
    pub retrying: bool,
    /// Provider calls made so far.
    pub attempts: i64,
    /// The provider's error code of the last failure (Twilio's, e.g. 30003).
    pub error_code: Option<i64>,
    /// What went wrong, in words.
    pub error_reason: Option<String>,
    /// The provider's id (`SM…`), once it took the message.
    pub provider_message_id: Option<String>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
    /// When the provider took it.
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub sent_at: Option<DateTime<Utc>>,
}

/// A page of messages, oldest first; pass `next_cursor` as `cursor` for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagePage {
    pub items: Vec<Message>,
    pub next_cursor: Option<String>,
}
