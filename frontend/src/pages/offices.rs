//! Offices (`/offices`, administrators): the organisation's offices with their time
//! zones; creating, renaming or moving one to another zone, and deleting one (the API
//! refuses while users, numbers, lists or campaigns belong to it, and says so).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::office::{CreateOffice, Office, UpdateOffice, OFFICE_NAME_MAX};

use crate::api::use_api;
use crate::auth::use_current_user;
use crate::components::admin_table::AdminTable;
use crate::components::dialog::{ConfirmDialog, Dialog, Task};
use crate::components::local_time::local_time;
use crate::components::text_field::TextField;
use crate::feedback::AdminsOnly;
use crate::feedback::{ErrorPanel, FormState, Loading, NoticeBar};
use crate::zone_time::current_zone_names;

#[component]
pub fn OfficesPage() -> impl IntoView {
    if !use_current_user().is_some_and(|me| me.role.is_admin()) {
        return view! { <section class="page admin-page"><h1>"Offices"</h1><AdminsOnly/></section> }.into_any();
    }
    let api = use_api();
    let offices = LocalResource::new(move || async move { api.offices().await });
    // `Some(None)`: a new office; `Some(Some(office))`: editing it.
    let editing = RwSignal::new(None::<Option<Office>>);
    let deleting = RwSignal::new(None::<Office>);
    let notice = RwSignal::new(None::<String>);
    let on_saved = Callback::new(move |message: String| {
        editing.set(None);
        notice.set(Some(message));
        offices.refetch();
    });

    view! {
        <section class="page admin-page">
            <div class="page-head">
                <h1>"Offices"</h1>
                <button type="button" class="button button-primary" on:click=move |_| editing.set(Some(None))>
                    "New office"
                </button>
            </div>
            <NoticeBar notice/>
            <section class="panel">
                {move || match offices.get() {
                            None => view! { <Loading label="Loading offices…"/> }.into_any(),
                            Some(Ok(items)) => view! {
                                <AdminTable caption="Offices of the organisation" columns=&["Name", "Time zone", "Created", "Actions"]>
                                    {items
                                        .into_iter()
                                        .map(|office| {
                                            let created = local_time(Some(office.created_at), &office.time_zone);
                                            let (name, zone) = (office.name.clone(), office.time_zone.clone());
                                            let office = StoredValue::new(office);
                                            view! {
                                                <tr>
                                                    <td>{name.clone()}</td>
                                                    <td>{zone}</td>
                                                    <td>{created}</td>
                                                    <td class="actions-cell row-actions">
                                                        <button
                                                            type="button"
                                                            class="button button-small"
                                                            aria-label=format!("Edit {name}")
                                                            on:click=move |_| editing.set(Some(Some(office.get_value())))
                                                        >
                                                            "Edit"
                                                        </button>
                                                        <button
                                                            type="button"
                                                            class="button button-small"
                                                            aria-label=format!("Delete {name}")
                                                            on:click=move |_| deleting.set(Some(office.get_value()))
                                                        >
                                                            "Delete"
                                                        </button>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </AdminTable>
                            }
                            .into_any(),
                            Some(Err(error)) => view! {
                                <ErrorPanel
                                    title="The offices could not be loaded"
                                    message=error.user_message()
                                    retry=Callback::new(move |()| offices.refetch())
                                />
                            }
                            .into_any(),
                    }}
            </section>
            {move || editing.get().map(|office| view! {
                <OfficeDialog office on_saved on_close=Callback::new(move |()| editing.set(None))/>
            })}
            {move || deleting.get().map(|office| {
                let (id, name) = (office.id, office.name.clone());
                view! {
                    <ConfirmDialog
                        heading=format!("Delete {}?", office.name)
                        consequence="An office can only be deleted once no user, phone number, contact list or \
                                     campaign belongs to it."
                        confirm_label="Delete office"
                        on_close=Callback::new(move |()| deleting.set(None))
                        run=Callback::new(move |()| {
                            let name = name.clone();
                            Box::pin(async move {
                                api.delete_office(id).await?;
                                notice.try_set(Some(format!("The office {name} was deleted.")));
                                offices.refetch();
                                Ok(())
                            }) as Task
                        })
                    />
                }
            })}
        </section>
    }
    .into_any()
}

/// The form for a new office (`office` `None`) or for editing one.
#[component]
fn OfficeDialog(office: Option<Office>, on_saved: Callback<String>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let existing_id = office.as_ref().map(|o| o.id);
    let name = RwSignal::new(office.as_ref().map(|o| o.name.clone()).unwrap_or_default());
    let zone = RwSignal::new(office.as_ref().map(|o| o.time_zone.clone()).unwrap_or_default());
    let form = FormState::default();
    let heading = office.as_ref().map_or("New office".to_owned(), |o| format!("Edit {}", o.name));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let (name, time_zone) = (name.get_untracked(), zone.get_untracked());
        spawn_local(async move {
            let answer = match existing_id {
                None => api
                    .create_office(&CreateOffice { name, time_zone })
                    .await
                    .map(|office| format!("The office {} was created.", office.name)),
                Some(id) => api
                    .update_office(id, &UpdateOffice { name: Some(name), time_zone: Some(time_zone) })
                    .await
                    .map(|office| format!("The office {} ({}) was saved.", office.name, office.time_zone)),
            };
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(message) => on_saved.run(message),
                Err(error) => form.refused(&error),
            }
        });
    };
    let reasons = move |field| form.reasons(field);

    view! {
        <Dialog heading on_close>
            <form class="admin-form" on:submit=submit novalidate>
                <TextField id="office-name" label="Name" value=name errors=reasons("name") maxlength=OFFICE_NAME_MAX/>
                <TextField
                    id="office-zone"
                    label="Time zone"
                    placeholder="America/New_York"
                    suggestions="office-zones"
                    hint="An IANA zone name; campaigns of the office default to it."
                    value=zone
                    errors=reasons("time_zone")
                />
                <datalist id="office-zones">
                    {current_zone_names().into_iter().map(|z| view! { <option value=z></option> }).collect_view()}
                </datalist>
                {form.failure_alert()}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="button button-primary" disabled=move || form.busy.get()>
                        {move || match (form.busy.get(), existing_id.is_none()) {
                            (true, _) => "Saving…",
                            (false, true) => "Create office",
                            (false, false) => "Save changes",
                        }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
