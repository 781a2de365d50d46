//! Bulk actions on a conversation list (the Activity tab and the inbox): a checkbox on
//! each row, "Select all that match", and one bar of actions — add a tag, assign,
//! clear Needs Attention, opt out (asking once, naming the count). One request does
//! the work (`POST /conversations/bulk`); the bar then says what it did, and why any
//! conversation was left as it was.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::conversation_wire::{
    Assignee, BulkAction, BulkCampaignSelection, BulkConversationAction, BulkResult,
};

use crate::api::use_api;
use crate::auth::use_current_user;

/// The conversations picked in a list, or every conversation its filter matches.
#[derive(Clone, Copy)]
pub struct BulkSelection {
    pub picked: RwSignal<BTreeSet<i64>>,
    /// "Select all that match" was chosen (where the page can name them by filter).
    pub everything: RwSignal<bool>,
}

impl BulkSelection {
    pub fn new() -> Self {
        Self { picked: RwSignal::new(BTreeSet::new()), everything: RwSignal::new(false) }
    }

    pub fn clear(self) {
        self.picked.set(BTreeSet::new());
        self.everything.set(false);
    }

    pub fn toggle(self, id: i64, on: bool) {
        self.everything.set(false);
        self.picked.update(|picked| {
            if on {
                picked.insert(id);
            } else {
                picked.remove(&id);
            }
        });
    }
}

impl Default for BulkSelection {
    fn default() -> Self {
        Self::new()
    }
}

/// The bar of actions, shown while something is selected. `all_matching` names every
/// conversation of the page's filter and how many that is (the Activity tab); without
/// it, `select_all` picks them one by one (the inbox). `done` runs after an action.
#[component]
pub fn BulkBar(
    selection: BulkSelection,
    #[prop(into)] all_matching: Signal<Option<(BulkCampaignSelection, i64)>>,
    select_all: Callback<()>,
    done: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let me = use_current_user().map(|me| me.id);
    let count = Memo::new(move |_| match (selection.everything.get(), all_matching.get()) {
        (true, Some((_, total))) => usize::try_from(total).unwrap_or(0),
        _ => selection.picked.read().len(),
    });
    let tag = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let confirming_opt_out = RwSignal::new(false);
    let outcome = RwSignal::new(None::<(String, Vec<String>)>);
    // Whom the selection may go to: those who may take its first conversation.
    let first = Memo::new(move |_| selection.picked.read().iter().next().copied());
    let candidates = LocalResource::new(move || {
        let first = first.get();
        async move {
            match first {
                Some(id) => api.assignees(id).await.unwrap_or_default(),
                None => Vec::<Assignee>::new(),
            }
        }
    });
    let run = move |action: BulkAction, verb: &'static str| {
        let everything = selection.everything.get_untracked();
        let body = match (everything, all_matching.get_untracked()) {
            (true, Some((campaign, _))) => {
                BulkConversationAction { conversation_ids: Vec::new(), campaign: Some(campaign), inbox: None, action }
            }
            _ => BulkConversationAction {
                conversation_ids: selection.picked.get_untracked().into_iter().collect(),
                campaign: None,
                inbox: None,
                action,
            },
        };
        busy.set(true);
        spawn_local(async move {
            let answer = api.bulk_conversations(&body).await;
            busy.try_set(false);
            match answer {
                Ok(report) => {
                    let reasons = report
                        .items
                        .iter()
                        .filter(|o| o.result == BulkResult::Refused)
                        .filter_map(|o| o.reason.clone())
                        .take(5)
                        .collect();
                    outcome.try_set(Some((report.summary(verb), reasons)));
                    selection.clear();
                    tag.try_set(String::new());
                    done.run(());
                }
                Err(error) => {
                    outcome.try_set(Some((error.user_message(), Vec::new())));
                }
            }
        });
    };
    let noun = move || if count.get() == 1 { "conversation" } else { "conversations" };

    view! {
        {move || outcome.get().map(|(summary, reasons)| view! {
            <div class="notice notice-success outcome bulk-outcome" role="status">
                <span>{summary}</span>
                {(!reasons.is_empty()).then(|| view! {
                    <ul class="bulk-reasons">{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                })}
                <button type="button" class="link-button dismiss" on:click=move |_| outcome.set(None)>"Dismiss"</button>
            </div>
        })}
        <Show when=move || { count.get() > 0 }>
            <div class="bulk-bar" role="region" aria-label="Bulk actions">
                <div class="bulk-count">
                    <strong>{move || format!("{} {} selected", count.get(), noun())}</strong>
                    <Show when=move || !selection.everything.get()>
                        <button type="button" class="link-button" on:click=move |_| select_all.run(())>
                            "Select all that match"
                        </button>
                    </Show>
                    <button type="button" class="link-button" on:click=move |_| selection.clear()>"Clear selection"</button>
                </div>
                <form class="bulk-tag" on:submit=move |ev| {
                    ev.prevent_default();
                    let wanted = tag.get_untracked().trim().to_owned();
                    if !wanted.is_empty() {
                        run(BulkAction::Tag { tag: wanted }, "Tagged");
                    }
                }>
                    <label for="bulk-tag">"Tag"</label>
                    <input id="bulk-tag" type="text" maxlength="30" prop:value=move || tag.get() on:input=move |ev| tag.set(event_target_value(&ev))/>
                    <button type="submit" class="button button-small" disabled=move || busy.get() || tag.read().trim().is_empty()>
                        "Add tag"
                    </button>
                </form>
                <label class="bulk-assign">
                    "Assign to "
                    <select disabled=move || busy.get() on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if value == "none" {
                            run(BulkAction::Assign { user_id: None }, "Unassigned");
                        } else if let Ok(user_id) = value.parse::<i64>() {
                            run(BulkAction::Assign { user_id: Some(user_id) }, "Assigned");
                        }
                    }>
                        <option value="" selected=true>"Choose…"</option>
                        {move || me.map(|me| view! { <option value=me.to_string()>"Me"</option> })}
                        {move || candidates.get().unwrap_or_default().into_iter().filter(|c| Some(c.id) != me).map(|c| view! {
                            <option value=c.id.to_string()>{c.name}</option>
                        }).collect_view()}
                        <option value="none">"Nobody (unassign)"</option>
                    </select>
                </label>
                <button type="button" class="button button-small" disabled=move || busy.get()
                    on:click=move |_| run(BulkAction::ClearNeedsAttention, "Cleared Needs Attention on")>
                    "Clear Needs Attention"
                </button>
                <button type="button" class="button button-small button-danger" disabled=move || busy.get()
                    on:click=move |_| confirming_opt_out.set(true)>
                    "Opt out…"
                </button>
                <Show when=move || confirming_opt_out.get()>
                    <div class="inline-confirm" role="alertdialog" aria-label="Opt out the selected contacts" aria-modal="false">
                        <p>
                            {move || format!(
                                "Opt out {} {}? Their contacts go on the organisation's suppression list: no campaign \
                                 or reply will text them until an administrator lifts it.",
                                count.get(),
                                noun()
                            )}
                        </p>
                        <button type="button" class="button button-danger" on:click=move |_| {
                            confirming_opt_out.set(false);
                            run(BulkAction::OptOut, "Opted out");
                        }>
                            {move || format!("Opt out {}", count.get())}
                        </button>
                        <button type="button" class="button" on:click=move |_| confirming_opt_out.set(false)>"Cancel"</button>
                    </div>
                </Show>
            </div>
        </Show>
    }
}
