//! `AuthUser`: the authenticated caller of a handler, from a session token or an API key.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use tidings_domain::Role;

use crate::auth::api_key;
use crate::db::{self, users::UserRow};
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
        credential,
    })
}

/// The user behind a session token or API key, checked now: expiry, revocation, a
/// deactivated account. Long-lived streams call it again to notice any of those.
pub(crate) async fn authenticate(state: AppState, token: String) -> Result<AuthUser, ApiError> {
    let now = state.clock.now();
    if api_key::looks_like_api_key(&token) {
        let hash = api_key::hash_key(&token);
        let now_naive = state.clock.now_naive();
        return state
            .db(move |conn| {
                let key = db::api_keys::find_live_by_hash(conn, &hash)?
                    .ok_or_else(|| ApiError::unauthorized("The API key is unknown or revoked."))?;
                let user = db::users::find_any(conn, key.user_id)?;
                if !user.active || user.organisation_id != key.organisation_id {
                    return Err(ApiError::unauthorized("The API key's user is deactivated."));
                }
                db::api_keys::touch(conn, key.id, now_naive)?;
                from_row(user, Credential::ApiKey { id: key.id })
            })
            .await;
    }
    let claims = state
        .tokens
        .verify(&token, now)
        .map_err(|_| ApiError::unauthorized("The session token is invalid or expired. Sign in again."))?;
    let user_id: i64 = claims.sub.parse().map_err(|_| ApiError::unauthorized("The session token is invalid."))?;
    state
        .db(move |conn| {
            if db::tokens::is_revoked(conn, &claims.jti)? {
                return Err(ApiError::unauthorized("This session has ended. Sign in again."));
            }
            let user = match db::users::find_any(conn, user_id) {
                Ok(user) => user,
                Err(diesel::result::Error::NotFound) => {
                    return Err(ApiError::unauthorized("The session token is invalid."))
                }
                Err(other) => return Err(other.into()),
            };
            if !user.active || user.organisation_id != claims.org {
                return Err(ApiError::unauthorized("This account is deactivated."));
            }
            from_row(user, Credential::Session { jti: claims.jti, expires_at: claims.exp })
        })
        .await
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().map(|data| data.get_ref().clone());
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            authenticate(state, token?).await
        })
    }
}
