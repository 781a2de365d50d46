//! Live updates: one `EventSource` on `/api/v1/events` for each page that shows
//! conversations (a campaign's Activity tab, the inbox), so they change when replies
//! arrive, statuses move or colleagues act, without a reload. Other pages open none,
//! and their bundles leave this code out.
//!
//! The browser reconnects by itself and sends `Last-Event-ID`, so the server replays
//! what was missed; when it cannot, it sends `resync` and every live page reloads what
//! it shows. Pages subscribe with [`on_live`], which batches bursts (a launch produces
//! thousands of status events) into one reload.

use std::time::Duration;

use leptos::prelude::*;
use tidings_domain::event_wire::{Event, EventKind};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// How long a page waits after an event before reloading, gathering the burst.
const BATCH: Duration = Duration::from_millis(400);

/// One event as pages need it: what happened, and to which campaign and conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveEvent {
    pub kind: EventKind,
    pub campaign_id: Option<i64>,
    pub conversation_id: Option<i64>,
    /// Tells two equal events apart, so each one notifies.
    seq: u64,
}

impl LiveEvent {
    /// Whether the event may change what a page showing `campaign_id` shows
    /// (`resync` concerns everything).
    pub fn touches_campaign(&self, campaign_id: i64) -> bool {
        self.kind == EventKind::Resync || self.campaign_id == Some(campaign_id)
    }

    /// Whether the event may change conversation `id`.
    pub fn touches_conversation(&self, id: i64) -> bool {
        self.kind == EventKind::Resync || self.conversation_id == Some(id)
    }

    /// Whether the event is about conversations at all (inbox pages).
    pub fn touches_conversations(&self) -> bool {
        self.kind == EventKind::Resync || self.conversation_id.is_some()
    }
}

/// The latest event of the page's stream.
#[derive(Clone, Copy)]
struct Live(RwSignal<Option<LiveEvent>>);

/// Opens the stream for the signed-in session, for [`on_live`] in this component and
/// those under it, and closes it when the component goes away.
pub fn provide_live() {
    let Some(token) = crate::auth::use_session().token() else {
        return;
    };
    let latest = RwSignal::new(None::<LiveEvent>);
    provide_context(Live(latest));
    let url = format!("/api/v1/events?access_token={}", js_sys::encode_uri_component(&token));
    let Ok(source) = web_sys::EventSource::new(&url) else {
        return;
    };
    let counter = StoredValue::new(0u64);
    let kinds = [
        EventKind::MessageCreated,
        EventKind::MessageStatus,
        EventKind::ConversationUpdated,
        EventKind::CampaignUpdated,
        EventKind::Resync,
    ];
    let listeners: Vec<Closure<dyn Fn(web_sys::MessageEvent)>> = kinds
        .into_iter()
        .map(|kind| {
            let listener = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                // The server's own event types: what it wrote is what is read.
                let decoded = event.data().as_string().and_then(|data| Event::decode(kind, &data));
                let campaign_id = decoded.as_ref().and_then(Event::campaign_id);
                let conversation_id = decoded.as_ref().and_then(Event::conversation_id);
                counter.update_value(|n| *n += 1);
                latest.set(Some(LiveEvent { kind, campaign_id, conversation_id, seq: counter.get_value() }));
            });
            let _ = source.add_event_listener_with_callback(kind.as_str(), listener.as_ref().unchecked_ref());
            listener
        })
        .collect();
    // The stream and its listeners live as long as the page; closing it on cleanup
    // stops the browser from reconnecting with a token that was signed out.
    let held = StoredValue::new_local(Some((source, listeners)));
    on_cleanup(move || {
        if let Some(Some((source, _listeners))) = held.try_update_value(Option::take) {
            source.close();
        }
    });
}

/// Runs `reload` once after each burst of events for which `wanted` holds. Does
/// nothing outside a component that called [`provide_live`].
pub fn on_live(wanted: impl Fn(&LiveEvent) -> bool + 'static, reload: impl Fn() + Clone + 'static) {
    let Some(Live(latest)) = use_context::<Live>() else {
        return;
    };
    let waiting = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(event) = latest.get() else {
            return;
        };
        if !wanted(&event) || waiting.get_value() {
            return;
        }
        waiting.set_value(true);
        let reload = reload.clone();
        set_timeout(
            move || {
                // The page may be gone by now; then so is its flag.
                if waiting.try_set_value(false).is_none() {
                    reload();
                }
            },
            BATCH,
        );
    });
}
