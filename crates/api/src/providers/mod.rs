//! SMS providers behind one trait: the `simulator` (the embedded default, no network)
//! and `twilio`. Services call the trait; nothing else knows which one runs.

pub mod simulator;
pub mod twilio_signature;

use std::future::Future;
use std::pin::Pin;

/// How a number sends, which decides its rate (messages per second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberType {
    LongCode,
    TollFree,
    ShortCode,
    Simulator,
}

impl NumberType {
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::LongCode => "long_code",
            NumberType::TollFree => "toll_free",
            NumberType::ShortCode => "short_code",
            NumberType::Simulator => "simulator",
        }
    }

    pub fn parse(value: &str) -> Option<NumberType> {
        [NumberType::LongCode, NumberType::TollFree, NumberType::ShortCode, NumberType::Simulator]
            .into_iter()
            .find(|t| t.as_str() == value)
    }
}

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
    /// Worth trying again later (rate limit, outage, network).
    #[error("the provider is unavailable: {0}")]
    Unavailable(String),
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
}
