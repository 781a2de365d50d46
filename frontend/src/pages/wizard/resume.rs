//! Keeping the wizard's work while it moves between pages: the wizard writes its draft
//! to the tab's session storage under its address whenever it changes, and the address
//! names the current step (`?step=`). Arriving at an address with a step (a reload,
//! Back, or a step whose form is in another bundle) picks the draft up where it was;
//! arriving without one ("New campaign", "Edit") starts afresh.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tidings_domain::assistant::AssistantScript;
use tidings_domain::campaign::{CampaignState, OperatedBy};
use tidings_domain::campaign_wire::NumberChoice;
use tidings_domain::contact_list::ContactList;
use tidings_domain::organisation_wire::TextingHours;
use tidings_domain::FieldError;

use super::draft::Draft;
use super::steps::Step;
use crate::browser::session_storage;

/// Everything the next page must show as it was (the step is in the address), including
/// the last save's refusal (a refused field can send the user to a step in another
/// bundle).
#[derive(Serialize, Deserialize)]
struct Snapshot {
    id: Option<i64>,
    state: CampaignState,
    scheduled_at: Option<DateTime<Utc>>,
    title: String,
    office_id: Option<i64>,
    operated_by: OperatedBy,
    tags: Vec<String>,
    time_zone: String,
    #[serde(default)]
    texting_hours: Option<TextingHours>,
    contact_list: Option<ContactList>,
    number: Option<NumberChoice>,
    message: String,
    append_opt_out: bool,
    agent_ids: Vec<i64>,
    script: AssistantScript,
    launch_on: Option<NaiveDate>,
    errors: Vec<FieldError>,
    failure: Option<String>,
}

fn storage_key() -> String {
    format!("tidings.wizard:{}", window().location().pathname().unwrap_or_default())
}

/// The draft kept for this address, on the step the address names. An address without
/// a step drops the kept draft, so "New campaign" always starts blank.
pub fn resumed_draft(address_step: Option<Step>) -> Option<Draft> {
    let storage = session_storage()?;
    let key = storage_key();
    let Some(step) = address_step else {
        let _ = storage.remove_item(&key);
        return None;
    };
    let kept: Snapshot = serde_json::from_str(&storage.get_item(&key).ok().flatten()?).ok()?;
    let draft = Draft::new(0, kept.time_zone, kept.launch_on, step);
    draft.id.set(kept.id);
    draft.state.set(kept.state);
    draft.scheduled_at.set(kept.scheduled_at);
    draft.title.set(kept.title);
    draft.office_id.set(kept.office_id);
    draft.operated_by.set(kept.operated_by);
    draft.tags.set(kept.tags);
    draft.texting_hours.set(kept.texting_hours);
    draft.contact_list.set(kept.contact_list);
    draft.number.set(kept.number);
    draft.message.set(kept.message);
    draft.append_opt_out.set(kept.append_opt_out);
    draft.agent_ids.set(kept.agent_ids);
    draft.script.set(kept.script);
    draft.errors.set(kept.errors);
    draft.failure.set(kept.failure);
    Some(draft)
}

/// Writes the draft to session storage now (before loading another step's bundle).
/// Tracks every setting when called inside an effect.
pub fn save(draft: Draft) {
    let kept = Snapshot {
        id: draft.id.get(),
        state: draft.state.get(),
        scheduled_at: draft.scheduled_at.get(),
        title: draft.title.get(),
        office_id: draft.office_id.get(),
        operated_by: draft.operated_by.get(),
        tags: draft.tags.get(),
        time_zone: draft.time_zone.get(),
        texting_hours: draft.texting_hours.get(),
        contact_list: draft.contact_list.get(),
        number: draft.number.get(),
        message: draft.message.get(),
        append_opt_out: draft.append_opt_out.get(),
        agent_ids: draft.agent_ids.get(),
        script: draft.script.get(),
        launch_on: draft.launch_on.get(),
        errors: draft.errors.get(),
        failure: draft.failure.get(),
    };
    if let (Some(storage), Ok(json)) = (session_storage(), serde_json::to_string(&kept)) {
        let _ = storage.set_item(&storage_key(), &json);
    }
}

/// Keeps the stored draft up to date while the wizard is open, and drops it once the
/// campaign is saved, launched or scheduled: Back to a finished wizard starts afresh.
pub fn keep_draft(draft: Draft) {
    Effect::new(move |_| {
        if draft.finished.get() {
            if let Some(storage) = session_storage() {
                let _ = storage.remove_item(&storage_key());
            }
        } else {
            save(draft);
        }
    });
}
