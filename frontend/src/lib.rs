//! Tidings' staff web app: a Leptos client-side-rendered SPA that talks only to the
//! public API, with the domain crate's wire types.
//!
//! `app` holds the router; `chunks` the screens loaded on demand (one wasm chunk
//! each); `auth` the session; `browser` the local storage; `api` the
//! typed client; `pages` one module per screen; `components` the widgets several
//! screens share (no page imports from another page's folder); `feedback` the loading
//! and error panels every page shares; `live` the events stream; `zone_time` instants in IANA
//! time zones through the browser's `Intl`.

mod api;
mod app;
mod auth;
mod browser;
mod chunks;
mod components;
mod feedback;
mod live;
mod pages;
mod zone_time;

use wasm_bindgen::prelude::wasm_bindgen;

/// Runs when the wasm module is instantiated: replaces index.html's boot message with
/// the app.
#[wasm_bindgen(start)]
pub fn start() {
    // A panic aborts the module (`unreachable` in the console, the page frozen): say
    // where and why first, so the browser tests and a user's report carry the cause.
    std::panic::set_hook(Box::new(|panic| web_sys::console::error_1(&panic.to_string().into())));
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
