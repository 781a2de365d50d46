//! Campaigns, their agents and tags.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tidings_domain::campaign::{ArchiveKind, CampaignState, OperatedBy, PhoneNumberKind};
use tidings_domain::phone_number::PhoneNumberStatus;

use super::schema::{campaign_agents, campaign_tags, campaigns, contact_lists, phone_numbers, users};
use super::text_search::{contains_pattern, lower, LIKE_ESCAPE};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    pub id: i64,
    pub organisation_id: i64,
    pub office_id: i64,
    pub title: String,
    pub state: CampaignState,
    pub archive_kind: Option<ArchiveKind>,
    pub operated_by: OperatedBy,
    pub phone_number_id: Option<i64>,
    pub wants_single_use: bool,
    pub contact_list_id: Option<i64>,
    pub message_template: String,
    pub append_opt_out: bool,
    pub assistant_script: Option<String>,
    pub time_zone: String,
    pub scheduled_at: Option<NaiveDateTime>,
    pub launched_at: Option<NaiveDateTime>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<NaiveDateTime>,
    /// The campaign's narrowing of the organisation's texting hours, if any.
    pub texting_opens: Option<i32>,
    pub texting_closes: Option<i32>,
    /// While its launch is still being written: the last contact written (0 before the
    /// first chunk). `None` once every contact is written (`services::fanout`).
    pub fanout_after_contact_id: Option<i64>,
    /// Contacts of the list handled by the launch so far, and on the list at launch.
    pub fanout_written: i64,
    pub fanout_total: i64,
    pub fanout_touched_at: Option<NaiveDateTime>,
}

impl CampaignRow {
    /// How far its launch has written its messages, while it still is.
    pub fn launch_progress(&self) -> Option<tidings_domain::campaign_wire::LaunchProgress> {
        self.fanout_after_contact_id.map(|_| tidings_domain::campaign_wire::LaunchProgress {
            written: self.fanout_written,
            total: self.fanout_total,
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = campaigns)]
pub struct NewCampaign<'a> {
    pub organisation_id: i64,
    pub office_id: i64,
    pub title: &'a str,
    pub state: CampaignState,
    pub operated_by: OperatedBy,
    pub phone_number_id: Option<i64>,
    pub wants_single_use: bool,
    pub contact_list_id: Option<i64>,
    pub message_template: &'a str,
    pub append_opt_out: bool,
    pub assistant_script: Option<String>,
    pub time_zone: &'a str,
    pub texting_opens: Option<i32>,
    pub texting_closes: Option<i32>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Column changes; `Some(None)` writes NULL.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = campaigns)]
pub struct CampaignChanges {
    pub title: Option<String>,
    pub office_id: Option<i64>,
    pub state: Option<CampaignState>,
    pub archive_kind: Option<Option<ArchiveKind>>,
    pub operated_by: Option<OperatedBy>,
    pub phone_number_id: Option<Option<i64>>,
    pub wants_single_use: Option<bool>,
    pub contact_list_id: Option<Option<i64>>,
    pub message_template: Option<String>,
    pub append_opt_out: Option<bool>,
    pub assistant_script: Option<Option<String>>,
    pub time_zone: Option<String>,
    pub scheduled_at: Option<Option<NaiveDateTime>>,
    pub launched_at: Option<Option<NaiveDateTime>>,
    pub archived_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
    pub lease_owner: Option<Option<String>>,
    pub lease_expires_at: Option<Option<NaiveDateTime>>,
    pub texting_opens: Option<Option<i32>>,
    pub texting_closes: Option<Option<i32>>,
    pub fanout_after_contact_id: Option<Option<i64>>,
    pub fanout_written: Option<i64>,
    pub fanout_total: Option<i64>,
    pub fanout_touched_at: Option<Option<NaiveDateTime>>,
}

pub fn insert(conn: &mut DbConnection, new: &NewCampaign<'_>) -> QueryResult<i64> {
    diesel::insert_into(campaigns::table).values(new).returning(campaigns::id).get_result(conn)
}

/// A campaign of `organisation_id`; `NotFound` for other organisations' campaigns.
pub fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<CampaignRow> {
    campaigns::table
        .filter(campaigns::organisation_id.eq(organisation_id))
        .filter(campaigns::id.eq(id))
        .select(CampaignRow::as_select())
        .first(conn)
}

pub fn update(conn: &mut DbConnection, id: i64, changes: &CampaignChanges) -> QueryResult<usize> {
    diesel::update(campaigns::table.find(id)).set(changes).execute(conn)
}

/// Claims the next chunk of campaign `id`'s launch: touches it only while its launch
/// cursor is still `after`. 0 when another writer moved it first (on PostgreSQL the
/// row stays locked by this transaction until it commits, so a second writer waits,
/// then finds the cursor moved).
pub fn claim_fanout_chunk(conn: &mut DbConnection, id: i64, after: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(campaigns::table.filter(campaigns::id.eq(id)).filter(campaigns::fanout_after_contact_id.eq(after)))
        .set(campaigns::fanout_touched_at.eq(Some(now)))
        .execute(conn)
}

