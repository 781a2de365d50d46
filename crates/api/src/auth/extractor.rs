//! `AuthUser`: the authenticated caller of a handler, from a session token or an API key.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use tidings_domain::Role;

use chrono::NaiveDateTime;
use diesel::OptionalExtension;

use crate::auth::api_key;
use crate::auth::jwt::{SessionClaims, StreamClaims, TicketSource};
use crate::db::api_keys::ApiKeyRow;
use crate::db::{self, users::UserRow, DbConnection};
use crate::error::ApiError;
use crate::state::AppState;

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A staff session token (revocable by logout).
    Session { jti: String, expires_at: i64 },
    /// An integration's API key.
    ApiKey { id: i64 },
    /// Work the server does on a user's behalf (the demo seed), never from a request.
    System,
}

/// The authenticated user behind a request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: i64,
    pub organisation_id: i64,
    pub office_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub view_other_offices: bool,
    pub two_way_messaging: bool,
    /// The user's session generation now (what a new token or stream ticket carries).
    pub session_generation: i64,
    pub credential: Credential,
}

impl AuthUser {
    /// Administrators only (users, offices, numbers, API keys).
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.role.is_admin() {
            Ok(())
        } else {
            Err(ApiError::forbidden("Only administrative users may do this."))
        }
    }

    /// Users with the two-way messaging permission (every campaign and conversation
    /// endpoint).
    pub fn require_messaging(&self) -> Result<(), ApiError> {
        if self.two_way_messaging {
            Ok(())
        } else {
            Err(ApiError::forbidden("You do not have the two-way messaging permission."))
        }
    }

    /// Administrative and standard users with the messaging permission.
    pub fn require_campaign_manager(&self) -> Result<(), ApiError> {
        self.require_messaging()?;
        if self.role.manages_campaigns() {
            Ok(())
        } else {
            Err(ApiError::forbidden("Limited users cannot create or change campaigns."))
        }
    }

    /// Whether this user sees every office of the organisation.
    pub fn sees_all_offices(&self) -> bool {
        self.role.may_view_other_offices() && (self.view_other_offices || self.role.is_admin())
    }

    /// Whether this user may see things of `office_id` (same organisation assumed).
    pub fn sees_office(&self, office_id: i64) -> bool {
        self.sees_all_offices() || office_id == self.office_id
    }
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("Sign in first: the Authorization header is missing."))?;
    let value = value.to_str().map_err(|_| ApiError::unauthorized("The Authorization header is not readable."))?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthorized("Use 'Authorization: Bearer <token or API key>'."));
    }
    Ok(token.trim().to_owned())
}

impl AuthUser {
    /// Acts as `row` for work the server does itself (seeding), with no credential.
    pub fn acting_as(row: UserRow) -> Result<AuthUser, ApiError> {
        from_row(row, Credential::System)
    }
}

fn from_row(row: UserRow, credential: Credential) -> Result<AuthUser, ApiError> {
    let role = row.role;
    Ok(AuthUser {
        id: row.id,
        organisation_id: row.organisation_id,
        office_id: row.office_id,
        name: row.name,
        email: row.email,
        role,
        view_other_offices: row.view_other_offices,
        two_way_messaging: row.two_way_messaging,
        session_generation: row.session_generation,
        credential,
    })
}

/// The user behind a session token or API key, checked now: expiry, revocation, a
/// deactivated account, a session generation moved on. Long-lived streams call it
/// again to notice any of those.
pub(crate) async fn authenticate(state: AppState, token: String) -> Result<AuthUser, ApiError> {
    let now = state.clock.now_naive();
    if api_key::looks_like_api_key(&token) {
        let hash = api_key::hash_key(&token);
        return state
            .db(move |conn| {
                let key = db::api_keys::find_live_by_hash(conn, &hash)?
                    .ok_or_else(|| ApiError::unauthorized("The API key is unknown or revoked."))?;
                key_user(conn, key, now)
            })
            .await;
    }
    let claims = state
        .tokens
        .verify(&token, state.clock.now())
        .map_err(|_| ApiError::unauthorized("The session token is invalid or expired. Sign in again."))?;
    let session = Session::of(&claims)?;
    state.db(move |conn| session.user(conn)).await
}

/// Redeems event-stream ticket `ticket` (once: a second use is refused) and returns
/// its holder with the ticket's claims, which [`ticket_holder`] checks again later.
pub(crate) async fn redeem_stream_ticket(
    state: AppState,
    ticket: String,
) -> Result<(AuthUser, StreamClaims), ApiError> {
    let claims = state.tokens.verify_stream_ticket(&ticket, state.clock.now()).map_err(|_| {
        ApiError::unauthorized(
            "The stream ticket is invalid or expired: ask for a new one (POST /api/v1/events/tickets).",
        )
    })?;
    let expires_at = naive_instant(claims.exp)?;
    let now = state.clock.now_naive();
    let redeemed = claims.clone();
    let user = state
        .db(move |conn| {
            if !db::tokens::consume(conn, &redeemed.jti, expires_at)? {
                return Err(ApiError::unauthorized(
                    "This stream ticket was used already: ask for a new one (POST /api/v1/events/tickets).",
                ));
            }
            holder_of(conn, &redeemed, now)
        })
        .await?;
    Ok((user, claims))
}

