//! The app ships as several wasm bundles, one per group of screens, so a page loads only
//! its own group's code (the size budget): `home` (home, the Campaigns page), `campaign`
//! (a campaign's Activity tab), `inbox`, `insight` (its General, Contacts and Analytics
//! tabs), the creation wizard by step (`wizard`: start, general and number;
//! `wizard-list`: the contact list; `wizard-message`: message and operator;
//! `wizard-launch`: the last step), `lists` (contact lists) and `settings` (phone
//! numbers, users, offices, the suppression list, settings, the audit log). Each bundle is this crate built with
//! one `bundle-*` feature; `boot.js` (loaded by `index.html`) picks the bundle from the path (on a campaign's
//! page, the `tab`; in the wizard, the `step`).
//!
//! Every bundle has the whole router, but a screen of another bundle is
//! [`Elsewhere`]: following a link to it loads that address afresh, and `boot.js`
//! then starts the bundle that has it. Sign-in, the shell and "not found" are in all.

// The build with every screen (check, clippy, tests) never routes elsewhere.
#![allow(dead_code)]

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::browser::boot_path;
use crate::feedback::{ErrorPanel, Loading};

/// A screen that lives in another bundle (a route's view): loads the address being
/// opened afresh so `index.html` starts that bundle.
#[component]
pub fn Elsewhere() -> impl IntoView {
    // The router's location is the address being opened: the browser's may still show
    // the previous one while the new route renders.
    let location = use_location();
    let search = location.search.get_untracked();
    let search = if search.is_empty() || search.starts_with('?') { search } else { format!("?{search}") };
    load_elsewhere(format!("{}{search}", location.pathname.get_untracked()))
}

/// A part of a screen that lives in another bundle, at the address `to`.
#[component]
pub fn ElsewhereAt(#[prop(into)] to: String) -> impl IntoView {
    load_elsewhere(to)
}

/// Loads `target` afresh. When this bundle was started for that very address,
/// `index.html` and the bundles disagree; loading it again would loop, so it says so.
fn load_elsewhere(target: String) -> AnyView {
    if boot_path().as_deref() == Some(target.as_str()) {
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
    // After the router has recorded the address in the history, so Back returns to the
    // page the user came from; `replace` keeps that one entry.
    set_timeout(
        move || {
            let _ = window().location().replace(&target);
        },
        std::time::Duration::ZERO,
    );
    view! { <Loading label="Opening the page…"/> }.into_any()
}
