//! The Contacts tab: a campaign's list contacts joined with their launch message and
//! the suppression list, filtered by delivery state in SQL and keyset-paged by contact
//! id, so a page costs the same for a hundred contacts or a hundred thousand.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tidings_domain::campaign_contact_wire::DeliveryState;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::Author;
use tidings_domain::opt_out_wire::OptOutSource;

use super::schema::{contacts, messages, opt_outs};
use super::text_search::NameOrPhone;
use super::DbConnection;

/// A contact with its launch message's state and whether its number is suppressed.
#[derive(Debug, Clone, Queryable)]
pub struct CampaignContactRow {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    /// JSON array aligned with the list's field names.
    pub fields: String,
    pub created_at: NaiveDateTime,
    pub message_status: Option<MessageStatus>,
    pub message_attempts: Option<i64>,
    pub error_code: Option<i64>,
    pub error_reason: Option<String>,
    pub opt_out_id: Option<i64>,
    pub message_due_at: Option<NaiveDateTime>,
    /// The contact's zone, when the message waits for texting hours.
    pub texting_zone: Option<String>,
}

/// What the tab asks for.
#[derive(Debug, Clone)]
pub struct CampaignContactFilter {
    /// Part of the name or of the phone.
    pub search: NameOrPhone,
    pub delivery: Option<DeliveryState>,
    /// Whether the campaign has launched (before launch every contact is pending).
    pub launched: bool,
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// Statuses that read as "failed" on the tab (and `cancelled` when the contact has not
/// opted out).
const FAILED: [MessageStatus; 3] = [MessageStatus::Failed, MessageStatus::Undelivered, MessageStatus::Unknown];
/// Statuses that read as "pending" (besides a first-attempt queued message).
const PENDING: [MessageStatus; 4] =
    [MessageStatus::Claimed, MessageStatus::Sending, MessageStatus::Pending, MessageStatus::Sent];

/// One page of the campaign's contacts.
pub fn page(
    conn: &mut DbConnection,
    organisation_id: i64,
    campaign_id: i64,
    list_id: i64,
    filter: &CampaignContactFilter,
) -> QueryResult<Vec<CampaignContactRow>> {
    let launch_message = messages::table.on(messages::contact_id
        .eq(contacts::id.nullable())
        .and(messages::campaign_id.eq(campaign_id))
        .and(messages::author.eq(Author::Campaign)));
    let suppression = opt_outs::table.on(opt_outs::phone
        .eq(contacts::phone)
        .and(opt_outs::organisation_id.eq(organisation_id))
        .and(opt_outs::lifted_at.is_null())
        // Opted out is a person's choice; a number suppressed as undeliverable is not,
        // and reads as a failure (see services::campaign_contacts).
        .and(opt_outs::source.ne(OptOutSource::Undeliverable)));
    let mut query = contacts::table
        .left_join(launch_message)
        .left_join(suppression)
        .filter(contacts::contact_list_id.eq(list_id))
        .select((
            contacts::id,
            contacts::first_name,
            contacts::last_name,
            contacts::phone,
            contacts::fields,
            contacts::created_at,
            messages::status.nullable(),
            messages::attempts.nullable(),
            messages::error_code.nullable(),
            messages::error_reason.nullable(),
            opt_outs::id.nullable(),
            messages::next_attempt_at.nullable(),
            messages::texting_zone.nullable(),
        ))
        .into_boxed();
    crate::filter_name_or_phone!(query, contacts::first_name, contacts::last_name, contacts::phone, &filter.search);
    // The same states the tab shows (services::campaign_contacts::delivery_of): a
    // message keeps its own state after an opt-out; "opted out" is the contact who was
    // not texted because of one.
    let suppressed = opt_outs::id.nullable().is_not_null();
    let not_suppressed = opt_outs::id.nullable().is_null();
    let withdrawn_or_skipped =
        messages::status.nullable().eq(MessageStatus::Cancelled).or(messages::id.nullable().is_null());
    query = match (filter.delivery, filter.launched) {
        (None, _) => query,
        (Some(DeliveryState::OptedOut), false) => query.filter(suppressed),
        (Some(DeliveryState::OptedOut), true) => query.filter(suppressed).filter(withdrawn_or_skipped),
        (Some(DeliveryState::Delivered), _) => query.filter(messages::status.nullable().eq(MessageStatus::Delivered)),
        (Some(DeliveryState::Retrying), _) => query
            .filter(messages::status.nullable().eq(MessageStatus::Queued))
            .filter(messages::attempts.nullable().gt(0)),
        // Before launch nothing has failed; after it, a contact without a message was
        // skipped (its message could not be built).
        (Some(DeliveryState::Failed), false) => query.filter(contacts::id.lt(0)),
        (Some(DeliveryState::Failed), true) => {
            query.filter(messages::status.nullable().eq_any(FAILED).or(not_suppressed.and(withdrawn_or_skipped)))
        }
        (Some(DeliveryState::Pending), false) => query.filter(not_suppressed),
        (Some(DeliveryState::Pending), true) => query.filter(
            messages::status
                .nullable()
                .eq_any(PENDING)
                .or(messages::status.nullable().eq(MessageStatus::Queued).and(messages::attempts.nullable().eq(0))),
        ),
    };
    if let Some(after) = filter.after_id {
        query = query.filter(contacts::id.gt(after));
    }
    query.order(contacts::id).limit(filter.limit).load(conn)
}
