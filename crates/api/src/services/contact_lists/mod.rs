//! Contact lists: importing (CSV or JSON rows), reading, browsing and deleting.
//!
//! An import runs in three steps so the slow part holds neither a connection nor a
//! write lock: [`prepare_import`] authorises and checks the name and office (database),
//! [`parse_csv`] / [`parse_rows`] read every row, normalise phones and find problems
//! (CPU only), and [`store_import`] flags opted-out numbers and writes the list and all
//! its contacts in one transaction with multi-row inserts.
//!
//! Which rows are kept: every row without a problem is imported; rows with a blank
//! required value, an invalid phone, too many values, or the same number as an earlier
//! imported row are left out and reported with their row number. When no row can be
//! imported the request fails (422, with the report) and nothing is stored. Either way
//! the rows reported as imported are committed together or not at all. Numbers on the
//! organisation's suppression list are imported and flagged: campaigns skip them.
//!
//! `import` holds the first and last steps, `parsing` the middle one (reading a file or
//! JSON rows with the domain's mapping rules and normalising phones with libphonenumber,
//! which is why it stays on the server); this file reads, browses and deletes lists.

mod import;
mod parsing;

pub use import::{prepare_import, store_import, ImportTarget};
pub use parsing::{parse_csv, CsvOptions, JsonImportHead, JsonRowsSeed, ParsedContact, ParsedImport};

use std::collections::{HashMap, HashSet};

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde_json::json;
use tidings_domain::contact_list::{Contact, ContactField, ContactList, ContactListPage, ContactPage};

use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::connection::write_transaction;
use crate::db::contact_lists::{ContactFilter, ContactListRow, ContactRow, ListFilter};
use crate::db::text_search::NameOrPhone;
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::audit;
use crate::services::paging::{page_end, PageRequest};

/// Page size when the client gives none.
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 500;

/// A list the actor may see; 404 otherwise (including other organisations' lists).
pub(crate) fn find_visible(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<ContactListRow> {
    match db::contact_lists::find(conn, actor.organisation_id, id) {
        Ok(row) if actor.sees_office(row.office_id) => Ok(row),
        Ok(_) | Err(DieselError::NotFound) => Err(ApiError::not_found("The contact list")),
        Err(other) => Err(other.into()),
    }
}

pub(crate) fn field_names_of(row: &ContactListRow) -> ApiResult<Vec<String>> {
    serde_json::from_str(&row.field_names)
        .map_err(|e| ApiError::internal(format!("contact list {} has unreadable field names: {e}", row.id)))
}

/// Turns rows into API lists with office names and campaign use (two queries per page).
fn to_contact_lists(
    conn: &mut DbConnection,
    organisation_id: i64,
    rows: Vec<ContactListRow>,
) -> ApiResult<Vec<ContactList>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut office_ids: Vec<i64> = rows.iter().map(|r| r.office_id).collect();
    office_ids.sort_unstable();
    office_ids.dedup();
    let offices: HashMap<i64, String> =
        db::contact_lists::office_names(conn, organisation_id, &office_ids)?.into_iter().collect();
    let holding: HashMap<i64, i64> = db::contact_lists::campaigns_holding(conn, &ids)?.into_iter().collect();
    rows.into_iter()
        .map(|row| {
            let in_use = holding.get(&row.id).copied().unwrap_or(0);
            Ok(ContactList {
                field_names: field_names_of(&row)?,
                time_zone_field: row.time_zone_field.clone(),
                id: row.id,
                office_name: offices.get(&row.office_id).cloned().unwrap_or_default(),
                name: row.name,
                office_id: row.office_id,
                contact_count: row.contact_count,
                in_use_by_campaigns: in_use,
                deletable: in_use == 0,
                created_by: row.created_by,
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
            })
        })
        .collect()
}

pub fn get(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<ContactList> {
    actor.require_messaging()?;
    let row = find_visible(conn, actor, id)?;
    to_contact_lists(conn, actor.organisation_id, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("contact list vanished while reading it"))
}

/// `GET /contact-lists` parameters, already parsed.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub office_id: Option<i64>,
    pub q: Option<String>,
}

