//! Phone numbers (`/phone-numbers?office=ID`): an office's numbers, in service or
//! released; administrators add (register or provision) and release them. A number's
//! own page (`/phone-numbers/{id}`, in `number`) holds its unsolicited message settings.

mod add_number;
mod details;
mod fields;
mod number;

use leptos::prelude::*;
use leptos_router::components::A;
use tidings_domain::phone_number::{PhoneNumber, PhoneNumberStatus};

use self::add_number::AddNumberDialog;
use crate::api::use_api;
use crate::auth::use_current_user;
use crate::components::admin_table::AdminTable;
use crate::components::dialog::{ConfirmDialog, Task};
use crate::components::office_choice::{use_office_choice, OfficePicker};
use crate::components::phone::{display_phone, phone_text};
use crate::feedback::{ErrorPanel, Loading, NoticeBar};

pub use number::PhoneNumberPage;

/// Whether the signed-in user administers numbers (the API refuses everyone else).
fn is_admin() -> bool {
    use_current_user().is_some_and(|me| me.role.is_admin())
}

/// A status in words.
fn status_label(status: PhoneNumberStatus) -> &'static str {
    match status {
        PhoneNumberStatus::Active => "In service",
        PhoneNumberStatus::Released => "Released",
    }
}

/// Who receives a number's unsolicited messages, counted.
fn recipients_summary(number: &PhoneNumber) -> String {
    let (offices, people) = (number.unsolicited.office_ids.len(), number.unsolicited.user_ids.len());
    let plural = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    match (offices, people) {
        (0, 0) => "Nobody".to_owned(),
        (0, p) => plural(p, "personal inbox", "personal inboxes"),
        (o, 0) => plural(o, "office inbox", "office inboxes"),
        (o, p) => format!("{}, {}", plural(o, "office inbox", "office inboxes"), plural(p, "person", "people")),
    }
}

#[component]
pub fn PhoneNumbersPage() -> impl IntoView {
    let api = use_api();
    let office = use_office_choice();
    let status = RwSignal::new(PhoneNumberStatus::Active);
    let adding = RwSignal::new(false);
    let releasing = RwSignal::new(None::<PhoneNumber>);
    let notice = RwSignal::new(None::<String>);
    let numbers = LocalResource::new(move || {
        let (office, status) = (office.get(), status.get());
        async move { api.office_phone_numbers(office, status).await }
    });
    let admin = is_admin();

    let on_added = Callback::new(move |number: PhoneNumber| {
        adding.set(false);
        notice.set(Some(format!("“{}”, {}, was added.", number.name, display_phone(&number.e164))));
        numbers.refetch();
    });

    view! {
        <section class="page admin-page">
            <div class="page-head">
                <h1>"Phone numbers"</h1>
                <Show when=move || admin>
                    <button type="button" class="button button-primary" on:click=move |_| adding.set(true)>
                        "Add a number"
                    </button>
                </Show>
            </div>
            <NoticeBar notice/>
            <div class="toolbar">
                <OfficePicker chosen=office path="/phone-numbers"/>
                <div class="view-toggle" role="group" aria-label="Which numbers">
                    {[PhoneNumberStatus::Active, PhoneNumberStatus::Released]
                        .into_iter()
                        .map(|which| view! {
                            <button
                                type="button"
                                class="toggle"
                                aria-pressed=move || (status.get() == which).to_string()
                                on:click=move |_| status.set(which)
                            >
                                {status_label(which)}
                            </button>
                        })
                        .collect_view()}
                </div>
            </div>
            <section class="panel">
                {move || match numbers.get() {
                            None => view! { <Loading label="Loading phone numbers…"/> }.into_any(),
                            Some(Ok(items)) if items.is_empty() => view! {
                                <p class="muted empty">"This office has no numbers here."</p>
                            }
                            .into_any(),
                            Some(Ok(items)) => view! { <NumberTable items admin releasing/> }.into_any(),
                            Some(Err(error)) => view! {
                                <ErrorPanel
                                    title="The phone numbers could not be loaded"
                                    message=error.user_message()
                                    retry=Callback::new(move |()| numbers.refetch())
                                />
                            }
                            .into_any(),
                    }}
            </section>
            <Show when=move || adding.get()>
                <AddNumberDialog office on_added on_close=Callback::new(move |()| adding.set(false))/>
            </Show>
            {move || releasing.get().map(|number| {
                let id = number.id;
                let label = format!("{}, {}", number.name, display_phone(&number.e164));
                view! {
                    <ConfirmDialog
                        heading=format!("Release {label}?")
                        consequence="The number stops sending and receiving, and the provider takes it back when \
                                     Tidings knows its provider id. Campaigns that used it keep their history. \
                                     A draft, scheduled or active campaign on the number stops the release."
                        confirm_label="Release number"
                        on_close=Callback::new(move |()| releasing.set(None))
                        run=Callback::new(move |()| {
                            let label = label.clone();
                            Box::pin(async move {
                                api.release_phone_number(id).await?;
                                notice.try_set(Some(format!("{label}, was released.")));
                                numbers.refetch();
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
fn NumberTable(items: Vec<PhoneNumber>, admin: bool, releasing: RwSignal<Option<PhoneNumber>>) -> impl IntoView {
    view! {
        <AdminTable caption="Phone numbers of the office" columns=&["Name", "Number", "Kind", "Type", "Status", "Unsolicited replies go to", "Actions"]>
            {items
                .into_iter()
                .map(|number| {
                    let href = format!("/phone-numbers/{}", number.id);
                    let recipients = if number.kind == tidings_domain::campaign::PhoneNumberKind::Reusable {
                        recipients_summary(&number)
                    } else {
                        "Its campaign".to_owned()
                    };
                    let may_release = admin && number.status == PhoneNumberStatus::Active;
                    let label = format!("Release {}", number.name);
                    let (name, e164) = (number.name.clone(), number.e164.clone());
                    let (kind, number_type, status) = (number.kind, number.number_type, number.status);
                    view! {
                        <tr>
                            <td><A href=href>{name}</A></td>
                            <td class="number-cell">{phone_text(&e164)}</td>
                            <td>{kind.label()}</td>
                            <td>{number_type.label()}</td>
                            <td>{status_label(status)}</td>
                            <td>{recipients}</td>
                            <td class="actions-cell">
                                {may_release.then(|| {
                                    let number = number.clone();
                                    view! {
                                        <button
                                            type="button"
                                            class="button button-small"
                                            aria-label=label
                                            on:click=move |_| releasing.set(Some(number.clone()))
                                        >
                                            "Release"
                                        </button>
                                    }
                                })}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </AdminTable>
    }
}
