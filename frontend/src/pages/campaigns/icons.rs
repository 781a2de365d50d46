//! Inline SVG icons, so the app fetches nothing from other hosts.

use leptos::prelude::*;

/// The vertical ellipsis that opens a row's actions.
pub fn ellipsis() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <circle cx="12" cy="5" r="2" fill="currentColor"></circle>
            <circle cx="12" cy="12" r="2" fill="currentColor"></circle>
            <circle cx="12" cy="19" r="2" fill="currentColor"></circle>
        </svg>
    }
}

/// A calendar page: marks a date with scheduled campaigns.
pub fn calendar() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
            <rect x="3" y="5" width="18" height="16" rx="2" fill="none" stroke="currentColor" stroke-width="2"></rect>
            <path d="M3 10h18M8 3v4M16 3v4" stroke="currentColor" stroke-width="2" stroke-linecap="round"></path>
        </svg>
    }
}

/// A chevron pointing left (`flip`: right), for month navigation.
pub fn chevron(flip: bool) -> impl IntoView {
    let d = if flip { "M9 6l6 6-6 6" } else { "M15 6l-6 6 6 6" };
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
            <path d=d fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"></path>
        </svg>
    }
}

/// A plus: adds a campaign on a calendar date.
pub fn plus() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
            <path d="M12 5v14M5 12h14" stroke="currentColor" stroke-width="2" stroke-linecap="round"></path>
        </svg>
    }
}
