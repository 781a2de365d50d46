//! Conversations: the Activity tab's sections, a conversation's transcript, agent
//! replies (through the outbound queue), the operator and needs-attention switches,
//! conversation tags, manual opt-out, and the inboxes.
//!
//! Where the guide is silent: a reply clears needs attention and makes the agent a
//! participant (the inbox's Participating tab); a conversation whose campaign ended (or
//! whose contact opted out) takes no reply; the operator switches only outside needs
//! attention, and to the assistant only when the campaign has a script.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::json;
use tidings_domain::campaign::OperatedBy;
use tidings_domain::contact_list::ContactField;
use tidings_domain::conversation_wire::{
    Assignee, CampaignConversations, Conversation, ConversationContact, ConversationDetail, ConversationSection,
    ConversationTagCount, Route, Section, UpdateConversation, DETAIL_TRANSCRIPT_LIMIT,
};
use tidings_domain::message_wire::{Author, MessagePage};
use tidings_domain::opt_out_wire::OptOutSource;
use tidings_domain::phone_number::PhoneNumberStatus;
use tidings_domain::segments::validate_message_body;
use tidings_domain::tags::{normalise_tags, tag_key, CONVERSATION_TAG_MAX};
use tidings_domain::{FieldError, Role};

use crate::auth::{AuthUser, Credential};
use crate::db::campaigns::CampaignRow;
use crate::db::connection::write_transaction;
use crate::db::conversations::{ConversationChanges, ConversationFilter, ConversationRow};
use crate::db::messages::MessageRow;
use crate::db::phone_numbers::PhoneNumberRow;
use crate::db::text_search::NameOrPhone;
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::campaigns::load_visible;
use crate::services::contact_lists::{field_names_of, named_fields};
use crate::services::messages::to_messages;
use crate::services::opt_outs::{self, Suppressor};
use crate::services::paging::{instant_cursor, page_end, PageRequest};
use crate::services::{assignment, audit, inbound};

/// The audit log's name for conversations.
pub(crate) const ENTITY: &str = "conversation";

/// The search of conversation lists.
#[derive(Debug, Clone, Default)]
pub struct ConversationQuery {
    pub q: Option<String>,
    pub tags: Vec<String>,
}

pub(crate) fn filter_of(query: &ConversationQuery, page: &PageRequest) -> ApiResult<ConversationFilter> {
    Ok(ConversationFilter {
        search: NameOrPhone::parse(query.q.as_deref()),
        tag_keys: query.tags.iter().map(|t| tag_key(t)).collect(),
        before: page.instant_cursor()?,
        limit: page.limit,
    })
}

/// `GET /campaigns/{id}/conversations`: one section when `section` is given, otherwise
/// every section that has conversations (empty ones are omitted).
pub fn of_campaign(
    conn: &mut DbConnection,
    actor: &AuthUser,
    campaign_id: i64,
    section: Option<Section>,
    query: &ConversationQuery,
    page: &PageRequest,
) -> ApiResult<CampaignConversations> {
    let campaign = load_visible(conn, actor, campaign_id)?;
    let filter = filter_of(query, page)?;
    let wanted: Vec<Section> = section.map_or_else(|| Section::ALL.to_vec(), |s| vec![s]);
    let mut sections = Vec::new();
    for section in wanted {
        let total = db::conversations::count_in_section(conn, campaign.id, section, &filter)?;
        if total == 0 && page.cursor.is_none() {
            continue;
        }
        let rows = db::conversations::page_of_campaign(
            conn,
            campaign.id,
            section,
            &ConversationFilter { limit: filter.limit + 1, ..filter.clone() },
        )?;
        let (items, next_cursor) = page_of_rows(conn, actor, rows, filter.limit)?;
        sections.push(ConversationSection { section, total, items, next_cursor });
    }
    Ok(CampaignConversations { sections })
}

/// The tags in use on a campaign's conversations, with their counts, by name.
pub fn campaign_tags(
    conn: &mut DbConnection,
    actor: &AuthUser,
    campaign_id: i64,
) -> ApiResult<Vec<ConversationTagCount>> {
    let campaign = load_visible(conn, actor, campaign_id)?;
    let counts = db::conversations::campaign_tag_counts(conn, campaign.id)?;
    Ok(counts
        .into_iter()
        .filter_map(|(tag, conversations)| tag.map(|tag| ConversationTagCount { tag, conversations }))
        .collect())
}

pub(crate) fn page_of_rows(
    conn: &mut DbConnection,
    viewer: &AuthUser,
    mut rows: Vec<ConversationRow>,
    limit: i64,
) -> ApiResult<(Vec<Conversation>, Option<String>)> {
    let next_cursor = page_end(&mut rows, limit).map(activity_cursor);
    Ok((views(conn, viewer, rows)?, next_cursor))
}

