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

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::Connection;
use serde_json::json;
use tidings_domain::contact_list::{
    map_headers, resolve_mapping, sniff_delimiter, validate_contact_list_name, ColumnMapping, Contact, ContactField,
    ContactList, ContactListImport, ContactListPage, ContactPage, ContactRowInput, FieldNames, HeaderMapping,
    ImportReport, OptedOutRow, RequiredColumn, RowProblem, RowProblemKind,
};
use tidings_domain::template::placeholder_key;
use tidings_domain::FieldError;

use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::contact_lists::{ContactFilter, ContactListRow, ContactRow, ListFilter, NewContact, NewContactList};
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::audit;
use crate::services::paging::{page_end, phone_digits};
use crate::services::phones::{self, DefaultRegion};

/// Page size when the client gives none.
pub const DEFAULT_PAGE_SIZE: i64 = 50;
/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 500;

/// Where an import goes: a checked name and a visible office, with the region that
/// numbers without a country code are read in.
#[derive(Debug, Clone)]
pub struct ImportTarget {
    pub name: String,
    pub office_id: i64,
    pub office_name: String,
    pub region: DefaultRegion,
}

/// Authorises an import and checks its name and office (an office of another
/// organisation, or one the user does not see, is refused like a missing one).
pub fn prepare_import(
    conn: &mut DbConnection,
    actor: &AuthUser,
    name: Option<&str>,
    office_id: Option<i64>,
    mut errors: Vec<FieldError>,
) -> ApiResult<ImportTarget> {
    actor.require_campaign_manager()?;
    let name = match name {
        Some(name) => validate_contact_list_name(name, &mut errors),
        None => {
            errors.push(FieldError::new("name", "is required"));
            String::new()
        }
    };
    let office = match office_id {
        Some(id) => match db::offices::find(conn, actor.organisation_id, id) {
            Ok(office) if actor.sees_office(office.id) => Some(office),
            Ok(_) | Err(DieselError::NotFound) => {
                errors.push(FieldError::new("office_id", "is not an office you can add contact lists to"));
                None
            }
            Err(other) => return Err(other.into()),
        },
        None => {
            if !errors.iter().any(|e| e.field == "office_id") {
                errors.push(FieldError::new("office_id", "is required"));
            }
            None
        }
    };
    match office {
        Some(office) if errors.is_empty() => Ok(ImportTarget {
            name,
            office_id: office.id,
            region: DefaultRegion::for_time_zone(&office.time_zone),
            office_name: office.name,
        }),
        _ => Err(ApiError::validation(errors)),
    }
}

/// One row ready to store.
#[derive(Debug, Clone)]
pub struct ParsedContact {
    pub row: u64,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    /// JSON array of the field values, aligned with `ParsedImport::field_names`.
    pub fields: String,
}

/// The rows of an import that passed, and the report so far.
#[derive(Debug, Clone, Default)]
pub struct ParsedImport {
    /// The request field the rows came from (`file` or `rows`), for errors.
    pub source: &'static str,
    pub field_names: Vec<String>,
    pub contacts: Vec<ParsedContact>,
    pub report: ImportReport,
}

/// Checks rows one by one: required values, phone, duplicates.
struct RowChecker {
    region: DefaultRegion,
    /// E.164 → the row that imported it.
    seen: HashMap<String, u64>,
    parsed: ParsedImport,
}

impl RowChecker {
    fn new(region: DefaultRegion, source: &'static str, field_names: Vec<String>) -> Self {
        Self { region, seen: HashMap::new(), parsed: ParsedImport { source, field_names, ..ParsedImport::default() } }
    }

    fn problem(&mut self, row: u64, field: &str, kind: RowProblemKind, reason: String, value: Option<&str>) {
        self.parsed.report.push_problem(RowProblem {
            row,
            field: field.to_owned(),
            kind,
            reason,
            value: value.map(str::to_owned),
            duplicate_of: None,
        });
    }

