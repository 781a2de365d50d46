//! The browser's own state the app reads: its local storage.

use leptos::prelude::*;

/// The origin's local storage (the session token), when the browser allows it.
pub fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}
