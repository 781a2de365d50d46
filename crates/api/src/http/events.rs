//! `/api/v1/events`: live updates as Server-Sent Events, filtered to what the user may
//! see, with a replay after `Last-Event-ID` for reconnecting clients.

use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use tidings_domain::event_wire::{EventKind, StreamTicket};
use tidings_domain::Problem;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use utoipa::IntoParams;

use crate::auth::extractor::{authenticate, bearer, redeem_stream_ticket, ticket_holder};
use crate::auth::jwt::{StreamClaims, Subject, TicketSource};
use crate::auth::{AuthUser, Credential};
use crate::error::{ApiError, ApiResult};
use crate::live::LiveEvent;
use crate::services::events::{self, Replay};
use crate::state::AppState;

/// How often an idle stream sends a comment, so proxies keep it open and a vanished
/// client is noticed; the credential is checked again each time.
pub const KEEPALIVE: Duration = Duration::from_secs(15);
/// What a browser waits before reconnecting, in milliseconds.
const RETRY_MS: u32 = 3000;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
// Not `deny_unknown_fields`: EventSource polyfills add parameters of their own.
pub struct EventsQuery {
    /// Replay what came after this event id; for a first connection from a browser,
    /// whose `EventSource` cannot set the `Last-Event-ID` header (the header wins when
    /// both are given, as the browser sets it on every reconnect).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub last_event_id: Option<String>,
    /// A stream ticket from `POST /api/v1/events/tickets`, for clients that cannot set
    /// the `Authorization` header (the browser's `EventSource`): short-lived and good
    /// for one connection, so what a proxy log keeps of the URL opens nothing. Session
    /// tokens and API keys are never accepted in the URL.
    pub ticket: Option<String>,
}

/// One event of the stream as the document describes it (OpenAPI 3.1 has a
/// `text/event-stream` schema describe each event): what `frame` writes.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // a schema only: the stream is written by `frame`
pub struct ServerSentEvent {
    /// The event's id, to send back as `Last-Event-ID`.
    #[schema(pattern = "^[0-9]+$")]
    id: Option<String>,
    /// `message.created`, `message.status`, `conversation.updated`, `campaign.updated`,
    /// or `resync` (reload what is on screen).
    event: String,
    /// The event's JSON (`MessageCreatedEvent`, …; `{}` for `resync`).
    data: String,
    /// What a client waits before reconnecting, in milliseconds.
    retry: Option<u32>,
}

/// How long a stream ticket may wait to be used.
const TICKET_TTL_SECONDS: i64 = 60;

/// Live updates as Server-Sent Events.
///
/// A `text/event-stream` whose events each have an `id:`, an `event:` —
/// `message.created` (data: `MessageCreatedEvent`), `message.status` (data:
/// `MessageStatusEvent`), `conversation.updated` (data: `ConversationUpdatedEvent`),
/// `campaign.updated` (data: `CampaignUpdatedEvent`) — and a
/// JSON `data:`. A user receives the events of the campaigns they may see (their
/// organisation; their office, or every office with `view_other_offices`). A client
/// that reconnects with `Last-Event-ID` (or `?last_event_id=`) first gets what it
/// missed in the last ten minutes; when that is no longer stored, or too much, or the
/// client fell behind, it gets a `resync` event instead: reload what is on screen. A
/// comment line comes every 15 seconds; the stream ends when the session does.
#[utoipa::path(
    tag = "events",
    params(
        EventsQuery,
        ("Last-Event-ID" = Option<i64>, Header, nullable = false, minimum = 0, description = "The id of the last event received; what came after it is replayed"),
    ),
    responses(
        (status = 200, description = "The event stream; the schema describes each event", body = ServerSentEvent, content_type = "text/event-stream"),
        (status = 400, description = "A query parameter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or the ticket is invalid, expired or used", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The last event id is not an event id", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("stream_ticket" = []))
)]
#[get("/api/v1/events")]
pub async fn get_events(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let query = web::Query::<EventsQuery>::from_query(req.query_string())
        .map_err(|_| ApiError::bad_request("A query parameter is not valid."))?
        .into_inner();
    let state = state.get_ref().clone();
    let (user, credential) = caller(&state, &req, query.ticket).await?;
    user.require_messaging()?;
    let last_event_id = last_event_id(&req, query.last_event_id)?;
    // Subscribed before the replay is read, so nothing falls between the two; what
    // both deliver is sent once.
    let receiver = state.events.subscribe().await?;
    let closing = state.events.closing();
    let mut queue = VecDeque::from([Bytes::from(format!("retry: {RETRY_MS}\n\n"))]);
    let mut replayed = HashSet::new();
    if let Some(last) = last_event_id {
        let reader = user.clone();
        match state.db(move |conn| events::replay(conn, &reader, last)).await? {
            Replay::Events(rows) => {
                for row in rows {
                    replayed.insert(row.id);
                    queue.push_back(frame(Some(row.id), row.kind.as_str(), &row.data));
                }
            }
            Replay::Resync { latest } => queue.push_back(resync(latest)),
        }
    }
    let keepalive = actix_web::rt::time::interval_at(actix_web::rt::time::Instant::now() + KEEPALIVE, KEEPALIVE);
    let feed = Feed { state, credential, user, receiver, queue, replayed, keepalive, closing };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // `Compress` leaves a response alone that names its encoding; gzip would hold
        // events back in its buffer.
        .insert_header((header::CONTENT_ENCODING, "identity"))
        // nginx and the like buffer responses unless told otherwise.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(futures_util::stream::unfold(feed, Feed::next)))
}

