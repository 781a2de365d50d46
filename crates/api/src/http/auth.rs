//! `/api/v1/auth/*` and `/api/v1/me`: signing in and out, and who am I.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use tidings_domain::auth::{LoginRequest, LoginResponse, Me};
use tidings_domain::Problem;

use crate::auth::{client_address, AuthUser};
use crate::config::ProviderKind;
use crate::error::ApiResult;
use crate::http::json::JsonBody;
use crate::services;
use crate::state::AppState;

/// Sign in with email and password; answers a bearer token.
///
/// Failed attempts are throttled: per account from one client network, each failure
/// after the fifth waits twice as long as the one before (1 s … 15 minutes); a network
/// (an IPv4 address, an IPv6 /64) is locked for 15 minutes after 100 failures within 15
/// minutes. Refused attempts answer 429 with `Retry-After`. When every password worker
/// is busy and too many sign-ins wait, the answer is 503 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Email or password is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many sign-ins at once, or the database is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> ApiResult<web::Json<LoginResponse>> {
    // X-Forwarded-For only from a proxy the configuration trusts: anyone can write it.
    // Every line of it, in order: a proxy may add its own line rather than append to
    // the client's, and the hop it vouches for is then on the last line, not the first.
    let lines: Vec<&str> =
        req.headers().get_all("X-Forwarded-For").map(|value| value.to_str().unwrap_or_default()).collect();
    let forwarded_for = (!lines.is_empty()).then(|| lines.join(","));
    let client = client_address::client_ip(
        req.peer_addr().map(|a| a.ip()),
        forwarded_for.as_deref(),
        &state.config.trusted_proxies,
    );
    let network = client.map(client_address::network_of).unwrap_or_default();
    services::auth::login(&state, network, body.into_inner()).await.map(web::Json)
}

/// Sign out: the session token stops working at once.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Called with an API key, which does not sign out (revoke it instead)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/auth/logout")]
pub async fn logout(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    services::auth::logout(&state, &user).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user, with office and organisation.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/me")]
pub async fn get_me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Me>> {
    let id = user.id;
    let simulator = state.config.provider == ProviderKind::Simulator;
    state.db(move |conn| services::auth::me(conn, id, simulator)).await.map(web::Json)
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login).service(logout).service(get_me);
}
