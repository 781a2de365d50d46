//! Delivery outcomes: what a send's answer and a provider's status report do to a
//! message, with the campaign's send counters moved in the same transaction.
//!
//! Twilio's status callbacks and the simulator's reports both come through
//! [`apply_report`]. Reports only move a message forward; a repeated or late one
//! changes nothing. A report can beat the dispatcher's record of the send it names (the
//! provider answers, then calls back before we commit): it is kept as an early report
//! and applied when the send is recorded.

use chrono::{DateTime, NaiveDateTime, Utc};
use tidings_domain::delivery::{
    error_reason, is_retried_after_report, is_transient, moves_forward, retry_delay, status_from_provider,
    suppression_for, MessageStatus,
};
use tidings_domain::message_wire::Author;

use crate::config::DeliverySettings;
use crate::db::connection::write_transaction;
use crate::db::messages::{EarlyReport, MessageRow};
use crate::db::send_counts::Tally;
use crate::db::send_queue::SendOutcome;
use crate::db::{self, DbConnection};
use crate::error::ApiResult;
use crate::providers::{ProviderError, SendReceipt, StatusReport};
use crate::services::events::{self, MessageOffices};
use crate::services::opt_outs::{self, Suppressor};
use crate::services::texting_hours;

/// What a status report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOutcome {
    /// The message moved to this status.
    Applied(MessageStatus),
    /// A transient carrier failure: the message waits for another attempt.
    Requeued,
    /// Not forward of where the message is (repeated or out of order): nothing changed.
    Stale,
    /// No message has this provider id yet; kept until the send is recorded.
    Early,
    /// A status that says nothing about delivery.
    Irrelevant,
}

/// Applies a provider's status report.
pub fn apply_report(
    conn: &mut DbConnection,
    report: &StatusReport,
    settings: &DeliverySettings,
    now: DateTime<Utc>,
) -> ApiResult<ReportOutcome> {
    let Some(reported) = status_from_provider(&report.status) else { return Ok(ReportOutcome::Irrelevant) };
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        // Twilio posts a message's reports at once, so another may move it between the
        // read and the change here (on PostgreSQL, where writers do not queue as on
        // SQLite): the change only applies to the status it was decided on, and when
        // that moved meanwhile the report is weighed again against what is there now.
        for _ in 0..MAX_REPORT_RACES {
            let Some(message) = db::messages::find_by_provider_id(conn, &report.provider_message_id)? else {
                keep_early(conn, report, reported, stamp)?;
                return Ok(ReportOutcome::Early);
            };
            let mut tally = Tally::new();
            if let Some(outcome) =
                move_on_report(conn, &message, reported, report.error_code, settings, stamp, &mut tally)?
            {
                tally.write(conn)?;
                return Ok(outcome);
            }
        }
        Ok(ReportOutcome::Stale)
    })
}

/// How often a report is weighed again because another moved its message meanwhile.
const MAX_REPORT_RACES: usize = 5;

/// Keeps the most advanced early report per provider id.
fn keep_early(
    conn: &mut DbConnection,
    report: &StatusReport,
    reported: MessageStatus,
    stamp: NaiveDateTime,
) -> ApiResult<()> {
    if let Some(kept) = db::messages::find_early_report(conn, &report.provider_message_id)? {
        let kept_status = status_from_provider(&kept.status).unwrap_or(MessageStatus::Pending);
        if !moves_forward(kept_status, reported) {
            return Ok(());
        }
    }
    db::messages::store_early_report(
        conn,
        &EarlyReport {
            provider_message_id: report.provider_message_id.clone(),
            status: report.status.clone(),
            error_code: report.error_code,
            received_at: stamp,
        },
    )?;
    Ok(())
}

