//! Contact lists (`/contact-lists?office=ID`): an office's lists with search and "Load
//! more", uploading a new one from CSV (the wizard's upload, column mapping and import
//! report), deleting one; and a list's contacts (`/contact-lists/{id}`, in `detail`).

mod detail;

use leptos::prelude::*;
use leptos_router::components::A;
use tidings_domain::contact_list::ContactList;

use crate::api::{use_api, Api};
use crate::auth::use_current_user;
use crate::components::admin_table::AdminTable;
use crate::components::csv_import::CsvUpload;
use crate::components::dialog::{ConfirmDialog, Task};
use crate::components::local_time::local_time;
use crate::components::office_choice::{use_office_choice, OfficePicker};
use crate::components::paged::{PageEnd, Paged};
use crate::components::search_box::SearchBox;
use crate::feedback::NoticeBar;

pub use detail::ContactListPage;

/// Lists per page.
const LISTS_PER_PAGE: u32 = 50;

/// Whether the signed-in user may upload and delete lists (the API refuses limited users).
fn may_manage() -> bool {
    use_current_user().is_some_and(|me| me.role.manages_campaigns())
}

/// The user's own office's zone: list dates are shown in it, with the zone on hover.
fn display_zone() -> String {
    use_current_user().map(|me| me.office.time_zone).unwrap_or_else(|| "UTC".to_owned())
}

/// The deletion dialog's task, shared by the page and a list's own page.
pub fn delete_list_task(api: Api, id: i64) -> Task {
    Box::pin(async move { api.delete_contact_list(id).await })
}

/// What deleting a list does, for the confirmation.
pub fn delete_consequence(list: &ContactList) -> String {
    format!(
        "Its {} contacts are deleted with it, and draft campaigns that use it lose their contact list. \
         A list used by a scheduled, active or archived campaign cannot be deleted.",
        list.contact_count
    )
}

#[component]
pub fn ContactListsPage() -> impl IntoView {
    let api = use_api();
    let office = use_office_choice();
    let search = RwSignal::new(String::new());
    let lists = Paged::<ContactList>::new();
    let uploading = RwSignal::new(false);
    let deleting = RwSignal::new(None::<ContactList>);
    let notice = RwSignal::new(None::<String>);
    let zone = StoredValue::new(display_zone());
    let may_manage = may_manage();

    let load = move |from_start: bool| {
        let (office, search) = (office.get_untracked(), search.get_untracked());
        lists.load(from_start, move |cursor| async move {
            let page = api.contact_list_page(office, &search, cursor.as_deref(), LISTS_PER_PAGE).await?;
            Ok((page.items, page.next_cursor))
        });
    };
    Effect::new(move || {
        office.track();
        search.track();
        load(true);
    });

    let on_uploaded = Callback::new(move |_| load(true));
    let close_delete = Callback::new(move |()| deleting.set(None));

    view! {
        <section class="page admin-page">
            <div class="page-head">
                <h1>"Contact lists"</h1>
                <Show when=move || may_manage>
                    <button
                        type="button"
                        class="button button-primary"
                        aria-expanded=move || uploading.get().to_string()
                        aria-controls="upload-panel"
                        on:click=move |_| uploading.update(|open| *open = !*open)
                    >
                        {move || if uploading.get() { "Close the upload" } else { "Upload a list" }}
                    </button>
                </Show>
            </div>
            <NoticeBar notice/>
            <div class="toolbar">
                <OfficePicker chosen=office path="/contact-lists"/>
                <SearchBox id="contact-list-search" label="Search lists by name" class="form-field search-box" search/>
            </div>
            <Show when=move || uploading.get()>
                <section class="panel" id="upload-panel" aria-labelledby="upload-heading">
                    <h2 id="upload-heading">"Upload a new list"</h2>
                    <CsvUpload office_id=Signal::derive(move || Some(office.get())) on_uploaded for_campaign=false/>
                </section>
            </Show>
            <section class="panel">
                <AdminTable caption="Contact lists of the office, newest first" columns=&["Name", "Contacts", "Other fields", "Used by", "Created", "Actions"]>
                    <For each=move || lists.items.get() key=|list| list.id let:list>
                        <ListRow list zone=zone.get_value() may_manage deleting/>
                    </For>
                </AdminTable>
                <Show when=move || !lists.loading.get() && lists.error.read().is_none() && lists.items.read().is_empty()>
                    <p class="muted empty">
                        {move || if search.read().is_empty() {
                            "This office has no contact lists yet."
                        } else {
                            "No list of this office matches the search."
                        }}
                    </p>
                </Show>
                <PageEnd
                    loading=lists.loading
                    error=lists.error
                    has_more=Signal::derive(move || lists.next.read().is_some())
                    what="contact lists"
                    load_more=Callback::new(move |()| load(false))
                    retry=Callback::new(move |()| load(lists.items.read_untracked().is_empty()))
                />
            </section>
            {move || deleting.get().map(|list| {
                let (id, name) = (list.id, list.name.clone());
                view! {
                    <ConfirmDialog
                        heading=format!("Delete “{}”?", list.name)
                        consequence=delete_consequence(&list)
                        confirm_label="Delete list"
                        on_close=close_delete
                        run=Callback::new(move |()| {
                            let name = name.clone();
                            let task = delete_list_task(api, id);
                            Box::pin(async move {
                                task.await?;
                                // Unless the page was left meanwhile.
                                if notice.try_set(Some(format!("The list “{name}” was deleted."))).is_none() {
                                    load(true);
                                }
                                Ok(())
                            }) as Task
                        })
                    />
                }
            })}
        </section>
    }
}

#[component]
fn ListRow(
    list: ContactList,
    zone: String,
    may_manage: bool,
    deleting: RwSignal<Option<ContactList>>,
) -> impl IntoView {
    let href = format!("/contact-lists/{}", list.id);
    let fields = if list.field_names.is_empty() { "—".to_owned() } else { list.field_names.join(", ") };
    let used_by = match list.in_use_by_campaigns {
        0 => "No campaign".to_owned(),
        1 => "1 campaign".to_owned(),
        n => format!("{n} campaigns"),
    };
    let label = format!("Delete {}", list.name);
    let name = list.name.clone();
    let created = list.created_at;
    let count = list.contact_count;
    let list = StoredValue::new(list);
    view! {
        <tr>
            <td><A href=href>{name}</A></td>
            <td class="number-cell">{count}</td>
            <td>{fields}</td>
            <td>{used_by}</td>
            <td>{local_time(Some(created), &zone)}</td>
            <td class="actions-cell">
                <Show when=move || may_manage>
                    <button
                        type="button"
                        class="button button-small"
                        aria-label=label.clone()
                        on:click=move |_| deleting.set(Some(list.get_value()))
                    >
                        "Delete"
                    </button>
                </Show>
            </td>
        </tr>
    }
}
