//! What a message costs: its encoding, segments and room left, and the characters
//! that force UCS-2 (which cuts a segment from 160 to 70 characters) highlighted.

use leptos::prelude::*;
use tidings_domain::segments::{Encoding, SegmentInfo};

/// "1 segment", "3 segments".
pub fn segments_label(segments: usize) -> String {
    match segments {
        1 => "1 segment".to_owned(),
        n => format!("{n} segments"),
    }
}

/// The counter line, and the UCS-2 characters listed when there are any.
#[component]
pub fn SegmentCounter(#[prop(into)] info: Signal<SegmentInfo>) -> impl IntoView {
    let summary = move || {
        let info = info.get();
        let segments = segments_label(info.segments);
        format!(
            "{segments} · {} · {} of {} characters left in this segment",
            info.encoding.label(),
            info.remaining_in_segment,
            info.per_segment
        )
    };
    view! {
        <div class="segment-counter" aria-live="polite">
            <p class="segment-summary" class:ucs2=move || info.read().encoding == Encoding::Ucs2>{summary}</p>
            {move || {
                let info = info.get();
                (!info.ucs2_chars.is_empty()).then(|| view! {
                    <p class="ucs2-note">
                        "Sent as UCS-2 because of "
                        {info.ucs2_chars.iter().map(|c| view! { <mark class="ucs2-char">{c.to_string()}</mark> " " }).collect_view()}
                        "— replace them to fit 160 characters in a segment instead of 70."
                    </p>
                })
            }}
        </div>
    }
}

/// `text` with every character of `ucs2_chars` marked.
pub fn highlighted(text: &str, ucs2_chars: &[char]) -> impl IntoView {
    let mut pieces: Vec<(bool, String)> = Vec::new();
    for c in text.chars() {
        let marked = ucs2_chars.contains(&c);
        match pieces.last_mut() {
            Some((last_marked, piece)) if *last_marked == marked => piece.push(c),
            _ => pieces.push((marked, c.to_string())),
        }
    }
    pieces
        .into_iter()
        .map(|(marked, piece)| {
            if marked {
                view! { <mark class="ucs2-char" title="Forces UCS-2">{piece}</mark> }.into_any()
            } else {
                piece.into_any()
            }
        })
        .collect_view()
}
