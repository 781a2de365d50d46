//! A believable past for the demo's launched campaigns: their messages played through
//! the real send path (claimed, `sending`, a provider receipt, delivery reports — a few
//! failing with real Twilio codes), then contact replies filed by the inbound service
//! (so the assistant answers and hands over as it would live), agent replies and tags.

use chrono::{DateTime, Duration, Utc};
use tidings_domain::conversation_wire::UpdateConversation;
use tidings_domain::message_wire::Author;

use crate::auth::AuthUser;
use crate::config::DeliverySettings;
use crate::db::{self, DbConnection};
use crate::error::ApiResult;
use crate::providers::{ProviderError, SendReceipt, StatusReport};
use crate::services::conversations;
use crate::services::delivery::{self, Attempt};
use crate::services::inbound::{self, InboundMessage, InboundOutcome};

const OWNER: &str = "demo-history";

/// How one demo message fares.
#[derive(Debug, Clone, Copy)]
pub enum Fate {
    Delivered,
    /// The provider refused it at once (Twilio's 400), with this code.
    Refused(i64),
    /// The carrier could not deliver it, with this code.
    Undelivered(i64),
}

/// Sends every message queued on `number_id` at `at`, each meeting the fate `fate_of`
/// gives its position.
pub fn play_queue(
    conn: &mut DbConnection,
    number_id: i64,
    at: DateTime<Utc>,
    fate_of: impl Fn(usize) -> Fate,
) -> ApiResult<()> {
    let settings = DeliverySettings::default();
    let claimed = db::send_queue::claim_batch(
        conn,
        number_id,
        OWNER,
        at.naive_utc(),
        (at + Duration::minutes(5)).naive_utc(),
        10_000,
    )?;
    let held = delivery::begin_sending(conn, &claimed, OWNER, at, at + Duration::minutes(2))?;
    let mut attempts = Vec::new();
    let mut reports = Vec::new();
    for (index, message) in claimed.iter().filter(|m| held.contains(&m.id)).enumerate() {
        let sid = format!("SMdemo{}", uuid::Uuid::new_v4().simple());
        let answer = match fate_of(index) {
            Fate::Refused(code) => {
                Err(ProviderError::Rejected { code: Some(code), message: tidings_domain::delivery::error_reason(code) })
            }
            Fate::Delivered => {
                reports.push(StatusReport {
                    provider_message_id: sid.clone(),
                    status: "sent".to_owned(),
                    error_code: None,
                });
                reports.push(StatusReport {
                    provider_message_id: sid.clone(),
                    status: "delivered".to_owned(),
                    error_code: None,
                });
                Ok(SendReceipt { provider_message_id: sid, status: "queued".to_owned(), num_segments: None })
            }
            Fate::Undelivered(code) => {
                reports.push(StatusReport {
                    provider_message_id: sid.clone(),
                    status: "undelivered".to_owned(),
                    error_code: Some(code),
                });
                Ok(SendReceipt { provider_message_id: sid, status: "queued".to_owned(), num_segments: None })
            }
        };
        attempts.push(Attempt {
            id: message.id,
            campaign_id: message.campaign_id,
            author: message.author,
            // A transient code on the last attempt is final: the demo shows no retries.
            attempts: settings.max_attempts,
            answer,
        });
    }
    delivery::record_attempts(conn, &attempts, OWNER, &settings, at)?;
    for report in reports {
        delivery::apply_report(conn, &report, &settings, at + Duration::minutes(1))?;
    }
    Ok(())
}

/// The contact phones of a campaign's launch messages, in list order.
pub fn recipients(conn: &mut DbConnection, campaign_id: i64) -> ApiResult<Vec<String>> {
    Ok(db::messages::all_of_campaign(conn, campaign_id)?
        .into_iter()
        .filter(|m| m.author == Author::Campaign)
        .map(|m| m.to_phone)
        .collect())
}

/// A contact's reply to `number`; answers the conversation it landed in.
pub fn reply(
    conn: &mut DbConnection,
    from: &str,
    number: &str,
    body: &str,
    at: DateTime<Utc>,
) -> ApiResult<Option<i64>> {
    let message = InboundMessage {
        from: from.to_owned(),
        to: number.to_owned(),
        body: body.to_owned(),
        provider_message_id: Some(format!("SMdemo{}", uuid::Uuid::new_v4().simple())),
    };
    Ok(match inbound::file(conn, &message, at)? {
        InboundOutcome::Filed { conversation_id, .. } => Some(conversation_id),
        InboundOutcome::Duplicate | InboundOutcome::NotOurNumber | InboundOutcome::OptOutToReleasedNumber { .. } => {
            None
        }
    })
}

/// An agent's reply in a conversation, and optionally tags.
pub fn agent_reply(
    conn: &mut DbConnection,
    agent: &AuthUser,
    conversation: i64,
    body: &str,
    tags: &[&str],
    at: DateTime<Utc>,
) -> ApiResult<()> {
    conversations::reply(conn, agent, conversation, body, at)?;
    tag(conn, agent, conversation, tags, at)
}

/// Sets a conversation's tags.
pub fn tag(
    conn: &mut DbConnection,
    actor: &AuthUser,
    conversation: i64,
    tags: &[&str],
    at: DateTime<Utc>,
) -> ApiResult<()> {
    if tags.is_empty() {
        return Ok(());
    }
    let input = UpdateConversation {
        tags: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
        ..UpdateConversation::default()
    };
    conversations::update(conn, actor, conversation, input, at)?;
    Ok(())
}