/// Moves `message` on a report of `reported`, only forward. `None` when the message
/// moved from the status read before this could change it (another report won). A transient carrier
/// failure puts the message back in the queue while attempts remain.
fn move_on_report(
    conn: &mut DbConnection,
    message: &MessageRow,
    reported: MessageStatus,
    error_code: Option<i64>,
    settings: &DeliverySettings,
    stamp: NaiveDateTime,
    tally: &mut Tally,
) -> ApiResult<Option<ReportOutcome>> {
    let current = message.status;
    if !moves_forward(current, reported) {
        return Ok(Some(ReportOutcome::Stale));
    }
    let publish = |conn: &mut DbConnection, status, error| {
        events::message_status(conn, &mut MessageOffices::default(), message, status, error, stamp)
    };
    if matches!(reported, MessageStatus::Undelivered | MessageStatus::Failed) {
        let reason = match error_code {
            Some(code) => error_reason(code),
            None => "The provider reported that the message failed, without saying why.".to_owned(),
        };
        let attempts = u32::try_from(message.attempts).unwrap_or(u32::MAX);
        // Twilio took this message: another attempt is a new text. Only a failure the
        // carrier says will pass is worth it — never one without a code, nor 30008.
        let worth_retrying = error_code.is_some_and(is_retried_after_report);
        if worth_retrying && attempts < settings.max_attempts && current != MessageStatus::Cancelled {
            let code = error_code.unwrap_or_default();
            let next = stamp + retry_delay(settings.retry_base, attempts);
            if db::messages::requeue_from(conn, message.id, message.status, (code, &reason), next, stamp)? {
                tally.moved(message.campaign_id, message.author, current, MessageStatus::Queued);
                publish(conn, MessageStatus::Queued, (Some(code), Some(&reason)))?;
                return Ok(Some(ReportOutcome::Requeued));
            }
            return Ok(None);
        }
        if db::messages::set_status_from(
            conn,
            message.id,
            message.status,
            reported,
            Some((error_code, &reason)),
            stamp,
        )? {
            tally.moved(message.campaign_id, message.author, current, reported);
            publish(conn, reported, (error_code, Some(&reason)))?;
            if let Some(code) = error_code {
                suppress_if_unreachable(conn, message, code, &reason, stamp)?;
            }
            return Ok(Some(ReportOutcome::Applied(reported)));
        }
        return Ok(None);
    }
    if db::messages::set_status_from(conn, message.id, message.status, reported, None, stamp)? {
        tally.moved(message.campaign_id, message.author, current, reported);
        // The error of an earlier, retried attempt stays on the message.
        publish(conn, reported, (message.error_code, message.error_reason.as_deref()))?;
        return Ok(Some(ReportOutcome::Applied(reported)));
    }
    Ok(None)
}

/// One message the dispatcher handed to the provider, and its answer.
#[derive(Debug)]
pub struct Attempt {
    pub id: i64,
    pub campaign_id: Option<i64>,
    pub author: Author,
    /// Provider calls made for this message, this one included.
    pub attempts: u32,
    pub answer: Result<SendReceipt, ProviderError>,
}

/// What an answer means for the message.
fn outcome_of(attempt: &Attempt, settings: &DeliverySettings, stamp: NaiveDateTime) -> SendOutcome {
    let retry_or_fail = |code: Option<i64>, reason: String| {
        if attempt.attempts < settings.max_attempts {
            SendOutcome {
                id: attempt.id,
                status: MessageStatus::Queued,
                provider_message_id: None,
                error_code: code,
                error_reason: Some(reason),
                next_attempt_at: Some(stamp + retry_delay(settings.retry_base, attempt.attempts)),
                sent_at: None,
                segments: None,
            }
        } else {
            failed(attempt.id, code, reason)
        }
    };
    match &attempt.answer {
        Ok(receipt) => {
            let status = match status_from_provider(&receipt.status) {
                Some(MessageStatus::Undelivered) | None => MessageStatus::Pending,
                Some(status) => status,
            };
            SendOutcome {
                id: attempt.id,
                status,
                provider_message_id: Some(receipt.provider_message_id.clone()),
                error_code: None,
                error_reason: None,
                next_attempt_at: None,
                sent_at: Some(stamp),
                segments: receipt.num_segments.map(i64::from),
            }
        }
        Err(ProviderError::Rejected { code: Some(code), message }) => {
            let reason = known_reason(*code, message);
            if is_transient(*code) {
                retry_or_fail(Some(*code), reason)
            } else {
                failed(attempt.id, Some(*code), reason)
            }
        }
        Err(ProviderError::Rejected { code: None, message }) => failed(attempt.id, None, message.clone()),
        Err(ProviderError::Unavailable(message)) => {
            retry_or_fail(None, format!("The provider was unavailable: {message}"))
        }
        Err(ProviderError::Unknown(message)) => SendOutcome {
            id: attempt.id,
            status: MessageStatus::Unknown,
            provider_message_id: None,
            error_code: None,
            error_reason: Some(format!("The provider's answer was lost ({message}); the message may have been sent.")),
            next_attempt_at: None,
            sent_at: None,
            segments: None,
        },
    }
}

