//! Inbound messages: a contact's text, from Twilio's webhook or the simulator, filed in
//! its conversation and answered.
//!
//! Order: keywords first (STOP and friends put the number on the suppression list and
//! get one confirmation; START lifts it; HELP gets the organisation's help text), then a
//! softer opt-out phrase flags the conversation for a person, then the conversation's
//! operator: the Virtual Assistant answers from the campaign's script or hands over;
//! agents get the conversation marked as needing attention. A text to a reusable number
//! outside an active campaign conversation opens an unsolicited conversation for the
//! number's unsolicited message settings; a number we no longer hold answers nothing.
//! Every reply goes through the outbound queue — nothing slow on the webhook's path.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::result::Error as DieselError;
use tidings_domain::assistant::{assistant_decide, AssistantDecision, AssistantScript};
use tidings_domain::campaign::OperatedBy;
use tidings_domain::conversation_wire::Route;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::event_wire::{ConversationUpdatedEvent, Event, MessageCreatedEvent};
use tidings_domain::keywords::{classify_inbound, InboundKind};
use tidings_domain::message_wire::{Author, Direction};
use tidings_domain::segments::segment_info;

use crate::auth::AuthUser;
use crate::db::connection::write_transaction;
use crate::db::conversations::{ConversationChanges, ConversationRow, NewConversation};
use crate::db::messages::NewMessage;
use crate::db::phone_numbers::PhoneNumberRow;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::events::{self, EventScope};
use crate::services::opt_outs::{self, Suppressor};
use crate::services::phones::{self, DefaultRegion};
use crate::services::{organisation_settings, texting_hours};
use crate::state::AppState;
use tidings_domain::conversation_wire::SimulatedInbound;
use tidings_domain::FieldError;

/// A contact's message as the provider delivered it.
#[derive(Debug, Clone)]
pub struct InboundMessage {
    /// The contact's number (E.164).
    pub from: String,
    /// Our number (E.164).
    pub to: String,
    pub body: String,
    /// The provider's id (Twilio's `SM…`); repeated deliveries carry the same one.
    pub provider_message_id: Option<String>,
}

impl InboundMessage {
    /// The message of Twilio's inbound webhook form, or the name of a required field
    /// it lacks.
    pub fn from_twilio_form(params: &[(String, String)]) -> Result<Self, &'static str> {
        let value = |names: &[&str]| {
            names.iter().find_map(|name| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()))
        };
        let required = |name: &'static str| value(&[name]).ok_or(name);
        Ok(Self {
            from: required("From")?,
            to: required("To")?,
            body: required("Body")?,
            provider_message_id: value(&["MessageSid", "SmsSid"]).filter(|s| !s.is_empty()),
        })
    }
}

/// What a replay of the spool did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SpoolReplay {
    /// Requests filed (or found already filed) and removed from the spool.
    pub filed: usize,
    /// Requests left for the next replay (the database still could not take them).
    pub left: usize,
}

/// Files the requests the inbound webhook kept while the database was unavailable, in
/// arrival order and at their arrival time, removing each once it is filed. Stops at
/// the first that the database still cannot take, so order is kept for the next turn.
pub async fn replay_spool(state: &AppState) -> ApiResult<SpoolReplay> {
    let spool = state.spool.clone();
    let pending = actix_web::web::block(move || spool.pending())
        .await?
        .map_err(|e| ApiError::internal(format!("reading the inbound spool: {e}")))?;
    let mut replay = SpoolReplay { filed: 0, left: pending.len() };
    for (path, request) in pending {
        let filed = match InboundMessage::from_twilio_form(&request.params) {
            Ok(message) => receive_at(state, message, request.received_at).await.map(|_| ()),
            // Checked before it was kept; a request that lacks a field cannot be filed.
            Err(field) => {
                tracing::error!(path = %path.display(), field, "spooled inbound request without a required field");
                Ok(())
            }
        };
        match filed {
            Ok(()) => replay.filed += 1,
            Err(error) if error.status().is_server_error() => return Ok(replay),
            // Refused for good (not a server failure): nothing to file; keep no copy.
            Err(error) => {
                tracing::warn!(path = %path.display(), status = %error.status(), "spooled inbound request refused");
            }
        }
        let spool = state.spool.clone();
        actix_web::web::block(move || spool.forget(&path))
            .await?
            .map_err(|e| ApiError::internal(format!("removing a replayed request: {e}")))?;
        replay.left -= 1;
    }
    Ok(replay)
}

