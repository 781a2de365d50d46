//! SMS providers behind one trait: the `simulator` (the embedded default, no network)
//! and `twilio`. Services call the trait; nothing else knows which one runs.

pub mod simulator;
pub mod twilio;
pub mod twilio_signature;

use std::future::Future;
use std::pin::Pin;

/// How a number sends, which decides its rate (shared with the wire types).
pub use tidings_domain::phone_number::NumberType;

/// A number the provider gave us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionedNumber {
    /// E.164.
    pub e164: String,
    /// The provider's id for the number (Twilio's `PN…` sid).
    pub provider_sid: String,
    pub number_type: NumberType,
}

/// What to ask for when provisioning.
#[derive(Debug, Clone, Default)]
pub struct ProvisionRequest {
    /// ISO country, e.g. `US`.
    pub country: String,
    /// Preferred area code, when the office has one.
    pub area_code: Option<String>,
    /// A label the provider shows in its console.
    pub friendly_name: String,
}

/// Why a provider call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProviderError {
    /// The provider refused for good (bad request, no numbers available).
    #[error("the provider refused: {message} (code {code:?})")]
    Rejected { code: Option<i64>, message: String },
    /// Worth trying again later (rate limit, outage, network): the request did not take
    /// effect.
    #[error("the provider is unavailable: {0}")]
    Unavailable(String),
    /// The request reached the provider but we do not know what it did (a 5xx, a timeout
    /// after sending). Sending is not idempotent — Twilio notes a retried 500 may send
    /// twice — so the dispatcher marks such a message outcome-unknown and never resends it.
    #[error("the provider's answer is unknown: {0}")]
    Unknown(String),
}

/// One SMS to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMessage {
    /// E.164 recipient.
    pub to: String,
    /// E.164 sender (one of our numbers).
    pub from: String,
    pub body: String,
    /// Where the provider reports delivery (public URL + the status webhook path).
    pub status_callback: Option<String>,
}

/// What the provider said when it took a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    /// The provider's id for the message (Twilio's `SM…` sid); status callbacks name it.
    pub provider_message_id: String,
    /// The provider's status as answered (Twilio: `queued`, `accepted`, …).
    pub status: String,
    /// Segments the provider counted, when it said.
    pub num_segments: Option<u32>,
}

/// A provider's word on an outbound message's delivery: Twilio's status callback, or the
/// simulator's report. Both go through `services::delivery::apply_report`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    pub provider_message_id: String,
    /// The provider's status (`sent`, `delivered`, `undelivered`, …).
    pub status: String,
    pub error_code: Option<i64>,
}

/// A message to look for at the provider (`Provider::find_sent_message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentQuery {
    pub provider_message_id: Option<String>,
    pub to: String,
    pub from: String,
    pub body: String,
}

/// A message the provider has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundMessage {
    pub provider_message_id: String,
    /// The provider's status (`queued`, `sent`, `delivered`, `undelivered`, …).
    pub status: String,
    pub error_code: Option<i64>,
}

/// A number the provider account holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedNumber {
    /// The provider's id of it, when the provider has one (`PN…` at Twilio).
    pub provider_sid: Option<String>,
}

/// A boxed future, so the trait stays object-safe.
pub type ProviderFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ProviderError>> + 'a>>;

/// An SMS provider.
pub trait Provider: Send + Sync {
    /// A short name for logs (`simulator`, `twilio`).
    fn name(&self) -> &'static str;

    /// Buys a number for sending.
    fn provision_number(&self, request: ProvisionRequest) -> ProviderFuture<'_, ProvisionedNumber>;

    /// Gives a number back; releasing one that is already gone succeeds.
    fn release_number(&self, provider_sid: &str) -> ProviderFuture<'_, ()>;

    /// The account's own number `e164`, or `None` when the account does not hold it:
    /// a number is registered only by the account that owns it.
    fn find_owned_number(&self, e164: &str) -> ProviderFuture<'_, Option<OwnedNumber>>;

    /// Hands one message to the provider. `Unknown` means it may have been sent: never
    /// retry it blindly.
    fn send_message(&self, message: OutboundMessage) -> ProviderFuture<'_, SendReceipt>;

    /// What the provider knows of a message whose send answer was lost: found (it was
    /// sent), or not there (it never was). Looked up by its id when known, else among
    /// the messages from `from` to `to` with the same body. When the provider cannot
    /// tell, the answer is an error (asked again later), never "not there".
    fn find_sent_message(&self, query: SentQuery) -> ProviderFuture<'_, Option<FoundMessage>>;

    /// Delivery reports the provider produced itself and that are due now. Twilio posts
    /// its reports to the status webhook instead, so it has none here.
    fn due_status_reports(&self) -> Vec<StatusReport> {
        Vec::new()
    }
}