    /// Checks one row; `extra_values` is how many non-blank values lie beyond the
    /// file's columns.
    fn check(
        &mut self,
        row: u64,
        first_name: &str,
        last_name: &str,
        phone: &str,
        fields: &[&str],
        extra_values: usize,
    ) {
        self.parsed.report.rows_read += 1;
        let (first_name, last_name, raw_phone) = (first_name.trim(), last_name.trim(), phone.trim());
        let mut ok = true;
        for (column, value) in [(RequiredColumn::FirstName, first_name), (RequiredColumn::LastName, last_name)] {
            if value.is_empty() {
                let reason = format!("the {} is blank", column.label());
                self.problem(row, column.field(), RowProblemKind::MissingValue, reason, None);
                ok = false;
            }
        }
        let phone = if raw_phone.is_empty() {
            self.problem(row, "phone", RowProblemKind::MissingValue, "the phone is blank".to_owned(), None);
            None
        } else {
            match phones::normalise(raw_phone, self.region) {
                Ok(phone) => Some(phone),
                Err(error) => {
                    let reason = format!("the phone {error}");
                    self.problem(row, "phone", RowProblemKind::InvalidPhone, reason, Some(raw_phone));
                    None
                }
            }
        };
        if extra_values > 0 {
            let reason = format!(
                "the row has {extra_values} more value(s) than the file has columns; check for an unquoted comma"
            );
            self.problem(row, "row", RowProblemKind::TooManyValues, reason, None);
            ok = false;
        }
        let Some(phone) = phone.filter(|_| ok) else {
            self.parsed.report.invalid += 1;
            return;
        };
        if let Some(first) = self.seen.get(&phone) {
            let duplicate_of = *first;
            self.parsed.report.duplicates += 1;
            self.parsed.report.push_problem(RowProblem {
                row,
                field: "phone".to_owned(),
                kind: RowProblemKind::Duplicate,
                reason: format!("the phone {phone} is already on row {duplicate_of}"),
                value: Some(raw_phone.to_owned()),
                duplicate_of: Some(duplicate_of),
            });
            return;
        }
        self.seen.insert(phone.clone(), row);
        let values: Vec<&str> = fields.iter().map(|v| v.trim()).collect();
        let fields = serde_json::to_string(&values).unwrap_or_else(|_| "[]".to_owned());
        self.parsed.contacts.push(ParsedContact {
            row,
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            phone,
            fields,
        });
    }

    fn finish(self) -> ParsedImport {
        self.parsed
    }
}

/// How a CSV upload is to be read.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// Whether the first row names the columns (the default).
    pub has_header: bool,
    /// An explicit column mapping; without one the header row is mapped by aliases.
    pub mapping: Option<ColumnMapping>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn file_error(reason: impl Into<String>) -> ApiError {
    ApiError::invalid("file", reason)
}

