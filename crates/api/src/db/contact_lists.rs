//! Contact lists and their contacts.
//!
//! Contacts are written in multi-row `INSERT … VALUES` statements, as many rows per
//! statement as the backend's bound-parameter limit allows, inside the caller's
//! transaction. Browsing is keyset-paged by contact id (the `contacts_list` index).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tidings_domain::campaign::CampaignState;

use super::schema::{campaigns, contact_lists, contacts, offices};
use super::text_search::{contains_pattern, lower, NameOrPhone, LIKE_ESCAPE};
use super::DbConnection;

/// Campaign states in which a campaign has left draft: it holds on to its list.
pub const STATES_HOLDING_A_LIST: [CampaignState; 4] =
    [CampaignState::Scheduled, CampaignState::Active, CampaignState::Paused, CampaignState::Archived];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contact_lists)]
pub struct ContactListRow {
    pub id: i64,
    pub organisation_id: i64,
    pub office_id: i64,
    pub name: String,
    /// JSON array of field names, in file order.
    pub field_names: String,
    pub contact_count: i64,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The field that names each contact's time zone (IANA or US state), if any.
    pub time_zone_field: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = contact_lists)]
pub struct NewContactList<'a> {
    pub organisation_id: i64,
    pub office_id: i64,
    pub name: &'a str,
    pub field_names: &'a str,
    pub time_zone_field: Option<&'a str>,
    pub contact_count: i64,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: i64,
    pub row_number: i64,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    /// JSON array of values, aligned with the list's field names.
    pub fields: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = contacts)]
pub struct NewContact {
    pub organisation_id: i64,
    pub contact_list_id: i64,
    pub row_number: i64,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub fields: String,
    pub created_at: NaiveDateTime,
}

/// Columns `NewContact` binds per row.
const CONTACT_PARAMETERS: usize = 8;

/// The most bound parameters one statement may carry on this connection's backend
/// (SQLite's `SQLITE_MAX_VARIABLE_NUMBER` default since 3.32; PostgreSQL's protocol
/// limit of a 16-bit count).
fn parameter_limit(conn: &DbConnection) -> usize {
    match conn {
        DbConnection::Sqlite(_) => 32_766,
        DbConnection::Postgresql(_) => 65_535,
    }
}

/// Rows per multi-row `INSERT` of contacts on this connection.
pub fn contacts_per_statement(conn: &DbConnection) -> usize {
    parameter_limit(conn) / CONTACT_PARAMETERS
}

pub fn insert_list(conn: &mut DbConnection, new: &NewContactList<'_>) -> QueryResult<i64> {
    diesel::insert_into(contact_lists::table).values(new).returning(contact_lists::id).get_result(conn)
}

/// Inserts contacts in multi-row statements under the backend's parameter limit. Run
/// it inside a transaction so a failure leaves none of them.
pub fn insert_contacts(conn: &mut DbConnection, rows: &[NewContact]) -> QueryResult<usize> {
    let per_statement = contacts_per_statement(conn);
    let mut inserted = 0;
    for chunk in rows.chunks(per_statement) {
        let statement = diesel::insert_into(contacts::table).values(chunk);
        // Multi-row inserts run on the backend's own connection: diesel's
        // `MultiConnection` has no multi-row form for SQLite.
        inserted += match conn {
            DbConnection::Sqlite(sqlite) => statement.execute(sqlite)?,
            DbConnection::Postgresql(pg) => statement.execute(pg)?,
        };
    }
    Ok(inserted)
}

/// A list of `organisation_id`; `NotFound` for other organisations' lists.
pub fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<ContactListRow> {
    contact_lists::table
        .filter(contact_lists::organisation_id.eq(organisation_id))
        .filter(contact_lists::id.eq(id))
        .select(ContactListRow::as_select())
        .first(conn)
}