/// The holder of a redeemed stream ticket, checked now against what bought it: the
/// session (logout, expiry, generation) or the API key (revocation).
pub(crate) async fn ticket_holder(state: AppState, claims: StreamClaims) -> Result<AuthUser, ApiError> {
    let now = state.clock.now_naive();
    state.db(move |conn| holder_of(conn, &claims, now)).await
}

fn holder_of(conn: &mut DbConnection, claims: &StreamClaims, now: NaiveDateTime) -> Result<AuthUser, ApiError> {
    match &claims.via {
        TicketSource::Session { jti, exp } => {
            if naive_instant(*exp)? <= now {
                return Err(ApiError::unauthorized("The session has expired. Sign in again."));
            }
            let user_id = claims.sub.parse().map_err(|_| ApiError::unauthorized("The stream ticket is invalid."))?;
            Session { user_id, organisation_id: claims.org, generation: claims.gen, jti: jti.clone(), expires_at: *exp }
                .user(conn)
        }
        TicketSource::ApiKey { id } => {
            let key = db::api_keys::find(conn, claims.org, *id)
                .optional()?
                .filter(|key| key.revoked_at.is_none())
                .ok_or_else(|| ApiError::unauthorized("The API key is unknown or revoked."))?;
            key_user(conn, key, now)
        }
    }
}

/// How often an API key's `last_used_at` is written at most: often enough to tell an
/// unused key, rarely enough that a busy integration does not write on every call.
const KEY_USE_RESOLUTION: chrono::Duration = chrono::Duration::minutes(1);

/// The user of live API key `key`.
fn key_user(conn: &mut DbConnection, key: ApiKeyRow, now: NaiveDateTime) -> Result<AuthUser, ApiError> {
    let user = db::users::find_any(conn, key.user_id)?;
    if !user.active || user.organisation_id != key.organisation_id {
        return Err(ApiError::unauthorized("The API key's user is deactivated."));
    }
    if key.last_used_at.is_none_or(|used| now - used >= KEY_USE_RESOLUTION) {
        db::api_keys::touch(conn, key.id, now)?;
    }
    from_row(user, Credential::ApiKey { id: key.id })
}

/// A session token's claims, as checked against the database.
struct Session {
    user_id: i64,
    organisation_id: i64,
    generation: i64,
    jti: String,
    expires_at: i64,
}

impl Session {
    fn of(claims: &SessionClaims) -> Result<Session, ApiError> {
        Ok(Session {
            user_id: claims.sub.parse().map_err(|_| ApiError::unauthorized("The session token is invalid."))?,
            organisation_id: claims.org,
            generation: claims.gen,
            jti: claims.jti.clone(),
            expires_at: claims.exp,
        })
    }

    /// The session's user, unless it was signed out, the account deactivated, or its
    /// generation moved on (password, role or deactivation changes).
    fn user(self, conn: &mut DbConnection) -> Result<AuthUser, ApiError> {
        if db::tokens::is_revoked(conn, &self.jti)? {
            return Err(ApiError::unauthorized("This session has ended. Sign in again."));
        }
        let user = match db::users::find_any(conn, self.user_id) {
            Ok(user) => user,
            Err(diesel::result::Error::NotFound) => {
                return Err(ApiError::unauthorized("The session token is invalid."))
            }
            Err(other) => return Err(other.into()),
        };
        if !user.active || user.organisation_id != self.organisation_id {
            return Err(ApiError::unauthorized("This account is deactivated."));
        }
        if user.session_generation != self.generation {
            return Err(ApiError::unauthorized(
                "This session has ended: the account's password or role was changed. Sign in again.",
            ));
        }
        from_row(user, Credential::Session { jti: self.jti, expires_at: self.expires_at })
    }
}

fn naive_instant(timestamp: i64) -> Result<NaiveDateTime, ApiError> {
    chrono::DateTime::from_timestamp(timestamp, 0)
        .map(|at| at.naive_utc())
        .ok_or_else(|| ApiError::unauthorized("The token's expiry is out of range."))
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        // Already authenticated for this request by the idempotency middleware.
        if let Some(user) = req.extensions().get::<AuthUser>().cloned() {
            return Box::pin(std::future::ready(Ok(user)));
        }
        let state = req.app_data::<web::Data<AppState>>().map(|data| data.get_ref().clone());
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            authenticate(state, token?).await
        })
    }
}