/// Reads a CSV file row by row into contacts and a report. Refuses the file as a whole
/// (422) when it is empty, not UTF-8, not CSV, or lacks a required column.
pub fn parse_csv(bytes: &[u8], options: &CsvOptions, region: DefaultRegion) -> ApiResult<ParsedImport> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(file_error("is empty"));
    }
    if let Err(error) = std::str::from_utf8(bytes) {
        return Err(file_error(format!(
            "is not UTF-8 text (byte {} is not valid UTF-8); save it as \"CSV UTF-8\"",
            error.valid_up_to() + 1
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(bytes))
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let read = |reader: &mut csv::Reader<&[u8]>, record: &mut csv::StringRecord| {
        reader.read_record(record).map_err(|error| {
            let line = error.position().map(|p| p.line()).unwrap_or_default();
            file_error(format!("is not a readable CSV file near line {line}"))
        })
    };
    if !read(&mut reader, &mut record)? {
        return Err(file_error("is empty"));
    }
    let (headers, mapping, mut pending_first_row) = if options.has_header {
        let headers: Vec<String> = record.iter().map(|h| h.trim().to_owned()).collect();
        let mapping = match &options.mapping {
            Some(explicit) => resolve_mapping(Some(&headers), headers.len(), explicit).map_err(ApiError::validation)?,
            None => header_mapping(&headers)?,
        };
        (Some(headers), mapping, false)
    } else {
        let explicit = options
            .mapping
            .as_ref()
            .ok_or_else(|| ApiError::invalid("mapping", "is required when the file has no header row"))?;
        let mapping = resolve_mapping(None, record.len(), explicit).map_err(ApiError::validation)?;
        (None, mapping, true)
    };
    let column_count = headers.as_ref().map_or(record.len(), Vec::len).max(mapping.width());
    let mut checker = RowChecker::new(region, "file", mapping.field_names());
    let cell = |record: &csv::StringRecord, column: Option<usize>| -> String {
        column.and_then(|c| record.get(c)).unwrap_or("").to_owned()
    };
    let mut row = 0_u64;
    loop {
        if pending_first_row {
            pending_first_row = false;
        } else if !read(&mut reader, &mut record)? {
            break;
        }
        row += 1;
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        let extra_values = record.iter().skip(column_count).filter(|value| !value.trim().is_empty()).count();
        let field_values: Vec<&str> = mapping.fields.iter().map(|f| record.get(f.column).unwrap_or("")).collect();
        let (first, last, phone) =
            (cell(&record, mapping.first_name), cell(&record, mapping.last_name), cell(&record, mapping.phone));
        checker.check(row, &first, &last, &phone, &field_values, extra_values);
    }
    let parsed = checker.finish();
    if parsed.report.rows_read == 0 {
        return Err(file_error("has no data rows"));
    }
    Ok(parsed)
}

/// Maps a header row by aliases; a missing required column refuses the file, naming it.
fn header_mapping(headers: &[String]) -> ApiResult<HeaderMapping> {
    let mapping = map_headers(headers);
    let missing = mapping.missing();
    if missing.is_empty() {
        return Ok(mapping);
    }
    let examples = |column: RequiredColumn| match column {
        RequiredColumn::FirstName => "'First Name' or 'first_name'",
        RequiredColumn::LastName => "'Last Name' or 'Surname'",
        RequiredColumn::Phone => "'Phone', 'Mobile' or 'Cell'",
    };
    let errors = missing
        .iter()
        .map(|column| {
            FieldError::new(
                "file",
                format!("has no {} column: name one {}, or send a mapping", column.label(), examples(*column)),
            )
        })
        .collect();
    Err(ApiError::validation(errors).with_extensions(json!({
        "missing_columns": missing,
        "headers": headers,
    })))
}

/// Checks JSON rows like a CSV's. The list's fields are every name used in `fields`, in
/// the order they first appear; names that differ only in case, spaces or underscores
/// are one field.
pub fn parse_rows(rows: &[ContactRowInput], region: DefaultRegion) -> ApiResult<ParsedImport> {
    if rows.is_empty() {
        return Err(ApiError::invalid("rows", "must contain at least one row"));
    }
    let mut names = FieldNames::default();
    let mut field_names: Vec<String> = Vec::new();
    let mut index_by_key: HashMap<String, usize> = HashMap::new();
    for row in rows {
        for field in &row.fields.0 {
            let key = placeholder_key(&field.name);
            if let Entry::Vacant(slot) = index_by_key.entry(key) {
                slot.insert(field_names.len());
                let name = names.claim(Some(&field.name), field_names.len());
                field_names.push(name);
            }
        }
    }
    let mut checker = RowChecker::new(region, "rows", field_names);
    let mut values: Vec<&str> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        values.clear();
        values.resize(index_by_key.len(), "");
        for field in &row.fields.0 {
            if let Some(index) = index_by_key.get(&placeholder_key(&field.name)) {
                values[*index] = &field.value;
            }
        }
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        checker.check(i as u64 + 1, &text(&row.first_name), &text(&row.last_name), &text(&row.phone), &values, 0);
    }
    Ok(checker.finish())
}

/// Flags opted-out numbers, then writes the list and its contacts in one transaction
/// (all rows or none) and records it in the audit log. When no row passed, nothing is
/// written and the answer is 422 with the report.
pub fn store_import(
    conn: &mut DbConnection,
    actor: &AuthUser,
    clock: &dyn Clock,
    target: ImportTarget,
    parsed: ParsedImport,
) -> ApiResult<ContactListImport> {
    let ParsedImport { source, field_names, contacts, mut report } = parsed;
    if contacts.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            source,
            "has no row that can be imported; see the report for each row's problem",
        )])
        .with_extensions(json!({ "report": report })));
    }
    let phones: Vec<&str> = contacts.iter().map(|c| c.phone.as_str()).collect();
    let opted_out = db::opt_outs::live_among(conn, actor.organisation_id, &phones)?;
    for contact in &contacts {
        if opted_out.contains(&contact.phone) {
            report.push_opted_out(OptedOutRow { row: contact.row, phone: contact.phone.clone() });
        }
    }
    report.imported = contacts.len() as u64;
    let now = clock.now_naive();
    let field_names_json = serde_json::to_string(&field_names).map_err(ApiError::internal)?;
    let contact_count = contacts.len() as i64;
    let organisation_id = actor.organisation_id;
    let id = conn.transaction(|conn| -> ApiResult<i64> {
        let id = db::contact_lists::insert_list(
            conn,
            &NewContactList {
                organisation_id,
                office_id: target.office_id,
                name: &target.name,
                field_names: &field_names_json,
                contact_count,
                created_by: Some(actor.id),
                created_at: now,
                updated_at: now,
            },
        )?;
        let rows: Vec<NewContact> = contacts
            .into_iter()
            .map(|c| NewContact {
                organisation_id,
                contact_list_id: id,
                row_number: c.row as i64,
                first_name: c.first_name,
                last_name: c.last_name,
                phone: c.phone,
                fields: c.fields,
                created_at: now,
            })
            .collect();
        db::contact_lists::insert_contacts(conn, &rows)?;
        audit::record(
            conn,
            actor,
            "contact_list",
            id,
            "created",
            &json!({
                "name": target.name,
                "office_id": target.office_id,
                "rows_read": report.rows_read,
                "imported": report.imported,
                "invalid": report.invalid,
                "duplicates": report.duplicates,
                "opted_out": report.opted_out,
            }),
            now,
        )?;
        Ok(id)
    })?;
    tracing::info!(
        contact_list_id = id,
        imported = report.imported,
        problems = report.invalid + report.duplicates,
        "contact list imported"
    );
    let contact_list = ContactList {
        id,
        name: target.name,
        office_id: target.office_id,
        office_name: target.office_name,
        field_names,
        contact_count,
        in_use_by_campaigns: 0,
        deletable: true,
        created_by: Some(actor.id),
        created_at: utc(now),
        updated_at: utc(now),
    };
    Ok(ContactListImport { contact_list, report })
}

