//! Signing in and out, and who the caller is.

use chrono::Duration;
use tidings_domain::auth::{LoginRequest, LoginResponse, Me, OfficeSummary, OrganisationSummary};
use tidings_domain::FieldError;

use crate::auth::extractor::Credential;
use crate::auth::jwt::Subject;
use crate::auth::throttle::ThrottleKeys;
use crate::auth::{password, AuthUser};
use crate::config::ProviderKind;
use crate::db::conversations::InboxOwner;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const WRONG_CREDENTIALS: &str = "Email or password is wrong.";

/// Checks credentials and issues a session token. Throttled per account from the
/// client's network and per network (`auth::throttle`): the attempt is counted first,
/// atomically, and a success takes the count back. A database connection is held only
/// to count and to look the account up; the password is checked on a hashing worker.
pub async fn login(state: &AppState, client_network: String, request: LoginRequest) -> ApiResult<LoginResponse> {
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
    let keys = ThrottleKeys::new(&email, &client_network);
    let counted = keys.clone();
    let now_naive = now.naive_utc();
    let user = state
        .db(move |conn| {
            if let Err(wait) = db::login_throttle::begin_attempt(conn, &counted, now_naive)? {
                tracing::warn!(retry_after = wait, "login throttled");
                return Err(ApiError::too_many_requests(wait));
            }
            Ok(db::users::find_by_email(conn, &email)?)
        })
        .await?;
    let stored_hash = user.as_ref().map(|user| user.password_hash.clone());
    let password = request.password;
    let matches = state
        .passwords
        .run(move || match stored_hash {
            Some(hash) => password::verify_password(&password, &hash),
            None => {
                // As long as a real check, so response times do not tell which emails exist.
                password::verify_against_dummy(&password);
                false
            }
        })
        .await?;
    let Some(user) = user.filter(|user| matches && user.active) else {
        return Err(ApiError::unauthorized(WRONG_CREDENTIALS));
    };
    let issued = state
        .tokens
        .issue(
            Subject { user_id: user.id, organisation_id: user.organisation_id, generation: user.session_generation },
            now,
            Duration::minutes(state.config.token_ttl_minutes),
        )
        .map_err(ApiError::internal)?;
    let user_id = user.id;
    let simulator = state.config.provider == ProviderKind::Simulator;
    let me = state
        .db(move |conn| {
            db::login_throttle::attempt_succeeded(conn, &keys)?;
            me(conn, user_id, simulator)
        })
        .await?;
    tracing::info!(user_id, "signed in");
    Ok(LoginResponse { token: issued.token, expires_at: issued.expires_at, user: me })
}

/// Revokes the caller's session token. API keys are revoked through `/api-keys`.
pub async fn logout(state: &AppState, user: &AuthUser) -> ApiResult<()> {
    let Credential::Session { jti, expires_at } = user.credential.clone() else {
        // The credential is valid; it just is not a session (403, not a malformed request).
        return Err(ApiError::forbidden(
            "API keys do not sign out; an administrator revokes one with DELETE /api/v1/api-keys/{id}.",
        ));
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
