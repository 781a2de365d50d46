//! A typed client for Tidings' public API: one method per endpoint, the domain crate's
//! wire types in and out, and `application/problem+json` refusals as [`ApiError`].

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tidings_domain::auth::{LoginRequest, LoginResponse, Me};
use tidings_domain::campaign::{CampaignAction, CampaignState};
use tidings_domain::campaign_wire::{Calendar, Campaign, CampaignPage, TagCount};
use tidings_domain::Problem;

use crate::auth::{use_session, Session};

/// Where the versioned API lives, on the same origin as the app.
const API_BASE: &str = "/api/v1";

/// Why a call did not give the answer the page asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The API refused the request and said why.
    Refused(Problem),
    /// There is no session, or the API no longer accepts its token (401). The session
    /// has been ended, which sends the user to the login page.
    SignedOut,
    /// No answer at all: the network or the server is down.
    Unreachable,
    /// An answer this client cannot read, such as a proxy's HTML error page.
    Unexpected { status: u16 },
}

impl ApiError {
    /// The sentence to show the user.
    pub fn user_message(&self) -> String {
        match self {
            ApiError::Refused(problem) => problem.user_message(),
            ApiError::SignedOut => "Your session has ended. Please sign in again.".to_owned(),
            ApiError::Unreachable => "Tidings can't be reached. Check your connection and try again.".to_owned(),
            ApiError::Unexpected { status } => format!(
                "Tidings gave an answer this page can't read (HTTP {status}). Try again; \
                 if it keeps happening, tell your administrator."
            ),
        }
    }

    /// Whether the API named `field` among the request's invalid fields.
    pub fn names_field(&self, field: &str) -> bool {
        matches!(self, ApiError::Refused(problem) if problem.errors.iter().any(|e| e.field == field))
    }
}

/// Signs in. Not tied to a session: a 401 here means wrong credentials, not an expired
/// token.
pub async fn login(credentials: &LoginRequest) -> Result<LoginResponse, ApiError> {
    let request = Request::post(&format!("{API_BASE}/auth/login"))
        .header("Accept", "application/json")
        .json(credentials)
        .map_err(|_| ApiError::Unexpected { status: 0 })?;
    let response = request.send().await.map_err(|_| ApiError::Unreachable)?;
    read_json(response).await
}

/// The client for calls made on behalf of the signed-in user.
#[derive(Clone, Copy)]
pub struct Api {
    session: Session,
}

/// The API client for the current session.
pub fn use_api() -> Api {
    Api { session: use_session() }
}

impl Api {
    /// `GET /me`: who is signed in, with their office and organisation.
    pub async fn me(&self) -> Result<Me, ApiError> {
        let response = self.send(Request::get(&format!("{API_BASE}/me"))).await?;
        read_json(response).await
    }

    /// `POST /auth/logout`: revokes the session's token on the server. A 401 means the
    /// token was already dead, which is what signing out wants; ending the session is
    /// left to the caller, which knows where to go next.
    pub async fn logout(&self) -> Result<(), ApiError> {
        let Some(token) = self.session.token() else {
            return Ok(());
        };
        let response = send_with_token(Request::post(&format!("{API_BASE}/auth/logout")), &token).await?;
        if response.status() == 401 {
            return Ok(());
        }
        read_empty(response).await
    }

    /// `GET /campaigns`: one page of a tab, narrowed by title search and tags (any of).
    pub async fn campaigns(
        &self,
        state: CampaignState,
        search: &str,
        tags: &[String],
        page: u32,
        per_page: u32,
    ) -> Result<CampaignPage, ApiError> {
        let mut params =
            vec![("state", state.as_str().to_owned()), ("page", page.to_string()), ("per_page", per_page.to_string())];
        if !search.is_empty() {
            params.push(("q", search.to_owned()));
        }
        if !tags.is_empty() {
            params.push(("tags", tags.join(",")));
        }
        let request = Request::get(&format!("{API_BASE}/campaigns")).query(params.iter().map(|(k, v)| (*k, v)));
        read_json(self.send(request).await?).await
    }

    /// `GET /campaigns/{id}`.
    pub async fn campaign(&self, id: i64) -> Result<Campaign, ApiError> {
        read_json(self.send(Request::get(&format!("{API_BASE}/campaigns/{id}"))).await?).await
    }

    /// `GET /tags`: the tags in use, for the tag filter.
    pub async fn tags(&self) -> Result<Vec<TagCount>, ApiError> {
        let list: ItemList<TagCount> = read_json(self.send(Request::get(&format!("{API_BASE}/tags"))).await?).await?;
        Ok(list.items)
    }

    /// `GET /campaigns/calendar`: scheduled campaigns per day, `from` and `to` inclusive.
    pub async fn calendar(&self, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<Calendar, ApiError> {
        let request = Request::get(&format!("{API_BASE}/campaigns/calendar"))
            .query([("from", from.to_string()), ("to", to.to_string())]);
        read_json(self.send(request).await?).await
    }

    /// `POST /campaigns/{id}/{action}` for the actions that need no body (clone, launch,
    /// unschedule, archive): the campaign afterwards (for clone, the new draft).
    pub async fn campaign_action(&self, id: i64, action: CampaignAction) -> Result<Campaign, ApiError> {
        let url = format!("{API_BASE}/campaigns/{id}/{}", action.as_str());
        read_json(self.send(Request::post(&url)).await?).await
    }

    /// Sends a request with the session's bearer token. A 401 ends the session, unless
    /// the user has signed in again meanwhile with a different token.
    async fn send(&self, request: RequestBuilder) -> Result<Response, ApiError> {
        let Some(token) = self.session.token() else {
            return Err(ApiError::SignedOut);
        };
        let response = send_with_token(request, &token).await?;
        if response.status() == 401 {
            if self.session.token().as_deref() == Some(token.as_str()) {
                self.session.end();
            }
            return Err(ApiError::SignedOut);
        }
        Ok(response)
    }
}

/// The API's list envelope.
#[derive(Deserialize)]
struct ItemList<T> {
    items: Vec<T>,
}

async fn send_with_token(request: RequestBuilder, token: &str) -> Result<Response, ApiError> {
    request
        .header("Accept", "application/json")
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if !response.ok() {
        return Err(read_refusal(response).await);
    }
    let status = response.status();
    response.json::<T>().await.map_err(|_| ApiError::Unexpected { status })
}

async fn read_empty(response: Response) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(read_refusal(response).await)
    }
}

/// Reads an error answer's problem details. A throttled answer without them still
/// says when to try again, from its `Retry-After` header.
async fn read_refusal(response: Response) -> ApiError {
    let status = response.status();
    let retry_after = response.headers().get("retry-after");
    match response.json::<Problem>().await {
        Ok(problem) => ApiError::Refused(problem),
        Err(_) if status == 429 => ApiError::Refused(Problem {
            kind: "about:blank".to_owned(),
            title: "Too many requests".to_owned(),
            status,
            detail: Some(match retry_after.and_then(|seconds| seconds.parse::<u64>().ok()) {
                Some(seconds) => format!("Too many attempts. Try again in {seconds} seconds."),
                None => "Too many attempts. Wait a minute and try again.".to_owned(),
            }),
            errors: Vec::new(),
            extensions: None,
        }),
        Err(_) => ApiError::Unexpected { status },
    }
}
