//! Conversations: one per campaign contact and per unsolicited sender, their tags, the
//! staff who took part, what each user has read, and the queries behind the Activity
//! tab and the inboxes.
//!
//! Lists are keyset-paged by id, newest first (`conversations_campaign` index).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tidings_domain::campaign::OperatedBy;
use tidings_domain::conversation_wire::Route;
use tidings_domain::conversation_wire::Section;
use tidings_domain::message_wire::Direction;

use super::schema::{
    campaign_agents, conversation_participants, conversation_reads, conversation_tags, conversations, messages,
    unsolicited_recipients,
};
use super::text_search::NameOrPhone;
use super::DbConnection;

/// Columns bound per conversation in a multi-row insert.
const CONVERSATION_PARAMETERS: usize = 15;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversations)]
pub struct ConversationRow {
    pub id: i64,
    pub organisation_id: i64,
    pub office_id: i64,
    pub campaign_id: Option<i64>,
    pub phone_number_id: i64,
    pub contact_id: Option<i64>,
    pub contact_phone: String,
    pub first_name: String,
    pub last_name: String,
    pub operated_by: OperatedBy,
    pub needs_attention: bool,
    pub opt_out_suggested: bool,
    pub assistant_fallbacks: i64,
    pub route: Route,
    pub last_message_id: Option<i64>,
    pub last_message_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub assigned_user_id: Option<i64>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = conversations)]
