//! The simulator: a provider without network, so the whole product can be tried (and
//! tested) without an account. Numbers come from the 555-01xx fictional range.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::{NumberType, OutboundMessage, Provider, ProviderFuture, ProvisionRequest, ProvisionedNumber, SendReceipt};

/// The simulator's state: which fake numbers are out.
#[derive(Debug, Default)]
pub struct Simulator {
    next_number: AtomicU64,
    released: Mutex<HashSet<String>>,
}

impl Simulator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a number was released through this simulator (tests read this).
    pub fn was_released(&self, provider_sid: &str) -> bool {
        self.released.lock().map(|set| set.contains(provider_sid)).unwrap_or(false)
    }
}

impl Provider for Simulator {
    fn name(&self) -> &'static str {
        "simulator"
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

    fn send_message(&self, message: OutboundMessage) -> ProviderFuture<'_, SendReceipt> {
        Box::pin(async move {
            // Shaped like Twilio's answer (`SM` + 32 hex digits, `queued`), so the
            // dispatcher handles both providers alike. Simulated delivery reports arrive
            // with the dispatcher work; none are faked here.
            let segments = tidings_domain::segments::segment_info(&message.body).segments;
            Ok(SendReceipt {
                provider_message_id: format!("SM{}", uuid::Uuid::new_v4().simple()),
                status: "queued".to_owned(),
                num_segments: u32::try_from(segments).ok(),
            })
        })
    }
}
