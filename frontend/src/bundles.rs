//! The app ships as several wasm bundles, one per group of screens, so a page loads only
//! its own group's code (the 400 KB budget): `home` (home, the Campaigns page), `campaign`
//! (a campaign's four tabs and the inbox), `wizard` (creating and editing a campaign) and
//! `admin` (contact lists, phone numbers, users, offices). Each bundle is this crate
//! built with one `bundle-*` feature; `index.html` picks the bundle from the path.
//!
//! Every bundle has the whole router, but a screen of another bundle is
//! [`Elsewhere`]: following a link to it loads that address afresh, and `index.html`
//! then starts the bundle that has it. Sign-in, the shell and "not found" are in all.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::feedback::ErrorPanel;

/// The path `index.html` started this bundle for (it sets `window.tidingsBootPath`).
// Unused in the build with every screen, where nothing is elsewhere.
#[allow(dead_code)]
fn boot_path() -> Option<String> {
    js_sys::Reflect::get(&window(), &JsValue::from_str("tidingsBootPath")).ok().and_then(|path| path.as_string())
}

/// A screen that lives in another bundle: loads the current address afresh so
/// `index.html` starts that bundle. When this bundle was started for this very
/// address, `index.html` and the bundles disagree; reloading would loop, so it says so.
#[component]
pub fn Elsewhere() -> impl IntoView {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    if boot_path().as_deref() == Some(path.as_str()) {
        return view! {
            <section class="page">
                <ErrorPanel
                    title="This page could not be opened"
                    message="This build of Tidings has no screen for this address. Reload the page; if that does \
                             not help, tell your administrator."
                />
            </section>
        }
        .into_any();
    }
    let _ = location.reload();
    view! { <crate::feedback::Loading label="Opening the page…"/> }.into_any()
}
