//! A typed client for Tidings' public API: one method per endpoint, the domain crate's
//! wire types in and out, and `application/problem+json` refusals as [`ApiError`].

use chrono::{DateTime, Utc};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tidings_domain::auth::{LoginRequest, LoginResponse, Me};
use tidings_domain::campaign::{CampaignAction, CampaignState, PhoneNumberKind};
use tidings_domain::campaign_wire::{
    Calendar, Campaign, CampaignPage, CreateCampaign, ScheduleCampaign, TagCount, UpdateCampaign,
};
use tidings_domain::contact_list::{ContactList, ContactListImport, ContactListPage, ContactPage, ImportReport};
use tidings_domain::office::Office;
use tidings_domain::phone_number::PhoneNumber;
use tidings_domain::user::User;
use tidings_domain::{FieldError, Problem};
use wasm_bindgen::JsValue;

use crate::auth::{use_session, Session};

mod admin;
mod conversations;
mod insight;
mod opt_outs;
mod organisation;
mod templates;

pub use conversations::{ConversationSearch, InboxChoice};
pub use opt_outs::OptOutSearch;

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

    /// The invalid fields the API listed, if it refused the request for its content.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::Refused(problem) => problem.errors.clone(),
            _ => Vec::new(),
        }
    }

    /// The import report a refused contact list upload carries (no row was importable).
    pub fn import_report(&self) -> Option<ImportReport> {
        match self {
            ApiError::Refused(problem) => problem
                .extensions
                .as_ref()
                .and_then(|extensions| extensions.get("report"))
                .and_then(|report| serde_json::from_value(report.clone()).ok()),
            _ => None,
        }
    }
}

/// Tickets for requests that can overlap (a search typed quickly, a burst of live
/// events): answers can arrive out of order, and only the latest request's may be shown.
#[derive(Clone, Copy)]
pub struct LatestRequest(leptos::prelude::StoredValue<u64>);

impl LatestRequest {
    pub fn new() -> Self {
        LatestRequest(leptos::prelude::StoredValue::new(0))
    }

    /// The ticket of a request sent now; earlier tickets stop being current.
    pub fn ticket(self) -> u64 {
        use leptos::prelude::{GetValue, UpdateValue};
        self.0.update_value(|n| *n += 1);
        self.0.get_value()
    }

