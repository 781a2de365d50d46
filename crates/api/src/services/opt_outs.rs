//! The organisation's suppression list: putting a number on it (a keyword, staff, an
//! integration), lifting it, and reading it. A listed number is texted by no campaign
//! in any office: suppressing cancels what is queued for it, the dispatcher cancels
//! what it claimed for it, and an opt-out answers only once nothing is in flight to it.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::json;
use tidings_domain::campaign_wire::AuditEntry;
use tidings_domain::campaign_wire::NamedRef;
use tidings_domain::delivery::MessageStatus;
use tidings_domain::opt_out_wire::{AddOptOut, OptOut, OptOutPage, OptOutSource, OPT_OUT_REASON_MAX};

use crate::auth::{AuthUser, Credential};
use crate::db::connection::write_transaction;
use crate::db::opt_outs::{NewOptOut, OptOutRow};
use crate::db::send_counts::Tally;
use crate::db::{self, utc, DbConnection};
use crate::error::{ApiError, ApiResult};
use crate::services::audit;
use crate::services::paging::{page_end, PageRequest};
use crate::services::phones::{normalise, DefaultRegion};
use crate::state::AppState;

/// The audit log's name for suppression list entries.
const ENTITY: &str = "opt_out";
/// Longest wait for sends already in the provider's hands before an opt-out answers.
const IN_FLIGHT_WAIT: StdDuration = StdDuration::from_secs(10);

/// Who put a number on the list.
#[derive(Debug, Clone, Copy)]
pub enum Suppressor<'a> {
    /// The contact, by keyword, in `campaign` (if any).
    Contact { campaign_id: Option<i64> },
    /// A member of staff or an integration, with their reason if they gave one.
    Staff { actor: &'a AuthUser, source: OptOutSource, campaign_id: Option<i64>, reason: Option<&'a str> },
    /// Tidings itself, on a permanent failure whose code says the number cannot be
    /// texted (`Undeliverable`) or that the recipient unsubscribed at the provider
    /// (`Keyword`, Twilio 21610); `reason` is the code and its words.
    Provider { source: OptOutSource, campaign_id: Option<i64>, reason: &'a str },
}

/// Puts `phone` on `organisation_id`'s list (unless it is already there) and cancels
/// every queued message to it. Run inside a write transaction. Answers the entry id
/// and whether it is new.
pub fn suppress(
    conn: &mut DbConnection,
    organisation_id: i64,
    phone: &str,
    by: Suppressor<'_>,
    stamp: NaiveDateTime,
) -> ApiResult<(i64, bool)> {
    db::opt_outs::lock_contact(conn, organisation_id, phone)?;
    if let Some(live) = db::opt_outs::find_live(conn, organisation_id, phone)? {
        return Ok((live.id, false));
    }
    let (source, campaign_id, created_by, reason) = match by {
        Suppressor::Contact { campaign_id } => (OptOutSource::Keyword, campaign_id, None, None),
        Suppressor::Staff { actor, source, campaign_id, reason } => (source, campaign_id, Some(actor.id), reason),
        Suppressor::Provider { source, campaign_id, reason } => (source, campaign_id, None, Some(reason)),
    };
    let id = db::opt_outs::insert(
        conn,
        &NewOptOut { organisation_id, phone, source, campaign_id, created_by, created_at: stamp, reason },
    )?;
    let cancelled = db::messages::cancel_to_phone(conn, organisation_id, phone, stamp)?;
    let mut tally = Tally::new();
    for (status, campaign, author) in &cancelled {
        tally.moved(*campaign, *author, *status, MessageStatus::Cancelled);
    }
    tally.write(conn)?;
    let details = json!({
        "phone": phone,
        "source": source,
        "campaign_id": campaign_id,
        "reason": reason,
        "cancelled_messages": cancelled.len(),
    });
    match by {
        Suppressor::Contact { .. } | Suppressor::Provider { .. } => {
            audit::record_system(conn, organisation_id, ENTITY, id, "added", &details, stamp)?
        }
        Suppressor::Staff { actor, .. } => audit::record(conn, actor, ENTITY, id, "added", &details, stamp)?,
    }
    Ok((id, true))
}