pub struct NewConversation {
    pub organisation_id: i64,
    pub office_id: i64,
    pub campaign_id: Option<i64>,
    pub phone_number_id: i64,
    pub contact_id: Option<i64>,
    pub contact_phone: String,
    pub first_name: String,
    pub last_name: String,
    pub operated_by: OperatedBy,
    pub needs_attention: bool,
    pub opt_out_suggested: bool,
    pub assistant_fallbacks: i64,
    pub route: Route,
    /// The newest message's time: lists sort by it.
    pub last_message_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts conversations in multi-row statements; answers (id, contact id) pairs.
pub fn insert_all(conn: &mut DbConnection, rows: &[NewConversation]) -> QueryResult<Vec<(i64, Option<i64>)>> {
    let per_statement = match conn {
        DbConnection::Sqlite(_) => 32_766 / CONVERSATION_PARAMETERS,
        DbConnection::Postgresql(_) => 65_535 / CONVERSATION_PARAMETERS,
    };
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(per_statement) {
        let statement = diesel::insert_into(conversations::table)
            .values(chunk)
            .returning((conversations::id, conversations::contact_id));
        let inserted: Vec<(i64, Option<i64>)> = crate::on_backend!(conn, |c| statement.get_results(c)?);
        ids.extend(inserted);
    }
    Ok(ids)
}

pub fn insert_one(conn: &mut DbConnection, row: &NewConversation) -> QueryResult<i64> {
    diesel::insert_into(conversations::table).values(row).returning(conversations::id).get_result(conn)
}

/// A conversation of `organisation_id`.
pub fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<ConversationRow> {
    conversations::table
        .filter(conversations::organisation_id.eq(organisation_id))
        .filter(conversations::id.eq(id))
        .select(ConversationRow::as_select())
        .first(conn)
}

/// The conversations of `organisation_id` among `ids` (a page of an export).
pub fn find_many(conn: &mut DbConnection, organisation_id: i64, ids: &[i64]) -> QueryResult<Vec<ConversationRow>> {
    conversations::table
        .filter(conversations::organisation_id.eq(organisation_id))
        .filter(conversations::id.eq_any(ids))
        .select(ConversationRow::as_select())
        .load(conn)
}

/// Any conversation by id (jobs and webhooks work across organisations).
pub fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<ConversationRow> {
    conversations::table.find(id).select(ConversationRow::as_select()).first(conn)
}

/// The open conversation a reply from `contact_phone` to our number belongs to: the
/// newest one whose route is not closed.
pub fn find_open(
    conn: &mut DbConnection,
    phone_number_id: i64,
    contact_phone: &str,
) -> QueryResult<Option<ConversationRow>> {
    conversations::table
        .filter(conversations::phone_number_id.eq(phone_number_id))
        .filter(conversations::contact_phone.eq(contact_phone))
        .filter(conversations::route.ne(Route::Closed))
        .order(conversations::id.desc())
        .select(ConversationRow::as_select())
        .first(conn)
        .optional()
}

/// The conversations a campaign holds with one of its list's contacts.
pub fn ids_of_campaign_contact(conn: &mut DbConnection, campaign_id: i64, contact_id: i64) -> QueryResult<Vec<i64>> {
    conversations::table
        .filter(conversations::campaign_id.eq(campaign_id))
        .filter(conversations::contact_id.eq(contact_id))
        .select(conversations::id)
        .load(conn)
}

/// What changes on a conversation.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = conversations)]
pub struct ConversationChanges {
    pub operated_by: Option<OperatedBy>,
    pub needs_attention: Option<bool>,
    pub opt_out_suggested: Option<bool>,
    pub assistant_fallbacks: Option<i64>,
    pub route: Option<Route>,
    pub last_message_id: Option<Option<i64>>,
    pub last_message_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
    pub assigned_user_id: Option<Option<i64>>,
    /// The contact's name, for a conversation opened by a text to a number (a list's
    /// contacts come with theirs).
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

pub fn update(conn: &mut DbConnection, id: i64, changes: &ConversationChanges) -> QueryResult<usize> {
    diesel::update(conversations::table.find(id)).set(changes).execute(conn)
}

/// At a campaign's end: conversations that need attention on a reusable number move to
/// the number's unsolicited inboxes; the rest close. Answers the ids that moved.
pub fn close_for_campaign(
    conn: &mut DbConnection,
    campaign_id: i64,
    keep_needing_attention: bool,
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    let rerouted: Vec<i64> = if keep_needing_attention {
        diesel::update(
            conversations::table
                .filter(conversations::campaign_id.eq(campaign_id))
                .filter(conversations::route.eq(Route::Campaign))
                .filter(conversations::needs_attention.eq(true)),
        )
        .set((conversations::route.eq(Route::Unsolicited), conversations::updated_at.eq(now)))
        .returning(conversations::id)
        .get_results(conn)?
    } else {
        Vec::new()
    };
    diesel::update(
        conversations::table
            .filter(conversations::campaign_id.eq(campaign_id))
            .filter(conversations::route.eq(Route::Campaign)),
    )
    .set((conversations::route.eq(Route::Closed), conversations::updated_at.eq(now)))
    .execute(conn)?;
    Ok(rerouted)
}

/// What the Activity tab and the inbox filter by.
#[derive(Debug, Clone, Default)]
pub struct ConversationFilter {
    /// Part of the name or of the phone.
    pub search: NameOrPhone,
    /// Conversation tag keys; any of them matches.
    pub tag_keys: Vec<String>,
    /// Keyset: only conversations after this (last activity, id) in the lists' order,
    /// the latest activity first.
    pub before: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
}

type Boxed<'a> = conversations::BoxedQuery<'a, crate::db::connection::MultiBackend>;

fn filtered<'a>(mut query: Boxed<'a>, filter: &'a ConversationFilter) -> Boxed<'a> {
    crate::filter_name_or_phone!(
        query,
        conversations::first_name,
        conversations::last_name,
        conversations::contact_phone,
        &filter.search
    );
    if !filter.tag_keys.is_empty() {
        query = query.filter(
            conversations::id.eq_any(
                conversation_tags::table
                    .filter(conversation_tags::tag_key.eq_any(filter.tag_keys.clone()))
                    .select(conversation_tags::conversation_id),
            ),
        );
    }
    if let Some((at, id)) = filter.before {
        query = query.filter(
            conversations::last_message_at
                .lt(at)
                .or(conversations::last_message_at.eq(at).and(conversations::id.lt(id))),
        );
    }
    query
}

/// The lists' order: the latest activity first (every conversation has a message).
fn by_activity(query: Boxed<'_>) -> Boxed<'_> {
    query.order((conversations::last_message_at.desc(), conversations::id.desc()))
}

fn section_filtered<'a>(query: Boxed<'a>, section: Section) -> Boxed<'a> {
    match section {
        Section::NeedsAttention => query.filter(conversations::needs_attention.eq(true)),
        Section::AgentOperated => query
            .filter(conversations::needs_attention.eq(false))
            .filter(conversations::operated_by.eq(OperatedBy::Agent)),
        Section::AssistantOperated => query
            .filter(conversations::needs_attention.eq(false))
            .filter(conversations::operated_by.eq(OperatedBy::Assistant)),
    }
}

/// The ids of a campaign's conversations matching `filter` (in `section`, or every
/// section), the latest activity first, at most `filter.limit`: a bulk action's
/// selection.
pub fn ids_of_campaign(
    conn: &mut DbConnection,
    campaign_id: i64,
    section: Option<Section>,
    filter: &ConversationFilter,
) -> QueryResult<Vec<i64>> {
    let query = filtered(conversations::table.filter(conversations::campaign_id.eq(campaign_id)).into_boxed(), filter);
    let query = match section {
        Some(section) => section_filtered(query, section),
        None => query,
    };
    by_activity(query).select(conversations::id).limit(filter.limit).load(conn)
}

/// One page of a campaign's conversations in a section, the latest activity first.
pub fn page_of_campaign(
    conn: &mut DbConnection,
    campaign_id: i64,
    section: Section,
    filter: &ConversationFilter,
) -> QueryResult<Vec<ConversationRow>> {
    // Loaded by position: `ConversationRow` lists the table's columns in order.
    let query = conversations::table.filter(conversations::campaign_id.eq(campaign_id)).into_boxed();
    by_activity(section_filtered(filtered(query, filter), section)).limit(filter.limit).load(conn)
}

/// How many of a campaign's conversations match `filter` in `section`.
pub fn count_in_section(
    conn: &mut DbConnection,
    campaign_id: i64,
    section: Section,
    filter: &ConversationFilter,
) -> QueryResult<i64> {
    let unpaged = ConversationFilter { before: None, ..filter.clone() };
    let query = conversations::table.filter(conversations::campaign_id.eq(campaign_id)).into_boxed();
    section_filtered(filtered(query, &unpaged), section).count().get_result(conn)
}

/// Which inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxOwner {
    /// A user's personal inbox: conversations assigned to them, and the unassigned ones
    /// of campaigns they are an agent of and of numbers whose unsolicited settings name
    /// them.
    User(i64),
    /// Of a user's personal inbox, what is assigned to them ("Mine").
    Assigned(i64),
    /// Of a user's personal inbox, what nobody is assigned to ("Unassigned").
    Unassigned(i64),
    /// An office inbox: numbers whose unsolicited settings name the office, while
    /// nobody is assigned to them.
    Office(i64),
}