/// A message to a number that is no longer live: an opt-out still reaches the
/// organisation that last had the number; anything else is not ours.
fn opt_out_to_released_number(
    conn: &mut DbConnection,
    inbound: &InboundMessage,
    stamp: NaiveDateTime,
) -> Result<InboundOutcome, FileError> {
    if classify_inbound(&inbound.body) != InboundKind::OptOut {
        return Ok(InboundOutcome::NotOurNumber);
    }
    let Some(released) = db::phone_numbers::find_last_released_by_e164(conn, inbound.to.trim())? else {
        return Ok(InboundOutcome::NotOurNumber);
    };
    let by = Suppressor::Contact { campaign_id: released.campaign_id };
    opt_outs::suppress(conn, released.organisation_id, inbound.from.trim(), by, stamp)?;
    Ok(InboundOutcome::OptOutToReleasedNumber { organisation_id: released.organisation_id })
}

/// What became of an inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundOutcome {
    /// Already stored (a provider retry).
    Duplicate,
    /// Sent to a number that is not ours (any more): nothing stored, nothing answered.
    NotOurNumber,
    /// An opt-out sent to a number `organisation_id` released: recorded on its
    /// suppression list (the contact asked that organisation to stop), nothing else.
    OptOutToReleasedNumber { organisation_id: i64 },
    /// Filed in a conversation of `organisation_id`.
    Filed { organisation_id: i64, conversation_id: i64, message_id: i64, kind: InboundKind },
}

/// Files an inbound message and queues whatever answers it. An opt-out returns only
/// once no message to the contact is in the provider's hands.
pub async fn receive(state: &AppState, inbound: InboundMessage) -> ApiResult<InboundOutcome> {
    receive_at(state, inbound, state.clock.now()).await
}

/// As [`receive`], for a message that arrived at `now` (a spooled one, replayed later,
/// keeps its place in the conversation and against a later START).
pub async fn receive_at(state: &AppState, inbound: InboundMessage, now: DateTime<Utc>) -> ApiResult<InboundOutcome> {
    let message = inbound.clone();
    let outcome = state.db(move |conn| file(conn, &message, now)).await?;
    if let InboundOutcome::Filed { kind: InboundKind::OptOut, organisation_id, .. }
    | InboundOutcome::OptOutToReleasedNumber { organisation_id } = &outcome
    {
        opt_outs::wait_for_in_flight(state, *organisation_id, inbound.from.trim()).await?;
    }
    Ok(outcome)
}

