//! The launch scenarios: the fan-out next to the same rows bulk-written by the database
//! alone (SQLite: prepared multi-row INSERTs in one transaction; PostgreSQL: COPY), and
//! how long a STOP that arrives mid-launch waits for its answer.

use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tidings_api::db::connection::write_transaction;
use tidings_api::db::contact_lists::ContactFilter;
use tidings_api::db::conversations::NewConversation;
use tidings_api::db::messages::NewMessage;
use tidings_api::db::schema::{conversations, messages};
use tidings_api::db::DbConnection;
use tidings_api::error::ApiResult;
use tidings_api::services::inbound::{self, InboundMessage};
use tidings_api::services::{fanout, organisation_settings};
use tidings_api::state::AppState;
use tidings_domain::campaign::OperatedBy;
use tidings_domain::conversation_wire::Route;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::message_wire::{Author, Direction};
use tidings_domain::segments::segment_info;
use tidings_domain::template::{render_message, MergeFields};

use crate::OrFail;

/// The rows a launch of `campaign_id` writes, built in memory the way the fan-out
/// builds them (untimed: the limit is the database's write alone).
pub struct LaunchRows {
    pub conversations: Vec<NewConversation>,
    pub messages: Vec<NewMessage>,
}

pub fn rows_of(conn: &mut DbConnection, campaign_id: i64, stamp: NaiveDateTime) -> Result<LaunchRows, String> {
    let campaign = tidings_api::db::campaigns::find_by_id(conn, campaign_id).or_fail()?.ok_or("no campaign")?;
    let organisation = tidings_api::db::organisations::find(conn, campaign.organisation_id).or_fail()?;
    let language = organisation_settings::opt_out_language(&organisation);
    let list_id = campaign.contact_list_id.ok_or("no list")?;
    let number_id = campaign.phone_number_id.ok_or("no number")?;
    let sender = tidings_api::db::phone_numbers::find_any(conn, number_id).or_fail()?;
    let fields: Vec<String> = serde_json::from_str(
        &tidings_api::db::contact_lists::find(conn, campaign.organisation_id, list_id).or_fail()?.field_names,
    )
    .or_fail()?;
    let mut rows = LaunchRows { conversations: Vec::new(), messages: Vec::new() };
    let mut after_id = None;
    loop {
        let filter = ContactFilter { after_id, limit: 50_000, ..ContactFilter::default() };
        let page = tidings_api::db::contact_lists::browse(conn, list_id, &filter).or_fail()?;
        let Some(last) = page.last() else { break };
        after_id = Some(last.id);
        for contact in page {
            let values: Vec<String> = serde_json::from_str(&contact.fields).or_fail()?;
            let merge = MergeFields::for_contact(
                &contact.first_name,
                &contact.last_name,
                &contact.phone,
                fields.iter().zip(&values),
            );
            let body =
                render_message(&campaign.message_template, &merge, campaign.append_opt_out.then_some(&*language))
                    .or_fail()?;
            let cost = segment_info(&body);
            rows.conversations.push(NewConversation {
                organisation_id: campaign.organisation_id,
                office_id: campaign.office_id,
                campaign_id: Some(campaign.id),
                phone_number_id: number_id,
                contact_id: Some(contact.id),
                contact_phone: contact.phone.clone(),
                first_name: contact.first_name.clone(),
                last_name: contact.last_name.clone(),
                operated_by: OperatedBy::Agent,
                needs_attention: false,
                opt_out_suggested: false,
                assistant_fallbacks: 0,
                route: Route::Campaign,
                last_message_at: Some(stamp),
                created_at: stamp,
                updated_at: stamp,
            });
            rows.messages.push(NewMessage {
                organisation_id: campaign.organisation_id,
                campaign_id: Some(campaign.id),
                contact_id: Some(contact.id),
                phone_number_id: number_id,
                direction: Direction::Outbound,
                author: Author::Campaign,
                author_user_id: None,
                from_phone: sender.e164.clone(),
                to_phone: contact.phone,
                body,
                encoding: cost.encoding.as_str(),
                segments: i64::try_from(cost.segments).or_fail()?,
                status: MessageStatus::Queued,
                attempts: 0,
                next_attempt_at: stamp,
                created_at: stamp,
                updated_at: stamp,
                conversation_id: None,
                texting_zone: Some("America/New_York".to_owned()),
            });
        }
    }
    Ok(rows)
}

