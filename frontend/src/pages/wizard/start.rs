//! The Start step of a new campaign: from scratch, or from a previous campaign, which
//! the API clones into a new draft that the wizard then edits.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use tidings_domain::campaign::CampaignAction;
use tidings_domain::campaign_wire::Campaign;

use super::draft::Draft;
use super::steps::Step;
use crate::api::use_api;
use crate::components::campaign_links::{use_pending_outcome, Outcome};
use crate::components::search_box::SearchBox;
use crate::feedback::{ErrorPanel, Loading};

/// Previous campaigns offered at once; the search finds the others.
const CAMPAIGNS_SHOWN: u32 = 8;

#[component]
pub fn StartStep(draft: Draft, edit_query: String) -> impl IntoView {
    view! {
        <section class="panel wizard-panel" aria-labelledby="step-heading">
            <h2 id="step-heading">"How do you want to start?"</h2>
            <div class="start-options">
                <section class="start-option" aria-labelledby="scratch-heading">
                    <h3 id="scratch-heading">"From scratch"</h3>
                    <p>"Every setting starts empty, in your office."</p>
                    <button type="button" class="button button-primary" on:click=move |_| draft.step.set(Step::General)>
                        "Start from scratch"
                    </button>
                </section>
                <PreviousCampaigns edit_query/>
            </div>
        </section>
    }
}

/// Recent campaigns of every state, searchable by title, each with "Use this campaign".
#[component]
fn PreviousCampaigns(edit_query: String) -> impl IntoView {
    let api = use_api();
    let navigate = use_navigate();
    let pending_outcome = use_pending_outcome();
    // The copy's address once made; followed here, where the router is.
    let go_to = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(href) = go_to.get() {
            navigate(&href, NavigateOptions { replace: true, ..Default::default() });
        }
    });
    let search = RwSignal::new(String::new());
    let campaigns = LocalResource::new(move || {
        let search = search.get();
        async move { api.campaigns(None, &search, &[], 1, CAMPAIGNS_SHOWN).await.map(|page| page.items) }
    });
    let failure = RwSignal::new(None::<String>);
    let cloning = RwSignal::new(None::<i64>);
    let edit_query = StoredValue::new(edit_query);
    let use_campaign = Callback::new(move |campaign: Campaign| {
        cloning.set(Some(campaign.id));
        failure.set(None);
        spawn_local(async move {
            match api.campaign_action(campaign.id, CampaignAction::Clone).await {
                Ok(copy) => {
                    pending_outcome.leave(Outcome::Done {
                        message: format!(
                            "Started from “{}”: its copy “{}” is saved as a draft. Change what you need below.",
                            campaign.title, copy.title
                        ),
                        link: None,
                    });
                    go_to.set(Some(format!("/campaigns/{}/edit{}", copy.id, edit_query.get_value())));
                }
                Err(error) => {
                    cloning.set(None);
                    failure.set(Some(format!("“{}” could not be copied: {}", campaign.title, error.user_message())));
                }
            }
        });
    });

    view! {
        <section class="start-option" aria-labelledby="previous-heading">
            <h3 id="previous-heading">"From a previous campaign"</h3>
            <p>"Its settings are copied into a new draft titled “Copy of …”."</p>
            <SearchBox id="previous-search" label="Search campaigns by title" search/>
            {move || failure.get().map(|message| view! { <p class="alert" role="alert">{message}</p> })}
            <Transition fallback=|| view! { <Loading label="Loading campaigns…"/> }>
                {move || Suspend::new(async move {
                    match campaigns.await {
                        Ok(items) if items.is_empty() => view! { <p class="muted">"No campaign matches."</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="previous-campaigns">
                                {items
                                    .into_iter()
                                    .map(|campaign| {
                                        let id = campaign.id;
                                        let title = campaign.title.clone();
                                        let facts = format!("{} · {}", campaign.state.label(), campaign.office.name);
                                        view! {
                                            <li>
                                                <span class="previous-title">{title.clone()}</span>
                                                <span class="muted">{facts}</span>
                                                <button
                                                    type="button"
                                                    class="button"
                                                    aria-label=format!("Use {title}")
                                                    disabled=move || cloning.get().is_some()
                                                    on:click=move |_| use_campaign.run(campaign.clone())
                                                >
                                                    {move || if cloning.get() == Some(id) { "Copying…" } else { "Use this campaign" }}
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorPanel
                                title="The campaigns could not be loaded"
                                message=error.user_message()
                                retry=Callback::new(move |()| campaigns.refetch())
                            />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
