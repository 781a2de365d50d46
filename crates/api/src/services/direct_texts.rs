//! One-to-one texts: an administrative or standard user texts a contact from a
//! reusable number they may use — typed in, or from a contact list's row or a
//! campaign's Contacts tab. The contact's opt-out is honoured (refused, with the
//! reason), the first message waits for the contact's texting hours like any message
//! that opens a conversation, and the conversation is assigned to the sender, so it is
//! in their inbox; unassigned, it follows the number's unsolicited message settings.

use chrono::{DateTime, Utc};
use serde_json::json;
use tidings_domain::campaign::PhoneNumberKind;
use tidings_domain::conversation_wire::{ConversationDetail, Route, StartConversation};
use tidings_domain::phone_number::PhoneNumberStatus;
use tidings_domain::segments::validate_message_body;
use tidings_domain::FieldError;

use crate::auth::AuthUser;
use crate::db::connection::write_transaction;
use crate::db::conversations::ConversationChanges;
use crate::db::phone_numbers::PhoneNumberRow;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::conversations::{detail, queue_agent_message, ENTITY};
use crate::services::phones::{self, DefaultRegion};
use crate::services::{audit, inbound};

/// Longest name accepted for the contact.
const NAME_MAX: usize = 100;

/// `POST /conversations`: answers the conversation, its new message queued.
pub fn start(
    conn: &mut DbConnection,
    actor: &AuthUser,
    input: StartConversation,
    now: DateTime<Utc>,
) -> ApiResult<(ConversationDetail, bool)> {
    actor.require_messaging()?;
    if !actor.role.manages_campaigns() {
        return Err(ApiError::forbidden("Limited users answer conversations but cannot start them."));
    }
    let mut errors = Vec::new();
    validate_message_body(&input.body, "body", &mut errors);
    let name = |value: &Option<String>, field: &str, errors: &mut Vec<FieldError>| {
        let value = value.as_deref().unwrap_or_default().trim().to_owned();
        if value.chars().count() > NAME_MAX {
            errors.push(FieldError::new(field, format!("must be at most {NAME_MAX} characters")));
        }
        value
    };
    let first_name = name(&input.first_name, "first_name", &mut errors);
    let last_name = name(&input.last_name, "last_name", &mut errors);
    let number = usable_number(conn, actor, input.phone_number_id, &mut errors)?;
    let to = match &number {
        Some(number) => {
            let office = db::offices::find(conn, actor.organisation_id, number.office_id)?;
            match phones::normalise(&input.to, DefaultRegion::for_time_zone(&office.time_zone)) {
                Ok(phone) => Some(phone),
                Err(reason) => {
                    errors.push(FieldError::new("to", reason.to_string()));
                    None
                }
            }
        }
        None => None,
    };
    let (Some(number), Some(to)) = (number, to) else { return Err(ApiError::validation(errors)) };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let stamp = now.naive_utc();
    let (id, opened) = write_transaction(conn, |conn| {
        if let Some(opt_out) = db::opt_outs::find_live(conn, actor.organisation_id, &to)? {
            return Err(ApiError::conflict(format!(
                "{to} is on the organisation's suppression list ({}, since {}): it cannot be texted until an \
                 administrator lifts it.",
                opt_out.source.as_str(),
                opt_out.created_at.format("%Y-%m-%d")
            )));
        }
        let (conversation, opened) = match db::conversations::find_open(conn, number.id, &to)? {
            Some(open) => (open, false),
            None => (inbound::open_unsolicited(conn, &number, &to, stamp)?, true),
        };
        let mut changes = ConversationChanges::default();
        // In the sender's inbox: theirs until they hand it on.
        if conversation.assigned_user_id.is_none() {
            changes.assigned_user_id = Some(Some(actor.id));
        }
        if conversation.route == Route::Unsolicited && conversation.first_name.is_empty() && !first_name.is_empty() {
            (changes.first_name, changes.last_name) = (Some(first_name.clone()), Some(last_name.clone()));
        }
        queue_agent_message(conn, actor, &conversation, &number, &input.body, changes, stamp)?;
        let details = json!({ "to": to, "number": number.e164, "opened": opened });
        audit::record(conn, actor, ENTITY, conversation.id, "texted", &details, stamp)?;
        Ok::<_, ApiError>((conversation.id, opened))
    })?;
    Ok((detail(conn, actor, id)?, opened))
}

/// The number, when it is one the actor may text from: an active reusable number of
/// an office they see. Otherwise the reason goes to `errors`.
fn usable_number(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    errors: &mut Vec<FieldError>,
) -> ApiResult<Option<PhoneNumberRow>> {
    let number = match db::phone_numbers::find(conn, actor.organisation_id, id) {
        Ok(number) if actor.sees_office(number.office_id) => number,
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            errors.push(FieldError::new("phone_number_id", "no such number in the offices you see"));
            return Ok(None);
        }
        Err(other) => return Err(other.into()),
    };
    let problem = if number.kind != PhoneNumberKind::Reusable {
        Some("is a single-use number, which belongs to its campaign; text from a reusable number")
    } else if number.status != PhoneNumberStatus::Active {
        Some("was released and texts no one")
    } else {
        None
    };
    if let Some(problem) = problem {
        errors.push(FieldError::new("phone_number_id", problem));
        return Ok(None);
    }
    Ok(Some(number))
}
