//! The Contact list step: choose one of the office's lists, or upload a CSV file.

use leptos::prelude::*;
use tidings_domain::contact_list::ContactList;

use super::draft::{Draft, FieldErrors};
use crate::api::use_api;
use crate::components::csv_import::CsvUpload;
use crate::feedback::{ErrorPanel, Loading};
use crate::zone_time::format_local;

/// How many of the office's lists the chooser shows (newest first); search finds others.
const LISTS_SHOWN: u32 = 50;

/// Which half of the step is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Existing,
    Upload,
}

#[component]
pub fn ContactListStep(draft: Draft) -> impl IntoView {
    let source = RwSignal::new(Source::Existing);
    view! {
        <section class="panel wizard-panel" aria-labelledby="step-heading">
            <h2 id="step-heading">"Contact list"</h2>
            <p>
                {move || match draft.contact_list.get() {
                    Some(list) => format!("Chosen: {} ({} contacts).", list.name, list.contact_count),
                    None => "No contact list chosen yet.".to_owned(),
                }}
            </p>
            <FieldErrors id="contact-list-errors" reasons=Signal::derive(move || draft.errors_for("contact_list_id"))/>
            <div class="view-toggle" role="group" aria-label="Contact list source">
                <button
                    type="button"
                    class="toggle"
                    aria-pressed=move || (source.get() == Source::Existing).to_string()
                    on:click=move |_| source.set(Source::Existing)
                >
                    "Choose an existing list"
                </button>
                <button
                    type="button"
                    class="toggle"
                    aria-pressed=move || (source.get() == Source::Upload).to_string()
                    on:click=move |_| source.set(Source::Upload)
                >
                    "Upload a CSV file"
                </button>
            </div>
            {move || match source.get() {
                Source::Existing => {
                    // A file chosen in the upload form is left behind: nothing is pending.
                    draft.pending_upload.set(None);
                    view! { <ListChooser draft/> }.into_any()
                }
                Source::Upload => view! {
                    <CsvUpload
                        office_id=draft.office_id
                        on_uploaded=Callback::new(move |list| {
                            draft.pending_upload.set(None);
                            draft.contact_list.set(Some(list));
                        })
                        on_chosen=Callback::new(move |file| draft.pending_upload.set(file))
                        for_campaign=true
                    />
                }
                .into_any(),
            }}
        </section>
    }
}

/// The office's lists as radio buttons, newest first, with a name search.
#[component]
fn ListChooser(draft: Draft) -> impl IntoView {
    let api = use_api();
    let search = RwSignal::new(String::new());
    let lists = LocalResource::new(move || {
        let (office, search) = (draft.office_id.get(), search.get());
        async move {
            match office {
                Some(office) => api.contact_lists(office, search.trim(), LISTS_SHOWN).await.map(|page| page.items),
                None => Ok(Vec::new()),
            }
        }
    });
    let zone = move || draft.time_zone.get();

    view! {
        <div class="search list-search">
            <label for="contact-list-search">"Search lists by name"</label>
            <input
                id="contact-list-search"
                type="search"
                prop:value=move || search.get()
                on:change=move |ev| search.set(event_target_value(&ev))
            />
        </div>
        <Transition fallback=|| view! { <Loading label="Loading contact lists…"/> }>
            {move || Suspend::new(async move {
                match lists.await {
                    Ok(items) if items.is_empty() => view! {
                        <p class="muted">"This office has no contact lists that match. Upload a CSV file instead."</p>
                    }
                    .into_any(),
                    Ok(items) => view! {
                        <fieldset class="list-choices">
                            <legend class="visually-hidden">"Contact lists"</legend>
                            {items.into_iter().map(|list| view! { <ListChoice draft list zone=zone()/> }).collect_view()}
                        </fieldset>
                    }
                    .into_any(),
                    Err(error) => view! {
                        <ErrorPanel
                            title="The contact lists could not be loaded"
                            message=error.user_message()
                            retry=Callback::new(move |()| lists.refetch())
                        />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ListChoice(draft: Draft, list: ContactList, zone: String) -> impl IntoView {
    let id = list.id;
    let input_id = format!("contact-list-{id}");
    let fields = if list.field_names.is_empty() { "none".to_owned() } else { list.field_names.join(", ") };
    let created = format_local(list.created_at, &zone).map(|(text, _)| text).unwrap_or_default();
    let summary = format!("{} contacts · other fields: {fields} · imported {created}", list.contact_count);
    let name = list.name.clone();
    let list = StoredValue::new(list);
    view! {
        <div class="list-choice">
            <input
                type="radio"
                name="contact-list"
                id=input_id.clone()
                prop:checked=move || draft.contact_list.with(|chosen| chosen.as_ref().map(|l| l.id) == Some(id))
                on:change=move |_| draft.contact_list.set(Some(list.get_value()))
            />
            <label for=input_id>
                <span class="list-name">{name}</span>
                <span class="muted list-summary">{summary}</span>
            </label>
        </div>
    }
}
