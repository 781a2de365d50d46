//! The Analytics tab's charts as inline SVG: horizontal bars for counts and columns for
//! Contact Message Activity. Coordinates are whole numbers, so no float formatting code
//! is compiled into the wasm; the SVG scales to its card through its viewBox.

use std::fmt::Write;

use leptos::prelude::*;
use tidings_domain::analytics::ActivityBucket;
use tidings_domain::analytics_wire::{Activity, ActivityBar};

use crate::zone_time::local_date_time;

/// One bar: what it counts, how many, and the class that colours it.
#[derive(Debug, Clone, Copy)]
pub struct Bar {
    pub label: &'static str,
    pub value: i64,
    pub class: &'static str,
}

/// "Label 12, label 3" for a chart's `aria-label`.
pub fn spoken(bars: &[Bar]) -> String {
    bars.iter().map(|bar| format!("{} {}", bar.label, bar.value)).collect::<Vec<_>>().join(", ")
}

/// The figures of a chart as text: a definition list whose swatches are the legend.
pub fn figures(bars: &[Bar]) -> impl IntoView {
    view! {
        <dl class="chart-figures">
            {bars
                .iter()
                .map(|bar| view! {
                    <div class=format!("figure {}", bar.class)>
                        <dt><span class="swatch" aria-hidden="true"></span>{bar.label}</dt>
                        <dd>{bar.value}</dd>
                    </div>
                })
                .collect_view()}
        </dl>
    }
}

/// `value` of `max` as a length of `full` (0 when `max` is 0).
fn scaled(value: i64, max: i64, full: i64) -> i64 {
    if max <= 0 {
        0
    } else {
        value.clamp(0, max) * full / max
    }
}

/// An SVG drawn from markup. The charts are written as text rather than as `view!`
/// elements: each distinct element and attribute of a `view!` is compiled into its own
/// code, which for a few dozen SVG shapes cost several kilobytes of wasm; the markup
/// costs only the formatting. Every piece of text in it passes through [`escaped`].
fn svg_markup(markup: String) -> impl IntoView {
    view! { <div class="chart-box" inner_html=markup></div> }
}

/// `text` safe inside SVG markup, as element text or a quoted attribute value.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Horizontal bars with their labels on the left and their figures at their ends,
/// scaled to the largest; `summary` is what a screen reader hears for the whole chart.
pub fn bar_chart(summary: &str, bars: &[Bar]) -> impl IntoView {
    const WIDTH: i64 = 480;
    const LABEL: i64 = 150;
    const ROW: i64 = 30;
    const BAR: i64 = 20;
    // Room at the right for the longest figure.
    let full = WIDTH - LABEL - 56;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let height = ROW * i64::try_from(bars.len()).unwrap_or(0);
    let mut svg = format!(
        r#"<svg class="chart bar-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{}">"#,
        escaped(summary)
    );
    for (bar, index) in bars.iter().zip(0..) {
        let y = index * ROW + (ROW - BAR) / 2;
        let width = scaled(bar.value, max, full);
        let text_y = y + BAR / 2 + 5;
        let (class, label, value) = (bar.class, escaped(bar.label), bar.value);
        let _ = write!(
            svg,
            r#"<g class="{class}"><title>{label}: {value}</title><text class="bar-label" x="0" y="{text_y}">{label}</text><rect class="bar" x="{LABEL}" y="{y}" width="{}" height="{BAR}" rx="3"></rect><text class="bar-value" x="{}" y="{text_y}">{value}</text></g>"#,
            width.max(2),
            LABEL + width + 8,
        );
    }
    svg.push_str("</svg>");
    svg_markup(svg)
}

/// A round number at or above `max` that divides into four ticks of 1, 2, 3 or 5 times
/// a power of ten.
fn axis_top(max: i64) -> i64 {
    let quarter = (max.max(1) + 3) / 4;
    let mut power = 1;
    loop {
        for step in [1, 2, 3, 5] {
            if step * power >= quarter {
                return step * power * 4;
            }
        }
        power *= 10;
    }
}

/// How a bucket's start reads under its column, and in full on hover.
fn bucket_labels(bucket: ActivityBucket, bar: &ActivityBar, zone: &str) -> (String, String) {
    let local = local_date_time(bar.start, zone).unwrap_or_else(|| bar.start.naive_utc());
    let (short, long) = match bucket {
        ActivityBucket::Hour => ("%H:%M", "%a %b %-d, %H:%M"),
        ActivityBucket::Day => ("%b %-d", "%a %b %-d, %Y"),
        ActivityBucket::Month => ("%b %Y", "%B %Y"),
        ActivityBucket::Year => ("%Y", "%Y"),
    };
    (local.format(short).to_string(), local.format(long).to_string())
}

/// The noun of a bucket ("day"), for axis titles and the figures table.
pub fn bucket_noun(bucket: ActivityBucket) -> &'static str {
    match bucket {
        ActivityBucket::Hour => "hour",
        ActivityBucket::Day => "day",
        ActivityBucket::Month => "month",
        ActivityBucket::Year => "year",
    }
}

