//! Delivery rules: the states an outbound message moves through, how provider statuses
//! map onto them (only ever forward), which provider error codes are worth another try
//! and what each means to a person, and the retry schedule.

use chrono::Duration;
use serde::{Deserialize, Serialize};

/// Where a message is. The first three belong to the dispatcher's crash guard: a
/// message is `claimed` (leased) before it is sent and `sending` is committed *before*
/// the provider call, so a message found `sending` with an expired lease may have been
/// sent and becomes `unknown`, never resent by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum MessageStatus {
    /// Waiting to be sent (again, after a transient failure, when `attempts > 0`).
    Queued,
    /// Leased by a dispatcher that will send it shortly.
    Claimed,
    /// Handed to the provider; its answer has not been recorded yet.
    Sending,
    /// The provider took it (Twilio: queued, accepted, sending).
    Pending,
    /// The carrier took it.
    Sent,
    Delivered,
    /// The provider or carrier could not deliver it (see the error code and reason).
    Undelivered,
    /// Refused for good before delivery, or out of attempts.
    Failed,
    /// The provider may or may not have sent it (a crash or a 5xx mid-send). Surfaced
    /// to people; never resent by itself.
    Unknown,
    /// Withdrawn before it was sent (a stopped campaign, an opt-out).
    Cancelled,
    /// A message a contact sent us.
    Received,
}

impl MessageStatus {
    pub const ALL: [MessageStatus; 11] = [
        MessageStatus::Queued,
        MessageStatus::Claimed,
        MessageStatus::Sending,
        MessageStatus::Pending,
        MessageStatus::Sent,
        MessageStatus::Delivered,
        MessageStatus::Undelivered,
        MessageStatus::Failed,
        MessageStatus::Unknown,
        MessageStatus::Cancelled,
        MessageStatus::Received,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Queued => "queued",
            MessageStatus::Claimed => "claimed",
            MessageStatus::Sending => "sending",
            MessageStatus::Pending => "pending",
            MessageStatus::Sent => "sent",
            MessageStatus::Delivered => "delivered",
            MessageStatus::Undelivered => "undelivered",
            MessageStatus::Failed => "failed",
            MessageStatus::Unknown => "unknown",
            MessageStatus::Cancelled => "cancelled",
            MessageStatus::Received => "received",
        }
    }

    pub fn parse(value: &str) -> Option<MessageStatus> {
        MessageStatus::ALL.into_iter().find(|status| status.as_str() == value)
    }

    /// How far along delivery a status is. Provider reports only ever move a message to
    /// a higher rank: callbacks repeat and arrive out of order.
    pub fn rank(self) -> u8 {
        match self {
            MessageStatus::Queued | MessageStatus::Claimed | MessageStatus::Sending => 0,
            // A cancelled message the provider had already taken may still be delivered;
            // the provider's later word is the truth.
            MessageStatus::Pending | MessageStatus::Cancelled | MessageStatus::Unknown => 1,
            MessageStatus::Sent => 2,
            MessageStatus::Delivered | MessageStatus::Undelivered | MessageStatus::Failed | MessageStatus::Received => {
                3
            }
        }
    }

    /// The campaign's `send_counts` bucket this status is counted in.
    pub fn count_bucket(self) -> Option<CountBucket> {
        match self {
            MessageStatus::Queued | MessageStatus::Claimed => Some(CountBucket::Queued),
            MessageStatus::Sending | MessageStatus::Pending => Some(CountBucket::Pending),
            MessageStatus::Sent => Some(CountBucket::Sent),
            MessageStatus::Delivered => Some(CountBucket::Delivered),
            MessageStatus::Undelivered | MessageStatus::Failed => Some(CountBucket::Failed),
            MessageStatus::Unknown => Some(CountBucket::Unknown),
            MessageStatus::Cancelled => Some(CountBucket::Cancelled),
            MessageStatus::Received => None,
        }
    }
}

/// The buckets of a campaign's `send_counts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CountBucket {
    Queued,
    Pending,
    Sent,
    Delivered,
    Failed,
    Unknown,
    Cancelled,
}

impl CountBucket {
    pub const ALL: [CountBucket; 7] = [
        CountBucket::Queued,
        CountBucket::Pending,
        CountBucket::Sent,
        CountBucket::Delivered,
        CountBucket::Failed,
        CountBucket::Unknown,
        CountBucket::Cancelled,
    ];

    /// The counter column (and JSON field) name.
    pub fn as_str(self) -> &'static str {
        match self {
            CountBucket::Queued => "queued",
            CountBucket::Pending => "pending",
            CountBucket::Sent => "sent",
            CountBucket::Delivered => "delivered",
            CountBucket::Failed => "failed",
            CountBucket::Unknown => "unknown",
            CountBucket::Cancelled => "cancelled",
        }
    }
}

