//! The simulator: a provider without network, so the whole product can be tried (and
//! tested) without an account. Numbers come from the 555-01xx fictional range.
//!
//! Sends behave like Twilio's: an accepted message is answered `queued` with an `SM…`
//! id, then reported `sent` and `delivered` after short random delays — or
//! `undelivered` with a carrier code (30003 transient, 30005, 30006) — through
//! [`Provider::due_status_reports`], which the status-report job feeds into the same
//! service as Twilio's callbacks. Some refusals come at once, as Twilio's 400s do
//! (21211 invalid number, 21610 unsubscribed). A configurable share of sends fails;
//! tests script a failure for a given recipient instead.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{
    FoundMessage, NumberType, OutboundMessage, OwnedNumber, Provider, ProviderError, ProviderFuture, ProvisionRequest,
    ProvisionedNumber, SendReceipt, SentQuery, StatusReport,
};

/// The failure codes a random failure picks from, with what the simulator does.
const FAILURE_CODES: [i64; 5] = [30003, 30005, 30006, 21211, 21610];

/// Codes Twilio answers at once, in the 400 to the send request.
fn refused_at_send(code: i64) -> bool {
    matches!(code, 21211 | 21610 | 21408 | 21614)
}

/// One message the simulator accepted (tests read these).
#[derive(Debug, Clone)]
pub struct SentRecord {
    pub provider_message_id: String,
    pub to: String,
    pub from: String,
    pub body: String,
    /// When the simulator took it, on its own clock.
    pub at: Instant,
}

/// A report waiting for its moment.
#[derive(Debug, Clone)]
struct Pending {
    due: Instant,
    report: StatusReport,
}

/// How the simulator behaves.
#[derive(Debug, Clone)]
pub struct SimulatorSettings {
    /// Share of sends that fail, 0.0–1.0.
    pub failure_rate: f64,
    /// Delay before `sent`, and again before `delivered`: a random value in this range.
    pub report_delay: (Duration, Duration),
}

impl Default for SimulatorSettings {
    fn default() -> Self {
        Self { failure_rate: 0.0, report_delay: (Duration::from_millis(200), Duration::from_millis(1500)) }
    }
}

/// The simulator's state: numbers out, messages taken, reports to come.
#[derive(Debug, Default)]
pub struct Simulator {
    settings: SimulatorSettings,
    next_number: AtomicU64,
    released: Mutex<HashSet<String>>,
    sent: Mutex<Vec<SentRecord>>,
    reports: Mutex<VecDeque<Pending>>,
    scripted: Mutex<HashMap<String, VecDeque<i64>>>,
    /// Sends whose answer is lost, per recipient: `true` when the message went out
    /// anyway, `false` when it never arrived.
    lost_answers: Mutex<HashMap<String, VecDeque<bool>>>,
}

impl Simulator {
    /// A simulator that never fails by chance (tests script their failures).
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_settings(settings: SimulatorSettings) -> Self {
        Self { settings, ..Self::default() }
    }

    /// Whether a number was released through this simulator (tests read this).
    pub fn was_released(&self, provider_sid: &str) -> bool {
        self.released.lock().map(|set| set.contains(provider_sid)).unwrap_or(false)
    }

    /// Makes the next send to `to` fail with `code` (queue several for several sends).
    pub fn script_failure(&self, to: &str, code: i64) {
        if let Ok(mut scripted) = self.scripted.lock() {
            scripted.entry(to.to_owned()).or_default().push_back(code);
        }
    }

    /// Every message accepted so far, in order.
    /// The next send to `to` loses its answer (a timeout, a dropped connection): the
    /// message went out when `reached`, else it never did.
    pub fn script_lost_answer(&self, to: &str, reached: bool) {
        if let Ok(mut lost) = self.lost_answers.lock() {
            lost.entry(to.to_owned()).or_default().push_back(reached);
        }
    }

    pub fn sent(&self) -> Vec<SentRecord> {
        self.sent.lock().map(|sent| sent.clone()).unwrap_or_default()
    }

    /// Every report not yet taken, due or not (tests deliver them without waiting).
    pub fn take_all_reports(&self) -> Vec<StatusReport> {
        self.reports.lock().map(|mut reports| reports.drain(..).map(|p| p.report).collect()).unwrap_or_default()
    }

    fn failure_for(&self, to: &str) -> Option<i64> {
        if let Some(code) = self.scripted.lock().ok().and_then(|mut s| s.get_mut(to).and_then(VecDeque::pop_front)) {
            return Some(code);
        }
        (self.settings.failure_rate > 0.0 && rand::random::<f64>() < self.settings.failure_rate)
            .then(|| FAILURE_CODES[rand::random_range(0..FAILURE_CODES.len())])
    }

    fn delay(&self) -> Duration {
        let (low, high) = self.settings.report_delay;
        if high <= low {
            return low;
        }
        low + Duration::from_millis(rand::random_range(0..u64::try_from((high - low).as_millis()).unwrap_or(1)))
    }

