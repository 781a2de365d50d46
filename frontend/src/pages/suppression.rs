//! The suppression list (`/opt-outs`, administrators): every number Tidings will not
//! text, with where it came from (the contact's STOP, staff, an integration, or a number
//! the provider said cannot receive texts) and why; adding a number with a reason,
//! lifting an entry where the rules allow, and each entry's history.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::campaign_wire::AuditEntry;
use tidings_domain::opt_out_wire::{AddOptOut, LiftOptOut, OptOut, OptOutSource, OPT_OUT_REASON_MAX};

use crate::api::{use_api, ApiError, OptOutSearch};
use crate::auth::use_current_user;
use crate::components::admin_table::AdminTable;
use crate::components::audit::{action_text, actor_name};
use crate::components::dialog::{Dialog, FormActions};
use crate::components::local_time::local_time;
use crate::components::paged::{Paged, PagedFooter};
use crate::components::phone::phone_text;
use crate::components::search_box::SearchBox;
use crate::components::text_field::TextField;
use crate::feedback::{AdminsOnly, ErrorPanel, FormState, Loading, NoticeBar};

/// Entries per request.
const PER_PAGE: u32 = 50;

/// The sources the filter offers, with the words the page uses for them.
const SOURCES: [(OptOutSource, &str); 4] = [
    (OptOutSource::Keyword, "The contact's STOP"),
    (OptOutSource::Manual, "Staff"),
    (OptOutSource::Api, "An integration"),
    (OptOutSource::Undeliverable, "Undeliverable number"),
];

fn source_label(source: OptOutSource) -> &'static str {
    SOURCES.iter().find(|(s, _)| *s == source).map_or("", |(_, label)| label)
}

/// Which dialog is open.
#[derive(Clone)]
enum Open {
    Add,
    Lift(OptOut),
    History(OptOut),
}

#[component]
pub fn SuppressionPage() -> impl IntoView {
    let Some(me) = use_current_user().filter(|me| me.role.is_admin()) else {
        return view! { <section class="page admin-page"><h1>"Suppression list"</h1><AdminsOnly/></section> }
            .into_any();
    };
    let api = use_api();
    let zone = StoredValue::new(me.office.time_zone.clone());
    let digits = RwSignal::new(String::new());
    let source = RwSignal::new(None::<OptOutSource>);
    let include_lifted = RwSignal::new(false);
    let entries = Paged::<OptOut>::new();
    let open = RwSignal::new(None::<Open>);
    let notice = RwSignal::new(None::<String>);

    let load = move |from_start: bool| {
        let search = OptOutSearch {
            digits: digits.get_untracked(),
            source: source.get_untracked(),
            include_lifted: include_lifted.get_untracked(),
        };
        entries.load(from_start, move |cursor| async move {
            let page = api.opt_out_page(&search, cursor.as_deref(), PER_PAGE).await?;
            Ok((page.items, page.next_cursor))
        });
    };
    Effect::new(move || {
        digits.track();
        source.track();
        include_lifted.track();
        load(true);
    });
    let changed = Callback::new(move |message: String| {
        open.set(None);
        notice.set(Some(message));
        load(true);
    });
    let close = Callback::new(move |()| open.set(None));

    view! {
        <section class="page admin-page">
            <div class="page-head">
                <h1>"Suppression list"</h1>
                <button type="button" class="button button-primary" on:click=move |_| open.set(Some(Open::Add))>
                    "Add a number"
                </button>
            </div>
            <p class="muted">
                "No campaign, follow-up or one-to-one text goes to a number on this list. A contact's own STOP \
                 is lifted only by their START; administrators lift the rest, with a reason."
            </p>
            <NoticeBar notice/>
            <div class="toolbar">
                <SearchBox id="opt-out-search" label="Search by phone number" class="form-field search-box" search=digits/>
                <div class="form-field">
                    <label for="opt-out-source">"Source"</label>
                    <select
                        id="opt-out-source"
                        on:change=move |ev| source.set(OptOutSource::parse(&event_target_value(&ev)))
                    >
                        <option value="">"Every source"</option>
                        {SOURCES
                            .iter()
                            .map(|(s, label)| view! { <option value=s.as_str()>{*label}</option> })
                            .collect_view()}
                    </select>
                </div>
                <label class="checkbox">
                    <input
                        type="checkbox"
                        prop:checked=move || include_lifted.get()
                        on:change=move |ev| include_lifted.set(event_target_checked(&ev))
                    />
                    " Include lifted entries"
                </label>
            </div>
            <section class="panel">
                <AdminTable
                    caption="The organisation's suppression list, newest first"
                    columns=&["Number", "Source", "Reason", "Added", "Status", "Actions"]
                >
                    <For each=move || entries.items.get() key=|entry| (entry.id, entry.lifted_at) let:entry>
                        <EntryRow entry zone=zone.get_value() open/>
                    </For>
                </AdminTable>
                <PagedFooter paged=entries empty="No number matches." what="entries" load=Callback::new(load)/>
            </section>
            {move || open.get().map(|dialog| match dialog {
                Open::Add => view! { <AddDialog on_saved=changed on_close=close/> }.into_any(),
                Open::Lift(entry) => view! { <LiftDialog entry on_saved=changed on_close=close/> }.into_any(),
                Open::History(entry) => view! { <HistoryDialog entry zone=zone.get_value() on_close=close/> }.into_any(),
            })}
        </section>
    }
    .into_any()
}

