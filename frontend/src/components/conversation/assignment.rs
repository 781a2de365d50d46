//! Who has the conversation: a drop-down of the users it may be assigned to (with
//! "Nobody"), "Assign to me", and the conversation's history, where each assignment
//! shows with who made it and when.

use leptos::prelude::*;
use tidings_domain::conversation_wire::Assignee;

use crate::api::use_api;
use crate::auth::use_current_user;
use crate::components::audit::history_line;
use crate::feedback::Loading;

/// The assignment control of conversation `id`. `assign` runs with the chosen user, or
/// `None` to unassign.
#[component]
pub fn AssignmentControl(
    id: i64,
    #[prop(into)] assignee: Signal<Option<Assignee>>,
    #[prop(into)] disabled: Signal<bool>,
    assign: Callback<Option<i64>>,
) -> impl IntoView {
    let api = use_api();
    let me = use_current_user().map(|me| me.id);
    let candidates = LocalResource::new(move || async move { api.assignees(id).await.unwrap_or_default() });
    let field_id = format!("assignee-{id}");
    let current = move || assignee.get().map(|a| a.id.to_string()).unwrap_or_default();
    let may_take = move || {
        let me = me?;
        let offered = candidates.get()?.iter().any(|c| c.id == me);
        (offered && assignee.get().is_none_or(|a| a.id != me)).then_some(me)
    };
    view! {
        <div class="assignment">
            <label for=field_id.clone()>"Assigned to"</label>
            <select
                id=field_id
                disabled=move || disabled.get()
                on:change=move |ev| assign.run(event_target_value(&ev).parse::<i64>().ok())
            >
                <option value="" selected=move || assignee.get().is_none()>"Nobody"</option>
                {move || {
                    // The current assignee stays listed even before the candidates load.
                    let mut listed = candidates.get().unwrap_or_default();
                    if let Some(now) = assignee.get().filter(|a| !listed.iter().any(|c| c.id == a.id)) {
                        listed.insert(0, now);
                    }
                    listed
                        .into_iter()
                        .map(|user| {
                            let value = user.id.to_string();
                            let chosen = value.clone();
                            view! { <option value=value selected=move || current() == chosen>{user.name}</option> }
                        })
                        .collect_view()
                }}
            </select>
            {move || may_take().map(|me| view! {
                <button
                    type="button"
                    class="button button-small"
                    disabled=move || disabled.get()
                    on:click=move |_| assign.run(Some(me))
                >
                    "Assign to me"
                </button>
            })}
        </div>
    }
}

/// The conversation's history, read when opened.
#[component]
pub fn ConversationHistory(
    id: i64,
    zone: String,
    /// Changes whenever the conversation does, so an open history reads again.
    #[prop(into)]
    changes: Signal<i64>,
) -> impl IntoView {
    let api = use_api();
    let open = RwSignal::new(false);
    let trail = LocalResource::new(move || {
        let wanted = open.get();
        changes.track();
        async move {
            match wanted {
                true => Some(api.conversation_audit(id).await),
                false => None,
            }
        }
    });
    let zone = StoredValue::new(zone);
    view! {
        <details class="conversation-history" on:toggle=move |ev| {
            use leptos::wasm_bindgen::JsCast;
            let opened = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                .is_some_and(|d| d.open());
            open.set(opened);
        }>
            <summary>"History"</summary>
            {move || match trail.get().flatten() {
                None => open.get().then(|| view! { <Loading label="Loading the history…"/> }.into_any()),
                Some(Ok(entries)) if entries.is_empty() => Some(view! { <p class="empty">"Nothing recorded yet."</p> }.into_any()),
                Some(Ok(entries)) => Some(view! {
                    <ol class="audit-trail">
                        {entries.iter().map(|entry| history_line(entry, &zone.get_value())).collect_view()}
                    </ol>
                }
                .into_any()),
                Some(Err(error)) => Some(view! { <p class="alert" role="alert">{error.user_message()}</p> }.into_any()),
            }}
        </details>
    }
}