/// Lists the actor sees, newest first; users who do not see every office get their own
/// office's lists only (an `office_id` they cannot see gives an empty page).
pub fn list(
    conn: &mut DbConnection,
    actor: &AuthUser,
    query: ListQuery,
    page: &PageRequest,
) -> ApiResult<ContactListPage> {
    actor.require_messaging()?;
    let office_id = match query.office_id {
        Some(id) if !actor.sees_office(id) => return Ok(ContactListPage { items: Vec::new(), next_cursor: None }),
        Some(id) => Some(id),
        None if actor.sees_all_offices() => None,
        None => Some(actor.office_id),
    };
    let filter = ListFilter {
        office_id,
        name_contains: query.q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty()),
        before_id: page.id_cursor()?,
        limit: page.limit + 1,
    };
    let mut rows = db::contact_lists::list(conn, actor.organisation_id, &filter)?;
    let next_cursor = page_end(&mut rows, page.limit).map(|last| last.id.to_string());
    Ok(ContactListPage { items: to_contact_lists(conn, actor.organisation_id, rows)?, next_cursor })
}

/// A page of a list's contacts in file order. `q` matches the first name, last name or
/// "first last" (case-insensitive), or, when it looks like a number, the phone's digits.
pub fn contacts(
    conn: &mut DbConnection,
    actor: &AuthUser,
    list_id: i64,
    q: Option<&str>,
    page: &PageRequest,
) -> ApiResult<ContactPage> {
    actor.require_messaging()?;
    let list = find_visible(conn, actor, list_id)?;
    let field_names = field_names_of(&list)?;
    let filter = ContactFilter { search: NameOrPhone::parse(q), after_id: page.id_cursor()?, limit: page.limit + 1 };
    let mut rows = db::contact_lists::browse(conn, list.id, &filter)?;
    let next_cursor = page_end(&mut rows, page.limit).map(|last| last.id.to_string());
    let phones: Vec<&str> = rows.iter().map(|r| r.phone.as_str()).collect();
    let opted_out = db::opt_outs::live_among(conn, actor.organisation_id, &phones)?;
    let items = rows.into_iter().map(|row| to_contact(row, &field_names, &opted_out)).collect::<ApiResult<_>>()?;
    Ok(ContactPage { items, next_cursor })
}

/// A contact's extra fields by name: the list's field names paired with the values
/// stored in the same order (a value the row lacks is blank).
pub(crate) fn named_fields(field_names: &[String], values: Vec<String>) -> Vec<ContactField> {
    let mut values = values.into_iter();
    field_names
        .iter()
        .map(|name| ContactField { name: name.clone(), value: values.next().unwrap_or_default() })
        .collect()
}

fn to_contact(row: ContactRow, field_names: &[String], opted_out: &HashSet<String>) -> ApiResult<Contact> {
    let values: Vec<String> = serde_json::from_str(&row.fields)
        .map_err(|e| ApiError::internal(format!("contact {} has unreadable fields: {e}", row.id)))?;
    let fields = named_fields(field_names, values);
    Ok(Contact {
        opted_out: opted_out.contains(&row.phone),
        id: row.id,
        row_number: row.row_number,
        first_name: row.first_name,
        last_name: row.last_name,
        phone: row.phone,
        fields,
        created_at: utc(row.created_at),
    })
}

/// Deletes a list and its contacts, unless a campaign that left draft uses it (409).
/// Draft campaigns that use it lose it (their contact list becomes unset) in the same
/// transaction.
pub fn delete(conn: &mut DbConnection, actor: &AuthUser, clock: &dyn Clock, id: i64) -> ApiResult<()> {
    actor.require_messaging()?;
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        let list = find_visible(conn, actor, id)?;
        actor.require_campaign_manager()?;
        let in_use: i64 = db::contact_lists::campaigns_holding(conn, &[id])?.into_iter().map(|(_, n)| n).sum();
        if in_use > 0 {
            return Err(in_use_conflict(&list.name, in_use));
        }
        let drafts = db::contact_lists::detach_from_drafts(conn, actor.organisation_id, id)?;
        // A campaign that took the list after the check still holds it by foreign key.
        db::contact_lists::delete(conn, actor.organisation_id, id).map_err(|error| match error {
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => in_use_conflict(&list.name, 1),
            other => other.into(),
        })?;
        audit::record(
            conn,
            actor,
            "contact_list",
            id,
            "deleted",
            &json!({"name": list.name, "contact_count": list.contact_count, "drafts_detached": drafts}),
            now,
        )?;
        Ok(())
    })
}

fn in_use_conflict(name: &str, campaigns: i64) -> ApiError {
    ApiError::conflict(format!(
        "The contact list '{name}' is used by {campaigns} campaign(s) that left draft (scheduled, active or \
         archived), so it cannot be deleted."
    ))
    .with_extensions(json!({ "in_use_by_campaigns": campaigns }))
}
