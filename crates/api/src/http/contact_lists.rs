//! `/api/v1/contact-lists`: import (CSV upload or JSON rows), list, read, browse
//! contacts, delete. Everyone with the two-way messaging permission reads the lists of
//! the offices they see; administrative and standard users import and delete.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use tidings_domain::contact_list::{
    ColumnMapping, ContactList, ContactListImport, ContactListPage, ContactPage, CreateContactListRows,
};
use tidings_domain::{FieldError, Problem};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::config::ProviderKind;
use crate::error::{ApiError, ApiResult};
use crate::http::json::JsonBody;
use crate::http::json::{parse_json, parse_json_seed, read_body};
use crate::http::listing::Listing;
use crate::services::contact_lists::{
    self, CsvOptions, ImportTarget, JsonImportHead, JsonRowsSeed, ListQuery, ParsedImport, DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
};
use crate::services::estimate;
use crate::state::AppState;
use tidings_domain::campaign_wire::{CostEstimate, EstimateRequest};
use tidings_domain::phone_number::NumberType;

/// Largest text part (name, office_id, has_header, mapping) of an upload.
const MAX_TEXT_PART_BYTES: usize = 64 * 1024;

/// The `multipart/form-data` parts of a CSV upload (for the OpenAPI document).
#[derive(ToSchema)]
#[expect(dead_code, reason = "describes the multipart body in the OpenAPI document; parts are read one by one")]
#[serde(deny_unknown_fields)] // another part is refused (422): the document says so
pub struct ContactListUpload {
    /// The list's name.
    name: String,
    /// The office the list belongs to.
    office_id: i64,
    /// The CSV file: UTF-8, comma-, semicolon- or tab-separated, a header row first.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `false` when the file has no header row (then `mapping` is required). Default
    /// `true`.
    has_header: Option<bool>,
    /// An explicit column mapping (JSON), instead of recognising the headers.
    mapping: Option<ColumnMapping>,
}

/// Import a contact list from a CSV file or JSON rows (administrative and standard users).
///
/// Send either `multipart/form-data` with the parts `name`, `office_id` and `file` (and
/// optionally `has_header` and `mapping`), or `application/json` rows (for
/// integrations). Either body may be as large as `TIDINGS_MAX_UPLOAD_BYTES` (64 MiB by
/// default; larger → 413).
///
/// Columns: with a header row, first name, last name and phone are found by common
/// spellings (`First Name`, `first_name`, `Given Name`; `Last Name`, `Surname`; `Phone`,
/// `Phone Number`, `Mobile`, `Cell` … — a mobile/cell column wins over a generic
/// phone column). Every other column is kept as a named field, in file order. A missing
/// required column refuses the file (422, naming it); so does an empty file or one
/// without data rows. A `mapping` part (`{"first_name": 0, "last_name": "Surname",
/// "phone": 2, "fields": [{"column": 3, "name": "Student ID"}]}`; columns by 0-based
/// index or header) replaces header recognition. A list has at most 50 columns, the
/// three required ones included (JSON rows: at most 47 other field names); more refuses
/// the import (422 on `file` or `rows`).
///
/// Rows: phones are normalised to E.164; numbers without a country code are read in
/// the office's region (from its time zone: US and Canada zones → US). Rows with a
/// blank first name, last name or phone, an invalid phone, or more values than the file
/// has columns are not imported; a row whose number an earlier imported row already has
/// is a duplicate and not imported. **Valid rows are kept and the others reported** by
/// row number (1 = first data row). If no row is valid the answer is 422 with the
/// report in `report` and nothing is stored. All imported rows are committed in one
/// transaction: a request stores every row it reports as imported, or none. Numbers on
/// the organisation's suppression list are imported and flagged in `opted_out_rows`;
/// campaigns skip them. The report lists at most 1000 problems and 1000 opted-out rows
/// (`problems_truncated`, `opted_out_rows_truncated`); its counts cover every row.
#[utoipa::path(
    tag = "contact-lists",
    request_body(content(
        (ContactListUpload = "multipart/form-data"),
        (CreateContactListRows = "application/json"),
    )),
    responses(
        (status = 201, description = "Imported; the report says what happened to each row", body = ContactListImport),
        (status = 400, description = "The body cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Limited users and users without two-way messaging cannot import", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than TIDINGS_MAX_UPLOAD_BYTES", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither multipart/form-data nor JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name or office, an empty file, a missing required column, or no importable row (the report is in `report`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/contact-lists")]
