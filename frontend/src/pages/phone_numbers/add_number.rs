//! Adding a reusable number to an office: register one the organisation already has at
//! the provider, or provision (buy) a new one; the API's field errors under the fields.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::campaign::OperatedBy;
use tidings_domain::phone_number::{
    CreateMode, CreatePhoneNumber, NumberType, PhoneNumber, DEFAULT_COUNTRY, PHONE_NUMBER_DESCRIPTION_MAX,
    PHONE_NUMBER_NAME_MAX,
};
use tidings_domain::FieldError;

use crate::api::use_api;
use crate::feedback::{reasons_for, FieldErrors};
use crate::pages::dialog::Dialog;
use crate::pages::text_field::TextField;

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
    let number_type = RwSignal::new(NumberType::LongCode);
    let provider_sid = RwSignal::new(String::new());
    let country = RwSignal::new(DEFAULT_COUNTRY.to_owned());
    let area_code = RwSignal::new(String::new());
    let operated_by = RwSignal::new(OperatedBy::Agent);
    let owner = RwSignal::new(None::<i64>);
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let users = LocalResource::new(move || async move { api.users().await });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let register = mode.get_untracked() == CreateMode::Register;
        let body = CreatePhoneNumber {
            mode: mode.get_untracked(),
            name: name.get_untracked(),
            description: given(description.get_untracked()),
            office_id: office.get_untracked(),
            owner_user_id: owner.get_untracked(),
            default_operated_by: Some(operated_by.get_untracked()),
            e164: if register { given(e164.get_untracked()) } else { None },
            number_type: register.then(|| number_type.get_untracked()),
            provider_sid: if register { given(provider_sid.get_untracked()) } else { None },
            country: given(country.get_untracked()),
            area_code: if register { None } else { given(area_code.get_untracked()) },
        };
        busy.set(true);
        errors.set(Vec::new());
        failure.set(None);
        spawn_local(async move {
            let answer = api.create_phone_number(&body).await;
            // The dialog may have been closed, or its page left, meanwhile.
            if busy.try_get_untracked().is_none() {
                return;
            }
            match answer {
                Ok(number) => on_added.run(number),
                Err(error) => {
                    let fields = error.field_errors();
                    if fields.is_empty() {
                        failure.set(Some(error.user_message()));
                    }
                    errors.try_set(fields);
                    busy.try_set(false);
                }
            }
        });
    };
    let reasons = move |field: &'static str| Signal::derive(move || errors.with(|e| reasons_for(e, field)));
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
                <div class="form-field">
                    <label for="number-description">"Description (optional)"</label>
                    <textarea
                        id="number-description"
                        rows="2"
                        maxlength=PHONE_NUMBER_DESCRIPTION_MAX.to_string()
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))
                    ></textarea>
                    <FieldErrors id="number-description-errors" reasons=reasons("description")/>
                </div>
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
                    <div class="form-field">
                        <label for="number-type">"Number type"</label>
                        <select
                            id="number-type"
                            on:change=move |ev| {
                                if let Some(t) = NumberType::parse(&event_target_value(&ev)) {
                                    number_type.set(t);
                                }
                            }
                        >
                            {NumberType::ALL
                                .into_iter()
                                .map(|t| view! {
                                    <option value=t.as_str() prop:selected=move || number_type.get() == t>{t.label()}</option>
                                })
                                .collect_view()}
                        </select>
                        <FieldErrors id="number-type-errors" reasons=reasons("number_type")/>
                    </div>
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
                <div class="form-field">
                    <label for="number-owner">"Owning agent (optional)"</label>
                    <select
                        id="number-owner"
                        on:change=move |ev| owner.set(event_target_value(&ev).parse::<i64>().ok())
                    >
                        <option value="" prop:selected=move || owner.get().is_none()>"Nobody"</option>
                        {move || {
                            users
                                .get()
                                .and_then(Result::ok)
                                .unwrap_or_default()
                                .into_iter()
                                .filter(|user| user.active)
                                .map(|user| {
                                    let id = user.id;
                                    view! {
                                        <option value=id.to_string() prop:selected=move || owner.get() == Some(id)>
                                            {user.name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                    <FieldErrors id="number-owner-errors" reasons=reasons("owner_user_id")/>
                </div>
                <div class="form-field">
                    <label for="number-operated-by">"When no campaign runs on it, conversations are answered by"</label>
                    <select
                        id="number-operated-by"
                        on:change=move |ev| {
                            if let Some(by) = OperatedBy::parse(&event_target_value(&ev)) {
                                operated_by.set(by);
                            }
                        }
                    >
                        {[OperatedBy::Agent, OperatedBy::Assistant]
                            .into_iter()
                            .map(|by| view! {
                                <option value=by.as_str() prop:selected=move || operated_by.get() == by>{by.label()}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <FieldErrors id="number-office-errors" reasons=reasons("office_id")/>
                {move || failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Adding…" } else { "Add number" }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