/// A ticket to open the event stream.
///
/// For clients that cannot set headers on the stream (the browser's `EventSource`):
/// the ticket opens one stream, once, within 60 seconds, and the stream then lives as
/// long as the session or API key that asked for it. Ask for a new ticket for every
/// (re)connection.
#[utoipa::path(
    tag = "events",
    responses(
        (status = 201, description = "The ticket", body = StreamTicket),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/events/tickets")]
pub async fn create_stream_ticket(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    user.require_messaging()?;
    let via = match &user.credential {
        Credential::Session { jti, expires_at } => TicketSource::Session { jti: jti.clone(), exp: *expires_at },
        Credential::ApiKey { id } => TicketSource::ApiKey { id: *id },
        Credential::System => return Err(ApiError::forbidden("Only a signed-in user may open the event stream.")),
    };
    let subject =
        Subject { user_id: user.id, organisation_id: user.organisation_id, generation: user.session_generation };
    let issued = state
        .tokens
        .issue_stream_ticket(subject, via, state.clock.now(), chrono::Duration::seconds(TICKET_TTL_SECONDS))
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Created().json(StreamTicket { ticket: issued.token, expires_at: issued.expires_at }))
}

/// What a stream checks again while it lasts.
enum StreamCredential {
    /// A session token or API key from the `Authorization` header.
    Bearer(String),
    /// A redeemed ticket: the session or key that bought it.
    Ticket(StreamClaims),
}

/// The caller, from the `Authorization` header when there is one, else from the
/// `ticket` parameter (redeemed now).
async fn caller(
    state: &AppState,
    req: &HttpRequest,
    ticket: Option<String>,
) -> ApiResult<(AuthUser, StreamCredential)> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        let token = bearer(req)?;
        let user = authenticate(state.clone(), token.clone()).await?;
        return Ok((user, StreamCredential::Bearer(token)));
    }
    let ticket = ticket.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).ok_or_else(|| {
        ApiError::unauthorized(
            "Sign in first: send 'Authorization: Bearer <token>', or '?ticket=' with a ticket from POST /api/v1/events/tickets.",
        )
    })?;
    let (user, claims) = redeem_stream_ticket(state.clone(), ticket).await?;
    Ok((user, StreamCredential::Ticket(claims)))
}

