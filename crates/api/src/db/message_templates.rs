//! The template library's rows: saved messages of an organisation or one of its offices.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::message_templates;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = message_templates)]
pub struct MessageTemplateRow {
    pub id: i64,
    pub organisation_id: i64,
    pub office_id: Option<i64>,
    pub name: String,
    pub body: String,
    /// A JSON array of strings.
    pub tags: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = message_templates)]
pub struct NewMessageTemplate<'a> {
    pub organisation_id: i64,
    pub office_id: Option<i64>,
    pub name: &'a str,
    pub name_key: &'a str,
    pub body: &'a str,
    pub tags: &'a str,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A PATCH: `None` leaves a column as it is; `office_id: Some(None)` clears it.
#[derive(Debug, AsChangeset, Default)]
#[diesel(table_name = message_templates)]
pub struct MessageTemplateChanges {
    pub office_id: Option<Option<i64>>,
    pub name: Option<String>,
    pub name_key: Option<String>,
    pub body: Option<String>,
    pub tags: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, new: &NewMessageTemplate<'_>) -> QueryResult<i64> {
    diesel::insert_into(message_templates::table).values(new).returning(message_templates::id).get_result(conn)
}

/// A template of `organisation_id`; `NotFound` for other organisations' templates.
pub fn find(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<MessageTemplateRow> {
    message_templates::table
        .filter(message_templates::organisation_id.eq(organisation_id))
        .filter(message_templates::id.eq(id))
        .select(MessageTemplateRow::as_select())
        .first(conn)
}

/// Every template of the organisation, by name (at most the organisation's cap).
pub fn list(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<Vec<MessageTemplateRow>> {
    message_templates::table
        .filter(message_templates::organisation_id.eq(organisation_id))
        .order((message_templates::name_key.asc(), message_templates::id.asc()))
        .select(MessageTemplateRow::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<i64> {
    message_templates::table.filter(message_templates::organisation_id.eq(organisation_id)).count().get_result(conn)
}

pub fn name_taken(
    conn: &mut DbConnection,
    organisation_id: i64,
    name_key: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut query = message_templates::table
        .filter(message_templates::organisation_id.eq(organisation_id))
        .filter(message_templates::name_key.eq(name_key))
        .select(message_templates::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(message_templates::id.ne(id));
    }
    Ok(query.first::<i64>(conn).optional()?.is_some())
}

pub fn update(
    conn: &mut DbConnection,
    organisation_id: i64,
    id: i64,
    changes: &MessageTemplateChanges,
) -> QueryResult<usize> {
    diesel::update(
        message_templates::table
            .filter(message_templates::organisation_id.eq(organisation_id))
            .filter(message_templates::id.eq(id)),
    )
    .set(changes)
    .execute(conn)
}

pub fn delete(conn: &mut DbConnection, organisation_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        message_templates::table
            .filter(message_templates::organisation_id.eq(organisation_id))
            .filter(message_templates::id.eq(id)),
    )
    .execute(conn)
}