/// Our words for a code we know; the provider's own otherwise.
fn known_reason(code: i64, provider_message: &str) -> String {
    let ours = error_reason(code);
    if ours.starts_with("The provider reported error") && !provider_message.is_empty() {
        format!("{provider_message} (error {code})")
    } else {
        ours
    }
}

fn failed(id: i64, code: Option<i64>, reason: String) -> SendOutcome {
    SendOutcome {
        id,
        status: MessageStatus::Failed,
        provider_message_id: None,
        error_code: code,
        error_reason: Some(reason),
        next_attempt_at: None,
        sent_at: None,
        segments: None,
    }
}

/// Records a window of answers in one transaction, moving the counters and applying any
/// report that arrived before its send was recorded.
pub fn record_attempts(
    conn: &mut DbConnection,
    attempts: &[Attempt],
    owner: &str,
    settings: &DeliverySettings,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let mut tally = Tally::new();
        let mut offices = MessageOffices::default();
        // Messages the provider took, per campaign: the Analytics activity chart.
        let mut sent_per_campaign: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
        for attempt in attempts {
            let outcome = outcome_of(attempt, settings, stamp);
            // The message was `sending` (pending bucket) — or `unknown` if recovery ran
            // while the provider was slow; the counters follow what it actually was.
            let Some((from, message)) = db::send_queue::record_outcome(conn, &outcome, owner, stamp)? else {
                continue;
            };
            let was = from;
            let now_status = outcome.status;
            tally.moved(attempt.campaign_id, attempt.author, was, now_status);
            let error = (outcome.error_code, outcome.error_reason.as_deref());
            events::message_status(conn, &mut offices, &message, now_status, error, stamp)?;
            if let (MessageStatus::Failed, Some(code)) = (now_status, outcome.error_code) {
                suppress_if_unreachable(conn, &message, code, outcome.error_reason.as_deref().unwrap_or(""), stamp)?;
            }
            if let (Some(campaign), Some(_)) = (attempt.campaign_id, outcome.sent_at) {
                *sent_per_campaign.entry(campaign).or_default() += 1;
            }
            if let Some(sid) = &outcome.provider_message_id {
                apply_early_report(conn, sid, settings, stamp, &mut tally)?;
            }
        }
        tally.write(conn)?;
        for (campaign, sent) in sent_per_campaign {
            db::activity::add(conn, campaign, stamp, 0, sent)?;
        }
        Ok(())
    })
}

/// After a permanent failure: a code that says the number cannot receive texts puts it
/// on the organisation's suppression list as undeliverable, and 21610 (the recipient
/// replied STOP to the provider) as a keyword opt-out, so no later launch texts it.
fn suppress_if_unreachable(
    conn: &mut DbConnection,
    message: &MessageRow,
    code: i64,
    reason: &str,
    stamp: NaiveDateTime,
) -> ApiResult<()> {
    let Some(source) = suppression_for(code) else { return Ok(()) };
    let reason = format!("Twilio {code}: {reason}");
    let by = Suppressor::Provider { source, campaign_id: message.campaign_id, reason: &reason };
    opt_outs::suppress(conn, message.organisation_id, &message.to_phone, by, stamp)?;
    Ok(())
}

