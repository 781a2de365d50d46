//! Phone numbers and their unsolicited message recipients.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tidings_domain::campaign::{CampaignState, OperatedBy, PhoneNumberKind};
use tidings_domain::phone_number::{NumberType, PhoneNumberStatus};

use super::schema::{campaigns, offices, phone_numbers, unsolicited_recipients, users};
use super::DbConnection;

/// Campaign states in which a campaign still needs its number.
pub const CAMPAIGN_STATES_USING_NUMBER: [CampaignState; 4] =
    [CampaignState::Draft, CampaignState::Scheduled, CampaignState::Active, CampaignState::Paused];

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = phone_numbers)]
pub struct PhoneNumberRow {
    pub id: i64,
    pub organisation_id: i64,
    pub office_id: i64,
    pub kind: PhoneNumberKind,
    /// E.164, or a short code's digits.
    pub e164: String,
    pub name: String,
    pub description: String,
    pub number_type: NumberType,
    pub owner_user_id: Option<i64>,
    pub default_operated_by: OperatedBy,
    pub provider_sid: Option<String>,
    pub status: PhoneNumberStatus,
    pub campaign_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub released_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = phone_numbers)]
pub struct NewPhoneNumber<'a> {
    pub organisation_id: i64,
    pub office_id: i64,
    pub kind: PhoneNumberKind,
    pub e164: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub number_type: NumberType,
    pub owner_user_id: Option<i64>,
    pub default_operated_by: OperatedBy,
    pub provider_sid: Option<&'a str>,
    pub status: PhoneNumberStatus,
    pub campaign_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, AsChangeset, Default)]
#[diesel(table_name = phone_numbers)]
pub struct PhoneNumberChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub office_id: Option<i64>,
    /// `Some(None)` clears the owner.
    pub owner_user_id: Option<Option<i64>>,
    pub default_operated_by: Option<OperatedBy>,
    pub updated_at: Option<NaiveDateTime>,
}

/// What the list shows.
#[derive(Debug, Clone, Default)]
pub struct PhoneNumberFilter {
    pub office_id: Option<i64>,
    pub kind: Option<PhoneNumberKind>,
    pub status: Option<PhoneNumberStatus>,
    /// Only these offices (a user who does not see every office); `None` = all.
    pub visible_offices: Option<Vec<i64>>,
}

pub fn insert(conn: &mut DbConnection, new: &NewPhoneNumber<'_>) -> QueryResult<i64> {
    diesel::insert_into(phone_numbers::table).values(new).returning(phone_numbers::id).get_result(conn)
}

/// A number of `organisation_id`; `NotFound` for other organisations' numbers.
pub fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<PhoneNumberRow> {
    phone_numbers::table
        .filter(phone_numbers::organisation_id.eq(organisation_id))
        .filter(phone_numbers::id.eq(id))
        .select(PhoneNumberRow::as_select())
        .first(conn)
}

/// Any number by id, whatever the organisation (for jobs that already hold the id).
pub fn find_any(conn: &mut DbConnection, id: i64) -> QueryResult<PhoneNumberRow> {
    phone_numbers::table.find(id).select(PhoneNumberRow::as_select()).first(conn)
}

