//! `/api/v1/campaigns/{id}/conversations`, `/api/v1/conversations/{id}` (transcript,
//! replies, operator, needs attention, tags, opt-out) and `/api/v1/inbox`.

use actix_web::{get, patch, post, web, HttpResponse};
use serde::Deserialize;
use tidings_domain::campaign_wire::AuditEntry;
use tidings_domain::conversation_wire::{
    Assignee, BulkConversationAction, BulkReport, CampaignConversations, ConversationDetail, ConversationPage,
    ConversationTagCount, InboxCounts, ReplyMessage, Section, StartConversation, UpdateConversation,
};
use tidings_domain::message_wire::MessagePage;
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::http::listing::{InstantCursor, Listing};
use crate::http::query::comma_list;
use crate::http::ItemList;
use crate::services::conversations::{self, ConversationQuery};
use crate::services::inbox::{self, InboxQuery};
use crate::services::{assignment, bulk, direct_texts};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CampaignConversationsQuery {
    /// Only this section; every non-empty section when absent.
    pub section: Option<Section>,
    /// First name, last name or phone (part of any).
    pub q: Option<String>,
    /// Comma-separated conversation tags; any of them matches.
    pub tags: Option<String>,
}

/// The Activity tab's request: its filter and the page of each section.
type CampaignConversationsListing = Listing<CampaignConversationsQuery, 25, 100, InstantCursor>;

/// The Activity tab: sections Needs attention, Agent-operated, Virtual
/// Assistant-operated (empty ones omitted), newest first, with each conversation's last
/// message and its delivery status. `limit` is per section; a `cursor` pages within
/// `section`.
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Campaign id"), CampaignConversationsListing),
    responses(
        (status = 200, description = "The sections", body = CampaignConversations),
        (status = 400, description = "A bad cursor, limit or query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}/conversations")]
pub async fn list_campaign_conversations(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    listing: CampaignConversationsListing,
) -> ApiResult<web::Json<CampaignConversations>> {
    let Listing { filter, page, .. } = listing;
    let section = filter.section;
    let search = ConversationQuery { q: filter.q, tags: comma_list(filter.tags) };
    let id = id.into_inner();
    state.db(move |conn| conversations::of_campaign(conn, &user, id, section, &search, &page)).await.map(web::Json)
}

