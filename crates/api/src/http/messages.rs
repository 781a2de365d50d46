//! `/api/v1/campaigns/{id}/messages`: a campaign's messages with their delivery status.

use actix_web::{get, web};
use serde::Deserialize;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::MessagePage;
use tidings_domain::Problem;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::http::listing::Listing;
use crate::services::messages::{self, MessageQuery};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MessageListQuery {
    /// Comma-separated statuses to keep (`queued`, `pending`, `sent`, `delivered`,
    /// `undelivered`, `failed`, `unknown`, `cancelled`, …); all when absent.
    #[param(value_type = Option<Vec<tidings_domain::delivery::MessageStatus>>, style = Form, explode = false, inline)]
    pub status: Option<String>,
}

/// The messages list's request: its filter and the page.
type MessageListing = Listing<MessageListQuery, 100, 500>;

/// The campaign's messages, oldest first, with status, error code and reason, and
/// attempts. `retrying` marks a message waiting for another attempt.
#[utoipa::path(
    tag = "messages",
    params(("id" = i64, Path, description = "Campaign id"), MessageListing),
    responses(
        (status = 200, description = "One page of messages", body = MessagePage),
        (status = 400, description = "A bad cursor, limit or query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}/messages")]
pub async fn list_campaign_messages(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    listing: MessageListing,
) -> ApiResult<web::Json<MessagePage>> {
    let Listing { filter: query, page, .. } = listing;
    let mut statuses = Vec::new();
    for name in query.status.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
        let status = MessageStatus::parse(name)
            .ok_or_else(|| ApiError::invalid("status", format!("'{name}' is not a message status")))?;
        statuses.push(status);
    }
    let id = id.into_inner();
    let query = MessageQuery { statuses };
    state.db(move |conn| messages::campaign_messages(conn, &user, id, query, &page)).await.map(web::Json)
}

/// This resource's routes, in matching order.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_campaign_messages);
}
