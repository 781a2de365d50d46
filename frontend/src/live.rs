//! Live updates: one `EventSource` on `/api/v1/events` for each page that shows
//! conversations (a campaign's Activity tab, the inbox), so they change when replies
//! arrive, statuses move or colleagues act, without a reload. Other pages open none.
//!
//! The stream opens with a single-use ticket (never the session token in a URL); when
//! it fails, the page asks for a new ticket and reconnects from the last event id, so
//! the server replays what was missed; when it cannot, it sends `resync` and every live
//! page reloads what it shows. Pages subscribe with [`on_live`], which batches bursts (a launch produces
//! thousands of status events) into one reload.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::event_wire::{Event, EventKind};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// How long a page waits after an event before reloading, gathering the burst.
const BATCH: Duration = Duration::from_millis(400);
/// How long a page waits before opening a failed stream again (the server's `retry:`).
const RECONNECT: Duration = Duration::from_secs(3);

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
    if crate::auth::use_session().token().is_none() {
        return;
    }
    let latest = RwSignal::new(None::<LiveEvent>);
    provide_context(Live(latest));
    let stream = Stream {
        api: crate::api::use_api(),
        latest,
        counter: StoredValue::new(0),
        last_event_id: StoredValue::new(None),
        open: StoredValue::new_local(None),
    };
    stream.connect();
    // Closing on cleanup stops the browser from reconnecting for a page that is gone.
    on_cleanup(move || stream.close());
}

/// What a page's stream holds between (re)connections.
#[derive(Clone, Copy)]
struct Stream {
    api: crate::api::Api,
    latest: RwSignal<Option<LiveEvent>>,
    /// Numbers the events, so two equal ones each notify.
    counter: StoredValue<u64>,
    /// The id of the last event received, replayed from on reconnection.
    last_event_id: StoredValue<Option<String>>,
    open: StoredValue<Option<OpenSource>, LocalStorage>,
}

/// An open `EventSource` with the listeners it calls (dropped with it).
struct OpenSource {
    source: web_sys::EventSource,
    _listeners: Vec<Closure<dyn Fn(web_sys::MessageEvent)>>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl Stream {
    /// Asks for a ticket and opens the stream with it. A ticket opens one connection:
    /// when the connection fails, the browser's own retry would reuse the spent ticket,
    /// so the stream is closed and opened again here with a new one, from the last
    /// event received.
    fn connect(self) {
        spawn_local(async move {
            let ticket = self.api.stream_ticket().await;
            // The page went away meanwhile.
            if self.open.try_with_value(|_| ()).is_none() {
                return;
            }
            match ticket {
                Ok(ticket) => self.open_with(&ticket.ticket),
                // The session ended; the sign-in page takes over.
                Err(crate::api::ApiError::SignedOut) => {}
                Err(_) => self.retry(),
            }
        });
    }

    fn open_with(self, ticket: &str) {
        let mut url = format!("/api/v1/events?ticket={}", js_sys::encode_uri_component(ticket));
        if let Some(id) = self.last_event_id.get_value() {
            url.push_str(&format!("&last_event_id={}", js_sys::encode_uri_component(&id)));
        }
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return self.retry();
        };
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
                    self.receive(kind, &event)
                });
                let _ = source.add_event_listener_with_callback(kind.as_str(), listener.as_ref().unchecked_ref());
                listener
            })
            .collect();
        // Stops the browser's own retry now; the closures are dropped later, in
        // `retry`, not while one of them runs.
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            self.open.with_value(|open| open.as_ref().map(|open| open.source.close()));
            self.retry();
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.open.set_value(Some(OpenSource { source, _listeners: listeners, _on_error: on_error }));
    }

    fn receive(self, kind: EventKind, event: &web_sys::MessageEvent) {
        let id = event.last_event_id();
        if !id.is_empty() {
            self.last_event_id.set_value(Some(id));
        }
        // The server's own event types: what it wrote is what is read.
        let decoded = event.data().as_string().and_then(|data| Event::decode(kind, &data));
        let campaign_id = decoded.as_ref().and_then(Event::campaign_id);
        let conversation_id = decoded.as_ref().and_then(Event::conversation_id);
        self.counter.update_value(|n| *n += 1);
        self.latest.set(Some(LiveEvent { kind, campaign_id, conversation_id, seq: self.counter.get_value() }));
    }

    /// Connects again after the server's suggested wait, unless the page is gone.
    fn retry(self) {
        set_timeout(
            move || {
                if self.open.try_with_value(|_| ()).is_some() {
                    self.close();
                    self.connect();
                }
            },
            RECONNECT,
        );
    }

    fn close(self) {
        if let Some(Some(open)) = self.open.try_update_value(Option::take) {
            open.source.close();
        }
    }
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
