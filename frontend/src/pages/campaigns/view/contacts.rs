//! The campaign view's Contacts tab: every contact of the campaign's list with every
//! imported field, when it was created, whether its message was delivered (and why
//! not), and two actions per row: opt out and SMS preview. Searchable by name or phone,
//! paged with "Load more", and downloadable as CSV.

mod dialogs;
mod row;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::campaign_contact_wire::{CampaignContact, CampaignContactPage};
use tidings_domain::campaign_wire::Campaign;

use super::super::icons;
use crate::api::use_api;
use crate::components::download::{DownloadButton, TextTask};
use crate::components::new_text::{may_text, NewTextDialog, TextTo};
use crate::components::search_box::SearchBox;
use crate::feedback::{ErrorPanel, Loading};
use dialogs::{OptOutDialog, SmsPreviewDialog};
use row::{full_name, ContactRow};

/// Rows per request.
const PAGE_SIZE: u32 = 50;

#[component]
pub fn ContactsTab(campaign: Campaign) -> impl IntoView {
    let api = use_api();
    let id = campaign.id;
    let zone = StoredValue::new(campaign.time_zone.clone());
    // A one-to-one text from here goes from the campaign's number when it is reusable.
    let number_id = campaign
        .phone_number
        .as_ref()
        .filter(|n| n.kind == tidings_domain::campaign::PhoneNumberKind::Reusable)
        .and_then(|n| n.id);
    let search = RwSignal::new(String::new());
    let first_page = LocalResource::new(move || {
        let search = search.get();
        async move { api.campaign_contacts(id, &search, None, PAGE_SIZE).await.map(|page| (search, page)) }
    });
    // While a new search loads, the old rows stay under an "Updating…" line.
    let pending = RwSignal::new(false);

    view! {
        <section class="contacts-tab" aria-labelledby="contacts-heading">
            <div class="toolbar">
                <h2 id="contacts-heading" class="visually-hidden">"Contacts"</h2>
                <SearchBox
                    id="contact-search"
                    label="Search contacts by name or phone number"
                    placeholder="Search by name or phone number"
                    hidden_label=true
                    search
                />
                <CsvDownload campaign_id=id search/>
            </div>
            <p class="updating" role="status" aria-live="polite">
                {move || pending.get().then_some("Updating…")}
            </p>
            <Transition fallback=|| view! { <Loading label="Loading contacts…"/> } set_pending=pending.write_only()>
                {move || Suspend::new(async move {
                    match first_page.await {
                        Ok((search, page)) => view! { <ContactTable campaign_id=id zone search page number_id/> }.into_any(),
                        Err(error) => view! {
                            <ErrorPanel
                                title="The contacts could not be loaded"
                                message=error.user_message()
                                retry=Callback::new(move |()| first_page.refetch())
                            />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// "Download CSV": the rows the search matches, every page of them.
#[component]
fn CsvDownload(campaign_id: i64, search: RwSignal<String>) -> impl IntoView {
    let api = use_api();
    let fetch = Callback::new(move |()| {
        let search = search.get_untracked();
        Box::pin(async move { api.campaign_contacts_csv(campaign_id, &search).await }) as TextTask
    });
    view! {
        <DownloadButton
            label="Download CSV"
            busy_label="Preparing CSV…"
            what="The CSV"
            file_name=format!("campaign-{campaign_id}-contacts.csv")
            mime="text/csv;charset=utf-8"
            fetch
        >
            {icons::download()}
        </DownloadButton>
    }
}

/// The rows of one search: the first page, then each page "Load more" adds.
#[component]
fn ContactTable(
    campaign_id: i64,
    zone: StoredValue<String>,
    search: String,
    page: CampaignContactPage,
    number_id: Option<i64>,
) -> impl IntoView {
    let api = use_api();
    let CampaignContactPage { field_names, items, next_cursor } = page;
    let rows = RwSignal::new(items);
    let cursor = RwSignal::new(next_cursor);
    let loading_more = RwSignal::new(false);
    let more_error = RwSignal::new(None::<String>);
    let previewing = RwSignal::new(None::<CampaignContact>);
    let opting_out = RwSignal::new(None::<CampaignContact>);
    let notice = RwSignal::new(None::<String>);
    let search = StoredValue::new(search);

    let load_more = move || {
        let Some(after) = cursor.get_untracked() else { return };
        loading_more.set(true);
        more_error.set(None);
        spawn_local(async move {
            let search = search.get_value();
            let result = api.campaign_contacts(campaign_id, &search, Some(&after), PAGE_SIZE).await;
            loading_more.set(false);
            match result {
                Ok(page) => {
                    rows.update(|rows| rows.extend(page.items));
                    cursor.set(page.next_cursor);
                }
                Err(e) => more_error.set(Some(e.user_message())),
            }
        });
    };
    let opted_out = Callback::new(move |updated: CampaignContact| {
        notice.set(Some(format!("{} is opted out.", full_name(&updated))));
        rows.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|row| row.id == updated.id) {
                *row = updated;
            }
        });
        opting_out.set(None);
    });
    let preview = Callback::new(move |contact| previewing.set(Some(contact)));
    let texting_to = RwSignal::new(None::<TextTo>);
    let text = may_text().then(|| {
        Callback::new(move |contact: CampaignContact| {
            texting_to.set(Some(TextTo {
                phone: contact.phone,
                first_name: contact.first_name,
                last_name: contact.last_name,
                number_id,
            }));
        })
    });
    let opt_out = Callback::new(move |contact| {
        notice.set(None);
        opting_out.set(Some(contact));
    });

    let columns = 7 + field_names.len();
    let headings = ["First Name", "Last Name", "Phone Number"]
        .into_iter()
        .map(str::to_owned)
        .chain(field_names)
        .chain(["Created", "Delivered", "Failed Reason", "Actions"].into_iter().map(str::to_owned));

    view! {
        <p class="contacts-notice" role="status" aria-live="polite">{move || notice.get()}</p>
        <div class="table-wrap contacts-wrap">
            <table class="campaign-table contacts-table">
                <thead>
                    <tr>{headings.map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    // Redrawn as a whole when a page is added or a row changes: the rows are
                    // rebuilt in place, which keeps their elements (and the focus on
                    // them) and costs less wasm than a keyed list.
                    {move || {
                        rows.get()
                            .into_iter()
                            .map(|contact| view! { <ContactRow contact zone preview opt_out text/> })
                            .collect_view()
                    }}
                    {move || rows.read().is_empty().then(|| view! {
                        <tr>
                            <td colspan=columns class="empty">"No contacts match."</td>
                        </tr>
                    })}
                </tbody>
            </table>
        </div>
        <div class="pager">
            <span class="pager-range">
                {move || match (rows.read().len(), cursor.read().is_some()) {
                    (1, false) => "1 contact".to_owned(),
                    (n, false) => format!("{n} contacts"),
                    (n, true) => format!("{n} contacts shown; more to load"),
                }}
            </span>
            {move || cursor.read().is_some().then(|| view! {
                <button type="button" class="button" disabled=move || loading_more.get() on:click=move |_| load_more()>
                    {move || if loading_more.get() { "Loading…" } else { "Load more" }}
                </button>
            })}
        </div>
        {move || more_error.get().map(|message| view! {
            <ErrorPanel
                title="More contacts could not be loaded"
                message
                retry=Callback::new(move |()| load_more())
            />
        })}
        {move || texting_to.get().map(|to| view! {
            <NewTextDialog to on_close=Callback::new(move |()| texting_to.set(None))/>
        })}
        {move || previewing.get().map(|contact| view! {
            <SmsPreviewDialog campaign_id contact on_close=Callback::new(move |()| previewing.set(None))/>
        })}
        {move || opting_out.get().map(|contact| view! {
            <OptOutDialog
                campaign_id
                contact
                on_close=Callback::new(move |()| opting_out.set(None))
                on_done=opted_out
            />
        })}
    }
}