pub async fn create_contact_list(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // Refuse before reading what may be a large body.
    user.require_campaign_manager()?;
    let limit = state.config.max_upload_bytes;
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let clock = state.clock.clone();
    let imported = if media_type == "multipart/form-data" {
        let upload = read_upload(&req, payload, limit).await?;
        let (name, office_id, errors) = (upload.name, upload.office_id, upload.errors);
        let actor = user.clone();
        let target = state
            .db(move |conn| contact_lists::prepare_import(conn, &actor, name.as_deref(), office_id, errors))
            .await?;
        let (file, options) = (upload.file, upload.options);
        let region = target.region;
        let parsed = web::block(move || contact_lists::parse_csv(&file, &options, region)).await??;
        store(&state, user, clock, target, parsed).await?
    } else if media_type == "application/json" {
        // Read twice: the head (name, office) first, since the office decides how
        // phones are read; then the rows, each checked and dropped as it is read.
        let body = read_body(&req, payload.into_inner(), limit).await?;
        let (body, head) = web::block(move || {
            let head = parse_json::<JsonImportHead>(&body);
            (body, head)
        })
        .await?;
        let JsonImportHead { name, office_id, .. } = head?;
        let actor = user.clone();
        let target = state
            .db(move |conn| contact_lists::prepare_import(conn, &actor, Some(&name), Some(office_id), Vec::new()))
            .await?;
        let seed = JsonRowsSeed::new(target.region);
        let parsed = web::block(move || parse_json_seed(&body, seed)?.finish()).await??;
        store(&state, user, clock, target, parsed).await?
    } else {
        return Err(ApiError::unsupported_media_type(
            "Send a CSV file as multipart/form-data (parts name, office_id, file) or rows as application/json.",
        ));
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/contact-lists/{}", imported.contact_list.id)))
        .json(imported))
}

async fn store(
    state: &AppState,
    user: AuthUser,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
    target: ImportTarget,
    parsed: ParsedImport,
) -> ApiResult<ContactListImport> {
    state.db(move |conn| contact_lists::store_import(conn, &user, clock.as_ref(), target, parsed)).await
}

/// The parts of a CSV upload, read; field errors of the small parts collected.
struct Upload {
    name: Option<String>,
    office_id: Option<i64>,
    file: Vec<u8>,
    options: CsvOptions,
    errors: Vec<FieldError>,
}

/// Reads every part, refusing the body once its parts pass `limit` bytes in total.
async fn read_upload(req: &HttpRequest, payload: web::Payload, limit: usize) -> ApiResult<Upload> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(ApiError::payload_too_large(limit));
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut upload = Upload {
        name: None,
        office_id: None,
        file: Vec::new(),
        options: CsvOptions { has_header: true, mapping: None },
        errors: Vec::new(),
    };
    let mut has_file = false;
    let mut total = 0_usize;
    while let Some(part) = multipart.next().await {
        let mut part = part.map_err(multipart_error)?;
        let part_name = part.name().unwrap_or_default().to_owned();
        let part_limit = if part_name == "file" { limit } else { MAX_TEXT_PART_BYTES.min(limit) };
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(multipart_error)?;
            total += chunk.len();
            if total > limit {
                return Err(ApiError::payload_too_large(limit));
            }
            if bytes.len() + chunk.len() > part_limit {
                return Err(ApiError::invalid(part_name, format!("must be at most {part_limit} bytes")));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match part_name.as_str() {
            "file" => {
                has_file = true;
                upload.file = bytes;
            }
            "name" => upload.name = Some(text()),
            "office_id" => match text().parse::<i64>() {
                Ok(id) => upload.office_id = Some(id),
                Err(_) => upload.errors.push(FieldError::new("office_id", "must be a whole number")),
            },
            "has_header" => match text().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => upload.options.has_header = true,
                "false" | "0" | "no" | "off" => upload.options.has_header = false,
                _ => upload.errors.push(FieldError::new("has_header", "must be true or false")),
            },
            "mapping" => match serde_json::from_slice::<ColumnMapping>(&bytes) {
                Ok(mapping) => upload.options.mapping = Some(mapping),
                Err(error) => {
                    let reason = error.to_string();
                    let reason = reason.split(" at line ").next().unwrap_or(&reason).to_owned();
                    upload.errors.push(FieldError::new("mapping", format!("is not a column mapping: {reason}")));
                }
            },
            "" => upload.errors.push(FieldError::new("body", "has a part without a name")),
            other => upload.errors.push(FieldError::new(other, "is not a known part")),
        }
    }
    if !has_file {
        upload.errors.push(FieldError::new("file", "is required: attach the CSV file"));
    }
    Ok(upload)
}