/// Lifts `phone`'s live entry, if any (START keyword: `actor` is None). Run inside a
/// write transaction. Answers whether there was one.
pub fn lift_phone(
    conn: &mut DbConnection,
    organisation_id: i64,
    phone: &str,
    actor: Option<&AuthUser>,
    reason: &str,
    stamp: NaiveDateTime,
) -> ApiResult<bool> {
    db::opt_outs::lock_contact(conn, organisation_id, phone)?;
    let Some(live) = db::opt_outs::find_live(conn, organisation_id, phone)? else { return Ok(false) };
    db::opt_outs::lift(conn, live.id, actor.map(|a| a.id), reason, stamp)?;
    let details = json!({ "phone": phone, "reason": reason });
    match actor {
        Some(actor) => audit::record(conn, actor, ENTITY, live.id, "lifted", &details, stamp)?,
        None => audit::record_system(conn, organisation_id, ENTITY, live.id, "lifted", &details, stamp)?,
    }
    Ok(true)
}

/// Waits (bounded) until no message to `phone` is in the provider's hands, so an
/// opt-out answers only once nothing more can reach the contact.
pub async fn wait_for_in_flight(state: &AppState, organisation_id: i64, phone: &str) -> ApiResult<()> {
    let started = std::time::Instant::now();
    loop {
        let phone_owned = phone.to_owned();
        let sending =
            state.db(move |conn| Ok(db::messages::count_sending_to(conn, organisation_id, &phone_owned)?)).await?;
        if sending == 0 || started.elapsed() > IN_FLIGHT_WAIT {
            return Ok(());
        }
        actix_web::rt::time::sleep(StdDuration::from_millis(50)).await;
    }
}

/// `POST /api/v1/opt-outs`: an integration (source `api`) or a member of staff (source
/// `manual`) adds a number, optionally with a reason.
pub fn add(
    conn: &mut DbConnection,
    actor: &AuthUser,
    input: &AddOptOut,
    now: DateTime<Utc>,
) -> ApiResult<(OptOut, bool)> {
    actor.require_campaign_manager()?;
    let phone = normalise(&input.phone, DefaultRegion::for_country("US").unwrap_or(DefaultRegion::NONE))
        .map_err(|e| ApiError::invalid("phone", e.to_string()))?;
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > OPT_OUT_REASON_MAX) {
        return Err(ApiError::invalid("reason", format!("must be at most {OPT_OUT_REASON_MAX} characters")));
    }
    let source = match actor.credential {
        Credential::ApiKey { .. } => OptOutSource::Api,
        Credential::Session { .. } | Credential::System => OptOutSource::Manual,
    };
    let stamp = now.naive_utc();
    let (id, created) = write_transaction(conn, |conn| {
        let by = Suppressor::Staff { actor, source, campaign_id: None, reason };
        suppress(conn, actor.organisation_id, &phone, by, stamp)
    })?;
    let row = db::opt_outs::find(conn, actor.organisation_id, id)?;
    Ok((views(conn, actor.organisation_id, vec![row])?.remove(0), created))
}

/// `DELETE /api/v1/opt-outs/{id}`: lifts an entry, with a reason.
pub fn lift(conn: &mut DbConnection, actor: &AuthUser, id: i64, reason: &str, now: DateTime<Utc>) -> ApiResult<OptOut> {
    actor.require_campaign_manager()?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::invalid("reason", "is required: say why this number may be texted again"));
    }
    if reason.chars().count() > OPT_OUT_REASON_MAX {
        return Err(ApiError::invalid("reason", format!("must be at most {OPT_OUT_REASON_MAX} characters")));
    }
    let row = find_entry(conn, actor, id)?;
    if row.lifted_at.is_some() {
        return Err(ApiError::conflict("This opt-out was already lifted."));
    }
    // A contact's own STOP is theirs to take back (START, UNSTOP); anything else is
    // lifted by an administrator, with a reason, in the audit trail.
    if row.source == OptOutSource::Keyword {
        return Err(ApiError::forbidden(
            "The contact opted out by texting STOP: only their own START (or UNSTOP) lifts it.",
        ));
    }
    if !actor.role.is_admin() {
        return Err(ApiError::forbidden("Only administrators lift an opt-out."));
    }
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| lift_phone(conn, actor.organisation_id, &row.phone, Some(actor), reason, stamp))?;
    let row = find_entry(conn, actor, id)?;
    Ok(views(conn, actor.organisation_id, vec![row])?.remove(0))
}

