//! Twilio Programmable Messaging over its REST API (reqwest, rustls): buying and
//! releasing numbers, and sending. Facts relied on are in TWILIO.md.
//!
//! Errors keep Twilio's meaning: a 4xx with Twilio's `{code, message}` body is a refusal
//! (`Rejected`), 429 / 20429 and failures to connect mean nothing happened
//! (`Unavailable`), and a 5xx or a timeout once the request went out means we cannot
//! know (`Unknown`) — message creation is not idempotent, so that is not retryable.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::{
    FoundMessage, NumberType, OutboundMessage, OwnedNumber, Provider, ProviderError, ProviderFuture, ProvisionRequest,
    ProvisionedNumber, SendReceipt, SentQuery,
};
use crate::config::{Secret, TwilioConfig};

/// Where Twilio posts inbound messages to our numbers (relative to the public URL).
pub const INBOUND_WEBHOOK_PATH: &str = "/webhooks/twilio/inbound";
/// Twilio's connection overrides on the inbound webhook URL (a fragment Twilio reads and
/// never sends, so signatures are unaffected): up to 5 retries, on connection and read
/// timeouts and on a 5xx answer — which the webhook gives when the database cannot take
/// a message (it also keeps the request in its spool).
pub const INBOUND_CONNECTION_OVERRIDES: &str = "#rc=5&rp=ct,rt,5xx";
/// Where Twilio posts message status callbacks (relative to the public URL).
pub const STATUS_WEBHOOK_PATH: &str = "/webhooks/twilio/status";

/// Twilio's "too many concurrent requests" error.
const TOO_MANY_REQUESTS: i64 = 20429;
/// Twilio's "the number is no longer available" answer to a purchase: someone bought
/// it between our search and our purchase, so the next candidate is worth a try.
const NUMBER_NOT_AVAILABLE: i64 = 21422;
/// Candidates tried when numbers are bought from under us.
const PURCHASE_ATTEMPTS: usize = 3;

/// Twilio over HTTP; one connection pool for every call.
#[derive(Debug)]
pub struct TwilioProvider {
    client: reqwest::Client,
    account_sid: String,
    auth_token: Secret,
    /// `https://api.twilio.com` (a fake server in tests), without a trailing slash.
    api_base: String,
    /// `TIDINGS_PUBLIC_URL`, where Twilio reaches our webhooks.
    public_url: String,
}

/// Twilio's error body: `{code, message, more_info, status}`.
#[derive(Debug, Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AvailableNumbers {
    #[serde(default)]
    available_phone_numbers: Vec<AvailableNumber>,
}

#[derive(Debug, Deserialize)]
struct AvailableNumber {
    phone_number: String,
}

#[derive(Debug, Deserialize)]
struct IncomingNumber {
    sid: String,
    phone_number: String,
}

#[derive(Debug, Deserialize)]
struct IncomingNumbers {
    #[serde(default)]
    incoming_phone_numbers: Vec<IncomingNumber>,
}

/// A message as Twilio lists it.
/// Messages read when looking for a send whose answer was lost: Twilio's largest page.
const LOOKUP_PAGE_SIZE: usize = 1000;

#[derive(Debug, Deserialize)]
struct ListedMessage {
    sid: String,
    status: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    error_code: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct MessageList {
    #[serde(default)]
    messages: Vec<ListedMessage>,
}

#[derive(Debug, Deserialize)]
struct CreatedMessage {
    sid: String,
    status: String,
    /// Twilio answers a string (`"1"`); tolerate a number too.
    #[serde(default)]
    num_segments: Option<Value>,
}

/// How long a call to Twilio may take in all by default (`TIDINGS_PROVIDER_TIMEOUT_SECONDS`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

impl TwilioProvider {
    /// Builds the client with the default timeout ([`DEFAULT_TIMEOUT`]).
    pub fn new(config: TwilioConfig, public_url: impl Into<String>) -> Result<Self, reqwest::Error> {
        Self::with_timeout(config, public_url, DEFAULT_TIMEOUT)
    }

    /// Builds the client. Timeouts bound how long a send can hang: 5 s to connect (a
    /// failure there means nothing was sent; less when `timeout` is shorter), `timeout`
    /// in all (past that, the outcome is unknown, and the reconciler asks Twilio).
    pub fn with_timeout(
        config: TwilioConfig,
        public_url: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            .user_agent(concat!("tidings/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            account_sid: config.account_sid,
            auth_token: config.auth_token,
            api_base: config.api_base.trim_end_matches('/').to_owned(),
            public_url: public_url.into().trim_end_matches('/').to_owned(),
        })
    }

    /// `{api_base}/2010-04-01/Accounts/{sid}/{rest}`.
    fn account_url(&self, rest: &str) -> String {
        format!("{}/2010-04-01/Accounts/{}/{rest}", self.api_base, self.account_sid)
    }

