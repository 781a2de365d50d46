//! The last step: a review of the settings and what is still missing, then Launch now,
//! Schedule (with the 30-minute rule shown before submitting) or Save as draft.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use tidings_domain::campaign::{
    earliest_launch, CampaignAction, CampaignState, OperatedBy, LAUNCH_LOCK, MIN_SCHEDULE_LEAD,
};
use tidings_domain::campaign_wire::{Campaign, NumberChoice};
use tidings_domain::office::Office;
use tidings_domain::texting_hours::TextingWindow;

use super::cost::CostEstimateLine;
use super::draft::{Draft, FieldErrors};
use super::steps::{scroll_to_top, Step};
use crate::api::{use_api, Api, ApiError};
use crate::components::campaign_links::{campaign_href, use_pending_outcome, Outcome};
use crate::components::dialog::Dialog;
use crate::components::phone::display_phone;
use crate::zone_time::{format_local, instant_of_local, local_date_time, now};

/// What the user asked the wizard to do with the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finish {
    SaveDraft,
    LaunchNow,
    Schedule(DateTime<Utc>),
}

#[component]
pub fn FinishStep(draft: Draft, offices: Vec<Office>) -> impl IntoView {
    let api = use_api();
    let navigate = use_navigate();
    let pending_outcome = use_pending_outcome();
    // Where to go once done; set from the submit task, followed here where the router is.
    let go_to = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(href) = go_to.get() {
            navigate(&href, NavigateOptions::default());
        }
    });
    let busy = RwSignal::new(false);
    let confirming_launch = RwSignal::new(false);
    let readiness = Memo::new(move |_| draft.readiness());
    let scheduled = move || draft.state.get() == CampaignState::Scheduled;

    let finish = move |how: Finish| {
        busy.set(true);
        draft.failure.set(None);
        draft.errors.set(Vec::new());
        spawn_local(async move {
            let result = run(api, draft, how).await;
            busy.set(false);
            match result {
                Ok((campaign, tab)) => {
                    pending_outcome.leave(done_outcome(&campaign, how));
                    go_to.set(Some(format!("/campaigns?tab={tab}")));
                }
                Err(message) => {
                    draft.failure.set(Some(message));
                    // Send the user to the first step with a refused field.
                    // `try_`: the user may have left the wizard while it saved.
                    let first = draft
                        .errors
                        .try_with_untracked(|errors| {
                            Step::all(false)
                                .into_iter()
                                .find(|step| errors.iter().any(|e| Step::of_field(&e.field) == *step))
                        })
                        .flatten();
                    if let Some(step) = first.filter(|step| *step != Step::Finish) {
                        draft.step.set(step);
                    }
                    scroll_to_top();
                }
            }
        });
    };
    let finish = Callback::new(finish);

    view! {
        <section class="panel wizard-panel" aria-labelledby="step-heading">
            <h2 id="step-heading">{move || if scheduled() { "Review and save" } else { "Review and launch" }}</h2>
            <Review draft offices/>
            <div class="readiness" role="status">
                {move || {
                    let readiness = readiness.get();
                    if readiness.ready {
                        view! { <p class="notice notice-success">"Ready to launch."</p> }.into_any()
                    } else {
                        view! {
                            <div class="notice-warning">
                                <p>"Before it can launch or be scheduled, it still needs:"</p>
                                <ul class="missing">
                                    {readiness.missing.into_iter().map(|m| view! { <li>{m.label}</li> }).collect_view()}
                                </ul>
                                <p class="hint">"You can save it as a draft meanwhile."</p>
                            </div>
                        }
                        .into_any()
                    }
                }}
            </div>
            <Show
                when=scheduled
                fallback=move || view! {
                    <div class="finish-actions">
                        <section class="finish-option" aria-labelledby="launch-now-heading">
                            <h3 id="launch-now-heading">"Launch now"</h3>
                            <p>"The first message goes out to every contact on the list straight away."</p>
                            <button
                                type="button"
                                class="button button-primary"
                                disabled=move || busy.get() || !readiness.get().ready
                                title=move || (!readiness.get().ready).then(|| format!("Still needed: {}", readiness.get().missing_labels()))
                                on:click=move |_| confirming_launch.set(true)
                            >
                                "Launch now"
                            </button>
                        </section>
                        <ScheduleOption draft busy ready=Signal::derive(move || readiness.get().ready) finish/>
                        <section class="finish-option" aria-labelledby="save-draft-heading">
                            <h3 id="save-draft-heading">"Save as draft"</h3>
                            <p>"Keep it in the Draft tab to finish, launch or schedule later."</p>
                            <button
                                type="button"
                                class="button"
                                disabled=move || busy.get()
                                on:click=move |_| finish.run(Finish::SaveDraft)
                            >
                                {move || if busy.get() { "Saving…" } else { "Save as draft" }}
                            </button>
                        </section>
                    </div>
                }
            >
                <div class="finish-actions">
                    <section class="finish-option">
                        <p>
                            {move || {
                                let zone = draft.time_zone.get();
                                let when = draft.scheduled_at.get().and_then(|at| format_local(at, &zone)).map(|(t, _)| t);
                                format!(
                                    "Scheduled to launch at {} ({zone}). Saving keeps that launch time.",
                                    when.unwrap_or_default()
                                )
                            }}
                        </p>
                        <button
                            type="button"
                            class="button button-primary"
                            disabled=move || busy.get()
                            on:click=move |_| finish.run(Finish::SaveDraft)
                        >
                            {move || if busy.get() { "Saving…" } else { "Save changes" }}
                        </button>
                    </section>
                </div>
            </Show>
            <Show when=move || confirming_launch.get()>
                <LaunchDialog draft confirming_launch on_confirm=Callback::new(move |()| {
                    confirming_launch.set(false);
                    finish.run(Finish::LaunchNow);
                })/>
            </Show>
        </section>
    }
}