/// `GET /api/v1/opt-outs/{id}/audit`: what happened to an entry (added, lifted), for
/// administrators.
pub fn audit_trail(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<Vec<AuditEntry>> {
    actor.require_admin()?;
    find_entry(conn, actor, id)?;
    audit::trail(conn, actor.organisation_id, ENTITY, id)
}

fn find_entry(conn: &mut DbConnection, actor: &AuthUser, id: i64) -> ApiResult<OptOutRow> {
    db::opt_outs::find(conn, actor.organisation_id, id).map_err(|e| match e {
        diesel::result::Error::NotFound => ApiError::not_found("The opt-out"),
        other => other.into(),
    })
}

/// `GET /api/v1/opt-outs` filters: `q` matches digits of the phone.
#[derive(Debug, Clone, Default)]
pub struct OptOutQuery {
    pub q: Option<String>,
    pub source: Option<OptOutSource>,
    pub include_lifted: bool,
}

/// `GET /api/v1/opt-outs`: newest first.
pub fn list(
    conn: &mut DbConnection,
    actor: &AuthUser,
    query: &OptOutQuery,
    page: &PageRequest,
) -> ApiResult<OptOutPage> {
    actor.require_messaging()?;
    let limit = page.limit;
    let digits: Option<String> =
        query.q.as_deref().map(|q| q.chars().filter(char::is_ascii_digit).collect()).filter(|d: &String| !d.is_empty());
    let filter = db::opt_outs::OptOutFilter {
        visible_office: (!actor.sees_all_offices()).then_some(actor.office_id),
        digits: digits.as_deref(),
        source: query.source,
        include_lifted: query.include_lifted,
        before_id: page.id_cursor()?,
        limit: limit + 1,
    };
    let mut rows = db::opt_outs::page(conn, actor.organisation_id, &filter)?;
    let next_cursor = page_end(&mut rows, limit).map(|last| last.id.to_string());
    Ok(OptOutPage { items: views(conn, actor.organisation_id, rows)?, next_cursor })
}

fn views(conn: &mut DbConnection, organisation_id: i64, rows: Vec<OptOutRow>) -> ApiResult<Vec<OptOut>> {
    let user_ids: Vec<i64> = rows.iter().flat_map(|r| [r.created_by, r.lifted_by]).flatten().collect();
    let users: HashMap<i64, String> = db::users::names_of(conn, organisation_id, &user_ids)?.into_iter().collect();
    let campaign_ids: Vec<i64> = rows.iter().filter_map(|r| r.campaign_id).collect();
    let campaigns: HashMap<i64, String> =
        db::campaigns::titles_of(conn, organisation_id, &campaign_ids)?.into_iter().collect();
    let named = |id: Option<i64>, names: &HashMap<i64, String>| {
        id.map(|id| NamedRef { id, name: names.get(&id).cloned().unwrap_or_default() })
    };
    rows.into_iter()
        .map(|row| {
            Ok(OptOut {
                id: row.id,
                source: row.source,
                campaign: named(row.campaign_id, &campaigns),
                created_at: utc(row.created_at),
                created_by: named(row.created_by, &users),
                lifted_at: row.lifted_at.map(utc),
                lifted_by: named(row.lifted_by, &users),
                lift_reason: row.lift_reason,
                reason: row.reason,
                phone: row.phone,
            })
        })
        .collect()
}
