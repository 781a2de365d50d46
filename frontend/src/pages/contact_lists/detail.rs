//! One contact list (`/contact-lists/{id}`): its facts, its contacts with every
//! imported field (search, "Load more"), and deleting it.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use tidings_domain::contact_list::{Contact, ContactList};

use super::{delete_consequence, delete_list_task, display_zone, may_manage};
use crate::api::use_api;
use crate::components::dialog::ConfirmDialog;
use crate::components::local_time::local_time;
use crate::components::new_text::{may_text, NewTextDialog, TextTo};
use crate::components::paged::{PageEnd, Paged};
use crate::components::phone::phone_text;
use crate::components::search_box::SearchBox;
use crate::feedback::{ErrorPanel, Loading};

/// Contacts per page.
const CONTACTS_PER_PAGE: u32 = 100;

#[component]
pub fn ContactListPage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    let list = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api.contact_list(id).await.map(Some),
                None => Ok(None),
            }
        }
    });

    view! {
        <section class="page admin-page">
            <p class="breadcrumb"><A href="/contact-lists">"← Contact lists"</A></p>
            {move || match list.get() {
                        None => view! { <Loading label="Loading the contact list…"/> }.into_any(),
                        Some(Ok(Some(list))) => view! { <ListView list/> }.into_any(),
                        Some(Ok(None)) => view! {
                            <ErrorPanel title="No such contact list" message="The address does not name a contact list."/>
                        }
                        .into_any(),
                        Some(Err(error)) => view! {
                            <ErrorPanel
                                title="The contact list could not be loaded"
                                message=error.user_message()
                                retry=Callback::new(move |()| list.refetch())
                            />
                        }
                        .into_any(),
                }}
        </section>
    }
}

#[component]
fn ListView(list: ContactList) -> impl IntoView {
    let api = use_api();
    let navigate = use_navigate();
    let search = RwSignal::new(String::new());
    let contacts = Paged::<Contact>::new();
    let deleting = RwSignal::new(false);
    let id = list.id;
    // One-to-one texts from a row, for those who may start conversations.
    let texting = may_text();
    let texting_to = RwSignal::new(None::<TextTo>);

    let load = move |from_start: bool| {
        let search = search.get_untracked();
        contacts.load(from_start, move |cursor| async move {
            let page = api.contact_page(id, &search, cursor.as_deref(), CONTACTS_PER_PAGE).await?;
            Ok((page.items, page.next_cursor))
        });
    };
    Effect::new(move || {
        search.track();
        load(true);
    });

    let fields = StoredValue::new(list.field_names.clone());
    let summary = format!(
        "{} contacts · office {} · used by {} campaign{}",
        list.contact_count,
        list.office_name,
        list.in_use_by_campaigns,
        if list.in_use_by_campaigns == 1 { "" } else { "s" }
    );
    let consequence = delete_consequence(&list);
    let heading = format!("Delete “{}”?", list.name);
    let back = format!("/contact-lists?office={}", list.office_id);

    view! {
        <div class="page-head">
            <h1>{list.name.clone()}</h1>
            <Show when=may_manage>
                <button type="button" class="button button-danger" on:click=move |_| deleting.set(true)>
                    "Delete list"
                </button>
            </Show>
        </div>
        <p class="muted">{summary} " · created " {local_time(Some(list.created_at), &display_zone())}</p>
        <section class="panel">
            <div class="toolbar">
                <SearchBox id="contact-search" label="Search contacts by name or phone" class="form-field search-box" search/>
            </div>
            <div class="table-wrap">
                <table class="campaign-table contacts-table">
                    <caption class="visually-hidden">"Contacts, in file order"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Row"</th>
                            <th scope="col">"First name"</th>
                            <th scope="col">"Last name"</th>
                            <th scope="col">"Phone"</th>
                            {fields.get_value().into_iter().map(|name| view! { <th scope="col">{name}</th> }).collect_view()}
                            <th scope="col">"Opted out"</th>
                            {texting.then(|| view! { <th scope="col">"Actions"</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || contacts.items.get() key=|contact| contact.id let:contact>
                            <tr>
                                <td class="number-cell">{contact.row_number}</td>
                                <td>{contact.first_name.clone()}</td>
                                <td>{contact.last_name.clone()}</td>
                                <td class="number-cell">{phone_text(&contact.phone)}</td>
                                {fields
                                    .get_value()
                                    .into_iter()
                                    .map(|name| {
                                        let value = contact
                                            .fields
                                            .iter()
                                            .find(|field| field.name == name)
                                            .map(|field| field.value.clone())
                                            .unwrap_or_default();
                                        view! { <td>{value}</td> }
                                    })
                                    .collect_view()}
                                <td>{contact.opted_out.then_some("Opted out")}</td>
                                {texting.then(|| {
                                    let name = format!("{} {}", contact.first_name, contact.last_name);
                                    let to = TextTo {
                                        phone: contact.phone.clone(),
                                        first_name: contact.first_name.clone(),
                                        last_name: contact.last_name.clone(),
                                        number_id: None,
                                    };
                                    let opted_out = contact.opted_out;
                                    view! {
                                        <td class="actions-cell">
                                            <button
                                                type="button"
                                                class="button button-small"
                                                aria-label=format!("Text {}", name.trim())
                                                title=if opted_out { "Opted out: not texted" } else { "Text this contact one to one" }
                                                disabled=opted_out
                                                on:click=move |_| texting_to.set(Some(to.clone()))
                                            >
                                                "Text"
                                            </button>
                                        </td>
                                    }
                                })}
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || !contacts.loading.get() && contacts.error.read().is_none() && contacts.items.read().is_empty()>
                <p class="muted empty">"No contact matches the search."</p>
            </Show>
            <p class="muted" aria-live="polite">
                {move || format!("Showing {} of {} contacts.", contacts.items.read().len(), list.contact_count)}
            </p>
            <PageEnd
                loading=contacts.loading
                error=contacts.error
                has_more=Signal::derive(move || contacts.next.read().is_some())
                what="contacts"
                load_more=Callback::new(move |()| load(false))
                retry=Callback::new(move |()| load(contacts.items.read_untracked().is_empty()))
            />
        </section>
        {move || texting_to.get().map(|to| view! {
            <NewTextDialog to on_close=Callback::new(move |()| texting_to.set(None))/>
        })}
        <Show when=move || deleting.get()>
            <ConfirmDialog
                heading=heading.clone()
                consequence=consequence.clone()
                confirm_label="Delete list"
                on_close=Callback::new(move |()| deleting.set(false))
                run=Callback::new({
                    let navigate = navigate.clone();
                    let back = back.clone();
                    move |()| {
                        let (navigate, back) = (navigate.clone(), back.clone());
                        let task = delete_list_task(api, id);
                        Box::pin(async move {
                            task.await?;
                            navigate(&back, Default::default());
                            Ok(())
                        }) as crate::components::dialog::Task
                    }
                })
            />
        </Show>
    }
}