/// A contact's reply made up by staff (the simulator): checked, then filed exactly as
/// the provider's webhook files one. A number that is not the caller organisation's is
/// answered as unknown.
pub async fn receive_simulated(
    state: &AppState,
    actor: &AuthUser,
    input: SimulatedInbound,
) -> ApiResult<InboundOutcome> {
    // Making up a contact's message is campaign work, not answering one.
    actor.require_campaign_manager()?;
    let mut errors = Vec::new();
    if input.body.trim().is_empty() {
        errors.push(FieldError::new("body", "is required"));
    }
    let region = DefaultRegion::for_country("US").unwrap_or(DefaultRegion::NONE);
    let from = phones::normalise(&input.from, region);
    if let Err(e) = &from {
        errors.push(FieldError::new("from", e.to_string()));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let to = input.to.trim().to_owned();
    let organisation_id = actor.organisation_id;
    let lookup = to.clone();
    let ours = state
        .db(move |conn| {
            Ok(db::phone_numbers::find_live_by_e164(conn, &lookup)?
                .is_some_and(|n| n.organisation_id == organisation_id))
        })
        .await?;
    if !ours {
        return Err(ApiError::not_found("The number"));
    }
    let message = InboundMessage {
        from: from.unwrap_or_default(),
        to,
        body: input.body,
        provider_message_id: Some(format!("SMsim{}", uuid::Uuid::new_v4().simple())),
    };
    receive(state, message).await
}

/// The database half of [`receive`]: one write transaction.
pub fn file(conn: &mut DbConnection, inbound: &InboundMessage, now: DateTime<Utc>) -> ApiResult<InboundOutcome> {
    let stamp = now.naive_utc();
    let result = write_transaction(conn, |conn| -> Result<InboundOutcome, FileError> {
        if let Some(sid) = &inbound.provider_message_id {
            if db::messages::find_by_provider_id(conn, sid)?.is_some() {
                return Ok(InboundOutcome::Duplicate);
            }
        }
        let Some(number) = db::phone_numbers::find_live_by_e164(conn, inbound.to.trim())? else {
            return opt_out_to_released_number(conn, inbound, stamp);
        };
        let from = inbound.from.trim().to_owned();
        let conversation = match db::conversations::find_open(conn, number.id, &from)? {
            Some(conversation) => conversation,
            None => open_unsolicited(conn, &number, &from, stamp)?,
        };
        let message_id = store_inbound(conn, &conversation, &number, inbound, stamp)?;
        let kind = classify_inbound(&inbound.body);
        let mut changes = ConversationChanges {
            last_message_id: Some(Some(message_id)),
            last_message_at: Some(Some(stamp)),
            updated_at: Some(stamp),
            ..ConversationChanges::default()
        };
        match kind {
            InboundKind::OptOut => {
                let by = Suppressor::Contact { campaign_id: conversation.campaign_id };
                let (_, new) = opt_outs::suppress(conn, number.organisation_id, &from, by, stamp)?;
                // One confirmation per opt-out; a repeated STOP gets none.
                if new {
                    let organisation = db::organisations::find(conn, number.organisation_id)?;
                    let text = organisation_settings::opt_out_reply(&organisation);
                    queue_reply(conn, &conversation, &number, Author::System, None, &text, stamp)?;
                }
                changes.needs_attention = Some(false);
                changes.opt_out_suggested = Some(false);
            }
            InboundKind::OptIn
                if opt_outs::lift_phone(conn, number.organisation_id, &from, None, "START keyword", stamp)? =>
            {
                queue_reply(
                    conn,
                    &conversation,
                    &number,
                    Author::System,
                    None,
                    tidings_domain::keywords::OPT_IN_REPLY,
                    stamp,
                )?;
            }
            InboundKind::Help => {
                let text = organisation_settings::help_reply(&db::organisations::find(conn, number.organisation_id)?);
                queue_reply(conn, &conversation, &number, Author::System, None, &text, stamp)?;
            }
            InboundKind::SoftOptOut => {
                changes.operated_by = Some(OperatedBy::Agent);
                changes.needs_attention = Some(true);
                changes.opt_out_suggested = Some(true);
                changes.assistant_fallbacks = Some(0);
            }
            InboundKind::OptIn | InboundKind::Other => {
                answer_by_operator(conn, &conversation, &number, &inbound.body, &mut changes, stamp)?;
            }
        }
        db::conversations::update(conn, conversation.id, &changes)?;
        announce_conversation(conn, conversation.id, stamp)?;
        Ok(InboundOutcome::Filed {
            organisation_id: number.organisation_id,
            conversation_id: conversation.id,
            message_id,
            kind,
        })
    });
    match result {
        Ok(outcome) => Ok(outcome),
        // Two deliveries of one message raced: the unique provider id kept one.
        Err(FileError::Duplicate) => Ok(InboundOutcome::Duplicate),
        Err(FileError::Api(error)) => Err(error),
    }
}

/// Why filing an inbound message stopped: a repeated delivery is told apart by the
/// database's own unique-violation error on the provider id, not by an HTTP status.
enum FileError {
    Duplicate,
    Api(ApiError),
}

impl From<ApiError> for FileError {
    fn from(error: ApiError) -> Self {
        FileError::Api(error)
    }
}

impl From<DieselError> for FileError {
    fn from(error: DieselError) -> Self {
        FileError::Api(error.into())
    }
}

/// A conversation for a sender outside any active campaign conversation on `number`.
pub(crate) fn open_unsolicited(
    conn: &mut DbConnection,
    number: &PhoneNumberRow,
    from: &str,
    stamp: NaiveDateTime,
) -> ApiResult<ConversationRow> {
    let operated_by = number.default_operated_by;
    let id = db::conversations::insert_one(
        conn,
        &NewConversation {
            organisation_id: number.organisation_id,
            office_id: number.office_id,
            campaign_id: None,
            phone_number_id: number.id,
            contact_id: None,
            contact_phone: from.to_owned(),
            first_name: String::new(),
            last_name: String::new(),
            operated_by,
            needs_attention: false,
            opt_out_suggested: false,
            assistant_fallbacks: 0,
            route: Route::Unsolicited,
            last_message_at: Some(stamp),
            created_at: stamp,
            updated_at: stamp,
        },
    )?;
    Ok(db::conversations::find(conn, number.organisation_id, id)?)
}

fn store_inbound(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
    number: &PhoneNumberRow,
    inbound: &InboundMessage,
    stamp: NaiveDateTime,
) -> Result<i64, FileError> {
    let id = db::messages::insert_one(
        conn,
        &conversation_message(conversation, number, Way::Inbound, None, &inbound.body, stamp),
    )?;
    if let Some(campaign) = conversation.campaign_id {
        db::activity::add(conn, campaign, stamp, 1, 0)?;
    }
    announce_message(conn, conversation, id, (Direction::Inbound, Author::Contact), stamp)?;
    if let Some(sid) = &inbound.provider_message_id {
        db::messages::set_provider_id(conn, id, sid).map_err(|e| {
            if db::is_unique_violation(&e) {
                FileError::Duplicate
            } else {
                e.into()
            }
        })?;
    }
    Ok(id)
}

/// Where a conversation's events belong: its office (the conversations API's rule).
fn scope_of(conversation: &ConversationRow) -> EventScope {
    EventScope {
        organisation_id: conversation.organisation_id,
        office_id: conversation.office_id,
        campaign_id: conversation.campaign_id,
        conversation_id: Some(conversation.id),
    }
}

/// Announces a new message of `conversation` on the live event stream.
fn announce_message(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
    message_id: i64,
    (direction, author): (Direction, Author),
    stamp: NaiveDateTime,
) -> ApiResult<()> {
    let event = Event::MessageCreated(MessageCreatedEvent {
        id: message_id,
        conversation_id: Some(conversation.id),
        campaign_id: conversation.campaign_id,
        contact_id: conversation.contact_id,
        direction,
        author,
    });
    events::publish(conn, scope_of(conversation), &event, stamp)
}

/// Announces that a conversation changed (section, operator, tags, route).
pub fn announce_conversation(conn: &mut DbConnection, conversation_id: i64, stamp: NaiveDateTime) -> ApiResult<()> {
    let row = db::conversations::find_any(conn, conversation_id)?;
    let event = Event::ConversationUpdated(ConversationUpdatedEvent {
        id: row.id,
        campaign_id: row.campaign_id,
        operated_by: row.operated_by,
        needs_attention: row.needs_attention,
        route: row.route,
        assigned_user_id: row.assigned_user_id,
    });
    events::publish(conn, scope_of(&row), &event, stamp)
}

/// Which way a conversation message goes, and who wrote an outbound one.
#[derive(Debug, Clone, Copy)]
enum Way {
    /// From the contact, received.
    Inbound,
    /// To the contact, queued for the dispatcher, written by this author.
    Outbound(Author),
}

/// A message of `conversation` on `number`, with its encoding and segments.
fn conversation_message(
    conversation: &ConversationRow,
    number: &PhoneNumberRow,
    way: Way,
    author_user_id: Option<i64>,
    body: &str,
    stamp: NaiveDateTime,
) -> NewMessage {
    let cost = segment_info(body);
    let (direction, author, status, from_phone, to_phone) = match way {
        Way::Inbound => (
            Direction::Inbound,
            Author::Contact,
            MessageStatus::Received,
            conversation.contact_phone.clone(),
            number.e164.clone(),
        ),
        Way::Outbound(author) => (
            Direction::Outbound,
            author,
            MessageStatus::Queued,
            number.e164.clone(),
            conversation.contact_phone.clone(),
        ),
    };
    NewMessage {
        organisation_id: conversation.organisation_id,
        campaign_id: conversation.campaign_id,
        contact_id: conversation.contact_id,
        phone_number_id: number.id,
        direction,
        author,
        author_user_id,
        from_phone,
        to_phone,
        body: body.to_owned(),
        encoding: cost.encoding.as_str(),
        segments: i64::try_from(cost.segments).unwrap_or(i64::MAX),
        status,
        attempts: 0,
        next_attempt_at: stamp,
        created_at: stamp,
        updated_at: stamp,
        conversation_id: Some(conversation.id),
        texting_zone: None,
    }
}

/// Queues an outbound message in `conversation` from its number; answers its id.
pub fn queue_reply(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
    number: &PhoneNumberRow,
    author: Author,
    author_user_id: Option<i64>,
    body: &str,
    stamp: NaiveDateTime,
) -> ApiResult<i64> {
    let mut message = conversation_message(conversation, number, Way::Outbound(author), author_user_id, body, stamp);
    // A message that opens the conversation waits for the contact's texting hours;
    // one that answers the contact does not.
    (message.texting_zone, message.next_attempt_at) = texting_hours::reply_timing(conn, conversation, author, stamp)?;
    let id = db::messages::insert_one(conn, &message)?;
    announce_message(conn, conversation, id, (Direction::Outbound, author), stamp)?;
    Ok(id)
}

/// The campaign's assistant script, when the conversation belongs to a campaign that
/// has one.
fn script_of(conn: &mut DbConnection, conversation: &ConversationRow) -> ApiResult<Option<AssistantScript>> {
    let Some(campaign_id) = conversation.campaign_id else { return Ok(None) };
    let Some(campaign) = db::campaigns::find_by_id(conn, campaign_id)? else { return Ok(None) };
    Ok(campaign.assistant_script.as_deref().and_then(|json| serde_json::from_str(json).ok()))
}

/// Agent-operated: needs attention. Assistant-operated: the script answers, or hands
/// over (no script to answer from also hands over).
fn answer_by_operator(
    conn: &mut DbConnection,
    conversation: &ConversationRow,
    number: &PhoneNumberRow,
    body: &str,
    changes: &mut ConversationChanges,
    stamp: NaiveDateTime,
) -> ApiResult<()> {
    if conversation.operated_by != OperatedBy::Assistant {
        changes.needs_attention = Some(true);
        return Ok(());
    }
    let handoff = |changes: &mut ConversationChanges| {
        changes.operated_by = Some(OperatedBy::Agent);
        changes.needs_attention = Some(true);
        changes.assistant_fallbacks = Some(0);
    };
    let Some(script) = script_of(conn, conversation)? else {
        handoff(changes);
        return Ok(());
    };
    let fallbacks = u8::try_from(conversation.assistant_fallbacks).unwrap_or(u8::MAX);
    match assistant_decide(&script, body, fallbacks) {
        AssistantDecision::Reply { text, .. } => {
            queue_reply(conn, conversation, number, Author::Assistant, None, &text, stamp)?;
            changes.assistant_fallbacks = Some(0);
        }
        AssistantDecision::Fallback { text } => {
            queue_reply(conn, conversation, number, Author::Assistant, None, &text, stamp)?;
            changes.assistant_fallbacks = Some(conversation.assistant_fallbacks + 1);
        }
        AssistantDecision::Handoff { reason } => {
            handoff(changes);
            if reason == tidings_domain::assistant::HandoffReason::PossibleOptOut {
                changes.opt_out_suggested = Some(true);
            }
        }
    }
    Ok(())
}
