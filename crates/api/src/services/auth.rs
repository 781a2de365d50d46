//! Signing in and out, and who the caller is.

use chrono::Duration;
use tidings_domain::auth::{LoginRequest, LoginResponse, Me, OfficeSummary, OrganisationSummary};
use tidings_domain::FieldError;

use crate::auth::extractor::Credential;
use crate::auth::{password, AuthUser};
use crate::config::ProviderKind;
use crate::db::conversations::InboxOwner;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const WRONG_CREDENTIALS: &str = "Email or password is wrong.";

/// Checks credentials (throttled per account and per IP) and issues a session token.
pub async fn login(state: &AppState, client_ip: String, request: LoginRequest) -> ApiResult<LoginResponse> {
    let email = request.email.trim().to_lowercase();
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(FieldError::new("email", "must not be empty"));
    }
    if request.password.is_empty() {
        errors.push(FieldError::new("password", "must not be empty"));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = state.clock.now();
    if let Some(wait) = state.throttle.check(&email, &client_ip, now) {
        tracing::warn!(retry_after = wait, "login throttled");
        return Err(ApiError::too_many_requests(wait));
    }
    let lookup_email = email.clone();
    let user = state
        .db(move |conn| {
            let Some(user) = db::users::find_by_email(conn, &lookup_email)? else {
                password::verify_against_dummy(&request.password);
                return Ok(None);
            };
            let matches = password::verify_password(&request.password, &user.password_hash);
            Ok((matches && user.active).then_some(user))
        })
        .await?;
    let Some(user) = user else {
        state.throttle.record_failure(&email, &client_ip, now);
        return Err(ApiError::unauthorized(WRONG_CREDENTIALS));
    };
    state.throttle.record_success(&email);
    let issued = state
        .tokens
        .issue(user.id, user.organisation_id, now, Duration::minutes(state.config.token_ttl_minutes))
        .map_err(ApiError::internal)?;
    let user_id = user.id;
    let simulator = state.config.provider == ProviderKind::Simulator;
    let me = state.db(move |conn| me(conn, user_id, simulator)).await?;
    tracing::info!(user_id, "signed in");
    Ok(LoginResponse { token: issued.token, expires_at: issued.expires_at, user: me })
}

/// Revokes the caller's session token. API keys are revoked through `/api-keys`.
pub async fn logout(state: &AppState, user: &AuthUser) -> ApiResult<()> {
    let Credential::Session { jti, expires_at } = user.credential.clone() else {
        return Err(ApiError::bad_request("API keys do not sign out; revoke the key instead."));
    };
    let expires_at = chrono::DateTime::from_timestamp(expires_at, 0)
        .ok_or_else(|| ApiError::internal("token expiry out of range"))?
        .naive_utc();
    let now = state.clock.now_naive();
    state
        .db(move |conn| {
            db::tokens::purge_expired(conn, now)?;
            db::tokens::revoke(conn, &jti, expires_at)?;
            Ok(())
        })
        .await
}

/// The user's profile with office and organisation.
/// `simulator`: whether the server's provider is the built-in simulator.
pub fn me(conn: &mut DbConnection, user_id: i64, simulator: bool) -> ApiResult<Me> {
    let user = db::users::find_any(conn, user_id)?;
    let office = db::offices::find(conn, user.organisation_id, user.office_id)?;
    let organisation = db::organisations::find(conn, user.organisation_id)?;
    let role = user.role;
    let inbox_needs_attention = if user.two_way_messaging {
        db::conversations::count_needing_attention(conn, user.organisation_id, InboxOwner::User(user.id))?
    } else {
        0
    };
    Ok(Me {
        id: user.id,
        email: user.email,
        name: user.name,
        role,
        view_other_offices: user.view_other_offices && role.may_view_other_offices(),
        two_way_messaging: user.two_way_messaging,
        office: OfficeSummary { id: office.id, name: office.name, time_zone: office.time_zone },
        organisation: OrganisationSummary { id: organisation.id, name: organisation.name },
        simulator,
        inbox_needs_attention,
    })
}
