//! A one-to-one text: from a reusable number the user may text from, to a phone typed
//! in or taken from a contact (a contact list's row, a campaign's Contacts tab), with
//! the template library at hand. Sent, it opens the conversation in the user's inbox
//! (it is assigned to them). The API refuses an opted-out contact, saying why.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use tidings_domain::campaign::PhoneNumberKind;
use tidings_domain::conversation_wire::StartConversation;
use tidings_domain::segments::segment_info;
use tidings_domain::template::{render, MergeFields};
use tidings_domain::template_wire::MessageTemplate;

use crate::api::use_api;
use crate::auth::use_current_user;
use crate::components::dialog::Dialog;
use crate::components::phone::display_phone;
use crate::components::segment_counter::SegmentCounter;
use crate::components::template_picker::TemplatePicker;
use crate::components::text_field::{SelectField, TextField};
use crate::feedback::{FieldErrors, FormState};

/// Whom the text goes to, as far as the page knows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextTo {
    pub phone: String,
    pub first_name: String,
    pub last_name: String,
    /// The number to text from, when the page has one (a campaign's reusable number).
    pub number_id: Option<i64>,
}

/// Whether the signed-in user may start conversations (administrative and standard
/// users with the messaging permission).
pub fn may_text() -> bool {
    use_current_user().is_some_and(|me| me.two_way_messaging && me.role.manages_campaigns())
}

/// The dialog; `on_close` runs when it is dismissed or the text was sent.
#[component]
pub fn NewTextDialog(to: TextTo, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let navigate = use_navigate();
    // The active reusable numbers of the offices the user sees (the API's own rule).
    let numbers = LocalResource::new(move || async move { api.phone_numbers(None, PhoneNumberKind::Reusable).await });
    let from = RwSignal::new(to.number_id.map(|id| id.to_string()).unwrap_or_default());
    // The first number once they load, unless one was given.
    Effect::new(move |_| {
        if from.read_untracked().is_empty() {
            if let Some(Ok(list)) = numbers.get() {
                if let Some(first) = list.first() {
                    from.set(first.id.to_string());
                }
            }
        }
    });
    let options = Signal::derive(move || {
        numbers
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|n| (n.id.to_string(), format!("{} · {}", n.name, display_phone(&n.e164))))
            .collect::<Vec<_>>()
    });
    let office_of = move || {
        let chosen = from.get().parse::<i64>().ok()?;
        numbers.get()?.ok()?.into_iter().find(|n| n.id == chosen).map(|n| n.office_id)
    };
    let phone = RwSignal::new(to.phone.clone());
    let first_name = RwSignal::new(to.first_name.clone());
    let last_name = RwSignal::new(to.last_name.clone());
    let body = RwSignal::new(String::new());
    let info = Signal::derive(move || segment_info(&body.get()));
    let form = FormState::default();
    let fill = Callback::new(move |template: MessageTemplate| {
        let merge = MergeFields::for_contact(
            &first_name.get_untracked(),
            &last_name.get_untracked(),
            &phone.get_untracked(),
            std::iter::empty::<(&str, &str)>(),
        );
        body.set(render(&template.body, &merge));
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(phone_number_id) = from.get_untracked().parse::<i64>() else { return };
        form.begin();
        let text = StartConversation {
            phone_number_id,
            to: phone.get_untracked(),
            first_name: Some(first_name.get_untracked()).filter(|n| !n.trim().is_empty()),
            last_name: Some(last_name.get_untracked()).filter(|n| !n.trim().is_empty()),
            body: body.get_untracked(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = api.start_conversation(&text).await;
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(detail) => {
                    on_close.run(());
                    let id = detail.conversation.id;
                    navigate(
                        &format!("/inbox?view=mine&tab=participating&conversation={id}"),
                        NavigateOptions::default(),
                    );
                }
                Err(error) => form.refused(&error),
            }
        });
    };

    view! {
        <Dialog heading="New text" on_close>
            <form class="admin-form new-text" on:submit=submit novalidate>
                {move || match numbers.get() {
                    Some(Ok(list)) if list.is_empty() => Some(view! {
                        <p class="alert" role="alert">"No reusable number of your offices can text. Ask an administrator for one."</p>
                    }.into_any()),
                    Some(Err(error)) => Some(view! { <p class="alert" role="alert">{error.user_message()}</p> }.into_any()),
                    _ => None,
                }}
                <SelectField id="new-text-from" label="From" options value=from errors=form.reasons("phone_number_id")/>
                <TextField id="new-text-to" label="To" kind="tel" hint="A phone number, such as (212) 555-0100 or +44 20 7946 0000." value=phone errors=form.reasons("to")/>
                <div class="form-row">
                    <TextField id="new-text-first-name" label="First name (optional)" value=first_name errors=form.reasons("first_name")/>
                    <TextField id="new-text-last-name" label="Last name (optional)" value=last_name errors=form.reasons("last_name")/>
                </div>
                <div class="form-field">
                    <div class="label-row">
                        <label for="new-text-body">"Message"</label>
                        <TemplatePicker
                            label="Use a template"
                            office_id=Signal::derive(office_of)
                            fits=Callback::new(|_: MessageTemplate| None)
                            pick=fill
                        />
                    </div>
                    <textarea
                        id="new-text-body"
                        rows="4"
                        aria-describedby="new-text-body-errors"
                        prop:value=move || body.get()
                        on:input=move |ev| body.set(event_target_value(&ev))
                    ></textarea>
                    <FieldErrors id="new-text-body-errors" reasons=form.reasons("body")/>
                    <SegmentCounter info/>
                    <p class="hint">"The first message waits for the contact's texting hours."</p>
                </div>
                {form.failure_alert()}
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="button button-primary" disabled=move || form.busy.get() || from.read().is_empty()>
                        {move || if form.busy.get() { "Sending…" } else { "Send text" }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
