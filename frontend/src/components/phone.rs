//! A phone number as staff read it: the national format on screen (one spelling
//! everywhere, the domain's `display_phone`), and E.164 — what the API, exports and
//! searches use — in its tooltip, so it can be read off exactly.

use leptos::prelude::*;
pub use tidings_domain::phone_display::display_phone;

/// `+14155550100` shown as `(415) 555-0100`, titled with the E.164 form.
pub fn phone_text(e164: &str) -> impl IntoView {
    view! { <span class="phone" title=e164.to_owned()>{display_phone(e164)}</span> }
}
