//! The database steps of an import: authorising it (name, office) before the file is
//! read, and storing the parsed list in one transaction afterwards.

use diesel::result::Error as DieselError;
use serde_json::json;
use tidings_domain::contact_list::{
    time_zone_field, validate_contact_list_name, ContactList, ContactListImport, OptedOutRow,
};
use tidings_domain::opt_out_wire::OptOutSource;
use tidings_domain::FieldError;

use super::ParsedImport;
use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::connection::write_transaction;
use crate::db::contact_lists::{NewContact, NewContactList};
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::audit;
use crate::services::phones::DefaultRegion;

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
    let suppressed = db::opt_outs::live_sources_among(conn, actor.organisation_id, &phones)?;
    for contact in &contacts {
        if let Some(source) = suppressed.get(&contact.phone) {
            let undeliverable = *source == OptOutSource::Undeliverable;
            report.push_opted_out(OptedOutRow { row: contact.row, phone: contact.phone.clone(), undeliverable });
        }
    }
    report.imported = contacts.len() as u64;
    let now = clock.now_naive();
    let field_names_json = serde_json::to_string(&field_names).map_err(ApiError::internal)?;
    let zone_field = time_zone_field(&field_names).cloned();
    let contact_count = contacts.len() as i64;
    let organisation_id = actor.organisation_id;
    let id = write_transaction(conn, |conn| -> ApiResult<i64> {
        let id = db::contact_lists::insert_list(
            conn,
            &NewContactList {
                organisation_id,
                office_id: target.office_id,
                name: &target.name,
                field_names: &field_names_json,
                time_zone_field: zone_field.as_deref(),
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
        time_zone_field: zone_field,
        contact_count,
        in_use_by_campaigns: 0,
        deletable: true,
        created_by: Some(actor.id),
        created_at: utc(now),
        updated_at: utc(now),
    };
    Ok(ContactListImport { contact_list, report })
}