/// Saves the campaign, then launches or schedules it. Answers the saved campaign and the
/// Campaigns tab to show it in, or the sentence to show; field refusals land in the
/// draft's errors.
async fn run(api: Api, draft: Draft, how: Finish) -> Result<(Campaign, &'static str), String> {
    let saved = match draft.id.get_untracked() {
        Some(id) => api.update_campaign(id, &draft.update_body()).await,
        None => api.create_campaign(&draft.create_body()).await,
    };
    let saved = saved.map_err(|error| refusal(draft, "The campaign was not saved", &error))?;
    // From here on a retry updates this campaign instead of creating another.
    draft.id.set(Some(saved.id));
    let tab_of = |campaign: &Campaign| campaign.state.as_str();
    match how {
        Finish::SaveDraft => Ok((saved.clone(), tab_of(&saved))),
        Finish::LaunchNow => match api.campaign_action(saved.id, CampaignAction::Launch).await {
            Ok(launched) => Ok((launched.clone(), tab_of(&launched))),
            Err(error) => Err(refusal(draft, "Saved as a draft, but not launched", &error)),
        },
        Finish::Schedule(launch_at) => match api.schedule_campaign(saved.id, launch_at).await {
            Ok(scheduled) => Ok((scheduled.clone(), tab_of(&scheduled))),
            Err(error) => Err(refusal(draft, "Saved as a draft, but not scheduled", &error)),
        },
    }
}

/// Records the API's field reasons in the draft and words the failure.
fn refusal(draft: Draft, what: &str, error: &ApiError) -> String {
    let fields = error.field_errors();
    if fields.is_empty() {
        return format!("{what}: {}", error.user_message());
    }
    let mut steps: Vec<&str> = Vec::new();
    for field in &fields {
        let label = Step::of_field(&field.field).label();
        if !steps.contains(&label) {
            steps.push(label);
        }
    }
    draft.errors.set(fields);
    format!("{what}: some settings need attention (see {}).", steps.join(", "))
}

fn done_outcome(campaign: &Campaign, how: Finish) -> Outcome {
    let title = &campaign.title;
    let message = match how {
        Finish::SaveDraft if campaign.state == CampaignState::Scheduled => format!("“{title}” is saved."),
        Finish::SaveDraft => format!("“{title}” is saved as a draft."),
        Finish::LaunchNow => format!("“{title}” has launched."),
        Finish::Schedule(_) => format!("“{title}” is scheduled."),
    };
    Outcome::Done { message, link: Some((campaign_href(campaign), "Open the campaign".to_owned())) }
}