/// The cursor after `row` in the lists' order (last activity, then id).
fn activity_cursor(row: &ConversationRow) -> String {
    instant_cursor(row.last_message_at.unwrap_or(row.created_at), row.id)
}

/// The wire form of conversations, with tags, opt-out state, last messages and what
/// `viewer` has not read.
fn views(conn: &mut DbConnection, viewer: &AuthUser, rows: Vec<ConversationRow>) -> ApiResult<Vec<Conversation>> {
    let organisation_id = viewer.organisation_id;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let unread = db::conversations::unread_among(conn, viewer.id, &ids)?;
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, tag) in db::conversations::tags_of(conn, &ids)? {
        tags.entry(id).or_default().push(tag);
    }
    let mut last: HashMap<i64, tidings_domain::message_wire::Message> = HashMap::new();
    let last_rows = db::messages::last_of_conversations(conn, &ids)?;
    let conversation_of: Vec<Option<i64>> = last_rows.iter().map(|m| m.conversation_id).collect();
    for (conversation, message) in conversation_of.into_iter().zip(to_messages(conn, organisation_id, last_rows)?) {
        if let Some(conversation) = conversation {
            last.insert(conversation, message);
        }
    }
    let mut campaign_ids: Vec<i64> = rows.iter().filter_map(|r| r.campaign_id).collect();
    campaign_ids.sort_unstable();
    campaign_ids.dedup();
    let titles: HashMap<i64, String> =
        db::campaigns::titles_of(conn, organisation_id, &campaign_ids)?.into_iter().collect();
    let phones: Vec<&str> = rows.iter().map(|r| r.contact_phone.as_str()).collect();
    let opted_out: HashSet<String> = db::opt_outs::live_among(conn, organisation_id, &phones)?;
    let mut assigned: Vec<i64> = rows.iter().filter_map(|r| r.assigned_user_id).collect();
    assigned.sort_unstable();
    assigned.dedup();
    let assignees: HashMap<i64, String> = db::users::names_of(conn, organisation_id, &assigned)?.into_iter().collect();
    rows.into_iter()
        .map(|row| {
            let operated_by = row.operated_by;
            Ok(Conversation {
                id: row.id,
                campaign_id: row.campaign_id,
                campaign_title: row.campaign_id.and_then(|id| titles.get(&id).cloned()),
                office_id: row.office_id,
                phone_number_id: row.phone_number_id,
                contact: ConversationContact {
                    id: row.contact_id,
                    first_name: row.first_name,
                    last_name: row.last_name,
                    opted_out: opted_out.contains(&row.contact_phone),
                    phone: row.contact_phone,
                },
                operated_by,
                needs_attention: row.needs_attention,
                section: Section::of(operated_by, row.needs_attention),
                opt_out_suggested: row.opt_out_suggested,
                route: row.route,
                tags: tags.remove(&row.id).unwrap_or_default(),
                unread: unread.contains(&row.id),
                last_message: last.remove(&row.id),
                assignee: row.assigned_user_id.map(|id| Assignee {
                    id,
                    name: assignees.get(&id).cloned().unwrap_or_else(|| format!("User #{id}")),
                }),
                updated_at: utc(row.updated_at),
            })
        })
        .collect()
}