/// The tags in use on the campaign's conversations, with how many carry each: the
/// Activity tab's tag filter.
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "Tags by name, with conversation counts", body = ItemList<ConversationTagCount>),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}/conversation-tags")]
pub async fn list_campaign_conversation_tags(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ItemList<ConversationTagCount>>> {
    let id = id.into_inner();
    state.db(move |conn| conversations::campaign_tags(conn, &user, id)).await.map(|items| web::Json(ItemList { items }))
}

/// A conversation with the newest 100 messages of its transcript.
///
/// Each message has its author, status, error reason and segments; `earlier_cursor`,
/// when set, pages back through the rest with `GET /conversations/{id}/messages`.
///
/// Reading it with a session token marks it read for that user (the lists' `unread`
/// flag); reading it with an API key marks nothing.
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The conversation", body = ConversationDetail),
        (status = 403, description = "No two-way messaging permission, or a limited user and a conversation outside their inboxes", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/conversations/{id}")]
pub async fn get_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ConversationDetail>> {
    let id = id.into_inner();
    state.db(move |conn| conversations::detail(conn, &user, id)).await.map(web::Json)
}

/// The conversation's transcript, a page at a time from the newest back: each page is
/// oldest first, and its `next_cursor` gives the page of earlier messages.
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id"), TranscriptListing),
    responses(
        (status = 200, description = "A page of the transcript", body = MessagePage),
        (status = 400, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/conversations/{id}/messages")]
pub async fn list_conversation_messages(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    listing: TranscriptListing,
) -> ApiResult<web::Json<MessagePage>> {
    let (id, page) = (id.into_inner(), listing.page);
    state.db(move |conn| conversations::transcript_page(conn, &user, id, &page)).await.map(web::Json)
}

/// An agent's reply: queued and sent at the number's pace; clears needs attention.
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    request_body = ReplyMessage,
    responses(
        (status = 201, description = "Queued; the conversation as it is now", body = ConversationDetail),
        (status = 403, description = "No two-way messaging permission, or a limited user and a conversation outside their inboxes", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The campaign ended, the number was released, or the contact opted out", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/conversations/{id}/messages")]
pub async fn reply_in_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<ReplyMessage>,
) -> ApiResult<HttpResponse> {
    let (id, now, text) = (id.into_inner(), state.clock.now(), body.into_inner().body);
    let detail = state.db(move |conn| conversations::reply(conn, &user, id, &text, now)).await?;
    Ok(HttpResponse::Created().json(detail))
}

/// Switch the operator (not while the conversation needs attention), set or clear needs
/// attention (agent-operated only), replace the tags (at most 3, 30 characters each).
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    request_body = UpdateConversation,
    responses(
        (status = 200, description = "The conversation", body = ConversationDetail),
        (status = 403, description = "No two-way messaging permission, or a limited user and a conversation outside their inboxes", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The operator cannot switch now", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid tags, needs attention on an assistant-operated conversation, or an assignee who cannot take it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/api/v1/conversations/{id}")]
pub async fn update_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<UpdateConversation>,
) -> ApiResult<web::Json<ConversationDetail>> {
    let (id, now, input) = (id.into_inner(), state.clock.now(), body.into_inner());
    state.db(move |conn| conversations::update(conn, &user, id, input, now)).await.map(web::Json)
}

/// Opt the contact out (the organisation's suppression list; queued messages to them
/// are cancelled).
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The conversation", body = ConversationDetail),
        (status = 404, description = "No such conversation visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/conversations/{id}/opt-out")]
pub async fn opt_out_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ConversationDetail>> {
    let (id, now) = (id.into_inner(), state.clock.now());
    state.db(move |conn| conversations::opt_out(conn, &user, id, now)).await.map(web::Json)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InboxListQuery {
    /// An office inbox; the caller's personal inbox when absent.
    pub office_id: Option<i64>,
    /// `needs_attention` (default) or `participating`.
    #[param(inline)]
    pub tab: Option<InboxTab>,
    /// Of the personal inbox: `mine` (assigned to you) or `unassigned`; both when
    /// absent. An office inbox holds only unassigned conversations: with `office_id`,
    /// `unassigned` is the whole inbox and `mine` is empty.
    #[param(inline)]
    pub assigned: Option<AssignedView>,
    /// First name, last name or phone (part of any).
    pub q: Option<String>,
    /// Comma-separated conversation tags; any of them matches.
    pub tags: Option<String>,
}

/// The inbox's two tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InboxTab {
    /// Conversations waiting for a person.
    NeedsAttention,
    /// Conversations you replied in.
    Participating,
}

/// The personal inbox's assignment views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignedView {
    /// Conversations assigned to you.
    Mine,
    /// Conversations of your campaigns and numbers that nobody is assigned to.
    Unassigned,
}

/// An inbox request: which inbox and tab, its filter and the page.
type InboxListing = Listing<InboxListQuery, 25, 100, InstantCursor>;

/// A transcript takes no filter of its own.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TranscriptQuery {}

type TranscriptListing = Listing<TranscriptQuery, 100, 500>;

