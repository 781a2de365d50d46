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

/// A 20-pixel line icon of two paths; the first may be tinted (`"tint"`) or dashed
/// (`"dashed"`). The icons below share this one element shape, so each costs its path
/// data rather than code of its own.
fn line_icon(first_class: &'static str, first: &'static str, second: &'static str) -> impl IntoView {
    view! {
        <svg class="icon line-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path class=first_class d=first></path>
            <path d=second></path>
        </svg>
    }
}

/// A circle of radius 9 in the middle of the 24-unit box.
const RING: &str = "M12 3a9 9 0 1 1 0 18a9 9 0 1 1 0-18z";

/// A flag with an exclamation mark: the message was not delivered (coloured by CSS).
pub fn failed_flag() -> impl IntoView {
    line_icon("tint", "M5 21V4M5 4h12l-2.5 4.5L17 13H5", "M10.5 6.5v3M10.5 11.2v.3")
}

/// A clock: the message is being sent again after a failed attempt.
pub fn clock() -> impl IntoView {
    line_icon("", RING, "M12 7v5l3 2")
}

/// A check mark in a circle: the message was delivered.
pub fn check() -> impl IntoView {
    line_icon("tint", RING, "M8 12.5l3 3 5-6")
}

/// A dashed circle: the message has not gone out yet.
pub fn dotted_circle() -> impl IntoView {
    line_icon("dashed", RING, "")
}

/// A circle with a slash: the contact is on the opt-out list; as a button, opts one out.
pub fn blocked() -> impl IntoView {
    line_icon("", RING, "M5.7 5.7l12.6 12.6")
}

/// A speech bubble with lines of text: opens the SMS preview.
pub fn message() -> impl IntoView {
    line_icon("", "M4 5h16v11H9l-5 4z", "M8 9h8M8 12h5")
}

/// An arrow into a tray: downloads a file.
pub fn download() -> impl IntoView {
    line_icon("", "M12 4v11M7 10l5 5 5-5M5 20h14", "")
}

/// A paper plane: texts the contact one to one.
pub fn reply() -> impl IntoView {
    line_icon("", "M4 12l16-8-6 16-2.5-6.5z", "M11.5 13.5L20 4")
}