/// A conversation the caller may see: their organisation, an office they see.
pub(crate) fn load(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<ConversationRow> {
    actor.require_messaging()?;
    let row = db::conversations::find(conn, actor.organisation_id, id).map_err(|e| match e {
        diesel::result::Error::NotFound => ApiError::not_found("The conversation"),
        other => other.into(),
    })?;
    if !actor.sees_office(row.office_id) {
        return Err(ApiError::not_found("The conversation"));
    }
    Ok(row)
}

/// Limited users work only the conversations in their inboxes (their own and their
/// office's); everyone else who may see a conversation may work it.
fn may_work(conn: &mut DbConnection, actor: &AuthUser, row: &ConversationRow) -> ApiResult<bool> {
    if actor.role != Role::Limited {
        return Ok(true);
    }
    Ok(db::conversations::is_in_inboxes_of(conn, actor.organisation_id, actor.id, actor.office_id, row.id)?)
}

/// A conversation the caller may see and work.
pub(crate) fn load_to_work(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<ConversationRow> {
    let row = load(conn, actor, id)?;
    if !may_work(conn, actor, &row)? {
        return Err(ApiError::forbidden(
            "Limited users work only the conversations in their inboxes; this one is not in yours.",
        ));
    }
    Ok(row)
}

/// `GET /conversations/{id}/messages`: the transcript a page at a time, from the newest
/// back — each page oldest first, with the cursor of the page before it.
pub fn transcript_page(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    page: &PageRequest,
) -> ApiResult<MessagePage> {
    let row = load(conn, actor, id)?;
    let (rows, next_cursor) = newest_messages(conn, row.id, page)?;
    Ok(MessagePage { items: to_messages(conn, actor.organisation_id, rows)?, next_cursor })
}

/// `GET /conversations/{id}`: the conversation and the newest page of its transcript
/// (a conversation of thousands of messages is read a page at a time). A person
/// reading it in a session has read it (the lists' unread mark); an integration's API
/// key reading it marks nothing.
pub fn detail(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<ConversationDetail> {
    let row = load(conn, actor, id)?;
    let (transcript, earlier_cursor) = newest_messages(conn, row.id, &PageRequest::first(DETAIL_TRANSCRIPT_LIMIT))?;
    if let (Credential::Session { .. }, Some(newest)) = (&actor.credential, transcript.last()) {
        db::conversations::mark_read(conn, actor.id, row.id, newest.id)?;
    }
    let messages = to_messages(conn, actor.organisation_id, transcript)?;
    let campaign = row.campaign_id.map(|id| db::campaigns::find_by_id(conn, id)).transpose()?.flatten();
    let assistant_script = campaign.as_ref().is_some_and(|c| c.assistant_script.is_some());
    let workable = may_work(conn, actor, &row)?;
    let contact_fields = contact_fields(conn, &row, campaign.as_ref())?;
    let conversation = views(conn, actor, vec![row])?.remove(0);
    Ok(ConversationDetail { conversation, messages, earlier_cursor, assistant_script, workable, contact_fields })
}

/// The contact's list fields by name, for the composer's saved replies; none for a
/// contact outside any list (an unsolicited text).
fn contact_fields(
    conn: &mut DbConnection,
    row: &ConversationRow,
    campaign: Option<&CampaignRow>,
) -> ApiResult<Vec<ContactField>> {
    let (Some(list_id), Some(contact_id)) = (campaign.and_then(|c| c.contact_list_id), row.contact_id) else {
        return Ok(Vec::new());
    };
    let Some(contact) = db::contact_lists::find_contact(conn, list_id, contact_id)? else { return Ok(Vec::new()) };
    let list = db::contact_lists::find(conn, row.organisation_id, list_id)?;
    let values: Vec<String> = serde_json::from_str(&contact.fields).unwrap_or_default();
    Ok(named_fields(&field_names_of(&list)?, values))
}

/// Up to `page.limit` messages before the page's cursor (the newest when it has none),
/// oldest first, and the cursor of the page before them when there is one.
fn newest_messages(
    conn: &mut DbConnection,
    conversation_id: i64,
    page: &PageRequest,
) -> ApiResult<(Vec<MessageRow>, Option<String>)> {
    let before = page.id_cursor()?;
    let mut rows = db::messages::page_of_conversation(conn, conversation_id, before, page.limit + 1)?;
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > page.limit;
    rows.truncate(usize::try_from(page.limit).unwrap_or(0));
    let earlier = more.then(|| rows.last().map(|oldest| oldest.id.to_string())).flatten();
    rows.reverse();
    Ok((rows, earlier))
}

/// Whether the conversation's campaign has a Virtual Assistant script to answer it.
fn has_assistant_script(conn: &mut DbConnection, row: &ConversationRow) -> ApiResult<bool> {
    Ok(match row.campaign_id {
        Some(campaign) => db::campaigns::find_by_id(conn, campaign)?.and_then(|c| c.assistant_script).is_some(),
        None => false,
    })
}

/// `POST /conversations/{id}/messages`: an agent's reply, queued for the dispatcher.
pub fn reply(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> ApiResult<ConversationDetail> {
    let mut errors = Vec::new();
    validate_message_body(body, "body", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let row = load_to_work(conn, actor, id)?;
        if row.route == Route::Closed {
            return Err(ApiError::conflict("This conversation's campaign has ended; it takes no more replies."));
        }
        if db::opt_outs::find_live(conn, row.organisation_id, &row.contact_phone)?.is_some() {
            return Err(ApiError::conflict("The contact opted out; no message can be sent to them."));
        }
        let number = db::phone_numbers::find_any(conn, row.phone_number_id)?;
        if number.status != PhoneNumberStatus::Active {
            return Err(ApiError::conflict("The conversation's number was released; it takes no more replies."));
        }
        queue_agent_message(conn, actor, &row, &number, body, ConversationChanges::default(), stamp)
    })?;
    detail(conn, actor, id)
}

/// Queues a staff member's message in `row` (a reply, or a one-to-one text) and
/// records it on the conversation with `changes`: the author now participates, no
/// person is awaited any more, and the lists sort it by this message.
pub(crate) fn queue_agent_message(
    conn: &mut DbConnection,
    actor: &AuthUser,
    row: &ConversationRow,
    number: &PhoneNumberRow,
    body: &str,
    changes: ConversationChanges,
    stamp: NaiveDateTime,
) -> ApiResult<()> {
    let message_id = inbound::queue_reply(conn, row, number, Author::Agent, Some(actor.id), body, stamp)?;
    db::conversations::add_participant(conn, row.id, actor.id)?;
    let changes = ConversationChanges {
        needs_attention: Some(false),
        last_message_id: Some(Some(message_id)),
        last_message_at: Some(Some(stamp)),
        updated_at: Some(stamp),
        ..changes
    };
    db::conversations::update(conn, row.id, &changes)?;
    inbound::announce_conversation(conn, row.id, stamp)
}

/// `PATCH /conversations/{id}`: operator, needs attention, tags.
pub fn update(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    input: UpdateConversation,
    now: DateTime<Utc>,
) -> ApiResult<ConversationDetail> {
    change(conn, actor, id, input, now)?;
    detail(conn, actor, id)
}

/// The change of `PATCH /conversations/{id}`, in its own transaction (also what each
/// conversation of a bulk action goes through).
pub(crate) fn change(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    input: UpdateConversation,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut errors: Vec<FieldError> = Vec::new();
    let tags = input.tags.as_ref().map(|tags| normalise_tags(tags, Some(CONVERSATION_TAG_MAX), &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let row = load_to_work(conn, actor, id)?;
        if row.route == Route::Closed {
            return Err(ApiError::conflict("This conversation's campaign has ended; the conversation is read-only."));
        }
        let current = row.operated_by;
        let mut changes = ConversationChanges { updated_at: Some(stamp), ..ConversationChanges::default() };
        let mut operator = current;
        if let Some(wanted) = input.operated_by.filter(|w| *w != current) {
            if row.needs_attention && input.needs_attention != Some(false) {
                return Err(ApiError::conflict(
                    "The operator cannot switch while the conversation needs attention; clear it first.",
                ));
            }
            if wanted == OperatedBy::Assistant && !has_assistant_script(conn, &row)? {
                return Err(ApiError::conflict("There is no Virtual Assistant script to answer this conversation."));
            }
            operator = wanted;
            changes.operated_by = Some(wanted);
            changes.assistant_fallbacks = Some(0);
        }
        if let Some(needs_attention) = input.needs_attention {
            if needs_attention && operator != OperatedBy::Agent {
                return Err(ApiError::invalid("needs_attention", "applies to agent-operated conversations only"));
            }
            changes.needs_attention = Some(needs_attention);
            if !needs_attention {
                changes.opt_out_suggested = Some(false);
            }
        }
        if let Some(assignee) = input.assigned_user_id {
            assignment::assign(conn, actor, &row, assignee, &mut changes, stamp)?;
        }
        db::conversations::update(conn, row.id, &changes)?;
        if let Some(tags) = &tags {
            let keyed: Vec<(String, String)> = tags.iter().map(|t| (t.clone(), tag_key(t))).collect();
            db::conversations::replace_tags(conn, row.id, &keyed)?;
        }
        inbound::announce_conversation(conn, row.id, stamp)?;
        if input.operated_by.is_none() && input.needs_attention.is_none() && tags.is_none() {
            return Ok(());
        }
        audit::record(
            conn,
            actor,
            ENTITY,
            row.id,
            "updated",
            &json!({ "operated_by": input.operated_by, "needs_attention": input.needs_attention, "tags": tags }),
            stamp,
        )
    })
}

/// `POST /conversations/{id}/opt-out`: staff put the contact on the suppression list.
pub fn opt_out(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<ConversationDetail> {
    suppress_contact(conn, actor, id, now)?;
    detail(conn, actor, id)
}

/// The change of `POST /conversations/{id}/opt-out`, in its own transaction.
pub(crate) fn suppress_contact(
    conn: &mut DbConnection,
    actor: &AuthUser,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let row = load_to_work(conn, actor, id)?;
        let by = Suppressor::Staff { actor, source: OptOutSource::Manual, campaign_id: row.campaign_id, reason: None };
        opt_outs::suppress(conn, row.organisation_id, &row.contact_phone, by, stamp)?;
        db::conversations::update(
            conn,
            row.id,
            &ConversationChanges {
                needs_attention: Some(false),
                opt_out_suggested: Some(false),
                updated_at: Some(stamp),
                ..ConversationChanges::default()
            },
        )?;
        inbound::announce_conversation(conn, row.id, stamp)?;
        Ok::<_, ApiError>(())
    })
}
