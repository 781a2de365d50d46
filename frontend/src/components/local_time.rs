//! An instant shown in a campaign's time zone, with the zone on hover.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::zone_time::{format_local, minute_text};

/// `2026-03-01 14:05` in `zone` (hover: `America/New_York (EST)`); a dash when absent.
/// An unknown zone falls back to UTC rather than hiding the time.
pub fn local_time(instant: Option<DateTime<Utc>>, zone: &str) -> AnyView {
    let Some(instant) = instant else {
        return view! { <span class="muted">"—"</span> }.into_any();
    };
    let (text, hover) = format_local(instant, zone)
        .or_else(|| format_local(instant, "UTC"))
        .unwrap_or_else(|| (minute_text(instant.naive_utc()), "UTC".to_owned()));
    view! { <time datetime=instant.to_rfc3339() title=hover>{text}</time> }.into_any()
}