/// Campaigns whose launch is still being written and has been still since `before`
/// (its server died mid-launch, say): to be resumed.
pub fn stalled_fanouts(conn: &mut DbConnection, before: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    campaigns::table
        .filter(campaigns::fanout_after_contact_id.is_not_null())
        .filter(campaigns::fanout_touched_at.lt(before))
        .order(campaigns::fanout_touched_at.asc())
        .limit(limit)
        .select(campaigns::id)
        .load(conn)
}

/// Applies `changes` only while the campaign is still in `expected_state`: the guard
/// against two requests (or two servers) changing the same campaign at once.
pub fn update_in_state(
    conn: &mut DbConnection,
    id: i64,
    expected_state: CampaignState,
    changes: &CampaignChanges,
) -> QueryResult<usize> {
    diesel::update(campaigns::table.filter(campaigns::id.eq(id)).filter(campaigns::state.eq(expected_state)))
        .set(changes)
        .execute(conn)
}

pub fn replace_agents(conn: &mut DbConnection, campaign_id: i64, user_ids: &[i64]) -> QueryResult<()> {
    diesel::delete(campaign_agents::table.filter(campaign_agents::campaign_id.eq(campaign_id))).execute(conn)?;
    let rows: Vec<_> = user_ids
        .iter()
        .map(|user_id| (campaign_agents::campaign_id.eq(campaign_id), campaign_agents::user_id.eq(*user_id)))
        .collect();
    if !rows.is_empty() {
        crate::on_backend!(conn, |c| diesel::insert_into(campaign_agents::table).values(&rows).execute(c))?;
    }
    Ok(())
}

pub fn replace_tags(conn: &mut DbConnection, campaign_id: i64, tags: &[String]) -> QueryResult<()> {
    diesel::delete(campaign_tags::table.filter(campaign_tags::campaign_id.eq(campaign_id))).execute(conn)?;
    let rows: Vec<_> = tags
        .iter()
        .enumerate()
        .map(|(position, tag)| {
            (
                campaign_tags::campaign_id.eq(campaign_id),
                campaign_tags::tag.eq(tag.as_str()),
                campaign_tags::tag_key.eq(tidings_domain::tags::tag_key(tag)),
                campaign_tags::position.eq(position as i64),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::on_backend!(conn, |c| diesel::insert_into(campaign_tags::table).values(&rows).execute(c))?;
    }
    Ok(())
}

/// (campaign id, user id, user name) of the agents of these campaigns.
pub fn agents_of(conn: &mut DbConnection, campaign_ids: &[i64]) -> QueryResult<Vec<(i64, i64, String)>> {
    campaign_agents::table
        .inner_join(users::table)
        .filter(campaign_agents::campaign_id.eq_any(campaign_ids))
        .order((campaign_agents::campaign_id, users::name, users::id))
        .select((campaign_agents::campaign_id, users::id, users::name))
        .load(conn)
}

/// (campaign id, tag) of these campaigns, in the order they were given.
pub fn tags_of(conn: &mut DbConnection, campaign_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    campaign_tags::table
        .filter(campaign_tags::campaign_id.eq_any(campaign_ids))
        .order((campaign_tags::campaign_id, campaign_tags::position))
        .select((campaign_tags::campaign_id, campaign_tags::tag))
        .load(conn)
}

/// (office id, kind, status) of a phone number of the organisation.
pub fn number_facts(
    conn: &mut DbConnection,
    organisation_id: i64,
    id: i64,
) -> QueryResult<Option<(i64, PhoneNumberKind, PhoneNumberStatus)>> {
    phone_numbers::table
        .filter(phone_numbers::organisation_id.eq(organisation_id))
        .filter(phone_numbers::id.eq(id))
        .select((phone_numbers::office_id, phone_numbers::kind, phone_numbers::status))
        .first(conn)
        .optional()
}

/// (office id, field names JSON) of a contact list of the organisation.
pub fn list_facts(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<Option<(i64, String)>> {
    contact_lists::table
        .filter(contact_lists::organisation_id.eq(organisation_id))
        .filter(contact_lists::id.eq(id))
        .select((contact_lists::office_id, contact_lists::field_names))
        .first(conn)
        .optional()
}

/// (id, e164, kind) of these phone numbers.
pub fn numbers_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String, PhoneNumberKind)>> {
    phone_numbers::table
        .filter(phone_numbers::id.eq_any(ids))
        .select((phone_numbers::id, phone_numbers::e164, phone_numbers::kind))
        .load(conn)
}

/// (id, name, contact count, field names JSON) of these contact lists.
pub fn lists_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String, i64, String)>> {
    contact_lists::table
        .filter(contact_lists::id.eq_any(ids))
        .select((contact_lists::id, contact_lists::name, contact_lists::contact_count, contact_lists::field_names))
        .load(conn)
}

/// The filters of a tab list.
#[derive(Debug, Clone, Default)]
pub struct CampaignFilter {
    pub organisation_id: i64,
    pub state: Option<CampaignState>,
    /// Only these offices (the caller's visibility), `None` for every office.
    pub visible_office: Option<i64>,
    pub office_id: Option<i64>,
    /// Lower-cased title search.
    pub title_contains: Option<String>,
    /// Campaigns carrying any of these tag keys.
    pub tag_keys: Vec<String>,
}

fn filtered(filter: &CampaignFilter) -> campaigns::BoxedQuery<'static, super::connection::MultiBackend> {
    let mut query = campaigns::table.filter(campaigns::organisation_id.eq(filter.organisation_id)).into_boxed();
    if let Some(state) = filter.state {
        // `active` is the Active tab: paused campaigns are listed with it.
        query = query.filter(campaigns::state.eq_any(state.listed_states()));
    }
    if let Some(office) = filter.visible_office {
        query = query.filter(campaigns::office_id.eq(office));
    }
    if let Some(office) = filter.office_id {
        query = query.filter(campaigns::office_id.eq(office));
    }
    if let Some(text) = &filter.title_contains {
        query = query.filter(lower(campaigns::title).like(contains_pattern(text)).escape(LIKE_ESCAPE));
    }
    if !filter.tag_keys.is_empty() {
        let tagged = campaign_tags::table
            .filter(campaign_tags::tag_key.eq_any(filter.tag_keys.clone()))
            .select(campaign_tags::campaign_id);
        query = query.filter(campaigns::id.eq_any(tagged));
    }
    query
}