/// Takes the number's row lock (a no-op update) and answers the row, when it is in
/// `organisation_id`. Whoever changes a number's status or office, or ties a campaign
/// to it, locks it first, so those changes happen one after the other on PostgreSQL as
/// on SQLite.
pub fn lock(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<PhoneNumberRow> {
    let locked = diesel::update(
        phone_numbers::table
            .filter(phone_numbers::organisation_id.eq(organisation_id))
            .filter(phone_numbers::id.eq(id)),
    )
    .set(phone_numbers::id.eq(phone_numbers::id))
    .execute(conn)?;
    if locked == 0 {
        return Err(diesel::result::Error::NotFound);
    }
    find(conn, organisation_id, id)
}

pub fn list(
    conn: &mut DbConnection,
    organisation_id: i64,
    filter: &PhoneNumberFilter,
) -> QueryResult<Vec<PhoneNumberRow>> {
    let mut query = phone_numbers::table.filter(phone_numbers::organisation_id.eq(organisation_id)).into_boxed();
    if let Some(office_id) = filter.office_id {
        query = query.filter(phone_numbers::office_id.eq(office_id));
    }
    if let Some(offices) = &filter.visible_offices {
        query = query.filter(phone_numbers::office_id.eq_any(offices.clone()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(phone_numbers::kind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(phone_numbers::status.eq(status));
    }
    query.order((phone_numbers::name.asc(), phone_numbers::id.asc())).select(PhoneNumberRow::as_select()).load(conn)
}

/// The live number with this E.164, in any organisation.
pub fn find_live_by_e164(conn: &mut DbConnection, e164: &str) -> QueryResult<Option<PhoneNumberRow>> {
    phone_numbers::table
        .filter(phone_numbers::e164.eq(e164))
        .filter(phone_numbers::status.eq(PhoneNumberStatus::Active))
        .select(PhoneNumberRow::as_select())
        .first(conn)
        .optional()
}

/// The number most recently released with `e164` (a STOP sent to it still counts for
/// the organisation that had it).
pub fn find_last_released_by_e164(conn: &mut DbConnection, e164: &str) -> QueryResult<Option<PhoneNumberRow>> {
    phone_numbers::table
        .filter(phone_numbers::e164.eq(e164))
        .filter(phone_numbers::status.eq(PhoneNumberStatus::Released))
        .order((phone_numbers::released_at.desc(), phone_numbers::id.desc()))
        .select(PhoneNumberRow::as_select())
        .first(conn)
        .optional()
}

/// The live single-use number provisioned for a campaign.
pub fn find_live_for_campaign(conn: &mut DbConnection, campaign_id: i64) -> QueryResult<Option<PhoneNumberRow>> {
    phone_numbers::table
        .filter(phone_numbers::campaign_id.eq(campaign_id))
        .filter(phone_numbers::status.eq(PhoneNumberStatus::Active))
        .select(PhoneNumberRow::as_select())
        .first(conn)
        .optional()
}

pub fn update(
    conn: &mut DbConnection,
    organisation_id: i64,
    id: i64,
    changes: &PhoneNumberChanges,
) -> QueryResult<usize> {
    diesel::update(
        phone_numbers::table
            .filter(phone_numbers::organisation_id.eq(organisation_id))
            .filter(phone_numbers::id.eq(id)),
    )
    .set(changes)
    .execute(conn)
}

/// Marks a live number released; answers how many rows changed (0 when it already was).
pub fn mark_released(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        phone_numbers::table
            .filter(phone_numbers::id.eq(id))
            .filter(phone_numbers::status.eq(PhoneNumberStatus::Active)),
    )
    .set((
        phone_numbers::status.eq(PhoneNumberStatus::Released),
        phone_numbers::released_at.eq(Some(at)),
        phone_numbers::updated_at.eq(at),
    ))
    .execute(conn)
}

/// Puts a number marked released back in service (the provider refused to let it go).
pub fn mark_active_again(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        phone_numbers::table
            .filter(phone_numbers::id.eq(id))
            .filter(phone_numbers::status.eq(PhoneNumberStatus::Released)),
    )
    .set((
        phone_numbers::status.eq(PhoneNumberStatus::Active),
        phone_numbers::released_at.eq(None::<NaiveDateTime>),
        phone_numbers::updated_at.eq(at),
    ))
    .execute(conn)
}

/// A campaign that still needs a number: its id, title and state.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CampaignUsingNumber {
    pub id: i64,
    pub title: String,
    pub state: CampaignState,
}

/// The first campaign (lowest id) in draft, scheduled or active state that texts from
/// this number, or that this single-use number was provisioned for.
pub fn campaign_using(
    conn: &mut DbConnection,
    phone_number_id: i64,
    provisioned_for: Option<i64>,
) -> QueryResult<Option<CampaignUsingNumber>> {
    let mut query = campaigns::table.filter(campaigns::state.eq_any(CAMPAIGN_STATES_USING_NUMBER)).into_boxed();
    query = match provisioned_for {
        Some(campaign_id) => {
            query.filter(campaigns::phone_number_id.eq(phone_number_id).or(campaigns::id.eq(campaign_id)))
        }
        None => query.filter(campaigns::phone_number_id.eq(phone_number_id)),
    };
    query.order(campaigns::id.asc()).select((campaigns::id, campaigns::title, campaigns::state)).first(conn).optional()
}

/// One recipient of a number's unsolicited messages: a user or an office inbox.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct RecipientRow {
    pub phone_number_id: i64,
    pub user_id: Option<i64>,
    pub office_id: Option<i64>,
}

/// The unsolicited recipients of several numbers.
pub fn recipients(conn: &mut DbConnection, phone_number_ids: &[i64]) -> QueryResult<Vec<RecipientRow>> {
    if phone_number_ids.is_empty() {
        return Ok(Vec::new());
    }
    unsolicited_recipients::table
        .filter(unsolicited_recipients::phone_number_id.eq_any(phone_number_ids))
        .order(unsolicited_recipients::id.asc())
        .select((
            unsolicited_recipients::phone_number_id,
            unsolicited_recipients::user_id,
            unsolicited_recipients::office_id,
        ))
        .load(conn)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = unsolicited_recipients)]
struct NewRecipient {
    phone_number_id: i64,
    user_id: Option<i64>,
    office_id: Option<i64>,
}

/// Replaces a number's unsolicited recipients (call inside a transaction).
pub fn replace_recipients(
    conn: &mut DbConnection,
    phone_number_id: i64,
    user_ids: &[i64],
    office_ids: &[i64],
) -> QueryResult<()> {
    diesel::delete(unsolicited_recipients::table.filter(unsolicited_recipients::phone_number_id.eq(phone_number_id)))
        .execute(conn)?;
    let rows: Vec<NewRecipient> = user_ids
        .iter()
        .map(|&user_id| NewRecipient { phone_number_id, user_id: Some(user_id), office_id: None })
        .chain(office_ids.iter().map(|&office_id| NewRecipient {
            phone_number_id,
            user_id: None,
            office_id: Some(office_id),
        }))
        .collect();
    // A few rows at most: one statement each keeps the query portable across both
    // backends (diesel's multi-backend connection has no batch insert).
    for row in &rows {
        diesel::insert_into(unsolicited_recipients::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Of `ids`, the users of `organisation_id`: `(id, active, two_way_messaging)`.
pub fn users_of_organisation(
    conn: &mut DbConnection,
    organisation_id: i64,
    ids: &[i64],
) -> QueryResult<Vec<(i64, bool, bool)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::organisation_id.eq(organisation_id))
        .filter(users::id.eq_any(ids))
        .select((users::id, users::active, users::two_way_messaging))
        .load(conn)
}

/// Of `ids`, the offices of `organisation_id`.
pub fn offices_of_organisation(conn: &mut DbConnection, organisation_id: i64, ids: &[i64]) -> QueryResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    offices::table
        .filter(offices::organisation_id.eq(organisation_id))
        .filter(offices::id.eq_any(ids))
        .select(offices::id)
        .load(conn)
}
