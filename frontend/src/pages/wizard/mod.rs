//! The campaign creation wizard (`/campaigns/new`, `?launch_on=YYYY-MM-DD` from the
//! Scheduled calendar) and the same wizard editing a draft (`/campaigns/{id}/edit`).
//!
//! Steps: start (new only), general, contact list, number, message, operator, then
//! launch now, schedule or save as draft. Nothing is saved until the last step, except
//! a contact list uploaded on the way and a campaign started from a previous one.
//!
//! The address names the current step (`?step=`), so an edited draft reloads on the
//! step it was on. The draft lives in the page: moving between steps never leaves it.

mod assistant_script;
mod contact_list;
mod cost;
mod draft;
mod finish;
mod general;
mod message;
mod number;
mod operator;
mod start;
mod steps;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use tidings_domain::campaign::CampaignAction;
use tidings_domain::office::Office;

use self::contact_list::ContactListStep;
use self::draft::Draft;
use self::finish::FinishStep;
use self::general::GeneralStep;
use self::message::MessageStep;
use self::number::NumberStep;
use self::operator::OperatorStep;
use self::start::StartStep;
use self::steps::{step_address, Step, StepButtons, StepList};
use crate::api::{use_api, ApiError};
use crate::auth::use_current_user;
use crate::components::campaign_links::{campaign_href, use_pending_outcome, Outcome};
use crate::feedback::{ErrorPanel, Loading};

/// The `launch_on` date the Scheduled calendar's add button passes.
fn launch_on() -> Memo<Option<NaiveDate>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("launch_on").and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
}

/// The step the address names (`?step=`), if any.
fn address_step() -> Memo<Option<Step>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("step").and_then(|slug| Step::from_slug(&slug)))
}