#[component]
fn EntryRow(entry: OptOut, zone: String, open: RwSignal<Option<Open>>) -> impl IntoView {
    let label = phone_text(&entry.phone);
    let added_by = entry.created_by.as_ref().map(|user| format!(" by {}", user.name));
    let reason = match (&entry.reason, &entry.campaign) {
        (Some(reason), _) => reason.clone(),
        (None, Some(campaign)) => format!("From “{}”", campaign.name),
        (None, None) => "—".to_owned(),
    };
    let status = match (entry.lifted_at, &entry.lifted_by, &entry.lift_reason) {
        (None, _, _) => view! { <span class="state-pill state-active">"On the list"</span> }.into_any(),
        (Some(at), by, why) => {
            let by = by.as_ref().map(|u| format!(" by {}", u.name)).unwrap_or_default();
            let why = why.clone().map(|why| format!(": {why}")).unwrap_or_default();
            view! { <span>"Lifted " {local_time(Some(at), &zone)} {by} {why}</span> }.into_any()
        }
    };
    let live = entry.lifted_at.is_none();
    let keyword = entry.source == OptOutSource::Keyword;
    let phone = entry.phone.clone();
    let for_lift = entry.clone();
    let for_history = entry.clone();
    view! {
        <tr>
            <th scope="row">{label}</th>
            <td>{source_label(entry.source)}</td>
            <td>{reason}</td>
            <td>{local_time(Some(entry.created_at), &zone)} {added_by}</td>
            <td>{status}</td>
            <td class="actions-cell">
                {(live && !keyword).then(|| view! {
                    <button
                        type="button"
                        class="button button-small"
                        aria-label=format!("Lift {phone}")
                        on:click=move |_| open.set(Some(Open::Lift(for_lift.clone())))
                    >
                        "Lift"
                    </button>
                })}
                {(live && keyword).then(|| view! { <span class="muted action-note">"Only their START lifts it"</span> })}
                <button
                    type="button"
                    class="button button-small"
                    aria-label=format!("History of {}", entry.phone)
                    on:click=move |_| open.set(Some(Open::History(for_history.clone())))
                >
                    "History"
                </button>
            </td>
        </tr>
    }
}

#[component]
fn AddDialog(on_saved: Callback<String>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let phone = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let form = FormState::default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let body = AddOptOut { phone: phone.get_untracked(), reason: Some(reason.get_untracked()) };
        spawn_local(async move {
            let answer = api.add_opt_out(&body).await;
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(entry) => on_saved.run(format!("{} is on the suppression list.", entry.phone)),
                Err(error) => form.refused(&error),
            }
        });
    };
    view! {
        <Dialog heading="Add a number to the suppression list" on_close>
            <form class="admin-form" on:submit=submit novalidate>
                <TextField id="opt-out-phone" label="Phone number" kind="tel" value=phone errors=form.reasons("phone")/>
                <TextField
                    id="opt-out-reason"
                    label="Reason"
                    hint="Kept with the entry, for whoever reads the list later."
                    value=reason
                    errors=form.reasons("reason")
                    maxlength=OPT_OUT_REASON_MAX
                />
                <FormActions form on_close label="Add to the list" busy_label="Adding…"/>
            </form>
        </Dialog>
    }
}

#[component]
fn LiftDialog(entry: OptOut, on_saved: Callback<String>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let reason = RwSignal::new(String::new());
    let form = FormState::default();
    let id = entry.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let body = LiftOptOut { reason: reason.get_untracked() };
        spawn_local(async move {
            let answer = api.lift_opt_out(id, &body).await;
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(entry) => on_saved.run(format!("{} may be texted again.", entry.phone)),
                Err(error) => form.refused(&error),
            }
        });
    };
    view! {
        <Dialog heading=format!("Lift {}?", entry.phone) on_close>
            <form class="admin-form" on:submit=submit novalidate>
                <p>"Campaigns and staff may text this number again. Say why; the reason is kept in its history."</p>
                <TextField
                    id="lift-reason"
                    label="Reason"
                    value=reason
                    errors=form.reasons("reason")
                    maxlength=OPT_OUT_REASON_MAX
                />
                <FormActions form on_close label="Lift" busy_label="Lifting…" danger=true/>
            </form>
        </Dialog>
    }
}

#[component]
fn HistoryDialog(entry: OptOut, zone: String, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let id = entry.id;
    let trail = LocalResource::new(move || async move { api.opt_out_audit(id).await });
    let zone = StoredValue::new(zone);
    view! {
        <Dialog heading=format!("History of {}", entry.phone) on_close>
            {move || match trail.get() {
                None => view! { <Loading label="Loading the history…"/> }.into_any(),
                Some(Ok(items)) => view! {
                    <ol class="audit-trail">
                        {items.into_iter().map(|item| view! { <li>{history_line(&item, &zone.get_value())}</li> }).collect_view()}
                    </ol>
                }
                .into_any(),
                Some(Err(error)) => view! { <HistoryFailed error trail/> }.into_any(),
            }}
            <div class="dialog-actions">
                <button type="button" class="button" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </Dialog>
    }
}

#[component]
fn HistoryFailed(error: ApiError, trail: LocalResource<Result<Vec<AuditEntry>, ApiError>>) -> impl IntoView {
    view! {
        <ErrorPanel
            title="The history could not be loaded"
            message=error.user_message()
            retry=Callback::new(move |()| trail.refetch())
        />
    }
}

/// "Added by Tidings: Twilio 30006: …" — who did what, and why, at what time.
fn history_line(item: &AuditEntry, zone: &str) -> impl IntoView {
    let (what, who) = (action_text(&item.action), actor_name(item));
    let why = item.details.get("reason").and_then(|r| r.as_str()).map(|r| format!(": {r}")).unwrap_or_default();
    view! { {local_time(Some(item.at), zone)} {format!(" — {what} by {who}{why}")} }
}
