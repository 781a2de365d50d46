//! Organisation settings (`/settings`, administrators): the texting hours every
//! campaign keeps, on each contact's own clock. A narrower window applies at once to
//! messages still waiting.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tidings_domain::organisation_wire::{OrganisationSettings, TextingHours, UpdateOrganisationSettings};

use crate::api::use_api;
use crate::auth::use_current_user;
use crate::components::text_field::TextField;
use crate::feedback::{AdminsOnly, ErrorPanel, FormState, Loading, NoticeBar};

#[component]
pub fn SettingsPage() -> impl IntoView {
    if !use_current_user().is_some_and(|me| me.role.is_admin()) {
        return view! { <section class="page admin-page"><h1>"Settings"</h1><AdminsOnly/></section> }.into_any();
    }
    let api = use_api();
    let settings = LocalResource::new(move || async move { api.organisation().await });
    let notice = RwSignal::new(None::<String>);
    view! {
        <section class="page admin-page settings-page">
            <div class="page-head">
                <h1>"Settings"</h1>
            </div>
            <NoticeBar notice/>
            {move || match settings.get() {
                None => view! { <Loading label="Loading the settings…"/> }.into_any(),
                Some(Ok(current)) => view! { <TextingHoursForm current notice/> }.into_any(),
                Some(Err(error)) => view! {
                    <ErrorPanel
                        title="The settings could not be loaded"
                        message=error.user_message()
                        retry=Callback::new(move |()| settings.refetch())
                    />
                }
                .into_any(),
            }}
        </section>
    }
    .into_any()
}

/// The organisation's texting window.
#[component]
fn TextingHoursForm(current: OrganisationSettings, notice: RwSignal<Option<String>>) -> impl IntoView {
    let api = use_api();
    let opens = RwSignal::new(current.texting_hours.opens.clone());
    let closes = RwSignal::new(current.texting_hours.closes.clone());
    let form = FormState::default();
    // Checked as the API will, so a typo is named before anything is sent.
    let preview = move || match (TextingHours { opens: opens.get(), closes: closes.get() }).window() {
        Ok(window) => format!("Campaign messages go out between {} on each contact's clock.", window.describe()),
        Err(error) => error.reason,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let hours = TextingHours {
            opens: opens.get_untracked().trim().to_owned(),
            closes: closes.get_untracked().trim().to_owned(),
        };
        spawn_local(async move {
            let answer = api.update_organisation(&UpdateOrganisationSettings { texting_hours: Some(hours) }).await;
            if !form.is_open() {
                return;
            }
            match answer {
                Ok(saved) => {
                    form.busy.set(false);
                    let hours = saved.texting_hours;
                    notice.set(Some(format!("Texting hours saved: {}–{}.", hours.opens, hours.closes)));
                }
                Err(error) => form.refused(&error),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="texting-hours-heading">
            <h2 id="texting-hours-heading">"Texting hours"</h2>
            <p class="hint">
                "Campaign messages, and a text that opens a conversation, reach a contact only inside these hours on \
                 the contact's own clock (a time-zone column of the list, else the phone's area code, else the \
                 campaign's zone); the rest wait until they open. Replies to a contact who wrote are never held. \
                 A campaign may narrow these hours."
            </p>
            <form class="admin-form" on:submit=submit novalidate>
                <div class="schedule-fields">
                    <TextField
                        id="texting-opens"
                        label="Texting hours open"
                        placeholder="08:00"
                        hint="HH:MM"
                        value=opens
                        errors=form.reasons("texting_hours.opens")
                        maxlength=5
                    />
                    <TextField
                        id="texting-closes"
                        label="Texting hours close"
                        placeholder="21:00"
                        hint="HH:MM; 24:00 is the end of the day"
                        value=closes
                        errors=form.reasons("texting_hours.closes")
                        maxlength=5
                    />
                </div>
                <p class="texting-hours-preview" role="status">{preview}</p>
                {form.failure_alert()}
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || form.busy.get()>
                        {move || if form.busy.get() { "Saving…" } else { "Save texting hours" }}
                    </button>
                </div>
            </form>
        </section>
    }
}