fn apply_early_report(
    conn: &mut DbConnection,
    sid: &str,
    settings: &DeliverySettings,
    stamp: NaiveDateTime,
    tally: &mut Tally,
) -> ApiResult<()> {
    let Some(early) = db::messages::find_early_report(conn, sid)? else { return Ok(()) };
    db::messages::delete_early_report(conn, sid)?;
    let (Some(reported), Some(message)) =
        (status_from_provider(&early.status), db::messages::find_by_provider_id(conn, sid)?)
    else {
        return Ok(());
    };
    move_on_report(conn, &message, reported, early.error_code, settings, stamp, tally)?;
    Ok(())
}

/// Commits `sending` for a window of claimed messages before the provider is called;
/// answers the ids still held.
pub fn begin_sending(
    conn: &mut DbConnection,
    claimed: &[db::send_queue::ClaimedMessage],
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> ApiResult<Vec<i64>> {
    write_transaction(conn, |conn| {
        // Contacts who opted out meanwhile are not sent to (automatic replies — the
        // opt-out confirmation — still go). The per-contact lock orders this against a
        // concurrent opt-out; see `db::opt_outs::lock_contact`.
        let mut contacts: Vec<(i64, &str)> = claimed.iter().map(|m| (m.organisation_id, m.to_phone.as_str())).collect();
        contacts.sort_unstable();
        contacts.dedup();
        let mut suppressed = std::collections::HashSet::new();
        for (organisation_id, phone) in &contacts {
            db::opt_outs::lock_contact(conn, *organisation_id, phone)?;
        }
        let mut organisations: Vec<i64> = contacts.iter().map(|(o, _)| *o).collect();
        organisations.dedup();
        for organisation_id in organisations {
            let phones: Vec<&str> = contacts.iter().filter(|(o, _)| *o == organisation_id).map(|(_, p)| *p).collect();
            for phone in db::opt_outs::live_among(conn, organisation_id, &phones)? {
                suppressed.insert((organisation_id, phone));
            }
        }
        let (blocked, allowed): (Vec<&db::send_queue::ClaimedMessage>, Vec<&db::send_queue::ClaimedMessage>) = claimed
            .iter()
            .partition(|m| m.author != Author::System && suppressed.contains(&(m.organisation_id, m.to_phone.clone())));
        let mut tally = Tally::new();
        let blocked_ids: Vec<i64> = blocked.iter().map(|m| m.id).collect();
        let cancelled = db::send_queue::cancel_claimed(conn, &blocked_ids, owner, now.naive_utc())?;
        let mut offices = MessageOffices::default();
        for message in blocked.iter().filter(|m| cancelled.contains(&m.id)) {
            tally.moved(message.campaign_id, message.author, MessageStatus::Claimed, MessageStatus::Cancelled);
            events::message_status_now(conn, &mut offices, message.id, now.naive_utc())?;
        }
        // Never outside the contact's texting hours: those go back to wait for them.
        let waiting = texting_hours::hold_outside_window(conn, &allowed, owner, now)?;
        let ids: Vec<i64> = allowed.iter().map(|m| m.id).filter(|id| !waiting.contains(id)).collect();
        let moved = db::send_queue::mark_sending(conn, &ids, owner, now.naive_utc(), lease_until.naive_utc())?;
        for message in allowed.iter().filter(|m| moved.contains(&m.id)) {
            tally.moved(message.campaign_id, message.author, MessageStatus::Claimed, MessageStatus::Sending);
        }
        tally.write(conn)?;
        Ok(moved)
    })
}

/// Crash recovery: see `db::send_queue::recover_expired`. Answers how many messages
/// became `unknown`.
pub fn recover_expired(conn: &mut DbConnection, now: DateTime<Utc>) -> ApiResult<usize> {
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let (unknown, _requeued) = db::send_queue::recover_expired(conn, stamp)?;
        let mut tally = Tally::new();
        let mut offices = MessageOffices::default();
        for message in &unknown {
            tally.moved(message.campaign_id, message.author, MessageStatus::Sending, MessageStatus::Unknown);
            events::message_status_now(conn, &mut offices, message.id, stamp)?;
            tracing::warn!(message_id = message.id, "a send's outcome is unknown (lease expired while sending)");
        }
        tally.write(conn)?;
        db::messages::prune_early_reports(conn, stamp - chrono::Duration::days(1))?;
        Ok(unknown.len())
    })
}