/// What `list` returns.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this office's lists (visibility or the caller's filter).
    pub office_id: Option<i64>,
    /// Case-insensitive substring of the name, already lower-cased.
    pub name_contains: Option<String>,
    /// Keyset: only lists with a smaller id (older).
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Lists newest first (by id, which grows with creation time).
pub fn list(conn: &mut DbConnection, organisation_id: i64, filter: &ListFilter) -> QueryResult<Vec<ContactListRow>> {
    let mut query = contact_lists::table
        .filter(contact_lists::organisation_id.eq(organisation_id))
        .select(ContactListRow::as_select())
        .into_boxed();
    if let Some(office_id) = filter.office_id {
        query = query.filter(contact_lists::office_id.eq(office_id));
    }
    if let Some(needle) = &filter.name_contains {
        query = query.filter(lower(contact_lists::name).like(contains_pattern(needle)).escape(LIKE_ESCAPE));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(contact_lists::id.lt(before));
    }
    query.order(contact_lists::id.desc()).limit(filter.limit).load(conn)
}

/// Names of the organisation's offices among `ids`.
pub fn office_names(conn: &mut DbConnection, organisation_id: i64, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    offices::table
        .filter(offices::organisation_id.eq(organisation_id))
        .filter(offices::id.eq_any(ids))
        .select((offices::id, offices::name))
        .load(conn)
}

/// Per list among `ids`: how many campaigns that left draft use it (lists no such
/// campaign uses are absent).
pub fn campaigns_holding(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    let rows: Vec<(Option<i64>, i64)> = campaigns::table
        .filter(campaigns::contact_list_id.eq_any(ids))
        .filter(campaigns::state.eq_any(STATES_HOLDING_A_LIST))
        .group_by(campaigns::contact_list_id)
        .select((campaigns::contact_list_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, count)| id.map(|id| (id, count))).collect())
}

/// Detaches the list from draft campaigns (they become "no contact list yet").
pub fn detach_from_drafts(conn: &mut DbConnection, organisation_id: i64, list_id: i64) -> QueryResult<usize> {
    diesel::update(
        campaigns::table
            .filter(campaigns::organisation_id.eq(organisation_id))
            .filter(campaigns::contact_list_id.eq(list_id))
            .filter(campaigns::state.eq(CampaignState::Draft)),
    )
    .set(campaigns::contact_list_id.eq(None::<i64>))
    .execute(conn)
}

/// Deletes the list and its contacts.
pub fn delete(conn: &mut DbConnection, organisation_id: i64, list_id: i64) -> QueryResult<usize> {
    diesel::delete(
        contacts::table
            .filter(contacts::organisation_id.eq(organisation_id))
            .filter(contacts::contact_list_id.eq(list_id)),
    )
    .execute(conn)?;
    diesel::delete(
        contact_lists::table
            .filter(contact_lists::organisation_id.eq(organisation_id))
            .filter(contact_lists::id.eq(list_id)),
    )
    .execute(conn)
}

/// What `browse` returns.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    /// Part of the name or of the phone.
    pub search: NameOrPhone,
    /// Keyset: only contacts with a larger id.
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// A list's contacts in file order (id order), one page. A name and a phone filter
/// together match either.
pub fn browse(conn: &mut DbConnection, list_id: i64, filter: &ContactFilter) -> QueryResult<Vec<ContactRow>> {
    let mut query =
        contacts::table.filter(contacts::contact_list_id.eq(list_id)).select(ContactRow::as_select()).into_boxed();
    crate::filter_name_or_phone!(query, contacts::first_name, contacts::last_name, contacts::phone, &filter.search);
    if let Some(after) = filter.after_id {
        query = query.filter(contacts::id.gt(after));
    }
    query.order(contacts::id.asc()).limit(filter.limit).load(conn)
}

/// One contact of a list, if it is in that list.
pub fn find_contact(conn: &mut DbConnection, list_id: i64, contact_id: i64) -> QueryResult<Option<ContactRow>> {
    contacts::table
        .filter(contacts::contact_list_id.eq(list_id))
        .filter(contacts::id.eq(contact_id))
        .select(ContactRow::as_select())
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern("ann"), "%ann%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