    fn authorised(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.basic_auth(&self.account_sid, Some(self.auth_token.expose()))
    }

    /// Numbers with SMS for sale in `country`, near `area_code` when given.
    async fn search(&self, country: &str, area_code: Option<&str>) -> Result<Vec<String>, ProviderError> {
        let mut query = vec![("SmsEnabled", "true"), ("PageSize", "10")];
        if let Some(area) = area_code {
            query.push(("AreaCode", area));
        }
        let found: Option<AvailableNumbers> =
            self.read(&format!("AvailablePhoneNumbers/{country}/Local.json"), &query).await?;
        Ok(found
            .map(|found| found.available_phone_numbers)
            .unwrap_or_default()
            .into_iter()
            .map(|n| n.phone_number)
            .collect())
    }

    /// GET `path` of the account with `query`, as JSON; `None` when Twilio has no such
    /// resource (404). A read changes nothing at Twilio, so any failure may be repeated.
    async fn read<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Option<T>, ProviderError> {
        let url = self.account_url(path);
        let response = self
            .authorised(self.client.get(url).query(query))
            .send()
            .await
            .map_err(|e| repeatable(transport_failure(e)))?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(repeatable(failure(response).await));
        }
        response.json().await.map(Some).map_err(|e| repeatable(unreadable(e)))
    }

    async fn buy(&self, e164: &str, friendly_name: &str) -> Result<IncomingNumber, ProviderError> {
        let sms_url = format!("{}{INBOUND_WEBHOOK_PATH}{INBOUND_CONNECTION_OVERRIDES}", self.public_url);
        // No `StatusCallback` on the number: there it reports *voice call* status. Message
        // delivery reports are asked for per message (`OutboundMessage::status_callback`).
        let form = [
            ("PhoneNumber", e164),
            ("FriendlyName", friendly_name),
            ("SmsUrl", sms_url.as_str()),
            ("SmsMethod", "POST"),
        ];
        let url = self.account_url("IncomingPhoneNumbers.json");
        let response = self.authorised(self.client.post(url).form(&form)).send().await.map_err(transport_failure)?;
        if !response.status().is_success() {
            return Err(failure(response).await);
        }
        response.json().await.map_err(unreadable)
    }
}