/// The event to replay after: the header's, else the query's. Each that is given must
/// be an event id (digits), even the one the header overrides.
fn last_event_id(req: &HttpRequest, from_query: Option<String>) -> ApiResult<Option<i64>> {
    let read = |field: &str, value: &str| {
        let shaped = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        shaped
            .then(|| value.parse::<i64>().ok())
            .flatten()
            .ok_or_else(|| ApiError::invalid(field, "is not an event id this stream gave out"))
    };
    let from_header = match req.headers().get("Last-Event-ID") {
        Some(value) => Some(read("Last-Event-ID", value.to_str().unwrap_or("?").trim())?),
        None => None,
    };
    let from_query = from_query.map(|value| read("last_event_id", &value)).transpose()?;
    Ok(from_header.or(from_query))
}

/// One event on the wire. Data with line breaks becomes several `data:` lines, which
/// the client joins back with line breaks.
fn frame(id: Option<i64>, kind: &str, data: &str) -> Bytes {
    let mut out = String::with_capacity(data.len() + kind.len() + 32);
    if let Some(id) = id {
        out.push_str(&format!("id: {id}\n"));
    }
    out.push_str(&format!("event: {kind}\n"));
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push('\n');
    }
    out.push('\n');
    Bytes::from(out)
}

/// A `resync` event whose id lets the next reconnect continue from `latest`.
fn resync(latest: i64) -> Bytes {
    frame(Some(latest), EventKind::Resync.as_str(), "{}")
}

/// One client's stream.
struct Feed {
    state: AppState,
    credential: StreamCredential,
    user: AuthUser,
    receiver: broadcast::Receiver<Arc<LiveEvent>>,
    /// Frames to send before anything live (the retry hint, the replay).
    queue: VecDeque<Bytes>,
    /// Replayed ids, so the same event arriving live is not sent twice.
    replayed: HashSet<i64>,
    keepalive: actix_web::rt::time::Interval,
    closing: watch::Receiver<bool>,
}

impl Feed {
    async fn next(mut self) -> Option<(Result<Bytes, Infallible>, Feed)> {
        loop {
            if *self.closing.borrow() {
                return None;
            }
            if let Some(frame) = self.queue.pop_front() {
                return Some((Ok(frame), self));
            }
            tokio::select! {
                _ = self.closing.changed() => return None,
                received = self.receiver.recv() => match received {
                    Ok(event) => {
                        let row = &event.row;
                        if self.replayed.remove(&row.id) || !events::may_see(&self.user, row.organisation_id, row.office_id) {
                            continue;
                        }
                        let bytes = event.frame.get_or_init(|| frame(Some(row.id), row.kind.as_str(), &row.data)).clone();
                        return Some((Ok(bytes), self));
                    }
                    Err(RecvError::Lagged(missed)) => {
                        tracing::debug!(missed, "an event stream fell behind");
                        let latest = self.state.events.latest();
                        return Some((Ok(resync(latest)), self));
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = self.keepalive.tick() => {
                    if !self.still_allowed().await {
                        return None;
                    }
                    if let Err(error) = self.state.events.keep_running().await {
                        tracing::warn!(%error, "could not restart the event poller");
                    }
                    return Some((Ok(Bytes::from_static(b": keepalive\n\n")), self));
                }
            }
        }
    }

    /// Checks the credential again: a stream outlives no logout, expiry or
    /// deactivation, and follows changes to what its user may see. A database hiccup
    /// keeps the stream (and the user as they were).
    async fn still_allowed(&mut self) -> bool {
        let checked = match &self.credential {
            StreamCredential::Bearer(token) => authenticate(self.state.clone(), token.clone()).await,
            StreamCredential::Ticket(claims) => ticket_holder(self.state.clone(), claims.clone()).await,
        };
        match checked {
            Ok(user) if user.two_way_messaging => {
                self.user = user;
                true
            }
            Ok(_) => false,
            Err(error) if error.status().is_server_error() => {
                tracing::warn!(%error, "could not check an event stream's credential");
                true
            }
            Err(_) => false,
        }
    }
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(create_stream_ticket).service(get_events);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_follow_the_event_stream_format() {
        assert_eq!(
            frame(Some(7), "message.status", r#"{"id":1}"#),
            Bytes::from("id: 7\nevent: message.status\ndata: {\"id\":1}\n\n")
        );
        assert_eq!(frame(None, "resync", "a\r\nb"), Bytes::from("event: resync\ndata: a\ndata: b\n\n"));
    }
}