/// The schedule form: a local date and time in the campaign's zone, with the rule.
#[component]
fn ScheduleOption(draft: Draft, busy: RwSignal<bool>, ready: Signal<bool>, finish: Callback<Finish>) -> impl IntoView {
    // The clock moves on while the page is open, and with it the earliest launch time.
    let clock = RwSignal::new(now());
    if let Ok(handle) = set_interval_with_handle(move || clock.set(now()), std::time::Duration::from_secs(15)) {
        on_cleanup(move || handle.clear());
    }
    let zone = move || draft.time_zone.get();
    let (date, time) = default_launch(draft.launch_on.get_untracked(), &draft.time_zone.get_untracked());
    let date = RwSignal::new(date);
    let time = RwSignal::new(time);
    let launch_at = Memo::new(move |_| instant_of_local(NaiveDateTime::new(date.get()?, time.get()?), &zone()));
    let earliest = move || earliest_launch(clock.get());
    let too_soon = move || launch_at.get().is_some_and(|at| at < earliest());
    // A launch outside the campaign's texting hours is allowed but flagged: its
    // messages would wait for them.
    let api = use_api();
    let organisation = LocalResource::new(move || async move { api.organisation().await.ok() });
    let window = move || {
        let organisation = organisation.get().flatten().and_then(|o| o.texting_hours.window().ok());
        let narrowed = draft.texting_hours.get().and_then(|hours| hours.window().ok());
        organisation.unwrap_or(TextingWindow::DEFAULT).narrowed_by(narrowed)
    };
    let outside_hours = move || time.get().is_some_and(|at| !window().contains(at));
    let earliest_text = move || format_local(earliest(), &zone()).map(|(t, _)| t).unwrap_or_default();

    view! {
        <section class="finish-option" aria-labelledby="schedule-heading">
            <h3 id="schedule-heading">"Schedule"</h3>
            <p class="schedule-rule" id="schedule-rule">
                {move || format!(
                    "The launch time must be at least {} minutes from now: the earliest is {} ({}). A scheduled \
                     campaign cannot be edited or cancelled within {} hour of its launch.",
                    MIN_SCHEDULE_LEAD.num_minutes(),
                    earliest_text(),
                    zone(),
                    LAUNCH_LOCK.num_hours(),
                )}
            </p>
            <div class="schedule-fields">
                <div class="form-field">
                    <label for="launch-date">"Launch date"</label>
                    <input
                        id="launch-date"
                        type="date"
                        aria-describedby="schedule-rule launch-at-errors"
                        prop:value=move || date.get().map(|d| d.to_string()).unwrap_or_default()
                        on:input=move |ev| date.set(NaiveDate::parse_from_str(&event_target_value(&ev), "%Y-%m-%d").ok())
                    />
                </div>
                <div class="form-field">
                    <label for="launch-time">{move || format!("Launch time ({})", zone())}</label>
                    <input
                        id="launch-time"
                        type="time"
                        aria-describedby="schedule-rule launch-at-errors"
                        prop:value=move || time.get().map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
                        on:input=move |ev| time.set(NaiveTime::parse_from_str(&event_target_value(&ev), "%H:%M").ok())
                    />
                </div>
            </div>
            <Show when=too_soon>
                <p class="field-errors" role="alert">
                    {move || format!(
                        "That is less than {} minutes from now. Choose {} or later.",
                        MIN_SCHEDULE_LEAD.num_minutes(),
                        earliest_text()
                    )}
                </p>
            </Show>
            {move || outside_hours().then(|| view! {
                <p class="notice notice-warning texting-hours-warning" role="status">
                    {format!(
                        "That is outside texting hours ({} in {}): messages wait until the hours open on \
                         each contact's clock. Choose a time inside them.",
                        window().describe(),
                        zone(),
                    )}
                </p>
            })}
            <FieldErrors id="launch-at-errors" reasons=Signal::derive(move || draft.errors_for("launch_at"))/>
            <button
                type="button"
                class="button"
                disabled=move || busy.get() || !ready.get() || launch_at.get().is_none() || too_soon()
                title=move || (!ready.get()).then_some("Not ready to launch yet: see what is still needed above.")
                on:click=move |_| {
                    if let Some(at) = launch_at.get_untracked() {
                        finish.run(Finish::Schedule(at));
                    }
                }
            >
                "Schedule"
            </button>
        </section>
    }
}

/// The date and time the schedule form starts at: the date chosen on the calendar at
/// 09:00, or else the next quarter hour that is an hour away.
fn default_launch(launch_on: Option<NaiveDate>, zone: &str) -> (Option<NaiveDate>, Option<NaiveTime>) {
    if let Some(date) = launch_on {
        return (Some(date), NaiveTime::from_hms_opt(9, 0, 0));
    }
    let Some(local) = local_date_time(now() + TimeDelta::hours(1), zone) else {
        return (None, None);
    };
    let past_quarter = i64::from(local.minute() % 15) * 60 + i64::from(local.second());
    let rounded = if past_quarter == 0 { local } else { local + TimeDelta::seconds(15 * 60 - past_quarter) };
    (Some(rounded.date()), Some(rounded.time()))
}