/// How many conversations need attention in your personal inbox and in each office
/// inbox you may open.
#[utoipa::path(
    tag = "conversations",
    responses(
        (status = 200, description = "The counts", body = InboxCounts),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/inbox/counts")]
pub async fn get_inbox_counts(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<InboxCounts>> {
    state.db(move |conn| inbox::counts(conn, &user)).await.map(web::Json)
}

/// An inbox: the personal one (campaigns you are an agent of, numbers whose unsolicited
/// settings name you) or an office's; tabs Needs attention and Participating
/// (conversations you replied in).
#[utoipa::path(
    tag = "conversations",
    params(InboxListing),
    responses(
        (status = 200, description = "One page of the inbox", body = ConversationPage),
        (status = 400, description = "A bad cursor, limit, tab or query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/inbox")]
pub async fn get_inbox(
    state: web::Data<AppState>,
    user: AuthUser,
    listing: InboxListing,
) -> ApiResult<web::Json<ConversationPage>> {
    let Listing { filter: query, page, .. } = listing;
    let participating = query.tab == Some(InboxTab::Participating);
    let assigned_to_me = query.assigned.map(|view| view == AssignedView::Mine);
    let inbox = InboxQuery { office_id: query.office_id, assigned_to_me, participating };
    let search = ConversationQuery { q: query.q, tags: comma_list(query.tags) };
    state.db(move |conn| inbox::page(conn, &user, inbox, &search, &page)).await.map(web::Json)
}

/// The users a conversation may be assigned to: active, with the messaging permission,
/// seeing its office.
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "Candidates by name", body = ItemList<Assignee>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "You may read but not work this conversation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/conversations/{id}/assignees")]
pub async fn list_conversation_assignees(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ItemList<Assignee>>> {
    let id = id.into_inner();
    state.db(move |conn| assignment::assignees(conn, &user, id)).await.map(|items| web::Json(ItemList { items }))
}

/// A conversation's history: who assigned, changed or opted it out, and when, oldest
/// first.
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The audit trail", body = ItemList<AuditEntry>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/conversations/{id}/audit")]
pub async fn get_conversation_audit(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ItemList<AuditEntry>>> {
    let id = id.into_inner();
    state.db(move |conn| assignment::history(conn, &user, id)).await.map(|items| web::Json(ItemList { items }))
}

/// One action on many conversations: tag, assign, clear Needs Attention or opt out
/// those named (at most 1000) or every conversation of a campaign matching a filter (at
/// most 5000). Each goes through the same change as its own request, in its own
/// transaction; the answer reports each conversation's outcome, refusals with their
/// reason (another office's, an ended campaign, a full tag list).
#[utoipa::path(
    tag = "conversations",
    request_body = BulkConversationAction,
    responses(
        (status = 200, description = "What was done to each conversation", body = BulkReport),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The campaign or office inbox of the selection is not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No selection or two, too many conversations, an id below 1, or an invalid tag", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/conversations/bulk")]
pub async fn bulk_conversation_action(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<BulkConversationAction>,
) -> ApiResult<web::Json<BulkReport>> {
    let (input, now) = (body.into_inner(), state.clock.now());
    state.db(move |conn| bulk::run(conn, &user, input, now)).await.map(web::Json)
}

/// Text a contact one to one from a reusable number (administrative and standard
/// users). The contact's open conversation on that number continues, or a new one opens;
/// it is assigned to the sender (unless someone has it already), so it is in their
/// inbox. The message waits for the contact's texting hours, as every message that opens
/// a conversation does.
#[utoipa::path(
    tag = "conversations",
    request_body = StartConversation,
    responses(
        (status = 201, description = "A new conversation, its message queued", body = ConversationDetail),
        (status = 200, description = "The contact's open conversation on the number, the message queued in it", body = ConversationDetail),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A limited user, or no two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The contact is on the suppression list", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad phone, body or name, or a number you may not text from", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/conversations")]
pub async fn start_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    body: JsonBody<StartConversation>,
) -> ApiResult<HttpResponse> {
    let (input, now) = (body.into_inner(), state.clock.now());
    let (detail, opened) = state.db(move |conn| direct_texts::start(conn, &user, input, now)).await?;
    Ok(if opened { HttpResponse::Created().json(detail) } else { HttpResponse::Ok().json(detail) })
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(bulk_conversation_action)
        .service(start_conversation)
        .service(list_campaign_conversations)
        .service(list_campaign_conversation_tags)
        .service(get_conversation)
        .service(list_conversation_messages)
        .service(reply_in_conversation)
        .service(update_conversation)
        .service(opt_out_conversation)
        .service(list_conversation_assignees)
        .service(get_conversation_audit)
        .service(get_inbox_counts)
        .service(get_inbox);
}