/// A list the actor may see; 404 otherwise (including other organisations' lists).
fn find_visible(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<ContactListRow> {
    match db::contact_lists::find(conn, actor.organisation_id, id) {
        Ok(row) if actor.sees_office(row.office_id) => Ok(row),
        Ok(_) | Err(DieselError::NotFound) => Err(ApiError::not_found("The contact list")),
        Err(other) => Err(other.into()),
    }
}

fn field_names_of(row: &ContactListRow) -> ApiResult<Vec<String>> {
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
    pub cursor: Option<i64>,
    pub limit: i64,
}

/// Lists the actor sees, newest first; users who do not see every office get their own
/// office's lists only (an `office_id` they cannot see gives an empty page).
pub fn list(conn: &mut DbConnection, actor: &AuthUser, query: ListQuery) -> ApiResult<ContactListPage> {
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
        before_id: query.cursor,
        limit: query.limit + 1,
    };
    let mut rows = db::contact_lists::list(conn, actor.organisation_id, &filter)?;
    let next_cursor = page_end(&mut rows, query.limit).map(|last| last.id.to_string());
    Ok(ContactListPage { items: to_contact_lists(conn, actor.organisation_id, rows)?, next_cursor })
}

/// `GET /contact-lists/{id}/contacts` parameters, already parsed.
#[derive(Debug, Clone, Default)]
pub struct ContactQuery {
    pub q: Option<String>,
    pub cursor: Option<i64>,
    pub limit: i64,
}

