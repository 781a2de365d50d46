//! Sends whose outcome is unknown (the provider's answer was lost: a timeout, a crash,
//! a failure while recording) are looked up at the provider and settled: found, the
//! message was sent (it takes the provider's id and status, and later reports apply);
//! not there, it never was, and it goes back in the queue. A lookup that cannot tell
//! (the provider unreachable) is tried again with a growing wait; after
//! [`MAX_LOOKUPS`] the message stays `unknown`, with the reason shown.

use chrono::{DateTime, Duration, Utc};
use tidings_domain::delivery::{status_from_provider, MessageStatus};

use crate::db;
use crate::db::connection::write_transaction;
use crate::db::messages::MessageRow;
use crate::db::send_counts::Tally;
use crate::error::ApiResult;
use crate::providers::{FoundMessage, ProviderError, SentQuery};
use crate::services::events::{self, MessageOffices};
use crate::state::AppState;

/// How long after the lost answer the provider is first asked by default: its message
/// list has caught up by then (`TIDINGS_RECONCILE_AFTER_SECONDS`).
pub const DEFAULT_GRACE: std::time::Duration = std::time::Duration::from_secs(120);
/// Lookups of one message before it is left `unknown` for good.
pub const MAX_LOOKUPS: i64 = 8;
/// Messages looked up per round.
const BATCH: i64 = 100;

/// What a round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reconciled {
    /// Found at the provider: they were sent.
    pub found: usize,
    /// Not at the provider: back in the queue.
    pub requeued: usize,
    /// The provider could not tell; asked again later (or never, past the limit).
    pub undecided: usize,
}

/// One round: looks up every unknown send that is due.
pub async fn run_once(state: &AppState) -> ApiResult<Reconciled> {
    let now = state.clock.now();
    let stamp = now.naive_utc();
    let grace = Duration::from_std(state.config.reconcile_after).unwrap_or(Duration::minutes(2));
    let due =
        state.db(move |conn| Ok(db::messages::unknown_due(conn, stamp, stamp - grace, MAX_LOOKUPS, BATCH)?)).await?;
    let mut round = Reconciled::default();
    for (message, lookups) in due {
        let query = SentQuery {
            provider_message_id: message.provider_message_id.clone(),
            to: message.to_phone.clone(),
            from: message.from_phone.clone(),
            body: message.body.clone(),
        };
        let answer = state.provider.find_sent_message(query).await;
        match &answer {
            Ok(Some(_)) => round.found += 1,
            Ok(None) => round.requeued += 1,
            Err(_) => round.undecided += 1,
        }
        state.db(move |conn| settle(conn, &message, lookups + 1, answer, now)).await?;
    }
    if round != Reconciled::default() {
        tracing::info!(?round, "unknown sends looked up at the provider");
    }
    Ok(round)
}

/// Records what the provider said about `message`.
fn settle(
    conn: &mut db::DbConnection,
    message: &MessageRow,
    lookups: i64,
    answer: Result<Option<FoundMessage>, ProviderError>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let stamp = now.naive_utc();
    write_transaction(conn, |conn| {
        let mut tally = Tally::new();
        let mut offices = MessageOffices::default();
        let moved_to = match answer {
            Ok(Some(found)) => {
                let status = match status_from_provider(&found.status) {
                    Some(MessageStatus::Pending) | None => MessageStatus::Sent,
                    Some(status) => status,
                };
                let reason = found.error_code.map(tidings_domain::delivery::error_reason);
                let error = reason.as_deref().map(|reason| (found.error_code, reason));
                db::messages::settle_found(conn, message.id, status, &found.provider_message_id, error, stamp)?
                    .then_some(status)
            }
            Ok(None) => db::messages::requeue_never_sent(
                conn,
                message.id,
                "The provider never received the first attempt (its answer was lost); sent again.",
                stamp,
            )?
            .then_some(MessageStatus::Queued),
            Err(error) => {
                let reason = if lookups >= MAX_LOOKUPS {
                    format!(
                        "The provider's answer was lost and it could not be asked whether the message went out \
                         ({error}); it may have been sent."
                    )
                } else {
                    format!("The provider's answer was lost; asking it whether the message went out ({error}).")
                };
                let wait = Duration::minutes(1 << lookups.clamp(0, 10));
                db::messages::lookup_failed(conn, message.id, &reason, stamp + wait, stamp)?;
                None
            }
        };
        if let Some(status) = moved_to {
            tally.moved(message.campaign_id, message.author, MessageStatus::Unknown, status);
            events::message_status_now(conn, &mut offices, message.id, stamp)?;
        }
        tally.write(conn)?;
        Ok(())
    })
}
