//! The inboxes: a user's personal inbox (what is assigned to them, and the unassigned
//! conversations of their campaigns and numbers), its Mine and Unassigned views, and
//! the office inboxes; their pages, their Needs Attention counts, and the ids a bulk
//! action selects from one.

use tidings_domain::conversation_wire::{ConversationPage, InboxCounts, OfficeInboxCount};

use crate::auth::AuthUser;
use crate::db::conversations::{ConversationFilter, InboxOwner};
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::conversations::{filter_of, page_of_rows, ConversationQuery};
use crate::services::paging::PageRequest;

/// Which inbox and tab `GET /inbox` shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct InboxQuery {
    /// An office inbox, or the caller's personal one when `None`.
    pub office_id: Option<i64>,
    /// Of the personal inbox, only what is assigned to the caller (`Some(true)`) or
    /// only what nobody is assigned to (`Some(false)`).
    pub assigned_to_me: Option<bool>,
    /// The Participating tab (conversations the caller replied in) instead of Needs
    /// Attention.
    pub participating: bool,
}

/// `GET /inbox`.
pub fn page(
    conn: &mut DbConnection,
    actor: &AuthUser,
    inbox: InboxQuery,
    query: &ConversationQuery,
    page: &PageRequest,
) -> ApiResult<ConversationPage> {
    actor.require_messaging()?;
    let filter = filter_of(query, page)?;
    let Some((owner, participant)) = owner_of(actor, &inbox)? else {
        return Ok(ConversationPage { items: Vec::new(), next_cursor: None });
    };
    let rows = db::conversations::inbox_page(
        conn,
        actor.organisation_id,
        owner,
        participant,
        &ConversationFilter { limit: filter.limit + 1, ..filter.clone() },
    )?;
    let (items, next_cursor) = page_of_rows(conn, actor, rows, filter.limit)?;
    Ok(ConversationPage { items, next_cursor })
}

/// The ids of an inbox's conversations matching `query`, at most `limit`: a bulk
/// action's selection.
pub fn ids(
    conn: &mut DbConnection,
    actor: &AuthUser,
    inbox: &InboxQuery,
    query: &ConversationQuery,
    limit: i64,
) -> ApiResult<Vec<i64>> {
    actor.require_messaging()?;
    let filter = ConversationFilter { limit, ..filter_of(query, &PageRequest::first(limit))? };
    let Some((owner, participant)) = owner_of(actor, inbox)? else { return Ok(Vec::new()) };
    let rows = db::conversations::inbox_page(conn, actor.organisation_id, owner, participant, &filter)?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// Which inbox a request means, and whose replies its Participating tab follows;
/// `None` for a view that cannot hold anything: an office inbox holds only what nobody
/// is assigned to, so its "Unassigned" view is the whole inbox and its "Mine" is empty.
fn owner_of(actor: &AuthUser, inbox: &InboxQuery) -> ApiResult<Option<(InboxOwner, Option<i64>)>> {
    let owner = match (inbox.office_id, inbox.assigned_to_me) {
        (Some(office), _) if !actor.sees_office(office) => return Err(ApiError::not_found("The office")),
        (Some(_), Some(true)) => return Ok(None),
        (Some(office), _) => InboxOwner::Office(office),
        (None, Some(true)) => InboxOwner::Assigned(actor.id),
        (None, Some(false)) => InboxOwner::Unassigned(actor.id),
        (None, None) => InboxOwner::User(actor.id),
    };
    Ok(Some((owner, inbox.participating.then_some(actor.id))))
}

/// `GET /inbox/counts`: conversations needing attention in the caller's inbox and in
/// each office inbox they may open.
pub fn counts(conn: &mut DbConnection, actor: &AuthUser) -> ApiResult<InboxCounts> {
    actor.require_messaging()?;
    let count =
        |conn: &mut DbConnection, owner| db::conversations::count_needing_attention(conn, actor.organisation_id, owner);
    // The personal inbox is exactly its two views, which do not overlap.
    let assigned_to_me = count(conn, InboxOwner::Assigned(actor.id))?;
    let unassigned = count(conn, InboxOwner::Unassigned(actor.id))?;
    let mine = assigned_to_me + unassigned;
    let mut offices = Vec::new();
    for office in db::offices::list(conn, actor.organisation_id)? {
        if !actor.sees_office(office.id) {
            continue;
        }
        let needs_attention =
            db::conversations::count_needing_attention(conn, actor.organisation_id, InboxOwner::Office(office.id))?;
        offices.push(OfficeInboxCount { office_id: office.id, office_name: office.name, needs_attention });
    }
    Ok(InboxCounts { mine, assigned_to_me, unassigned, offices })
}