/// A page of a list's contacts in file order. `q` matches the first name, last name or
/// "first last" (case-insensitive), or, when it looks like a number, the phone's digits.
pub fn contacts(
    conn: &mut DbConnection,
    actor: &AuthUser,
    list_id: i64,
    query: ContactQuery,
) -> ApiResult<ContactPage> {
    actor.require_messaging()?;
    let list = find_visible(conn, actor, list_id)?;
    let field_names = field_names_of(&list)?;
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let filter = match q.map(|q| (q, phone_digits(q))) {
        None => ContactFilter::default(),
        Some((_, Some(digits))) => ContactFilter { phone_digits: Some(digits), ..ContactFilter::default() },
        Some((q, None)) => ContactFilter { name_contains: Some(q.to_lowercase()), ..ContactFilter::default() },
    };
    let filter = ContactFilter { after_id: query.cursor, limit: query.limit + 1, ..filter };
    let mut rows = db::contact_lists::browse(conn, list.id, &filter)?;
    let next_cursor = page_end(&mut rows, query.limit).map(|last| last.id.to_string());
    let phones: Vec<&str> = rows.iter().map(|r| r.phone.as_str()).collect();
    let opted_out = db::opt_outs::live_among(conn, actor.organisation_id, &phones)?;
    let items = rows.into_iter().map(|row| to_contact(row, &field_names, &opted_out)).collect::<ApiResult<_>>()?;
    Ok(ContactPage { items, next_cursor })
}

