//! `/api/v1/campaigns/{id}/transcript.csv` and `/api/v1/conversations/{id}/transcript.txt`:
//! conversations as files, for records and for people outside Tidings.

use actix_web::{get, web, HttpResponse};
use tidings_domain::Problem;

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::http::paged_download::paged_download;
use crate::services::transcripts;
use crate::state::AppState;

/// Every message of the campaign's conversations as CSV, one row per message in the
/// order they were written: contact, phone, direction, author, time in the campaign's
/// zone, status, the conversation's tags and the message. Cells that a spreadsheet
/// would run as formulas (`=`, `+`, `-`, `@`) are prefixed with `'`.
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The transcript", body = String, content_type = "text/csv"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Two-way messaging is off for this user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/campaigns/{id}/transcript.csv")]
pub async fn export_campaign_transcript(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (export, header) = state.db(move |conn| transcripts::campaign_export_start(conn, &user, id)).await?;
    Ok(paged_download(
        &state,
        header,
        export,
        transcripts::campaign_export_page,
        ("text/csv; charset=utf-8", format!("campaign-{id}-transcript.csv")),
        "a transcript export",
    ))
}

/// One conversation as plain text: the contact, the campaign, then every message oldest
/// first with its time (the campaign's zone), author and status.
#[utoipa::path(
    tag = "conversations",
    params(("id" = i64, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The transcript", body = String, content_type = "text/plain"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Two-way messaging is off for this user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation visible to you", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/conversations/{id}/transcript.txt")]
pub async fn export_conversation_transcript(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (file_name, text) = state.db(move |conn| transcripts::conversation_text(conn, &user, id)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{file_name}\"")))
        .body(text))
}

/// This resource's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(export_campaign_transcript).service(export_conversation_transcript);
}
