//! The organisation's audit log (`/audit-log`, administrators): who did what, to which
//! campaign, opt-out, number or setting, and when — newest first, filtered by kind. Every
//! opt-out (a contact's STOP, staff, an integration, or a number suppressed because it
//! cannot receive texts) and every lift is here.

use leptos::prelude::*;
use leptos_router::components::A;
use tidings_domain::campaign_wire::AuditEntry;

use crate::api::use_api;
use crate::auth::use_current_user;
use crate::components::admin_table::AdminTable;
use crate::components::audit::{action_text, actor_name, details_text};
use crate::components::local_time::local_time;
use crate::components::paged::{Paged, PagedFooter};
use crate::feedback::AdminsOnly;

/// Entries per request.
const PER_PAGE: u32 = 50;
/// The kinds the filter offers, with the words the page uses for them.
const KINDS: [(&str, &str); 8] = [
    ("opt_out", "Opt-outs"),
    ("campaign", "Campaigns"),
    ("conversation", "Conversations"),
    ("phone_number", "Phone numbers"),
    ("organisation", "Settings"),
    ("user", "Users"),
    ("api_key", "API keys"),
    ("template", "Templates"),
];

fn kind_label(entity_type: &str) -> String {
    KINDS
        .iter()
        .find(|(k, _)| *k == entity_type)
        .map_or_else(|| entity_type.replace('_', " "), |(_, l)| (*l).to_owned())
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let Some(me) = use_current_user().filter(|me| me.role.is_admin()) else {
        return view! { <section class="page admin-page"><h1>"Audit log"</h1><AdminsOnly/></section> }.into_any();
    };
    let api = use_api();
    let zone = StoredValue::new(me.office.time_zone.clone());
    let kind = RwSignal::new(None::<String>);
    let entries = Paged::<AuditEntry>::new();
    let load = move |from_start: bool| {
        let kind = kind.get_untracked();
        entries.load(from_start, move |cursor| async move {
            let page = api.audit_log(kind.as_deref(), cursor.as_deref(), PER_PAGE).await?;
            Ok((page.items, page.next_cursor))
        });
    };
    Effect::new(move || {
        kind.track();
        load(true);
    });
    view! {
        <section class="page admin-page">
            <p class="breadcrumb"><A href="/settings">"← Settings"</A></p>
            <div class="page-head">
                <h1>"Audit log"</h1>
            </div>
            <p class="muted">"Everything recorded in the organisation, newest first: who did it, to what, and the details."</p>
            <div class="toolbar">
                <div class="form-field">
                    <label for="audit-kind">"Show"</label>
                    <select id="audit-kind" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        kind.set((!value.is_empty()).then_some(value));
                    }>
                        <option value="">"Everything"</option>
                        {KINDS.iter().map(|(k, label)| view! { <option value=*k>{*label}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <section class="panel">
                <AdminTable caption="The organisation's audit log, newest first" columns=&["When", "Who", "What", "Action", "Details"]>
                    <For each=move || entries.items.get() key=|entry| entry.id let:entry>
                        <tr>
                            <td>{local_time(Some(entry.at), &zone.get_value())}</td>
                            <td>{actor_name(&entry)}</td>
                            <td>{format!("{} #{}", kind_label(&entry.entity_type), entry.entity_id)}</td>
                            <td>{action_text(&entry.action)}</td>
                            <td class="audit-details"><code>{details_text(&entry.details)}</code></td>
                        </tr>
                    </For>
                </AdminTable>
                <PagedFooter paged=entries empty="Nothing recorded yet." what="entries" load=Callback::new(load)/>
            </section>
        </section>
    }
    .into_any()
}
