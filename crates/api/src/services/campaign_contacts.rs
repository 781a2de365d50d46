//! A campaign's Contacts tab: every contact of its list with the delivery state of its
//! campaign message, the CSV export of the same rows, the SMS preview, and opting a
//! contact out.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use tidings_domain::campaign_contact_wire::{CampaignContact, CampaignContactPage, DeliveryState};
use tidings_domain::delivery::MessageStatus;
use tidings_domain::opt_out_wire::OptOutSource;
use tidings_domain::template::{preview_message, MergeFields, MessagePreview};
use tidings_domain::texting_hours::waiting_note;
use tidings_domain::Role;

use crate::auth::AuthUser;
use crate::db::campaign_contacts::{CampaignContactFilter, CampaignContactRow};
use crate::db::campaigns::CampaignRow;
use crate::db::connection::write_transaction;
use crate::db::text_search::NameOrPhone;
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::campaigns::load_visible;
use crate::services::contact_lists::named_fields;
use crate::services::csv_cells::csv_lines;
use crate::services::opt_outs::{self, Suppressor};
use crate::services::paging::{page_end, PageRequest};
use crate::services::{organisation_settings, texting_hours};

/// Largest page.
pub const MAX_LIMIT: i64 = 500;
/// Rows read per query while exporting.
const EXPORT_PAGE: i64 = 5000;

/// What the tab and the export take.
#[derive(Debug, Clone, Default)]
pub struct ContactQuery {
    pub q: Option<String>,
    pub delivery: Option<DeliveryState>,
}

struct ListFacts {
    list_id: i64,
    field_names: Vec<String>,
}

fn list_of(conn: &mut DbConnection, campaign: &CampaignRow) -> ApiResult<ListFacts> {
    let list_id =
        campaign.contact_list_id.ok_or_else(|| ApiError::conflict("The campaign has no contact list yet."))?;
    let list = db::contact_lists::find(conn, campaign.organisation_id, list_id)?;
    let field_names = serde_json::from_str(&list.field_names)
        .map_err(|e| ApiError::internal(format!("contact list {list_id} has unreadable field names: {e}")))?;
    Ok(ListFacts { list_id, field_names })
}

fn filter_of(query: &ContactQuery, launched: bool, after_id: Option<i64>, limit: i64) -> CampaignContactFilter {
    CampaignContactFilter {
        search: NameOrPhone::parse(query.q.as_deref()),
        delivery: query.delivery,
        launched,
        after_id,
        limit,
    }
}

/// What the Delivered and Failed Reason columns show for a row: what happened to the
/// campaign message. An opt-out never rewrites that history; it reads as the state only
/// where it is why the contact was not texted (skipped at launch, or the message
/// withdrawn before it went).
fn delivery_of(row: &CampaignContactRow, launched: bool, undeliverable: bool) -> (DeliveryState, Option<String>) {
    let opted_out = row.opt_out_id.is_some();
    match row.message_status {
        None if launched && undeliverable => (
            DeliveryState::Failed,
            Some("Not texted: the provider said earlier that this number cannot receive texts.".to_owned()),
        ),
        Some(MessageStatus::Delivered) => (DeliveryState::Delivered, None),
        Some(MessageStatus::Queued) if row.message_attempts.unwrap_or(0) > 0 => {
            (DeliveryState::Retrying, row.error_reason.clone())
        }
        Some(MessageStatus::Cancelled) | None if opted_out => {
            (DeliveryState::OptedOut, Some("Not texted: the contact opted out.".to_owned()))
        }
        Some(
            MessageStatus::Failed | MessageStatus::Undelivered | MessageStatus::Unknown | MessageStatus::Cancelled,
        ) => (DeliveryState::Failed, row.error_reason.clone()),
        None if launched => (
            DeliveryState::Failed,
            Some("No message was sent: it was empty or longer than 1600 characters for this contact.".to_owned()),
        ),
        _ => (DeliveryState::Pending, None),
    }
}

/// The phones among `rows` that a launch skipped because they are on the suppression
/// list as undeliverable (no message, no opt-out): their failure says so.
fn skipped_as_undeliverable(
    conn: &mut DbConnection,
    organisation_id: i64,
    rows: &[CampaignContactRow],
    launched: bool,
) -> ApiResult<HashSet<String>> {
    if !launched {
        return Ok(HashSet::new());
    }
    let phones: Vec<&str> = rows
        .iter()
        .filter(|r| r.message_status.is_none() && r.opt_out_id.is_none())
        .map(|r| r.phone.as_str())
        .collect();
    let sources = db::opt_outs::live_sources_among(conn, organisation_id, &phones)?;
    Ok(sources
        .into_iter()
        .filter(|(_, source)| *source == OptOutSource::Undeliverable)
        .map(|(phone, _)| phone)
        .collect())
}