/// Writes `rows` as fast as the database takes them, in one transaction, and answers
/// how long it took. The rows are deleted afterwards (untimed), so the launch measured
/// next writes into the same tables as large as they were.
pub fn bulk_write(conn: &mut DbConnection, rows: &mut LaunchRows) -> Result<Duration, String> {
    let campaign_id = rows.messages.first().and_then(|m| m.campaign_id).ok_or("no rows")?;
    let started = Instant::now();
    write_transaction(conn, |conn| -> QueryResult<()> {
        match conn {
            DbConnection::Sqlite(_) => {
                let ids = tidings_api::db::conversations::insert_all(conn, &rows.conversations)?;
                for (message, (conversation, _)) in rows.messages.iter_mut().zip(ids) {
                    message.conversation_id = Some(conversation);
                }
                tidings_api::db::messages::insert_all(conn, &rows.messages)?;
            }
            DbConnection::Postgresql(pg) => copy_rows(pg, rows)?,
        }
        Ok(())
    })
    .or_fail()?;
    let elapsed = started.elapsed();
    diesel::delete(messages::table.filter(messages::campaign_id.eq(campaign_id))).execute(conn).or_fail()?;
    diesel::delete(conversations::table.filter(conversations::campaign_id.eq(campaign_id))).execute(conn).or_fail()?;
    Ok(elapsed)
}

/// PostgreSQL's COPY, text format, every column with explicit ids (above the largest
/// in use) so each message names its conversation without a round trip.
fn copy_rows(pg: &mut diesel::PgConnection, rows: &LaunchRows) -> QueryResult<()> {
    use std::io::Write;
    let first_conversation: i64 =
        conversations::table.select(diesel::dsl::max(conversations::id)).first::<Option<i64>>(pg)?.unwrap_or(0) + 1;
    let first_message: i64 =
        messages::table.select(diesel::dsl::max(messages::id)).first::<Option<i64>>(pg)?.unwrap_or(0) + 1;
    diesel::copy_from(conversations::table)
        .from_raw_data(conversations::table, |out: &mut dyn Write| -> QueryResult<()> {
            let mut line = String::with_capacity(256);
            for (i, c) in rows.conversations.iter().enumerate() {
                line.clear();
                let fields = [
                    (first_conversation + i as i64).to_string(),
                    c.organisation_id.to_string(),
                    c.office_id.to_string(),
                    optional(c.campaign_id),
                    c.phone_number_id.to_string(),
                    optional(c.contact_id),
                    escaped(&c.contact_phone),
                    escaped(&c.first_name),
                    escaped(&c.last_name),
                    c.operated_by.as_str().to_owned(),
                    flag(c.needs_attention),
                    flag(c.opt_out_suggested),
                    c.assistant_fallbacks.to_string(),
                    c.route.as_str().to_owned(),
                    NULL.to_owned(),
                    c.last_message_at.map_or_else(|| NULL.to_owned(), |t| t.to_string()),
                    c.created_at.to_string(),
                    c.updated_at.to_string(),
                ];
                line.push_str(&fields.join("\t"));
                line.push('\n');
                out.write_all(line.as_bytes()).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            }
            Ok(())
        })
        .execute(pg)?;
    diesel::copy_from(messages::table)
        .from_raw_data(messages::table, |out: &mut dyn Write| -> QueryResult<()> {
            let mut line = String::with_capacity(512);
            for (i, m) in rows.messages.iter().enumerate() {
                line.clear();
                let fields = [
                    (first_message + i as i64).to_string(),
                    m.organisation_id.to_string(),
                    optional(m.campaign_id),
                    optional(m.contact_id),
                    m.phone_number_id.to_string(),
                    m.direction.as_str().to_owned(),
                    m.author.as_str().to_owned(),
                    optional(m.author_user_id),
                    escaped(&m.from_phone),
                    escaped(&m.to_phone),
                    escaped(&m.body),
                    m.encoding.to_owned(),
                    m.segments.to_string(),
                    m.status.as_str().to_owned(),
                    m.attempts.to_string(),
                    m.next_attempt_at.to_string(),
                    NULL.to_owned(),
                    NULL.to_owned(),
                    NULL.to_owned(),
                    NULL.to_owned(),
                    NULL.to_owned(),
                    m.created_at.to_string(),
                    m.updated_at.to_string(),
                    NULL.to_owned(),
                    (first_conversation + i as i64).to_string(),
                    m.texting_zone.as_deref().map_or_else(|| NULL.to_owned(), escaped),
                    "0".to_owned(),
                ];
                line.push_str(&fields.join("\t"));
                line.push('\n');
                out.write_all(line.as_bytes()).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
            }
            Ok(())
        })
        .execute(pg)?;
    Ok(())
}