/// A campaign's first messages by where they are, plus the contacts skipped at launch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendCounts {
    /// Waiting to be sent, including those waiting to be retried.
    pub queued: i64,
    /// With the provider, not yet sent on by the carrier.
    pub pending: i64,
    pub sent: i64,
    pub delivered: i64,
    /// Undelivered or refused for good.
    pub failed: i64,
    /// Outcome unknown (a crash or provider error mid-send); not resent by itself.
    pub unknown: i64,
    /// Withdrawn before sending (the campaign stopped).
    pub cancelled: i64,
    /// Contacts not messaged because their number is on the suppression list.
    pub skipped_opted_out: i64,
    /// Contacts not messaged because their number or rendered message is unusable.
    pub skipped_invalid: i64,
    /// Contacts not messaged because the provider said earlier that their number cannot
    /// receive texts (it is on the suppression list as undeliverable).
    #[serde(default)]
    pub skipped_undeliverable: i64,
}

impl SendCounts {
    /// The counter of `bucket`.
    pub fn get(&self, bucket: CountBucket) -> i64 {
        match bucket {
            CountBucket::Queued => self.queued,
            CountBucket::Pending => self.pending,
            CountBucket::Sent => self.sent,
            CountBucket::Delivered => self.delivered,
            CountBucket::Failed => self.failed,
            CountBucket::Unknown => self.unknown,
            CountBucket::Cancelled => self.cancelled,
        }
    }

    /// Adds `n` to the counter of `bucket`.
    pub fn add(&mut self, bucket: CountBucket, n: i64) {
        let counter = match bucket {
            CountBucket::Queued => &mut self.queued,
            CountBucket::Pending => &mut self.pending,
            CountBucket::Sent => &mut self.sent,
            CountBucket::Delivered => &mut self.delivered,
            CountBucket::Failed => &mut self.failed,
            CountBucket::Unknown => &mut self.unknown,
            CountBucket::Cancelled => &mut self.cancelled,
        };
        *counter += n;
    }
}

/// What a provider status report means for a message, or `None` for statuses that say
/// nothing about an outbound message's delivery (`receiving`, `received`, unknown ones:
/// Twilio may add statuses without notice).
pub fn status_from_provider(provider_status: &str) -> Option<MessageStatus> {
    match provider_status.trim().to_ascii_lowercase().as_str() {
        "accepted" | "scheduled" | "queued" | "sending" => Some(MessageStatus::Pending),
        "sent" => Some(MessageStatus::Sent),
        "delivered" | "read" | "partially_delivered" => Some(MessageStatus::Delivered),
        "undelivered" | "failed" | "canceled" => Some(MessageStatus::Undelivered),
        _ => None,
    }
}

/// Whether a provider report moves a message now in `current` to `reported`: only
/// forward, and never twice to the same place.
pub fn moves_forward(current: MessageStatus, reported: MessageStatus) -> bool {
    reported.rank() > current.rank()
}

/// Error codes of a refused send after which the same message may succeed later: queue
/// overflow, unreachable handset, an unknown error, and Twilio's "too many concurrent
/// requests". (Refused: the provider did not take it, so another attempt is the first
/// text. Reports about a message it took follow [`is_retried_after_report`].)
pub const TRANSIENT_ERROR_CODES: [i64; 4] = [30001, 30003, 30008, 20429];

/// Whether a failure with `code` is worth another attempt.
pub fn is_transient(code: i64) -> bool {
    TRANSIENT_ERROR_CODES.contains(&code)
}

/// Whether a message the provider accepted and then reported undelivered with `code`
/// is sent again: only for a queue overflow or an unreachable handset, which pass. An
/// unknown error (30008) or a failure without a code is final — the provider took the
/// message and may have delivered it, so another attempt could text twice.
pub fn is_retried_after_report(code: i64) -> bool {
    matches!(code, 30001 | 30003)
}

/// Permanent failures that say the number itself cannot receive texts (Twilio 21211
/// invalid number, 21614 not a mobile number, 30005 unknown destination, 30006 landline
/// or unreachable carrier): Tidings puts the number on the suppression list.
pub const UNDELIVERABLE_ERROR_CODES: [i64; 4] = [21211, 21614, 30005, 30006];

/// Twilio's "the recipient replied STOP to the provider itself".
pub const UNSUBSCRIBED_ERROR_CODE: i64 = 21610;