fn multipart_error(error: actix_multipart::MultipartError) -> ApiError {
    tracing::debug!(error = %error, "unreadable multipart body");
    ApiError::bad_request(format!("The multipart body could not be read: {error}."))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ContactListQuery {
    /// Only this office's lists (an office the user does not see gives an empty page).
    pub office_id: Option<i64>,
    /// Part of the name (case-insensitive).
    pub q: Option<String>,
}

/// The lists' request: their filter and the page.
type ContactListListing = Listing<ContactListQuery, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE>;

/// Contact lists of the offices the user sees, newest first.
#[utoipa::path(
    tag = "contact-lists",
    params(ContactListListing),
    responses(
        (status = 200, description = "A page of lists", body = ContactListPage),
        (status = 400, description = "A bad cursor, limit or query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/contact-lists")]
pub async fn list_contact_lists(
    state: web::Data<AppState>,
    user: AuthUser,
    listing: ContactListListing,
) -> ApiResult<web::Json<ContactListPage>> {
    let Listing { filter, page, .. } = listing;
    let query = ListQuery { office_id: filter.office_id, q: filter.q };
    state.db(move |conn| contact_lists::list(conn, &user, query, &page)).await.map(web::Json)
}

/// One contact list, with its field names and whether it may be deleted.
#[utoipa::path(
    tag = "contact-lists",
    params(("id" = i64, Path, description = "Contact list id")),
    responses(
        (status = 200, description = "The list", body = ContactList),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such list, or not one of the user's offices", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/contact-lists/{id}")]
pub async fn get_contact_list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ContactList>> {
    let id = id.into_inner();
    state.db(move |conn| contact_lists::get(conn, &user, id)).await.map(web::Json)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ContactSearchQuery {
    /// Part of the first name, last name or "first last" (case-insensitive; ASCII
    /// letters only on SQLite), or digits of the phone when it looks like a number.
    pub q: Option<String>,
}

/// A list's contacts request: the search and the page.
type ContactSearchListing = Listing<ContactSearchQuery, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE>;

/// A list's contacts in file order, with every imported field and the opt-out flag.
#[utoipa::path(
    tag = "contact-lists",
    params(("id" = i64, Path, description = "Contact list id"), ContactSearchListing),
    responses(
        (status = 200, description = "A page of contacts", body = ContactPage),
        (status = 400, description = "A bad cursor, limit or query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such list, or not one of the user's offices", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api/v1/contact-lists/{id}/contacts")]
pub async fn list_contact_list_contacts(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    listing: ContactSearchListing,
) -> ApiResult<web::Json<ContactPage>> {
    let (id, Listing { filter, page, .. }) = (id.into_inner(), listing);
    state.db(move |conn| contact_lists::contacts(conn, &user, id, filter.q.as_deref(), &page)).await.map(web::Json)
}

/// Delete a contact list and its contacts (administrative and standard users).
///
/// Refused with 409 while a campaign that left draft (scheduled, active or archived)
/// uses the list. Draft campaigns using it lose it in the same transaction: their
/// contact list becomes unset, and they are not ready to launch until one is chosen.
#[utoipa::path(
    tag = "contact-lists",
    params(("id" = i64, Path, description = "Contact list id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Limited users and users without two-way messaging cannot delete", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such list, or not one of the user's offices", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A campaign that left draft uses the list (`in_use_by_campaigns`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/api/v1/contact-lists/{id}")]
pub async fn delete_contact_list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let id = id.into_inner();
    state.db(move |conn| contact_lists::delete(conn, &user, clock.as_ref(), id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This resource's routes, in matching order.
/// What texting this list would cost: every contact a launch would text (opted-out,
/// undeliverable and unusable ones are counted apart), their own rendered message in
/// segments, times the organisation's price per segment for the number's type. Nothing
/// is saved; the wizard asks before launch.
#[utoipa::path(
    tag = "contact-lists",
    params(("id" = i64, Path, description = "Contact list id")),
    request_body = EstimateRequest,
    responses(
        (status = 200, description = "The estimate", body = CostEstimate),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No two-way messaging permission", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such list visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A template over 1600 characters, or an unknown number (`phone_number.id`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api/v1/contact-lists/{id}/estimate")]
pub async fn estimate_contact_list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
    body: JsonBody<EstimateRequest>,
) -> ApiResult<web::Json<CostEstimate>> {
    let (id, input) = (id.into_inner(), body.into_inner());
    let single_use = match state.config.provider {
        ProviderKind::Simulator => NumberType::Simulator,
        ProviderKind::Twilio => NumberType::LongCode,
    };
    state.db(move |conn| estimate::estimate(conn, &user, id, &input, single_use)).await.map(web::Json)
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_contact_lists)
        .service(estimate_contact_list)
        .service(create_contact_list)
        .service(get_contact_list)
        .service(list_contact_list_contacts)
        .service(delete_contact_list);
}