    fn report_later(&self, after: Duration, provider_message_id: &str, status: &str, error_code: Option<i64>) {
        let pending = Pending {
            due: Instant::now() + after,
            report: StatusReport {
                provider_message_id: provider_message_id.to_owned(),
                status: status.to_owned(),
                error_code,
            },
        };
        if let Ok(mut reports) = self.reports.lock() {
            reports.push_back(pending);
        }
    }
}

impl Provider for Simulator {
    fn name(&self) -> &'static str {
        "simulator"
    }

    /// The simulator holds every number, and keeps the sid it is told.
    fn find_owned_number(&self, _e164: &str) -> ProviderFuture<'_, Option<OwnedNumber>> {
        Box::pin(async { Ok(Some(OwnedNumber { provider_sid: None })) })
    }

    fn provision_number(&self, request: ProvisionRequest) -> ProviderFuture<'_, ProvisionedNumber> {
        Box::pin(async move {
            // A random area code keeps numbers distinct across restarts and servers; the
            // counter keeps them distinct within one.
            let serial = self.next_number.fetch_add(1, Ordering::Relaxed);
            let area = request
                .area_code
                .filter(|a| a.len() == 3 && a.bytes().all(|b| b.is_ascii_digit()) && !a.starts_with(['0', '1']))
                .unwrap_or_else(|| format!("{}", 200 + rand::random_range(0..700_u32)));
            let line = rand::random_range(0..10_000_u32);
            let e164 = format!("+1{area}555{:04}", (line + serial as u32) % 10_000);
            Ok(ProvisionedNumber {
                provider_sid: format!("PNsim{}", uuid::Uuid::new_v4().simple()),
                e164,
                number_type: NumberType::Simulator,
            })
        })
    }

    fn release_number(&self, provider_sid: &str) -> ProviderFuture<'_, ()> {
        let sid = provider_sid.to_owned();
        Box::pin(async move {
            if let Ok(mut released) = self.released.lock() {
                released.insert(sid);
            }
            Ok(())
        })
    }

    fn find_sent_message(&self, query: SentQuery) -> ProviderFuture<'_, Option<FoundMessage>> {
        Box::pin(async move {
            let sent = self.sent.lock().map_err(|_| ProviderError::Unavailable("simulator state".to_owned()))?;
            let found = sent.iter().find(|record| match &query.provider_message_id {
                Some(id) => &record.provider_message_id == id,
                None => record.to == query.to && record.from == query.from && record.body == query.body,
            });
            Ok(found.map(|record| FoundMessage {
                provider_message_id: record.provider_message_id.clone(),
                status: "sent".to_owned(),
                error_code: None,
            }))
        })
    }

    fn send_message(&self, message: OutboundMessage) -> ProviderFuture<'_, SendReceipt> {
        Box::pin(async move {
            let lost = self.lost_answers.lock().ok().and_then(|mut lost| lost.get_mut(&message.to)?.pop_front());
            if let Some(reached) = lost {
                if reached {
                    if let Ok(mut sent) = self.sent.lock() {
                        sent.push(SentRecord {
                            provider_message_id: format!("SM{}", uuid::Uuid::new_v4().simple()),
                            to: message.to.clone(),
                            from: message.from.clone(),
                            body: message.body.clone(),
                            at: Instant::now(),
                        });
                    }
                }
                return Err(ProviderError::Unknown("the simulated answer was lost".to_owned()));
            }
            let failure = self.failure_for(&message.to);
            if let Some(code) = failure.filter(|code| refused_at_send(*code)) {
                return Err(ProviderError::Rejected {
                    code: Some(code),
                    message: tidings_domain::delivery::error_reason(code),
                });
            }
            // Shaped like Twilio's answer (`SM` + 32 hex digits, `queued`), so the
            // dispatcher handles both providers alike.
            let sid = format!("SM{}", uuid::Uuid::new_v4().simple());
            let segments = tidings_domain::segments::segment_info(&message.body).segments;
            if let Ok(mut sent) = self.sent.lock() {
                sent.push(SentRecord {
                    provider_message_id: sid.clone(),
                    to: message.to.clone(),
                    from: message.from.clone(),
                    body: message.body.clone(),
                    at: Instant::now(),
                });
            }
            let to_carrier = self.delay();
            let to_handset = to_carrier + self.delay();
            match failure {
                Some(code) => self.report_later(to_handset, &sid, "undelivered", Some(code)),
                None => {
                    self.report_later(to_carrier, &sid, "sent", None);
                    self.report_later(to_handset, &sid, "delivered", None);
                }
            }
            Ok(SendReceipt {
                provider_message_id: sid,
                status: "queued".to_owned(),
                num_segments: u32::try_from(segments).ok(),
            })
        })
    }

    fn due_status_reports(&self) -> Vec<StatusReport> {
        let now = Instant::now();
        let Ok(mut reports) = self.reports.lock() else { return Vec::new() };
        let (due, waiting): (Vec<Pending>, Vec<Pending>) = reports.drain(..).partition(|p| p.due <= now);
        reports.extend(waiting);
        due.into_iter().map(|p| p.report).collect()
    }
}