fn to_contact(row: ContactRow, field_names: &[String], opted_out: &HashSet<String>) -> ApiResult<Contact> {
    let values: Vec<String> = serde_json::from_str(&row.fields)
        .map_err(|e| ApiError::internal(format!("contact {} has unreadable fields: {e}", row.id)))?;
    let mut values = values.into_iter();
    let fields = field_names
        .iter()
        .map(|name| ContactField { name: name.clone(), value: values.next().unwrap_or_default() })
        .collect();
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
    conn.transaction(|conn| {
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

#[cfg(test)]
mod tests {
    use super::*;

    use tidings_domain::contact_list::ColumnRef;

    fn us() -> DefaultRegion {
        DefaultRegion::for_time_zone("America/New_York")
    }

    fn header_csv(body: &str) -> ApiResult<ParsedImport> {
        parse_csv(body.as_bytes(), &CsvOptions { has_header: true, mapping: None }, us())
    }

    #[test]
    fn rows_are_checked_and_reported_by_row_number() {
        let csv = "First Name,Last Name,Mobile,Program\n\
                   Ada,Lovelace,(202) 555-0101,Math\n\
                   Alan,,202-555-0102,CS\n\
                   Grace,Hopper,12345,Navy\n\
                   ,,,\n\
                   Ada,Byron,+1 202 555 0101,Poetry\n\
                   Edsger,Dijkstra,202 555 0103,Algo,extra\n";
        let Ok(parsed) = header_csv(csv) else { panic!("parses") };
        let report = &parsed.report;
        assert_eq!((report.rows_read, report.invalid, report.duplicates), (5, 3, 1));
        assert_eq!(parsed.contacts.len(), 1);
        assert_eq!(parsed.contacts[0].phone, "+12025550101");
        assert_eq!(parsed.contacts[0].fields, r#"["Math"]"#);
        let seen: Vec<(u64, &str, RowProblemKind)> =
            report.problems.iter().map(|p| (p.row, p.field.as_str(), p.kind)).collect();
        assert_eq!(
            seen,
            [
                (2, "last_name", RowProblemKind::MissingValue),
                (3, "phone", RowProblemKind::InvalidPhone),
                (5, "phone", RowProblemKind::Duplicate),
                (6, "row", RowProblemKind::TooManyValues),
            ]
        );
        assert_eq!(report.problems[2].duplicate_of, Some(1));
    }

    #[test]
    fn files_without_rows_or_columns_are_refused() {
        for body in ["", "  \n", "First Name,Last Name,Phone\n", "First Name,Last Name,Phone\n,,\n"] {
            let Err(error) = header_csv(body) else { panic!("{body:?} refused") };
            assert_eq!(error.status().as_u16(), 422);
        }
        let Err(error) = header_csv("First Name,Last Name,Email\nA,B,c@d.e\n") else { panic!("refused") };
        let problem = error.problem();
        assert_eq!(problem.errors[0].field, "file");
        assert!(problem.errors[0].reason.contains("phone"));
        let Err(error) = parse_csv(b"A,B,\xff\n", &CsvOptions { has_header: true, mapping: None }, us()) else {
            panic!("refused")
        };
        assert!(error.problem().errors[0].reason.contains("UTF-8"));
    }

    #[test]
    fn semicolons_a_bom_and_headerless_files_with_a_mapping_are_read() {
        let Ok(parsed) = header_csv("\u{feff}First Name;Last Name;Handy;Cell\nA;B;x;2025550101\n") else {
            panic!("reads a semicolon file with a byte order mark")
        };
        assert_eq!(parsed.contacts[0].phone, "+12025550101");
        assert_eq!(parsed.field_names, ["Handy"]);

        let mapping = ColumnMapping {
            first_name: ColumnRef::Index(1),
            last_name: ColumnRef::Index(2),
            phone: ColumnRef::Index(0),
            fields: None,
        };
        let Ok(parsed) = parse_csv(
            b"2025550101,Ada,Lovelace,Math\n2025550102,Alan,Turing,CS\n",
            &CsvOptions { has_header: false, mapping: Some(mapping.clone()) },
            us(),
        ) else {
            panic!("reads without a header")
        };
        assert_eq!(parsed.contacts.len(), 2);
        assert_eq!(parsed.field_names, ["Column 4"]);
        assert_eq!(parsed.contacts[1].row, 2);
        let Err(error) =
            parse_csv(b"2025550101,Ada,Lovelace\n", &CsvOptions { has_header: false, mapping: None }, us())
        else {
            panic!("a headerless file needs a mapping")
        };
        assert_eq!(error.problem().errors[0].field, "mapping");
    }

    #[test]
    fn json_rows_share_the_checks() {
        let rows: Vec<ContactRowInput> = match serde_json::from_str(
            r#"[{"first_name": "Ada", "last_name": "Lovelace", "phone": "2025550101", "fields": {"Program": "Math"}},
                {"first_name": "Alan", "last_name": "Turing", "phone": "nope", "fields": {"program": "CS", "Year": 2}},
                {"first_name": "Grace", "last_name": "Hopper", "phone": "2025550103", "fields": {"Year": 3}}]"#,
        ) {
            Ok(rows) => rows,
            Err(e) => panic!("rows parse: {e}"),
        };
        let Ok(parsed) = parse_rows(&rows, us()) else { panic!("parses") };
        assert_eq!(parsed.field_names, ["Program", "Year"]);
        assert_eq!(parsed.contacts.len(), 2);
        assert_eq!(parsed.contacts[1].fields, r#"["","3"]"#);
        assert_eq!(parsed.report.problems[0].row, 2);
        assert!(parse_rows(&[], us()).is_err());
    }

    #[test]
    fn phone_like_searches_match_digits() {
        assert_eq!(phone_digits("(202) 555-0101"), Some("2025550101".to_owned()));
        assert_eq!(phone_digits("+1 202"), Some("1202".to_owned()));
        assert_eq!(phone_digits("Ada"), None);
        assert_eq!(phone_digits("Ada 2"), None);
    }
}