/// When a pending message waits for its contact's texting hours, the instant they open
/// and the note that says so in the contact's own time.
fn texting_wait(row: &CampaignContactRow, now: DateTime<Utc>) -> Option<(DateTime<Utc>, String)> {
    let waiting = row.message_status == Some(MessageStatus::Queued) && row.message_attempts == Some(0);
    let (zone, due) = (row.texting_zone.as_deref()?, row.message_due_at?);
    if !waiting || due <= now.naive_utc() || due >= *db::send_queue::HELD_UNTIL {
        return None;
    }
    let opens = utc(due);
    let local = opens.with_timezone(&texting_hours::stored_zone(zone)).format("%H:%M").to_string();
    Some((opens, waiting_note(&local, zone)))
}

fn to_contact(
    row: CampaignContactRow,
    field_names: &[String],
    launched: bool,
    undeliverable: &HashSet<String>,
    now: DateTime<Utc>,
) -> CampaignContact {
    let (delivery, failed_reason) = delivery_of(&row, launched, undeliverable.contains(&row.phone));
    let wait = texting_wait(&row, now);
    let values: Vec<String> = serde_json::from_str(&row.fields).unwrap_or_default();
    CampaignContact {
        id: row.id,
        fields: named_fields(field_names, values),
        created_at: utc(row.created_at),
        delivery,
        opted_out: row.opt_out_id.is_some(),
        error_code: if delivery == DeliveryState::OptedOut { None } else { row.error_code },
        failed_reason,
        waits_until: wait.as_ref().map(|(until, _)| *until),
        waiting_note: wait.map(|(_, note)| note),
        first_name: row.first_name,
        last_name: row.last_name,
        phone: row.phone,
    }
}

/// `GET /campaigns/{id}/contacts`.
pub fn list(
    conn: &mut DbConnection,
    actor: &AuthUser,
    campaign_id: i64,
    query: &ContactQuery,
    page: &PageRequest,
    now: DateTime<Utc>,
) -> ApiResult<CampaignContactPage> {
    let campaign = load_visible(conn, actor, campaign_id)?;
    let list = list_of(conn, &campaign)?;
    let limit = page.limit;
    let launched = campaign.launched_at.is_some();
    let filter = filter_of(query, launched, page.id_cursor()?, limit + 1);
    let mut rows = db::campaign_contacts::page(conn, campaign.organisation_id, campaign.id, list.list_id, &filter)?;
    let next_cursor = page_end(&mut rows, limit).map(|last| last.id.to_string());
    let undeliverable = skipped_as_undeliverable(conn, campaign.organisation_id, &rows, launched)?;
    let items = rows.into_iter().map(|row| to_contact(row, &list.field_names, launched, &undeliverable, now)).collect();
    Ok(CampaignContactPage { field_names: list.field_names, items, next_cursor })
}

/// `GET /campaigns/{id}/contacts.csv`, page by page: [`export_start`] checks the
/// campaign and writes the header, then each [`export_page`] writes the next rows. Each
/// takes a connection for its own page only, so a long download never holds one.
pub struct CsvExport {
    organisation_id: i64,
    campaign_id: i64,
    list: ListFacts,
    launched: bool,
    filter: CampaignContactFilter,
    done: bool,
}

/// The export's header line, after checking the caller may see the campaign.
pub fn export_start(
    conn: &mut DbConnection,
    actor: &AuthUser,
    campaign_id: i64,
    query: &ContactQuery,
) -> ApiResult<(CsvExport, Vec<u8>)> {
    let campaign = load_visible(conn, actor, campaign_id)?;
    let list = list_of(conn, &campaign)?;
    let launched = campaign.launched_at.is_some();
    let mut header = vec!["First Name".to_owned(), "Last Name".to_owned(), "Phone".to_owned()];
    header.extend(list.field_names.iter().cloned());
    header.extend([
        "Created At".to_owned(),
        "Delivered".to_owned(),
        "Failed Reason".to_owned(),
        "Opted Out".to_owned(),
    ]);
    let bytes = csv_lines(&header, 1)?;
    let filter = filter_of(query, launched, None, EXPORT_PAGE);
    let export = CsvExport {
        organisation_id: campaign.organisation_id,
        campaign_id: campaign.id,
        list,
        launched,
        filter,
        done: false,
    };
    Ok((export, bytes))
}