/// One page of campaigns, newest update first, and the total count.
pub fn list(
    conn: &mut DbConnection,
    filter: &CampaignFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<CampaignRow>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order((campaigns::updated_at.desc(), campaigns::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(CampaignRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Scheduled campaigns launching between two instants.
pub fn scheduled_between(
    conn: &mut DbConnection,
    filter: &CampaignFilter,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<CampaignRow>> {
    filtered(filter)
        .filter(campaigns::scheduled_at.ge(from))
        .filter(campaigns::scheduled_at.lt(to))
        .order((campaigns::scheduled_at.asc(), campaigns::id.asc()))
        .select(CampaignRow::as_select())
        .load(conn)
}

/// (tag as first written, campaigns) over the campaigns the filter admits.
pub fn tag_counts(conn: &mut DbConnection, filter: &CampaignFilter) -> QueryResult<Vec<(String, i64)>> {
    let ids: Vec<i64> = filtered(filter).select(campaigns::id).load(conn)?;
    let mut rows: Vec<(String, String)> = Vec::new();
    for chunk in ids.chunks(5_000) {
        rows.extend(
            campaign_tags::table
                .filter(campaign_tags::campaign_id.eq_any(chunk))
                .select((campaign_tags::tag_key, campaign_tags::tag))
                .load::<(String, String)>(conn)?,
        );
    }
    let mut counts: std::collections::BTreeMap<String, (String, i64)> = std::collections::BTreeMap::new();
    for (key, tag) in rows {
        counts.entry(key).or_insert((tag, 0)).1 += 1;
    }
    Ok(counts.into_values().collect())
}

/// Claims up to `limit` scheduled campaigns whose launch time has come, for `owner`,
/// until `lease_until`, in one statement. A campaign leased by another server is
/// skipped until its lease expires (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite takes
/// the write lock before the statement reads), so servers sharing one database never
/// claim the same campaign at once.
pub fn claim_due(
    conn: &mut DbConnection,
    owner: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    use diesel::sql_types::{BigInt, Text, Timestamp};

    #[derive(QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    // The state is written into the statement in the domain's spelling (the numbered
    // parameters differ per backend; a literal keeps them the same).
    let scheduled = CampaignState::Scheduled.as_str();
    let rows: Vec<Claimed> = match conn {
        // A materialised CTE: as `IN (subquery … LIMIT n)` the planner may run the pick
        // more than once and claim more than `n` campaigns.
        DbConnection::Postgresql(pg) => diesel::sql_query(format!(
            "WITH picked AS MATERIALIZED (\
               SELECT id FROM campaigns WHERE state = '{scheduled}' AND scheduled_at <= $3 \
               AND (lease_expires_at IS NULL OR lease_expires_at < $3) \
               ORDER BY scheduled_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
             UPDATE campaigns c SET lease_owner = $1, lease_expires_at = $2 FROM picked \
             WHERE c.id = picked.id RETURNING c.id AS id"
        ))
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(format!(
            "UPDATE campaigns SET lease_owner = ?, lease_expires_at = ? WHERE id IN (\
               SELECT id FROM campaigns WHERE state = '{scheduled}' AND scheduled_at <= ? \
               AND (lease_expires_at IS NULL OR lease_expires_at < ?) \
               ORDER BY scheduled_at LIMIT ?) RETURNING id"
        ))
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(sqlite)?,
    };
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// Any campaign by id (the scheduler works across organisations).
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CampaignRow>> {
    campaigns::table.find(id).select(CampaignRow::as_select()).first(conn).optional()
}

/// Titles of `ids` within `organisation_id`.
pub fn titles_of(conn: &mut DbConnection, organisation_id: i64, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    campaigns::table
        .filter(campaigns::organisation_id.eq(organisation_id))
        .filter(campaigns::id.eq_any(ids))
        .select((campaigns::id, campaigns::title))
        .load(conn)
}
