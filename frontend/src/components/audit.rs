//! Audit entries in words, for the organisation's audit log, a campaign's or a
//! conversation's history and an opt-out's history: who acted, what they did, and the
//! details that say something.

use leptos::prelude::*;
use tidings_domain::campaign_wire::AuditEntry;

use crate::components::local_time::local_time;

/// Strings longer than this are cut short: a message body or a whole settings change
/// would swamp the line.
const LONGEST_VALUE: usize = 80;

/// The acting user's name, or "Tidings" for what the system did on its own.
pub fn actor_name(entry: &AuditEntry) -> String {
    entry.actor.as_ref().map_or("Tidings".to_owned(), |actor| actor.name.clone())
}

/// `launch_written` → "Launch written".
pub fn action_text(action: &str) -> String {
    let words = action.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `source: keyword · changes: title: Spring intake, message: Hello…`: the details'
/// fields that are set, nested ones inline.
pub fn details_text(details: &serde_json::Value) -> String {
    match details {
        serde_json::Value::Object(fields) => fields_text(fields, " · "),
        serde_json::Value::Null => String::new(),
        other => value_text(other),
    }
}

fn fields_text(fields: &serde_json::Map<String, serde_json::Value>, separator: &str) -> String {
    fields
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(name, value)| format!("{}: {}", name.replace('_', " "), value_text(value)))
        .collect::<Vec<_>>()
        .join(separator)
}

fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) if text.chars().count() > LONGEST_VALUE => {
            format!("{}…", text.chars().take(LONGEST_VALUE).collect::<String>())
        }
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        serde_json::Value::Object(fields) => fields_text(fields, ", "),
        other => other.to_string(),
    }
}

/// "7 Dec 2026 09:00 EST — Launched by Morgan Manager: provisioned number: false".
pub fn history_line(entry: &AuditEntry, zone: &str) -> impl IntoView {
    let details = details_text(&entry.details);
    let details = if details.is_empty() { String::new() } else { format!(": {details}") };
    view! {
        <li>
            {local_time(Some(entry.at), zone)}
            {format!(" — {} by {}{details}", action_text(&entry.action), actor_name(entry))}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn details_read_as_words_with_nested_changes_inline_and_long_text_cut() {
        let long = "x".repeat(100);
        let details =
            json!({ "changes": { "title": "Spring", "tags": ["A", "B"], "office_id": null }, "message": long });
        let text = details_text(&details);
        // Fields in name order, as the browser's JSON arrives in serde_json's map.
        assert_eq!(text, format!("changes: tags: A, B, title: Spring · message: {}…", "x".repeat(80)));
        assert_eq!(details_text(&json!(null)), "");
        assert_eq!(action_text("launch_written"), "Launch written");
        assert_eq!(action_text(""), "");
    }
}