/// One row per bucket: its short and long names and its counts.
pub struct Column {
    pub short: String,
    pub long: String,
    pub outbound: i64,
    pub inbound: i64,
}

pub fn columns(activity: &Activity, bucket: ActivityBucket) -> Vec<Column> {
    activity
        .bars
        .iter()
        .map(|bar| {
            let (short, long) = bucket_labels(bucket, bar, &activity.time_zone);
            Column { short, long, outbound: bar.outbound, inbound: bar.inbound }
        })
        .collect()
}

/// Columns per bucket, messages sent to contacts stacked under those received from
/// them, each column's total above it and its breakdown on hover; an axis of message
/// counts on the left and the buckets along the bottom.
pub fn activity_chart(summary: &str, bucket: ActivityBucket, zone: &str, columns: &[Column]) -> impl IntoView {
    const WIDTH: i64 = 1000;
    const HEIGHT: i64 = 300;
    const LEFT: i64 = 64;
    const RIGHT: i64 = 8;
    const TOP: i64 = 20;
    const BOTTOM: i64 = 56;
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_height;
    let count = i64::try_from(columns.len()).unwrap_or(0).max(1);
    let slot = plot_width / count;
    let bar_width = (slot * 7 / 10).clamp(1, 48);
    let top = axis_top(columns.iter().map(|c| c.outbound + c.inbound).max().unwrap_or(0));
    // Only as many bucket names as fit side by side, about 80 units each.
    let label_every = (80 / slot.max(1) + 1).max(1);
    // Totals above the columns while a two-digit figure fits the slot.
    let show_totals = slot >= 14;

    let mut svg = format!(
        r#"<svg class="chart activity-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{}">"#,
        escaped(summary)
    );
    for i in 0..=4 {
        let value = top * i / 4;
        let y = base - scaled(value, top, plot_height);
        let _ = write!(
            svg,
            r#"<g class="tick"><line x1="{LEFT}" x2="{}" y1="{y}" y2="{y}"></line><text x="{}" y="{}" text-anchor="end">{value}</text></g>"#,
            WIDTH - RIGHT,
            LEFT - 8,
            y + 4,
        );
    }
    for (column, index) in columns.iter().zip(0..) {
        let slot_x = LEFT + index * slot;
        let x = slot_x + (slot - bar_width) / 2;
        let centre = x + bar_width / 2;
        let (sent, received) = (column.outbound, column.inbound);
        let total = sent + received;
        let sent_height = scaled(sent, top, plot_height);
        let total_height = scaled(total, top, plot_height);
        // A transparent target the full height of the slot, so hovering finds the
        // title even over a short or empty column.
        let _ = write!(
            svg,
            r#"<g class="column"><title>{}: {total} messages ({sent} sent, {received} received)</title><rect class="hover-target" x="{slot_x}" y="{TOP}" width="{slot}" height="{plot_height}"></rect><rect class="bar series-sent" x="{x}" y="{}" width="{bar_width}" height="{sent_height}"></rect><rect class="bar series-received" x="{x}" y="{}" width="{bar_width}" height="{}"></rect>"#,
            escaped(&column.long),
            base - sent_height,
            base - total_height,
            total_height - sent_height,
        );
        if show_totals && total > 0 {
            let _ = write!(
                svg,
                r#"<text class="bar-total" x="{centre}" y="{}" text-anchor="middle">{total}</text>"#,
                base - total_height - 5
            );
        }
        if index % label_every == 0 {
            let _ = write!(
                svg,
                r#"<text class="bucket-label" x="{centre}" y="{}" text-anchor="middle">{}</text>"#,
                base + 18,
                escaped(&column.short)
            );
        }
        svg.push_str("</g>");
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" x2="{}" y1="{base}" y2="{base}"></line><text class="axis-title" x="{}" y="{}" text-anchor="middle">{} ({})</text><text class="axis-title" transform="rotate(-90) translate({} 16)" text-anchor="middle">Messages</text></svg>"#,
        WIDTH - RIGHT,
        LEFT + plot_width / 2,
        HEIGHT - 8,
        capitalised(bucket_noun(bucket)),
        escaped(zone),
        -(TOP + plot_height / 2),
    );
    svg_markup(svg)
}

pub fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_tops_out_at_a_round_number_of_four_ticks() {
        assert_eq!(axis_top(0), 4);
        assert_eq!(axis_top(3), 4);
        assert_eq!(axis_top(5), 8);
        assert_eq!(axis_top(9), 12);
        assert_eq!(axis_top(12), 12);
        assert_eq!(axis_top(13), 20);
        assert_eq!(axis_top(150), 200);
        assert_eq!(axis_top(1234), 2000);
    }

    #[test]
    fn text_cannot_break_out_of_the_markup() {
        assert_eq!(escaped(r#"<b a="x">&"#), "&lt;b a=&quot;x&quot;&gt;&amp;");
    }

    #[test]
    fn bars_scale_to_the_largest() {
        assert_eq!(scaled(5, 10, 300), 150);
        assert_eq!(scaled(0, 0, 300), 0);
        assert_eq!(scaled(12, 10, 300), 300);
    }
}
