//! An instant shown in a campaign's time zone, with the zone on hover.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use tidings_domain::time_zone::{format_local, parse_time_zone};

/// `2026-03-01 14:05` in `zone` (hover: `America/New_York (EST)`); a dash when absent.
/// An unknown zone falls back to UTC rather than hiding the time.
pub fn local_time(instant: Option<DateTime<Utc>>, zone: &str) -> AnyView {
    let Some(instant) = instant else {
        return view! { <span class="muted">"—"</span> }.into_any();
    };
    let (text, hover) = match parse_time_zone(zone) {
        Ok(tz) => format_local(instant, tz),
        Err(_) => format_local(instant, chrono_tz::UTC),
    };
    view! { <time datetime=instant.to_rfc3339() title=hover>{text}</time> }.into_any()
}
