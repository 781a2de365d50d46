//! Adding a reusable number to an office: register one the organisation already has at
//! the provider, or provision (buy) a new one; the API's field errors under the fields.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::campaign::OperatedBy;
use tidings_domain::phone_number::{
    CreateMode, CreatePhoneNumber, NumberType, PhoneNumber, DEFAULT_COUNTRY, PHONE_NUMBER_NAME_MAX,
};

use super::fields::{operator_options, owner_options, DescriptionField};
use crate::api::use_api;
use crate::components::dialog::Dialog;
use crate::components::text_field::{SelectField, TextField};
use crate::feedback::{FieldErrors, FormState};

/// Text typed into the form, trimmed; `None` when blank.
fn given(text: String) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[component]
pub fn AddNumberDialog(office: Memo<i64>, on_added: Callback<PhoneNumber>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let mode = RwSignal::new(CreateMode::Register);
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let e164 = RwSignal::new(String::new());
    let number_type = RwSignal::new(NumberType::LongCode.as_str().to_owned());
    let provider_sid = RwSignal::new(String::new());
    let country = RwSignal::new(DEFAULT_COUNTRY.to_owned());
    let area_code = RwSignal::new(String::new());
    let operated_by = RwSignal::new(OperatedBy::Agent.as_str().to_owned());
    // The owner's id, empty for nobody.
    let owner = RwSignal::new(String::new());
    let form = FormState::default();
    let users = LocalResource::new(move || async move { api.users().await });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let register = mode.get_untracked() == CreateMode::Register;
        let body = CreatePhoneNumber {
            mode: mode.get_untracked(),
            name: name.get_untracked(),
            description: given(description.get_untracked()),
            office_id: office.get_untracked(),
            owner_user_id: owner.get_untracked().parse().ok(),
            default_operated_by: OperatedBy::parse(&operated_by.get_untracked()),
            e164: if register { given(e164.get_untracked()) } else { None },
            number_type: if register { NumberType::parse(&number_type.get_untracked()) } else { None },
            provider_sid: if register { given(provider_sid.get_untracked()) } else { None },
            country: given(country.get_untracked()),
            area_code: if register { None } else { given(area_code.get_untracked()) },
        };
        form.begin();
        spawn_local(async move {
            let answer = api.create_phone_number(&body).await;
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(number) => on_added.run(number),
                Err(error) => form.refused(&error),
            }
        });
    };
    let reasons = move |field| form.reasons(field);
    let registering = move || mode.get() == CreateMode::Register;

    view! {
        <Dialog heading="Add a phone number" on_close>
            <form class="admin-form" on:submit=submit novalidate>
                <fieldset class="radio-group">
                    <legend>"How"</legend>
                    <div class="radio">
                        <input
                            type="radio"
                            id="number-mode-register"
                            name="number-mode"
                            prop:checked=registering
                            on:change=move |_| mode.set(CreateMode::Register)
                        />
                        <label for="number-mode-register">"Register a number the organisation already has"</label>
                    </div>
                    <div class="radio">
                        <input
                            type="radio"
                            id="number-mode-provision"
                            name="number-mode"
                            prop:checked=move || !registering()
                            on:change=move |_| mode.set(CreateMode::Provision)
                        />
                        <label for="number-mode-provision">"Provision a new number from the provider"</label>
                    </div>
                </fieldset>
                <TextField id="number-name" label="Name" value=name errors=reasons("name") maxlength=PHONE_NUMBER_NAME_MAX/>
                <DescriptionField value=description errors=reasons("description")/>
                <Show
                    when=registering
                    fallback=move || view! {
                        <TextField id="number-area-code" label="Preferred area code (optional)" value=area_code errors=reasons("area_code") maxlength=3/>
                    }
                >
                    <TextField
                        id="number-e164"
                        label="Number"
                        kind="tel"
                        placeholder="+14155550100"
                        hint="E.164, or the national format of the country below; a short code's digits."
                        value=e164
                        errors=reasons("e164")
                    />
                    <SelectField
                        id="number-type"
                        label="Number type"
                        options=NumberType::ALL.map(|t| (t.as_str().to_owned(), t.label().to_owned())).to_vec()
                        value=number_type
                        errors=reasons("number_type")
                    />
                    <TextField
                        id="number-provider-sid"
                        label="Provider id (optional)"
                        placeholder="PN…"
                        hint="With it, releasing the number also gives it back to the provider."
                        value=provider_sid
                        errors=reasons("provider_sid")
                    />
                </Show>
                <TextField id="number-country" label="Country" value=country errors=reasons("country") maxlength=2/>
                <SelectField
                    id="number-owner"
                    label="Owning agent (optional)"
                    options=Signal::derive(move || {
                        owner_options(&users.get().and_then(Result::ok).unwrap_or_default(), None)
                    })
                    value=owner
                    errors=reasons("owner_user_id")
                />
                <SelectField
                    id="number-operated-by"
                    label="When no campaign runs on it, conversations are answered by"
                    options=operator_options()
                    value=operated_by
                    errors=Signal::default()
                />
                <FieldErrors id="number-office-errors" reasons=reasons("office_id")/>
                {form.failure_alert()}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="button button-primary" disabled=move || form.busy.get()>
                        {move || if form.busy.get() { "Adding…" } else { "Add number" }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