/// The conversations of an inbox: those needing attention, or (with `participant`)
/// those that user replied in.
fn inbox_conversations<'a>(organisation_id: i64, owner: InboxOwner, participant: Option<i64>) -> Boxed<'a> {
    let query = inbox_members(organisation_id, owner);
    match participant {
        Some(user_id) => query.filter(
            conversations::id.eq_any(
                conversation_participants::table
                    .filter(conversation_participants::user_id.eq(user_id))
                    .select(conversation_participants::conversation_id),
            ),
        ),
        None => query.filter(conversations::needs_attention.eq(true)),
    }
}

/// Whether conversation `id` is in user `user_id`'s inbox or their office's (needing
/// attention or not): what a limited user may work.
pub fn is_in_inboxes_of(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
    office_id: i64,
    id: i64,
) -> QueryResult<bool> {
    for owner in [InboxOwner::User(user_id), InboxOwner::Office(office_id)] {
        let found: i64 =
            inbox_members(organisation_id, owner).filter(conversations::id.eq(id)).count().get_result(conn)?;
        if found > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Every conversation that reaches an inbox.
fn inbox_members<'a>(organisation_id: i64, owner: InboxOwner) -> Boxed<'a> {
    let query = conversations::table.filter(conversations::organisation_id.eq(organisation_id)).into_boxed();
    match owner {
        // Assigned to the user, or unassigned and theirs by campaign or number.
        InboxOwner::User(user_id) => query.filter(
            conversations::assigned_user_id.eq(user_id).or(conversations::assigned_user_id.is_null().and(
                conversations::route
                    .eq(Route::Campaign)
                    .and(
                        conversations::campaign_id.eq_any(
                            campaign_agents::table
                                .filter(campaign_agents::user_id.eq(user_id))
                                .select(campaign_agents::campaign_id.nullable()),
                        ),
                    )
                    .or(conversations::route.eq(Route::Unsolicited).and(
                        conversations::phone_number_id.eq_any(
                            unsolicited_recipients::table
                                .filter(unsolicited_recipients::user_id.eq(user_id))
                                .select(unsolicited_recipients::phone_number_id),
                        ),
                    )),
            )),
        ),
        InboxOwner::Assigned(user_id) => query.filter(conversations::assigned_user_id.eq(user_id)),
        InboxOwner::Unassigned(user_id) => {
            inbox_members(organisation_id, InboxOwner::User(user_id)).filter(conversations::assigned_user_id.is_null())
        }
        InboxOwner::Office(office_id) => query
            .filter(conversations::assigned_user_id.is_null())
            .filter(conversations::route.eq(Route::Unsolicited))
            .filter(
                conversations::phone_number_id.eq_any(
                    unsolicited_recipients::table
                        .filter(unsolicited_recipients::office_id.eq(office_id))
                        .select(unsolicited_recipients::phone_number_id),
                ),
            ),
    }
}

/// An inbox page: `needs_attention` tab, or `participating` (conversations `user`
/// replied in) when `participant` is set. The latest activity first.
pub fn inbox_page(
    conn: &mut DbConnection,
    organisation_id: i64,
    owner: InboxOwner,
    participant: Option<i64>,
    filter: &ConversationFilter,
) -> QueryResult<Vec<ConversationRow>> {
    let query = inbox_conversations(organisation_id, owner, participant);
    by_activity(filtered(query, filter)).limit(filter.limit).load(conn)
}

/// How many conversations of an inbox need attention.
pub fn count_needing_attention(conn: &mut DbConnection, organisation_id: i64, owner: InboxOwner) -> QueryResult<i64> {
    inbox_conversations(organisation_id, owner, None).count().get_result(conn)
}

/// Notes that `user_id` replied in a conversation.
pub fn add_participant(conn: &mut DbConnection, conversation_id: i64, user_id: i64) -> QueryResult<()> {
    let exists: i64 = conversation_participants::table
        .filter(conversation_participants::conversation_id.eq(conversation_id))
        .filter(conversation_participants::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(conversation_participants::table)
            .values((
                conversation_participants::conversation_id.eq(conversation_id),
                conversation_participants::user_id.eq(user_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Notes that `user_id` has read a conversation up to `message_id` (its newest message).
pub fn mark_read(conn: &mut DbConnection, user_id: i64, conversation_id: i64, message_id: i64) -> QueryResult<()> {
    // An open conversation is read again on every live update: a read, not a write,
    // when nothing new arrived (writes are what SQLite serialises).
    let seen: Option<i64> = conversation_reads::table
        .find((user_id, conversation_id))
        .select(conversation_reads::last_read_message_id)
        .first(conn)
        .optional()?;
    if seen.is_some_and(|seen| seen >= message_id) {
        return Ok(());
    }
    let statement = diesel::insert_into(conversation_reads::table)
        .values((
            conversation_reads::user_id.eq(user_id),
            conversation_reads::conversation_id.eq(conversation_id),
            conversation_reads::last_read_message_id.eq(message_id),
        ))
        .on_conflict((conversation_reads::user_id, conversation_reads::conversation_id))
        .do_update()
        .set(conversation_reads::last_read_message_id.eq(message_id));
    crate::on_backend!(conn, |c| statement.execute(c)?);
    Ok(())
}

/// Which of `ids` hold a contact's message newer than what `user_id` last read there
/// (or any contact's message, where they never opened it).
pub fn unread_among(conn: &mut DbConnection, user_id: i64, ids: &[i64]) -> QueryResult<HashSet<i64>> {
    let newest_inbound: Vec<(Option<i64>, Option<i64>)> = messages::table
        .filter(messages::conversation_id.eq_any(ids))
        .filter(messages::direction.eq(Direction::Inbound))
        .group_by(messages::conversation_id)
        .select((messages::conversation_id, diesel::dsl::max(messages::id)))
        .load(conn)?;
    let read: HashMap<i64, i64> = conversation_reads::table
        .filter(conversation_reads::user_id.eq(user_id))
        .filter(conversation_reads::conversation_id.eq_any(ids))
        .select((conversation_reads::conversation_id, conversation_reads::last_read_message_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(newest_inbound
        .into_iter()
        .filter_map(|(conversation, newest)| Some((conversation?, newest?)))
        .filter(|(conversation, newest)| read.get(conversation).is_none_or(|seen| newest > seen))
        .map(|(conversation, _)| conversation)
        .collect())
}

/// Tags of conversations, in each conversation's order.
pub fn tags_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    conversation_tags::table
        .filter(conversation_tags::conversation_id.eq_any(ids))
        .order((conversation_tags::conversation_id, conversation_tags::position))
        .select((conversation_tags::conversation_id, conversation_tags::tag))
        .load(conn)
}

/// The tags on a campaign's conversations: (tag as first written, conversations
/// carrying it), by tag key. Tags differing only in case count as one.
pub fn campaign_tag_counts(conn: &mut DbConnection, campaign_id: i64) -> QueryResult<Vec<(Option<String>, i64)>> {
    conversation_tags::table
        .inner_join(conversations::table)
        .filter(conversations::campaign_id.eq(campaign_id))
        .group_by(conversation_tags::tag_key)
        .order(conversation_tags::tag_key)
        .select((diesel::dsl::min(conversation_tags::tag), diesel::dsl::count_star()))
        .load(conn)
}

/// Replaces a conversation's tags (already normalised and unique by key).
pub fn replace_tags(conn: &mut DbConnection, conversation_id: i64, tags: &[(String, String)]) -> QueryResult<()> {
    diesel::delete(conversation_tags::table.filter(conversation_tags::conversation_id.eq(conversation_id)))
        .execute(conn)?;
    for (position, (tag, key)) in tags.iter().enumerate() {
        diesel::insert_into(conversation_tags::table)
            .values((
                conversation_tags::conversation_id.eq(conversation_id),
                conversation_tags::tag.eq(tag),
                conversation_tags::tag_key.eq(key),
                conversation_tags::position.eq(i64::try_from(position).unwrap_or(0)),
            ))
            .execute(conn)?;
    }
    Ok(())
}