/// `/campaigns/new`: a new campaign, in the user's office.
#[component]
pub fn NewCampaignPage() -> impl IntoView {
    let api = use_api();
    let me = use_current_user();
    let launch_on = launch_on();
    let offices = LocalResource::new(move || async move { api.offices().await });
    view! {
        <section class="page wizard-page">
            <p class="breadcrumb"><A href="/campaigns">"← Campaigns"</A></p>
            <h1>"New campaign"</h1>
            <Transition fallback=|| view! { <Loading label="Loading the wizard…"/> }>
                {move || {
                    let me = me.clone();
                    Suspend::new(async move {
                        match (offices.await, me) {
                            // The API refuses them too; saying so now spares filling in every step.
                            (Ok(_), Some(me)) if !me.role.manages_campaigns() => view! {
                                <ErrorPanel
                                    title="You cannot create campaigns"
                                    message="Limited users can view campaigns but not create them."
                                />
                            }
                            .into_any(),
                            (Ok(offices), Some(me)) => {
                                let zone = offices
                                    .iter()
                                    .find(|o| o.id == me.office.id)
                                    .map_or(me.office.time_zone.clone(), |o| o.time_zone.clone());
                                // A new campaign's work is not saved until its last step: a
                                // step in the address (a reload) starts at the beginning.
                                let draft = Draft::new(me.office.id, zone, launch_on.get_untracked(), Step::Start);
                                view! { <Wizard draft offices with_start=true/> }.into_any()
                            }
                            (Err(error), _) => view! {
                                <ErrorPanel
                                    title="The wizard could not be opened"
                                    message=error.user_message()
                                    retry=Callback::new(move |()| offices.refetch())
                                />
                            }
                            .into_any(),
                            (Ok(_), None) => view! {
                                <ErrorPanel title="The wizard could not be opened" message="Your account is not loaded."/>
                            }
                            .into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// `/campaigns/{id}/edit`: a draft (or a scheduled campaign outside the hour before its
/// launch) in the same wizard.
#[component]
pub fn EditCampaignPage() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let launch_on = launch_on();
    // Editing has no Start step.
    let address_step = address_step().get_untracked().filter(|step| *step != Step::Start);
    let id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    let loaded = LocalResource::new(move || {
        let id = id.get();
        async move {
            let Some(id) = id else { return Ok(None) };
            let campaign = api.campaign(id).await?;
            let list = match &campaign.contact_list {
                Some(list) => Some(api.contact_list(list.id).await?),
                None => None,
            };
            let offices = api.offices().await?;
            Ok::<_, ApiError>(Some((campaign, list, offices)))
        }
    });
    view! {
        <section class="page wizard-page">
            <p class="breadcrumb"><A href="/campaigns">"← Campaigns"</A></p>
            <Transition fallback=|| view! { <Loading label="Loading the campaign…"/> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(Some((campaign, list, offices))) => {
                            let edit = campaign.actions.iter().find(|a| a.action == CampaignAction::Edit);
                            if let Some(refused) = edit.filter(|a| !a.enabled) {
                                let reason = refused.reason.clone().unwrap_or_default();
                                return view! {
                                    <h1>{campaign.title.clone()}</h1>
                                    <ErrorPanel title="This campaign cannot be edited now" message=reason/>
                                    <A href=campaign_href(&campaign)>"View the campaign"</A>
                                }
                                .into_any();
                            }
                            if edit.is_none() {
                                return view! {
                                    <h1>{campaign.title.clone()}</h1>
                                    <ErrorPanel
                                        title="This campaign cannot be edited"
                                        message=format!("A {} campaign is no longer edited.", campaign.state.label().to_lowercase())
                                    />
                                    <A href=campaign_href(&campaign)>"View the campaign"</A>
                                }
                                .into_any();
                            }
                            // The saved campaign, on the step the address names.
                            let draft = Draft::from_campaign(&campaign, list, launch_on.get_untracked());
                            if let Some(step) = address_step {
                                draft.step.set(step);
                            }
                            view! {
                                <h1>{move || format!("Edit “{}”", draft.title.get())}</h1>
                                <Wizard draft offices with_start=false/>
                            }
                            .into_any()
                        }
                        Ok(None) => view! {
                            <ErrorPanel title="No such campaign" message="The address does not name a campaign."/>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorPanel
                                title="The campaign could not be loaded"
                                message=error.user_message()
                                retry=Callback::new(move |()| loaded.refetch())
                            />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The step list, the failure of the last submit, the current step and Back/Next.
#[component]
fn Wizard(draft: Draft, offices: Vec<Office>, with_start: bool) -> impl IntoView {
    // A campaign started from a previous one arrives here with a word about it.
    let notice = RwSignal::new(use_pending_outcome().take());
    draft.forget_errors_when_changed();
    let edit_query = draft.launch_on.get_untracked().map(|d| format!("?launch_on={d}")).unwrap_or_default();
    let offices = StoredValue::new(offices);
    address_follows_step(draft);
    let step = move || match draft.step.get() {
        Step::Start => view! { <StartStep draft edit_query=edit_query.clone()/> }.into_any(),
        Step::General => view! { <GeneralStep draft offices=offices.get_value()/> }.into_any(),
        Step::ContactList => view! { <ContactListStep draft/> }.into_any(),
        Step::Number => view! { <NumberStep draft/> }.into_any(),
        Step::Message => view! { <MessageStep draft/> }.into_any(),
        Step::Operator => view! { <OperatorStep draft/> }.into_any(),
        Step::Finish => view! { <FinishStep draft offices=offices.get_value()/> }.into_any(),
    };
    view! {
        <div class="wizard">
            <StepList draft with_start/>
            {move || notice.get().map(|outcome| {
                let (message, class) = match outcome {
                    Outcome::Done { message, .. } => (message, "notice notice-success"),
                    Outcome::Failed(message) => (message, "notice notice-warning"),
                };
                view! {
                    <div class=class role="status">
                        <span>{message}</span>
                        <button type="button" class="link-button dismiss" on:click=move |_| notice.set(None)>"Dismiss"</button>
                    </div>
                }
            })}
            {move || draft.failure.get().map(|message| view! { <p class="alert wizard-failure" role="alert">{message}</p> })}
            {step}
            <Show when=move || draft.step.get() != Step::Start>
                <StepButtons draft with_start/>
            </Show>
        </div>
    }
}

/// Keeps the address on the current step (`?step=`), replacing it, so a reload of an
/// edited draft returns to the same step.
fn address_follows_step(draft: Draft) {
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        let step = draft.step.get();
        let target = step_address(&location.pathname.get_untracked(), step, draft.launch_on.get_untracked());
        let search = location.search.get_untracked();
        let current = format!("{}?{}", location.pathname.get_untracked(), search.trim_start_matches('?'));
        if current != target {
            navigate(&target, NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    });
}
