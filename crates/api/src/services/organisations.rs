//! Bootstrapping an organisation with its first office and administrator.

use tidings_domain::office::{validate_office_name, validate_time_zone};
use tidings_domain::user::{validate_email, validate_password, validate_user_name};
use tidings_domain::{FieldError, Role};

use crate::auth::password;
use crate::clock::Clock;
use crate::db::connection::write_transaction;
use crate::db::offices::NewOffice;
use crate::db::organisations::NewOrganisation;
use crate::db::users::NewUser;
use crate::db::{self, DbConnection};
use crate::error::{ApiError, ApiResult};

/// The help text a new organisation answers HELP/INFO with until it sets its own.
pub fn default_help_text(organisation: &str) -> String {
    format!("{organisation}: reply STOP to opt out, START to opt back in. Msg & data rates may apply.")
}

/// A user to create with the organisation.
pub struct NewStaff<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password: &'a str,
    pub role: Role,
    /// Index into the offices given alongside.
    pub office: usize,
    pub view_other_offices: bool,
}

/// What was created.
pub struct CreatedOrganisation {
    pub organisation_id: i64,
    pub office_ids: Vec<i64>,
    pub user_ids: Vec<i64>,
}

/// Creates an organisation, its offices (name, IANA zone) and users in one transaction.
pub fn create_organisation(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    name: &str,
    offices: &[(&str, &str)],
    staff: &[NewStaff<'_>],
) -> ApiResult<CreatedOrganisation> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError::new("name", "must be 1 to 120 characters"));
    }
    let offices: Vec<(String, String)> = offices
        .iter()
        .map(|(office, zone)| {
            (validate_office_name(office, &mut errors), validate_time_zone(zone, "time_zone", &mut errors))
        })
        .collect();
    let mut hashes = Vec::new();
    let mut emails = Vec::new();
    for person in staff {
        emails.push(validate_email(person.email, &mut errors));
        validate_user_name(person.name, &mut errors);
        validate_password(person.password, &mut errors);
        if person.office >= offices.len() {
            errors.push(FieldError::new("office", "unknown office"));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    for person in staff {
        hashes.push(password::hash_password(person.password).map_err(ApiError::internal)?);
    }
    let now = clock.now_naive();
    write_transaction(conn, |conn| {
        for email in &emails {
            if db::users::find_by_email(conn, email)?.is_some() {
                return Err(ApiError::conflict(format!("A user with the email {email} already exists.")));
            }
        }
        let help_text = default_help_text(name);
        let organisation_id =
            db::organisations::insert(conn, &NewOrganisation { name, help_text: &help_text, created_at: now })?;
        let mut office_ids = Vec::new();
        for (office, zone) in &offices {
            office_ids.push(db::offices::insert(
                conn,
                &NewOffice { organisation_id, name: office, time_zone: zone, created_at: now, updated_at: now },
            )?);
        }
        let mut user_ids = Vec::new();
        for ((person, email), hash) in staff.iter().zip(&emails).zip(&hashes) {
            user_ids.push(db::users::insert(
                conn,
                &NewUser {
                    organisation_id,
                    office_id: office_ids[person.office],
                    email,
                    name: person.name.trim(),
                    password_hash: hash,
                    role: person.role,
                    view_other_offices: person.view_other_offices,
                    two_way_messaging: true,
                    active: true,
                    created_at: now,
                    updated_at: now,
                },
            )?);
        }
        Ok(CreatedOrganisation { organisation_id, office_ids, user_ids })
    })
}
