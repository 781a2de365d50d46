//! Editing a reusable number's details (administrators): its name, description, office,
//! owning agent and who answers when no campaign runs on it. The API refuses moving a
//! number that a campaign still uses, and the dialog shows why.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::campaign::OperatedBy;
use tidings_domain::office::Office;
use tidings_domain::phone_number::{PhoneNumber, UpdatePhoneNumber, PHONE_NUMBER_NAME_MAX};
use tidings_domain::user::User;

use super::fields::{operator_options, owner_options, DescriptionField};
use crate::api::use_api;
use crate::components::dialog::Dialog;
use crate::components::text_field::{SelectField, TextField};
use crate::feedback::FormState;

/// The form, filled with the number's details; `on_saved` gets the saved number's name.
#[component]
pub fn NumberDetailsDialog(
    number: PhoneNumber,
    offices: Vec<Office>,
    /// The users who may own it (active); `None` when they could not be listed, in which
    /// case the owner is left as it is.
    users: Option<Vec<User>>,
    on_saved: Callback<String>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let id = number.id;
    let name = RwSignal::new(number.name.clone());
    let description = RwSignal::new(number.description.clone());
    let office = RwSignal::new(number.office_id.to_string());
    let owner = RwSignal::new(number.owner_user_id.map(|id| id.to_string()).unwrap_or_default());
    let operated_by = RwSignal::new(number.default_operated_by.as_str().to_owned());
    let form = FormState::default();

    let office_options: Vec<(String, String)> = offices.into_iter().map(|o| (o.id.to_string(), o.name)).collect();
    let owner_choices = users.map(|users| owner_options(&users, number.owner_user_id));
    let can_choose_owner = owner_choices.is_some();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let body = UpdatePhoneNumber {
            name: Some(name.get_untracked()),
            description: Some(description.get_untracked()),
            office_id: office.get_untracked().parse().ok(),
            // Always sent when the users are known: `null` removes the owner.
            owner_user_id: can_choose_owner.then(|| owner.get_untracked().parse().ok()),
            default_operated_by: OperatedBy::parse(&operated_by.get_untracked()),
        };
        spawn_local(async move {
            let answer = api.update_phone_number(id, &body).await;
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(saved) => on_saved.run(saved.name),
                Err(error) => form.refused(&error),
            }
        });
    };
    let reasons = move |field| form.reasons(field);

    view! {
        <Dialog heading=format!("Edit {}", number.name) on_close>
            <form class="admin-form" on:submit=submit novalidate>
                <TextField
                    id="number-name"
                    label="Name"
                    value=name
                    errors=reasons("name")
                    maxlength=PHONE_NUMBER_NAME_MAX
                />
                <DescriptionField value=description errors=reasons("description")/>
                <SelectField
                    id="number-office"
                    label="Office"
                    options=Signal::stored(office_options)
                    value=office
                    errors=reasons("office_id")
                />
                {owner_choices.map(|options| view! {
                    <SelectField
                        id="number-owner"
                        label="Owner"
                        options=Signal::stored(options)
                        value=owner
                        errors=reasons("owner_user_id")
                    />
                })}
                <SelectField
                    id="number-operated-by"
                    label="Answered by when no campaign runs"
                    options=operator_options()
                    value=operated_by
                    errors=reasons("default_operated_by")
                />
                {form.failure_alert()}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="button button-primary" disabled=move || form.busy.get()>
                        {move || if form.busy.get() { "Saving…" } else { "Save changes" }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