/// The next page of rows as CSV, or `None` when every row was written.
pub fn export_page(
    conn: &mut DbConnection,
    mut export: CsvExport,
    now: DateTime<Utc>,
) -> ApiResult<(CsvExport, Option<Vec<u8>>)> {
    if export.done {
        return Ok((export, None));
    }
    let rows = db::campaign_contacts::page(
        conn,
        export.organisation_id,
        export.campaign_id,
        export.list.list_id,
        &export.filter,
    )?;
    let Some(last) = rows.last() else {
        export.done = true;
        return Ok((export, None));
    };
    export.filter.after_id = Some(last.id);
    export.done = i64::try_from(rows.len()).unwrap_or(0) < EXPORT_PAGE;
    let undeliverable = skipped_as_undeliverable(conn, export.organisation_id, &rows, export.launched)?;
    let width = export.list.field_names.len() + 7;
    let mut cells = Vec::with_capacity(rows.len() * width);
    for row in rows {
        let contact = to_contact(row, &export.list.field_names, export.launched, &undeliverable, now);
        cells.extend([contact.first_name, contact.last_name, contact.phone]);
        cells.extend(contact.fields.into_iter().map(|f| f.value));
        cells.push(contact.created_at.to_rfc3339());
        cells.push(contact.delivery.as_str().to_owned());
        cells.push(contact.failed_reason.or(contact.waiting_note).unwrap_or_default());
        cells.push(if contact.opted_out { "yes" } else { "no" }.to_owned());
    }
    let lines = cells.len() / width;
    let bytes = csv_lines(&cells, lines)?;
    Ok((export, Some(bytes)))
}

/// The contact of the campaign's list, or 404.
fn contact_of(
    conn: &mut DbConnection,
    campaign: &CampaignRow,
    contact_id: i64,
) -> ApiResult<db::contact_lists::ContactRow> {
    let list = list_of(conn, campaign)?;
    db::contact_lists::find_contact(conn, list.list_id, contact_id)?.ok_or_else(|| ApiError::not_found("The contact"))
}

/// `GET /campaigns/{id}/contacts/{contact_id}/preview`: the exact text the contact
/// receives (or would), its encoding, segments and the characters that force UCS-2.
pub fn preview(
    conn: &mut DbConnection,
    actor: &AuthUser,
    campaign_id: i64,
    contact_id: i64,
) -> ApiResult<MessagePreview> {
    let campaign = load_visible(conn, actor, campaign_id)?;
    let contact = contact_of(conn, &campaign, contact_id)?;
    // Once launched, the message as written at launch is the truth.
    if let Some(sent) = db::messages::launch_message_of(conn, campaign.id, contact.id)? {
        return Ok(MessagePreview {
            segments: tidings_domain::segments::segment_info(&sent.body),
            body: sent.body,
            problem: None,
        });
    }
    let list = list_of(conn, &campaign)?;
    let values: Vec<String> = serde_json::from_str(&contact.fields).unwrap_or_default();
    let merge = MergeFields::for_contact(
        &contact.first_name,
        &contact.last_name,
        &contact.phone,
        list.field_names.iter().zip(values.iter()),
    );
    let language = organisation_settings::opt_out_language(&db::organisations::find(conn, campaign.organisation_id)?);
    Ok(preview_message(&campaign.message_template, &merge, campaign.append_opt_out.then_some(language.as_str())))
}

/// `POST /campaigns/{id}/contacts/{contact_id}/opt-out`: staff put the contact's number
/// on the suppression list; what is queued for it is cancelled.
pub fn opt_out(
    conn: &mut DbConnection,
    actor: &AuthUser,
    campaign_id: i64,
    contact_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<CampaignContact> {
    actor.require_messaging()?;
    let campaign = load_visible(conn, actor, campaign_id)?;
    let contact = contact_of(conn, &campaign, contact_id)?;
    if actor.role == Role::Limited && !in_inboxes_of(conn, actor, campaign.id, contact.id)? {
        return Err(ApiError::forbidden(
            "Limited users opt out only the contacts of conversations in their inboxes; this one is not in yours.",
        ));
    }
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let by =
            Suppressor::Staff { actor, source: OptOutSource::Manual, campaign_id: Some(campaign.id), reason: None };
        opt_outs::suppress(conn, campaign.organisation_id, &contact.phone, by, stamp)
    })?;
    let query = ContactQuery { q: Some(contact.phone.clone()), ..ContactQuery::default() };
    let page = list(conn, actor, campaign_id, &query, &PageRequest::first(MAX_LIMIT), now)?;
    page.items.into_iter().find(|c| c.id == contact.id).ok_or_else(|| ApiError::not_found("The contact"))
}

/// Whether the campaign's conversation with the contact is in the limited user's
/// inboxes (theirs or their office's): the only contacts such a user works.
fn in_inboxes_of(conn: &mut DbConnection, actor: &AuthUser, campaign_id: i64, contact_id: i64) -> ApiResult<bool> {
    for conversation in db::conversations::ids_of_campaign_contact(conn, campaign_id, contact_id)? {
        if db::conversations::is_in_inboxes_of(conn, actor.organisation_id, actor.id, actor.office_id, conversation)? {
            return Ok(true);
        }
    }
    Ok(false)
}
