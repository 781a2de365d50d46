//! The browser's own state the app reads: its storages, and the address `index.html`
//! started this page with.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The origin's local storage (the session token), when the browser allows it.
pub fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// This tab's session storage (work carried across a page load), when allowed.
pub fn session_storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// The path and query `index.html` started this page for (`window.tidingsBootPath`):
/// later addresses come from the router.
pub fn boot_path() -> Option<String> {
    js_sys::Reflect::get(&window(), &JsValue::from_str("tidingsBootPath")).ok().and_then(|path| path.as_string())
}