/// What a permanent failure with `code` puts on the organisation's suppression list:
/// the number as undeliverable, a keyword opt-out for 21610, nothing for other codes.
pub fn suppression_for(code: i64) -> Option<crate::opt_out_wire::OptOutSource> {
    use crate::opt_out_wire::OptOutSource;
    match code {
        UNSUBSCRIBED_ERROR_CODE => Some(OptOutSource::Keyword),
        code if UNDELIVERABLE_ERROR_CODES.contains(&code) => Some(OptOutSource::Undeliverable),
        _ => None,
    }
}

/// What an error code means, in words a member of staff can act on.
pub fn error_reason(code: i64) -> String {
    let reason = match code {
        21211 => "The phone number is not a valid mobile number.",
        21408 => "Sending to this region is not enabled for the account.",
        21610 => "The contact has unsubscribed (replied STOP).",
        21614 => "The phone number is not a mobile number.",
        20429 => "The provider was busy; the message will be retried.",
        30001 => "The sender's queue was full.",
        30003 => "The handset was unreachable (switched off or without signal).",
        30004 => "The contact has blocked messages from this number.",
        30005 => "The destination handset is unknown or no longer exists.",
        30006 => "The number is a landline or its carrier cannot receive texts.",
        30007 => "The carrier filtered the message as spam.",
        30008 => "The carrier reported an unknown error.",
        _ => return format!("The provider reported error {code}."),
    };
    reason.to_owned()
}

/// Default number of attempts (the first send included) before a transient failure
/// becomes permanent.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;

/// How long to wait before attempt `attempts + 1`, after `attempts` failed ones:
/// `base`, then doubling, never more than an hour.
pub fn retry_delay(base: Duration, attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    let delay = base * 2_i32.pow(doublings);
    delay.min(Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_statuses_map_as_twilio_documents() {
        for status in ["queued", "accepted", "sending", "scheduled"] {
            assert_eq!(status_from_provider(status), Some(MessageStatus::Pending), "{status}");
        }
        assert_eq!(status_from_provider("sent"), Some(MessageStatus::Sent));
        assert_eq!(status_from_provider("Delivered"), Some(MessageStatus::Delivered));
        assert_eq!(status_from_provider("undelivered"), Some(MessageStatus::Undelivered));
        assert_eq!(status_from_provider("failed"), Some(MessageStatus::Undelivered));
        assert_eq!(status_from_provider("received"), None);
        assert_eq!(status_from_provider("something_new"), None);
    }

    #[test]
    fn statuses_only_move_forward() {
        assert!(moves_forward(MessageStatus::Sending, MessageStatus::Pending));
        assert!(moves_forward(MessageStatus::Pending, MessageStatus::Sent));
        assert!(moves_forward(MessageStatus::Sent, MessageStatus::Delivered));
        assert!(!moves_forward(MessageStatus::Delivered, MessageStatus::Sent));
        assert!(!moves_forward(MessageStatus::Delivered, MessageStatus::Delivered));
        assert!(!moves_forward(MessageStatus::Undelivered, MessageStatus::Delivered));
        assert!(!moves_forward(MessageStatus::Sent, MessageStatus::Pending));
        assert!(moves_forward(MessageStatus::Cancelled, MessageStatus::Delivered));
    }

    #[test]
    fn every_status_round_trips_and_outbound_ones_are_counted() {
        for status in MessageStatus::ALL {
            assert_eq!(MessageStatus::parse(status.as_str()), Some(status));
            assert_eq!(status.count_bucket().is_none(), status == MessageStatus::Received);
        }
    }

    #[test]
    fn transient_codes_are_retried_and_permanent_ones_are_not() {
        assert!(is_transient(30003));
        for code in [30005, 30006, 21211, 21610] {
            assert!(!is_transient(code), "{code}");
        }
        assert!(error_reason(21610).contains("unsubscribed"));
        use crate::opt_out_wire::OptOutSource;
        for code in [21211, 21614, 30005, 30006] {
            assert_eq!(suppression_for(code), Some(OptOutSource::Undeliverable), "{code}");
        }
        assert_eq!(suppression_for(21610), Some(OptOutSource::Keyword));
        assert_eq!(suppression_for(30003), None, "unreachable for now is retried, not suppressed");
        assert_eq!(suppression_for(30007), None, "carrier filtering says nothing about the number");
        assert_eq!(error_reason(12345), "The provider reported error 12345.");
    }

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let base = Duration::seconds(30);
        assert_eq!(retry_delay(base, 1), Duration::seconds(30));
        assert_eq!(retry_delay(base, 2), Duration::seconds(60));
        assert_eq!(retry_delay(base, 3), Duration::seconds(120));
        assert_eq!(retry_delay(base, 40), Duration::hours(1));
    }
}