/// A summary of every setting, as it will be saved.
#[component]
fn Review(draft: Draft, offices: Vec<Office>) -> impl IntoView {
    let office = move || {
        let id = draft.office_id.get();
        offices.iter().find(|o| Some(o.id) == id).map(|o| o.name.clone()).unwrap_or_else(|| "Not chosen".to_owned())
    };
    // The review names the very number (its name and digits), not just its kind.
    let api = crate::api::use_api();
    let reusable = LocalResource::new(move || {
        let (office, number) = (draft.office_id.get(), draft.number.get());
        async move {
            let (Some(office), Some(NumberChoice::Reusable { id })) = (office, number) else {
                return None;
            };
            let numbers =
                api.phone_numbers(Some(office), tidings_domain::campaign::PhoneNumberKind::Reusable).await.ok()?;
            numbers
                .into_iter()
                .find(|n| n.id == id)
                .map(|n| format!("{}, {}, reusable", n.name, display_phone(&n.e164)))
        }
    });
    let number = move || match draft.number.get() {
        Some(NumberChoice::Reusable { .. }) => match reusable.get() {
            None => "A reusable number of the office…".to_owned(),
            Some(Some(named)) => named,
            Some(None) => "A reusable number that the office no longer offers: choose another".to_owned(),
        },
        Some(NumberChoice::SingleUse) => "A new single-use number, provisioned at launch".to_owned(),
        None => "Not chosen".to_owned(),
    };
    let operator = move || match draft.operated_by.get() {
        OperatedBy::Agent => match draft.agent_ids.read().len() {
            0 => "Agents (none chosen yet)".to_owned(),
            1 => "Agents (1 agent)".to_owned(),
            n => format!("Agents ({n} agents)"),
        },
        OperatedBy::Assistant => match draft.script.read().rules.len() {
            1 => "Virtual Assistant (1 rule)".to_owned(),
            n => format!("Virtual Assistant ({n} rules)"),
        },
    };
    view! {
        <dl class="settings review">
            <dt>"Title"</dt>
            <dd>{move || draft.title.get()}</dd>
            <dt>"Office"</dt>
            <dd>{office}</dd>
            <dt>"Time zone"</dt>
            <dd>{move || draft.time_zone.get()}</dd>
            <dt>"Tags"</dt>
            <dd>{move || { let tags = draft.tags.get(); if tags.is_empty() { "None".to_owned() } else { tags.join(", ") } }}</dd>
            <dt>"Contact list"</dt>
            <dd>
                {move || draft.contact_list.get().map_or("Not chosen".to_owned(), |l| format!("{} ({} contacts)", l.name, l.contact_count))}
            </dd>
            <dt>"Number"</dt>
            <dd>{number}</dd>
            <dt>"Message"</dt>
            <dd class="message-template">
                {move || draft.message.get()}
                {move || draft.append_opt_out.get().then(|| view! { <span class="muted">" + opt-out language"</span> })}
            </dd>
            <dt>"Operated by"</dt>
            <dd>{operator}</dd>
            <dt>"Texting hours"</dt>
            <dd>
                {move || draft.texting_hours.get().map_or("The organisation's".to_owned(), |h| format!("{}–{} (narrowed for this campaign)", h.opens, h.closes))}
            </dd>
            <dt>"Cost"</dt>
            <dd><CostEstimateLine draft/></dd>
        </dl>
    }
}

/// Asks before texting a whole list; focus starts on Cancel.
#[component]
fn LaunchDialog(draft: Draft, confirming_launch: RwSignal<bool>, on_confirm: Callback<()>) -> impl IntoView {
    let list = draft.contact_list.get_untracked().map_or("the contact list".to_owned(), |l| format!("“{}”", l.name));
    let cancel = Callback::new(move |()| confirming_launch.set(false));
    view! {
        <Dialog heading=format!("Launch “{}” now?", draft.title.get_untracked()) on_close=cancel>
            <p>{format!("The first message goes out to every contact on {list} straight away.")}</p>
            <div class="dialog-actions">
                <button type="button" class="button" on:click=move |_| cancel.run(())>
                    "Cancel"
                </button>
                <button type="button" class="button button-primary" on:click=move |_| on_confirm.run(())>
                    "Launch"
                </button>
            </div>
        </Dialog>
    }
}
