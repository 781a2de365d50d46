//! Organisation settings (`/settings`, administrators): the texting hours every
//! campaign keeps, on each contact's own clock (a narrower window applies at once to
//! messages still waiting), the automatic answers to HELP and to an opt-out, and the
//! prices per segment the cost estimate uses.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use tidings_domain::organisation_wire::{
    OrganisationSettings, SegmentPriceList, TextingHours, UpdateOrganisationSettings,
};
use tidings_domain::segments::segment_info;

use crate::api::{use_api, Api};
use crate::auth::use_current_user;
use crate::components::segment_counter::SegmentCounter;
use crate::components::text_field::TextField;
use crate::feedback::{AdminsOnly, ErrorPanel, FieldErrors, FormState, Loading, NoticeBar};

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
                <div class="page-head-actions">
                    <A href="/api-keys" attr:class="button">"API keys"</A>
                    <A href="/audit-log" attr:class="button">"Audit log"</A>
                </div>
            </div>
            <NoticeBar notice/>
            {move || match settings.get() {
                None => view! { <Loading label="Loading the settings…"/> }.into_any(),
                Some(Ok(current)) => view! {
                    <TextingHoursForm current=current.clone() notice/>
                    <RepliesForm current=current.clone() notice/>
                    <SegmentPricesForm current notice/>
                }
                .into_any(),
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

/// Sends one form's part of the settings; the notice says what was saved (`said` reads
/// the settings as saved), a refusal goes under the form's fields.
fn save(
    api: Api,
    form: FormState,
    notice: RwSignal<Option<String>>,
    body: UpdateOrganisationSettings,
    said: impl FnOnce(&OrganisationSettings) -> String + 'static,
) {
    spawn_local(async move {
        let answer = api.update_organisation(&body).await;
        if !form.is_open() {
            return;
        }
        match answer {
            Ok(saved) => {
                form.busy.set(false);
                notice.set(Some(said(&saved)));
            }
            Err(error) => form.refused(&error),
        }
    });
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
        Ok(window) => format!(
            "Campaign messages go out between {} and {} on each contact's clock.",
            window.opens_text(),
            window.closes_text()
        ),
        Err(error) => error.reason,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let hours = TextingHours {
            opens: opens.get_untracked().trim().to_owned(),
            closes: closes.get_untracked().trim().to_owned(),
        };
        let body = UpdateOrganisationSettings { texting_hours: Some(hours), ..UpdateOrganisationSettings::default() };
        save(api, form, notice, body, |saved| {
            let hours = &saved.texting_hours;
            format!("Texting hours saved: {}–{}.", hours.opens, hours.closes)
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

/// The price of one SMS segment by number type, for the cost estimate before launch.
#[component]
fn SegmentPricesForm(current: OrganisationSettings, notice: RwSignal<Option<String>>) -> impl IntoView {
    let api = use_api();
    let prices = current.segment_prices;
    let long_code = RwSignal::new(prices.long_code);
    let toll_free = RwSignal::new(prices.toll_free);
    let short_code = RwSignal::new(prices.short_code);
    let form = FormState::default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let prices = SegmentPriceList {
            long_code: long_code.get_untracked().trim().to_owned(),
            toll_free: toll_free.get_untracked().trim().to_owned(),
            short_code: short_code.get_untracked().trim().to_owned(),
        };
        let body = UpdateOrganisationSettings { segment_prices: Some(prices), ..UpdateOrganisationSettings::default() };
        save(api, form, notice, body, |_| "Prices per segment saved.".to_owned());
    };
    view! {
        <section class="panel" aria-labelledby="prices-heading">
            <h2 id="prices-heading">"Prices per segment"</h2>
            <p class="hint">
                "What one SMS segment costs in US dollars, by the type of number it is sent from. The wizard \
                 multiplies it by the segments of every eligible contact's message to estimate a campaign's cost \
                 before launch. The default is Twilio's US list price; carrier fees are not included."
            </p>
            <form class="admin-form" on:submit=submit novalidate>
                <div class="schedule-fields">
                    <TextField id="price-long-code" label="Long code ($)" value=long_code errors=form.reasons("segment_prices.long_code") maxlength=10/>
                    <TextField id="price-toll-free" label="Toll-free ($)" value=toll_free errors=form.reasons("segment_prices.toll_free") maxlength=10/>
                    <TextField id="price-short-code" label="Short code ($)" value=short_code errors=form.reasons("segment_prices.short_code") maxlength=10/>
                </div>
                {form.failure_alert()}
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || form.busy.get()>
                        {move || if form.busy.get() { "Saving…" } else { "Save prices" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// The automatic answers to HELP and to an opt-out, each with its segment count as
/// written (at most two segments).
#[component]
fn RepliesForm(current: OrganisationSettings, notice: RwSignal<Option<String>>) -> impl IntoView {
    let api = use_api();
    let help = RwSignal::new(current.help_reply);
    let opt_out = RwSignal::new(current.opt_out_reply);
    let language = RwSignal::new(current.opt_out_language);
    let form = FormState::default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.begin();
        let body = UpdateOrganisationSettings {
            help_reply: Some(help.get_untracked()),
            opt_out_reply: Some(opt_out.get_untracked()),
            opt_out_language: Some(language.get_untracked()),
            ..UpdateOrganisationSettings::default()
        };
        save(api, form, notice, body, |_| "Automatic replies saved.".to_owned());
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      hint: &'static str,
                      value: RwSignal<String>,
                      api_field: &'static str| {
        view! {
            <div class="form-field">
                <label for=id>{label}</label>
                <textarea
                    id=id
                    rows="3"
                    aria-describedby=format!("{id}-errors")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                ></textarea>
                <p class="hint">{hint}</p>
                <SegmentCounter info=Signal::derive(move || segment_info(&value.get()))/>
                <FieldErrors id=format!("{id}-errors") reasons=form.reasons(api_field)/>
            </div>
        }
    };
    view! {
        <section class="panel" aria-labelledby="replies-heading">
            <h2 id="replies-heading">"Automatic replies"</h2>
            <p class="hint">"Sent by Tidings itself, at most two segments each, and the opt-out language of first messages."</p>
            <form class="admin-form" on:submit=submit novalidate>
                {field("help-reply", "Answer to HELP", "Sent when a contact texts HELP or INFO.", help, "help_reply")}
                {field(
                    "opt-out-reply",
                    "Opt-out confirmation",
                    "Sent once when a contact opts out; say how to opt back in (START).",
                    opt_out,
                    "opt_out_reply",
                )}
                {field(
                    "opt-out-language",
                    "Opt-out language for first messages",
                    "Added on its own line to a campaign's first message when the campaign asks for it; at most 80 \
                     characters, and it must say how to opt out (“Reply STOP to opt out.”).",
                    language,
                    "opt_out_language",
                )}
                {form.failure_alert()}
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || form.busy.get()>
                        {move || if form.busy.get() { "Saving…" } else { "Save replies" }}
                    </button>
                </div>
            </form>
        </section>
    }
}