impl Provider for TwilioProvider {
    fn name(&self) -> &'static str {
        "twilio"
    }

    fn provision_number(&self, request: ProvisionRequest) -> ProviderFuture<'_, ProvisionedNumber> {
        Box::pin(async move {
            let country = request.country.to_ascii_uppercase();
            // It goes into the URL path: only an ISO code may.
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(ProviderError::Rejected { code: None, message: format!("unknown country '{country}'") });
            }
            let mut candidates = self.search(&country, request.area_code.as_deref()).await?;
            if candidates.is_empty() && request.area_code.is_some() {
                // The area code is a preference: a number elsewhere beats none.
                candidates = self.search(&country, None).await?;
            }
            let mut last_refusal = None;
            for e164 in candidates.iter().take(PURCHASE_ATTEMPTS) {
                match self.buy(e164, &request.friendly_name).await {
                    Ok(bought) => {
                        return Ok(ProvisionedNumber {
                            e164: bought.phone_number,
                            provider_sid: bought.sid,
                            number_type: NumberType::LongCode,
                        })
                    }
                    Err(refusal @ ProviderError::Rejected { code: Some(NUMBER_NOT_AVAILABLE), .. }) => {
                        last_refusal = Some(refusal);
                    }
                    Err(other) => return Err(other),
                }
            }
            Err(last_refusal.unwrap_or_else(|| ProviderError::Rejected {
                code: None,
                message: format!("no SMS-capable numbers are available in {country}"),
            }))
        })
    }

    fn find_owned_number(&self, e164: &str) -> ProviderFuture<'_, Option<OwnedNumber>> {
        let e164 = e164.to_owned();
        Box::pin(async move {
            let query = [("PhoneNumber", e164.as_str()), ("PageSize", "1")];
            let found: Option<IncomingNumbers> = self.read("IncomingPhoneNumbers.json", &query).await?;
            Ok(found
                .map(|found| found.incoming_phone_numbers)
                .unwrap_or_default()
                .into_iter()
                .find(|number| number.phone_number == e164)
                .map(|number| OwnedNumber { provider_sid: Some(number.sid) }))
        })
    }

    fn find_sent_message(&self, query: SentQuery) -> ProviderFuture<'_, Option<FoundMessage>> {
        Box::pin(async move {
            let found = |message: ListedMessage| FoundMessage {
                provider_message_id: message.sid,
                status: message.status,
                error_code: message.error_code,
            };
            if let Some(sid) = query.provider_message_id.as_deref() {
                // A sid goes into the URL path: refuse anything that is not one.
                if sid.is_empty() || !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(ProviderError::Rejected { code: None, message: "not a Twilio message sid".to_owned() });
                }
                let message: Option<ListedMessage> = self.read(&format!("Messages/{sid}.json"), &[]).await?;
                return Ok(message.map(found));
            }
            // Every message from our number to the contact, newest first; the body tells
            // ours apart. No `DateSent` filter: a message Twilio still holds in its queue
            // has no send date yet and would be left out — read as never sent, then
            // texted twice — and a day filter misses a send made just before midnight UTC.
            let page_size = LOOKUP_PAGE_SIZE.to_string();
            let filters = [("To", query.to.as_str()), ("From", query.from.as_str()), ("PageSize", page_size.as_str())];
            let list: Option<MessageList> = self.read("Messages.json", &filters).await?;
            let messages = list.map(|list| list.messages).unwrap_or_default();
            let listed = messages.len();
            match messages.into_iter().find(|message| message.body == query.body) {
                Some(message) => Ok(Some(found(message))),
                // A full page may not hold every message: "not there" would be a guess.
                None if listed >= LOOKUP_PAGE_SIZE => Err(ProviderError::Unavailable(format!(
                    "more than {LOOKUP_PAGE_SIZE} messages from this number to the contact; the send cannot be told apart"
                ))),
                None => Ok(None),
            }
        })
    }

    fn release_number(&self, provider_sid: &str) -> ProviderFuture<'_, ()> {
        let sid = provider_sid.to_owned();
        Box::pin(async move {
            // A sid goes into the URL path: refuse anything that is not one.
            if sid.is_empty() || !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(ProviderError::Rejected { code: None, message: "not a Twilio number sid".to_owned() });
            }
            let url = self.account_url(&format!("IncomingPhoneNumbers/{sid}.json"));
            let response =
                self.authorised(self.client.delete(url)).send().await.map_err(|e| repeatable(transport_failure(e)))?;
            match response.status() {
                status if status.is_success() => Ok(()),
                // Already released (here or in Twilio's console): what we wanted.
                reqwest::StatusCode::NOT_FOUND => Ok(()),
                _ => Err(repeatable(failure(response).await)),
            }
        })
    }

    fn send_message(&self, message: OutboundMessage) -> ProviderFuture<'_, SendReceipt> {
        Box::pin(async move {
            let mut form =
                vec![("To", message.to.as_str()), ("From", message.from.as_str()), ("Body", message.body.as_str())];
            if let Some(callback) = message.status_callback.as_deref() {
                form.push(("StatusCallback", callback));
            }
            let url = self.account_url("Messages.json");
            let response =
                self.authorised(self.client.post(url).form(&form)).send().await.map_err(transport_failure)?;
            if !response.status().is_success() {
                return Err(failure(response).await);
            }
            // Twilio took it: a body we cannot read no longer means "not sent".
            let created: CreatedMessage = response.json().await.map_err(|e| {
                ProviderError::Unknown(format!("Twilio accepted the message but its answer was unreadable: {e}"))
            })?;
            let num_segments = match created.num_segments {
                Some(Value::String(text)) => text.parse().ok(),
                Some(Value::Number(number)) => number.as_u64().and_then(|n| u32::try_from(n).ok()),
                _ => None,
            };
            Ok(SendReceipt { provider_message_id: created.sid, status: created.status, num_segments })
        })
    }
}

/// A request that got no HTTP answer. Failing to connect means Twilio never saw it;
/// anything later (a timeout while waiting, a dropped connection) may have reached it.
fn transport_failure(error: reqwest::Error) -> ProviderError {
    // `without_url`: the URL carries the account sid, which logs need not repeat.
    let error = error.without_url();
    if error.is_connect() || error.is_builder() {
        ProviderError::Unavailable(format!("could not reach Twilio: {error}"))
    } else {
        ProviderError::Unknown(format!("no answer from Twilio: {error}"))
    }
}

/// For searches and releases, which change nothing when repeated (a second release
/// answers 404, which is success), "unknown" is simply "try again".
fn repeatable(error: ProviderError) -> ProviderError {
    match error {
        ProviderError::Unknown(reason) => ProviderError::Unavailable(reason),
        other => other,
    }
}

/// A successful status whose body is not what Twilio documents.
fn unreadable(error: reqwest::Error) -> ProviderError {
    ProviderError::Unknown(format!("Twilio's answer was unreadable: {}", error.without_url()))
}

/// Maps an error status (and Twilio's `{code, message}` body, when there is one).
async fn failure(response: reqwest::Response) -> ProviderError {
    let status = response.status();
    let body: Option<TwilioError> = response.json().await.ok();
    let code = body.as_ref().and_then(|b| b.code);
    let message =
        body.and_then(|b| b.message).unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS || code == Some(TOO_MANY_REQUESTS) {
        ProviderError::Unavailable(format!("Twilio is rate limiting: {message}"))
    } else if status.is_server_error() {
        ProviderError::Unknown(format!("Twilio answered {status}: {message}"))
    } else {
        ProviderError::Rejected { code, message }
    }
}
