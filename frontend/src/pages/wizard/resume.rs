//! Keeping the wizard's work across a reload: while the wizard is open its draft is
//! written to the tab's session storage under the wizard's address, and reloading that
//! address picks it up where it was, on the same step. Any other arrival starts afresh.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tidings_domain::assistant::AssistantScript;
use tidings_domain::campaign::{CampaignState, OperatedBy};
use tidings_domain::campaign_wire::NumberChoice;
use tidings_domain::contact_list::ContactList;
use wasm_bindgen::JsValue;

use super::draft::Draft;
use super::steps::Step;
use crate::browser::{boot_path, session_storage};

/// The settings a reload must not lose (not the last save's errors).
#[derive(Serialize, Deserialize)]
struct Snapshot {
    id: Option<i64>,
    state: CampaignState,
    scheduled_at: Option<DateTime<Utc>>,
    step: Step,
    title: String,
    office_id: Option<i64>,
    operated_by: OperatedBy,
    tags: Vec<String>,
    time_zone: String,
    contact_list: Option<ContactList>,
    number: Option<NumberChoice>,
    message: String,
    append_opt_out: bool,
    agent_ids: Vec<i64>,
    script: AssistantScript,
    launch_on: Option<NaiveDate>,
}

fn storage_key() -> String {
    format!("tidings.wizard:{}", window().location().pathname().unwrap_or_default())
}

/// Whether the browser loaded this very address by reloading it (not an address the
/// app went to afterwards; `index.html` records the one it started with).
fn page_was_reloaded() -> bool {
    let boot_path = boot_path().unwrap_or_default();
    let path = window().location().pathname().unwrap_or_default();
    if boot_path.split('?').next() != Some(path.as_str()) {
        return false;
    }
    let Some(performance) = window().performance() else {
        return false;
    };
    // The navigation entry's `type` is "navigate", "reload" or "back_forward".
    let entry = performance.get_entries_by_type("navigation").get(0);
    js_sys::Reflect::get(&entry, &JsValue::from_str("type")).ok().and_then(|kind| kind.as_string()).as_deref()
        == Some("reload")
}

/// The draft this address held before the page was reloaded. On any other arrival the
/// old one is dropped, so "New campaign" always starts blank.
pub fn resumed_draft() -> Option<Draft> {
    let storage = session_storage()?;
    let key = storage_key();
    if !page_was_reloaded() {
        let _ = storage.remove_item(&key);
        return None;
    }
    let kept: Snapshot = serde_json::from_str(&storage.get_item(&key).ok().flatten()?).ok()?;
    let draft = Draft::new(0, kept.time_zone, kept.launch_on, kept.step);
    draft.id.set(kept.id);
    draft.state.set(kept.state);
    draft.scheduled_at.set(kept.scheduled_at);
    draft.title.set(kept.title);
    draft.office_id.set(kept.office_id);
    draft.operated_by.set(kept.operated_by);
    draft.tags.set(kept.tags);
    draft.contact_list.set(kept.contact_list);
    draft.number.set(kept.number);
    draft.message.set(kept.message);
    draft.append_opt_out.set(kept.append_opt_out);
    draft.agent_ids.set(kept.agent_ids);
    draft.script.set(kept.script);
    Some(draft)
}

/// Writes the draft to session storage whenever it changes.
pub fn keep_draft(draft: Draft) {
    let key = storage_key();
    Effect::new(move |_| {
        let kept = Snapshot {
            id: draft.id.get(),
            state: draft.state.get(),
            scheduled_at: draft.scheduled_at.get(),
            step: draft.step.get(),
            title: draft.title.get(),
            office_id: draft.office_id.get(),
            operated_by: draft.operated_by.get(),
            tags: draft.tags.get(),
            time_zone: draft.time_zone.get(),
            contact_list: draft.contact_list.get(),
            number: draft.number.get(),
            message: draft.message.get(),
            append_opt_out: draft.append_opt_out.get(),
            agent_ids: draft.agent_ids.get(),
            script: draft.script.get(),
            launch_on: draft.launch_on.get(),
        };
        if let (Some(storage), Ok(json)) = (session_storage(), serde_json::to_string(&kept)) {
            let _ = storage.set_item(&key, &json);
        }
    });
}