    /// Whether `ticket`'s request is still the latest (and its page still there).
    pub fn is_current(self, ticket: u64) -> bool {
        use leptos::prelude::GetValue;
        self.0.try_get_value() == Some(ticket)
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

    /// `POST /events/tickets`: a single-use ticket to open the event stream with, so the
    /// session token never goes into a URL.
    pub async fn stream_ticket(&self) -> Result<tidings_domain::event_wire::StreamTicket, ApiError> {
        read_json(self.send(Request::post(&format!("{API_BASE}/events/tickets"))).await?).await
    }

    /// `POST /auth/logout`: revokes the session's token on the server. A 401 means the
    /// token was already dead, which is what signing out wants; ending the session is
    /// left to the caller, which knows where to go next.
    pub async fn logout(&self) -> Result<(), ApiError> {
        let Some(token) = self.session.token() else {
            return Ok(());
        };
        let response = send_with_token(Request::post(&format!("{API_BASE}/auth/logout")), Body::Empty, &token).await?;
        if response.status() == 401 {
            return Ok(());
        }
        read_empty(response).await
    }

    /// `GET /campaigns`: one page of a tab (every state when `None`), narrowed by title
    /// search and tags (any of).
    pub async fn campaigns(
        &self,
        state: Option<CampaignState>,
        search: &str,
        tags: &[String],
        page: u32,
        per_page: u32,
    ) -> Result<CampaignPage, ApiError> {
        let mut params = vec![("page", page.to_string()), ("per_page", per_page.to_string())];
        if let Some(state) = state {
            params.push(("state", state.as_str().to_owned()));
        }
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

    /// `GET /campaigns/{id}/audit`: what was done to the campaign, oldest first.
    pub async fn campaign_audit(&self, id: i64) -> Result<Vec<tidings_domain::campaign_wire::AuditEntry>, ApiError> {
        let request = Request::get(&format!("{API_BASE}/campaigns/{id}/audit"));
        let list: ItemList<tidings_domain::campaign_wire::AuditEntry> = read_json(self.send(request).await?).await?;
        Ok(list.items)
    }

    /// `GET /tags?state=`: the tags in use in one tab's campaigns, for its tag filter.
    pub async fn tags(&self, state: tidings_domain::campaign::CampaignState) -> Result<Vec<TagCount>, ApiError> {
        let request = Request::get(&format!("{API_BASE}/tags")).query([("state", state.as_str())]);
        let list: ItemList<TagCount> = read_json(self.send(request).await?).await?;
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
        read_json(self.send_idempotent(|| Request::post(&url), || Ok(Body::Empty)).await?).await
    }

    /// `POST /campaigns`: a new draft.
    pub async fn create_campaign(&self, body: &CreateCampaign) -> Result<Campaign, ApiError> {
        let request = Request::post(&format!("{API_BASE}/campaigns"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `PATCH /campaigns/{id}`: fields left out stay as they are.
    pub async fn update_campaign(&self, id: i64, body: &UpdateCampaign) -> Result<Campaign, ApiError> {
        let request = Request::patch(&format!("{API_BASE}/campaigns/{id}"));
        read_json(self.send_body(request, Body::json(body)?).await?).await
    }

    /// `POST /campaigns/{id}/schedule`: a ready draft launches by itself at `launch_at`.
    pub async fn schedule_campaign(&self, id: i64, launch_at: DateTime<Utc>) -> Result<Campaign, ApiError> {
        let request = Request::post(&format!("{API_BASE}/campaigns/{id}/schedule"));
        read_json(self.send_body(request, Body::json(&ScheduleCampaign { launch_at })?).await?).await
    }

    /// `GET /offices`: every office of the organisation.
    pub async fn offices(&self) -> Result<Vec<Office>, ApiError> {
        let list: ItemList<Office> = read_json(self.send(Request::get(&format!("{API_BASE}/offices"))).await?).await?;
        Ok(list.items)
    }

    /// `GET /users`: the organisation's users (administrative and standard users only).
    pub async fn users(&self) -> Result<Vec<User>, ApiError> {
        let list: ItemList<User> = read_json(self.send(Request::get(&format!("{API_BASE}/users"))).await?).await?;
        Ok(list.items)
    }

    /// `GET /phone-numbers`: active numbers of one kind, of an office or (`None`) of
    /// every office the user sees.
    pub async fn phone_numbers(
        &self,
        office_id: Option<i64>,
        kind: PhoneNumberKind,
    ) -> Result<Vec<PhoneNumber>, ApiError> {
        let mut params = vec![("kind", kind.as_str().to_owned())];
        params.extend(office_id.map(|office| ("office_id", office.to_string())));
        let request = Request::get(&format!("{API_BASE}/phone-numbers")).query(params);
        let list: ItemList<PhoneNumber> = read_json(self.send(request).await?).await?;
        Ok(list.items)
    }

    /// `GET /contact-lists`: an office's lists, newest first (the first `limit`).
    pub async fn contact_lists(&self, office_id: i64, search: &str, limit: u32) -> Result<ContactListPage, ApiError> {
        let mut params = vec![("office_id", office_id.to_string()), ("limit", limit.to_string())];
        if !search.is_empty() {
            params.push(("q", search.to_owned()));
        }
        let request =
            Request::get(&format!("{API_BASE}/contact-lists")).query(params.iter().map(|(k, v)| (*k, v.as_str())));
        read_json(self.send(request).await?).await
    }

    /// `GET /contact-lists/{id}`: one list, with its field names.
    pub async fn contact_list(&self, id: i64) -> Result<ContactList, ApiError> {
        read_json(self.send(Request::get(&format!("{API_BASE}/contact-lists/{id}"))).await?).await
    }

    /// `GET /contact-lists/{id}/contacts`: the list's first `limit` contacts, in file order.
    pub async fn contacts(&self, list_id: i64, limit: u32) -> Result<ContactPage, ApiError> {
        let request =
            Request::get(&format!("{API_BASE}/contact-lists/{list_id}/contacts")).query([("limit", limit.to_string())]);
        read_json(self.send(request).await?).await
    }

    /// `POST /contact-lists` with a CSV upload (`multipart/form-data`: name, office_id,
    /// has_header, mapping, file): the new list and the per-row report.
    pub async fn upload_contact_list(&self, form: web_sys::FormData) -> Result<ContactListImport, ApiError> {
        let request = Request::post(&format!("{API_BASE}/contact-lists"));
        read_json(self.send_body(request, Body::Form(form)).await?).await
    }

    /// Sends a request with the session's bearer token. A 401 ends the session, unless
    /// the user has signed in again meanwhile with a different token.
    async fn send(&self, request: RequestBuilder) -> Result<Response, ApiError> {
        self.send_body(request, Body::Empty).await
    }

    /// Sends a POST with an `Idempotency-Key`, and once more with the same key when the
    /// first try got no answer (the network failed): whether or not the first reached
    /// the server, the work (a text, a launch) is done once.
    async fn send_idempotent(
        &self,
        request: impl Fn() -> RequestBuilder,
        body: impl Fn() -> Result<Body, ApiError>,
    ) -> Result<Response, ApiError> {
        let key = idempotency_key();
        match self.send_body(request().header("Idempotency-Key", &key), body()?).await {
            Err(ApiError::Unreachable) => self.send_body(request().header("Idempotency-Key", &key), body()?).await,
            answered => answered,
        }
    }

    /// [`Api::send`] with a body.
    async fn send_body(&self, request: RequestBuilder, body: Body) -> Result<Response, ApiError> {
        let Some(token) = self.session.token() else {
            return Err(ApiError::SignedOut);
        };
        let response = send_with_token(request, body, &token).await?;
        if response.status() == 401 {
            if self.session.token().as_deref() == Some(token.as_str()) {
                self.session.end();
            }
            return Err(ApiError::SignedOut);
        }
        Ok(response)
    }
}

/// A fresh key for one user action: 128 random bits, in hex.
fn idempotency_key() -> String {
    (0..4).map(|_| format!("{:08x}", (js_sys::Math::random() * f64::from(u32::MAX)) as u32)).collect()
}

/// The API's list envelope.
#[derive(Deserialize)]
struct ItemList<T> {
    items: Vec<T>,
}

/// A request body.
enum Body {
    Empty,
    /// Serialised JSON.
    Json(String),
    /// A multipart form; the browser writes its Content-Type with the boundary.
    Form(web_sys::FormData),
}

impl Body {
    fn json(value: &impl Serialize) -> Result<Body, ApiError> {
        serde_json::to_string(value).map(Body::Json).map_err(|_| ApiError::Unexpected { status: 0 })
    }
}

async fn send_with_token(request: RequestBuilder, body: Body, token: &str) -> Result<Response, ApiError> {
    let request = request.header("Accept", "application/json").header("Authorization", &format!("Bearer {token}"));
    let request = match body {
        Body::Empty => request.build(),
        Body::Json(json) => request.header("Content-Type", "application/json").body(JsValue::from_str(&json)),
        Body::Form(form) => request.body(JsValue::from(form)),
    };
    request.map_err(|_| ApiError::Unexpected { status: 0 })?.send().await.map_err(|_| ApiError::Unreachable)
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