const NULL: &str = "\\N";

fn optional(value: Option<i64>) -> String {
    value.map_or_else(|| NULL.to_owned(), |v| v.to_string())
}

fn flag(value: bool) -> String {
    (if value { "t" } else { "f" }).to_owned()
}

/// COPY's text format: backslash, tab, newline and carriage return escaped.
fn escaped(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
}

/// The launch of `campaign_id` (its transaction, then every chunk), with a STOP from
/// `stopper` to `number` arriving `stop_after` into it, then one from `alone_from` once
/// the launch is written.
pub async fn launch_with_stop(
    state: &AppState,
    campaign_id: i64,
    launch: impl FnOnce(&mut DbConnection) -> ApiResult<()> + Send + 'static,
    stopper: &str,
    alone_from: &str,
    number: &str,
    stop_after: Duration,
) -> Result<Stops, String> {
    let started = Instant::now();
    let writing = async {
        state.db(move |conn| launch(conn)).await?;
        fanout::write_launch(state, campaign_id).await?;
        Ok::<Duration, tidings_api::error::ApiError>(started.elapsed())
    };
    let stop = InboundMessage {
        from: stopper.to_owned(),
        to: number.to_owned(),
        body: "STOP".to_owned(),
        provider_message_id: Some("SMbenchstopbenchstopbenchstop0001".to_owned()),
    };
    let stopping = async {
        actix_web::rt::time::sleep(stop_after).await;
        let asked = Instant::now();
        inbound::receive_at(state, stop, chrono::Utc::now()).await?;
        Ok::<Duration, tidings_api::error::ApiError>(asked.elapsed())
    };
    let (launched, stopped) = futures_util::future::join(writing, stopping).await;
    // The same STOP from another contact with the launch written: what it costs alone.
    let alone = InboundMessage {
        from: alone_from.to_owned(),
        to: number.to_owned(),
        body: "STOP".to_owned(),
        provider_message_id: Some("SMbenchstopbenchstopbenchstop0002".to_owned()),
    };
    let asked = Instant::now();
    inbound::receive_at(state, alone, chrono::Utc::now()).await.or_fail()?;
    Ok(Stops { launched: launched.or_fail()?, mid_launch: stopped.or_fail()?, alone: asked.elapsed() })
}

/// What [`launch_with_stop`] measured.
pub struct Stops {
    pub launched: Duration,
    /// How long the STOP sent mid-launch waited for its answer.
    pub mid_launch: Duration,
    /// How long a STOP took with no launch running.
    pub alone: Duration,
}
