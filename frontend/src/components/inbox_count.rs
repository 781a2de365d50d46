//! The navigation's Needs Attention count, shared between the frame (which shows it)
//! and the pages that see conversations change (which ask for a fresh one).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The navigation's Needs Attention count: reloaded on every move to another page, and
/// when a page that follows live updates sees conversations change. Read from `GET /me`,
/// which every page already decodes (a type of its own would cost each bundle ~3 KB).
#[derive(Clone, Copy)]
pub struct InboxCountContext {
    waiting: RwSignal<Option<i64>>,
    reloads: RwSignal<u32>,
}

/// What asks for a fresh count (when a conversation changed); taken while the page is
/// built, so it can be called later from a timer or a task.
pub fn inbox_counts_refresher() -> impl Fn() + Copy + 'static {
    let context = use_context::<InboxCountContext>();
    move || {
        if let Some(context) = context {
            context.reloads.try_update(|n| *n += 1);
        }
    }
}

/// Loads the count when the page or `reloads` change; late answers never replace newer
/// ones.
pub fn provide_inbox_count(api: crate::api::Api, loaded: i64) -> RwSignal<Option<i64>> {
    // Starts from the `me` the frame was built with: no second request at start-up.
    let context = InboxCountContext { waiting: RwSignal::new(Some(loaded)), reloads: RwSignal::new(0) };
    provide_context(context);
    let location = use_location();
    let latest = crate::api::LatestRequest::new();
    Effect::watch(
        move || (location.pathname.track(), context.reloads.track()),
        move |_, _, _| {
            let this = latest.ticket();
            leptos::task::spawn_local(async move {
                if let Ok(me) = api.me().await {
                    if latest.is_current(this) {
                        context.waiting.set(Some(me.inbox_needs_attention));
                    }
                }
            });
        },
        false,
    );
    context.waiting
}
