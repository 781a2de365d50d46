//! `/campaigns/{id}`: one campaign, in four tabs — Activity (its conversations),
//! General (its settings), Contacts (who it texted and how that went) and Analytics.
//! The tab lives in `?tab=`, so a reload or a shared link opens the same one. A draft or
//! scheduled campaign has only its settings to show.

mod activity;
mod analytics;
mod contacts;
mod general;
mod tabs;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use tidings_domain::campaign::CampaignAction;
use tidings_domain::campaign_wire::{Campaign, LaunchProgress};

use super::actions::ConfirmDialog;
use super::{CampaignsContext, OutcomeBar};
use crate::api::use_api;
use crate::feedback::{ErrorPanel, Loading};
use crate::live::on_live;

use tabs::{ViewTab, ViewTabList, VIEW_PANEL_ID};

/// Loads the campaign named in the path and shows it.
#[component]
pub fn CampaignDetailPage() -> impl IntoView {
    let api = use_api();
    let ctx = CampaignsContext::provide();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    let campaign = LocalResource::new(move || {
        let id = id.get();
        ctx.reload.track();
        async move {
            match id {
                Some(id) => api.campaign(id).await.map(Some),
                None => Ok(None),
            }
        }
    });

    view! {
        <section class="page campaign-detail">
            <p class="breadcrumb"><A href="/campaigns">"← Campaigns"</A></p>
            <OutcomeBar/>
            <Transition fallback=|| view! { <Loading label="Loading the campaign…"/> }>
                {move || Suspend::new(async move {
                    match campaign.await {
                        Ok(Some(campaign)) => view! { <CampaignView campaign/> }.into_any(),
                        Ok(None) => view! {
                            <ErrorPanel title="No such campaign" message="The address does not name a campaign."/>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorPanel
                                title="The campaign could not be loaded"
                                message=error.user_message()
                                retry=Callback::new(move |()| campaign.refetch())
                            />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
            <ConfirmDialog/>
        </section>
    }
}

/// The head (title, state, Edit, End Campaign) and the tabs.
#[component]
fn CampaignView(campaign: Campaign) -> impl IntoView {
    let query = use_query_map();
    let tabs = ViewTab::of(&campaign);
    let default_tab = tabs[0];
    let available = tabs.clone();
    let current = Memo::new(move |_| {
        ViewTab::from_slug(query.read().get("tab").as_deref())
            .filter(|tab| available.contains(tab))
            .unwrap_or(default_tab)
    });
    let id = campaign.id;
    let for_panel = campaign.clone();
    let panel = move || {
        let campaign = for_panel.clone();
        match current.get() {
            ViewTab::Activity => activity_panel(campaign),
            ViewTab::General => general_panel(campaign),
            tab => insight_panel(tab, campaign),
        }
    };

    let progress = campaign.launch_progress;
    view! {
        <CampaignHead campaign=campaign.clone()/>
        {progress.map(|progress| view! { <LaunchProgressBar campaign_id=id progress/> })}
        <ViewTabList campaign_id=id tabs current/>
        <div
            class="tab-panel campaign-panel"
            role="tabpanel"
            id=VIEW_PANEL_ID
            aria-labelledby=move || current.get().tab_id()
        >
            {panel}
        </div>
    }
}

fn activity_panel(campaign: Campaign) -> AnyView {
    view! { <activity::ActivityTab campaign/> }.into_any()
}

fn general_panel(campaign: Campaign) -> AnyView {
    view! { <general::GeneralTab campaign/> }.into_any()
}

fn insight_panel(tab: ViewTab, campaign: Campaign) -> AnyView {
    if tab == ViewTab::Contacts {
        view! { <contacts::ContactsTab campaign/> }.into_any()
    } else {
        view! { <analytics::AnalyticsTab campaign/> }.into_any()
    }
}

/// Title, state (with a link to its tab on the Campaigns page), Edit while it may be
/// edited, and Pause or Resume and End Campaign on a running one.
#[component]
fn CampaignHead(campaign: Campaign) -> impl IntoView {
    let ctx = super::use_campaigns();
    let api = use_api();
    let navigate = use_navigate();
    let tab = super::tabs::Tab::from_slug(Some(campaign.state.as_str()));
    let pause_or_resume =
        campaign.actions.iter().find(|a| matches!(a.action, CampaignAction::Pause | CampaignAction::Resume)).cloned();
    let for_pause = campaign.clone();
    let end = campaign
        .state
        .is_running()
        .then(|| campaign.actions.iter().find(|a| a.action == CampaignAction::Archive).cloned())
        .flatten();
    let state_text = general::state_text(&campaign);
    let edit = campaign.actions.iter().find(|a| a.action == CampaignAction::Edit && a.enabled).map(|_| campaign.id);
    let for_dialog = campaign.clone();

    view! {
        <div class="detail-head">
            <div>
                <h1>{campaign.title.clone()}</h1>
                <p class="muted">
                    <span class=format!("state-pill state-{}", campaign.state.as_str())>{state_text}</span>
                    " · " <A href=tab.href()>{format!("{} tab", tab.label())}</A>
                </p>
            </div>
            {edit.map(|id| view! {
                <A href=format!("/campaigns/{id}/edit") attr:class="button button-primary">"Edit"</A>
            })}
            {pause_or_resume.map(|item| {
                let action = item.action;
                view! {
                    <button
                        type="button"
                        class="button"
                        disabled=!item.enabled
                        title=item.reason.clone()
                        on:click=move |_| super::actions::start(ctx, api, &navigate, for_pause.clone(), action)
                    >
                        {item.label.clone()}
                    </button>
                }
            })}
            {end.map(|end| view! {
                <button
                    type="button"
                    class="button button-danger"
                    disabled=!end.enabled
                    title=end.reason.clone()
                    on:click=move |_| ctx.confirming.set(Some((for_dialog.clone(), CampaignAction::Archive)))
                >
                    "End Campaign"
                </button>
            })}
        </div>
    }
}

/// While a launch is still writing its messages: how far it is, kept up to date from
/// the campaign's live events; once written, the page reloads to show the counts.
#[component]
fn LaunchProgressBar(campaign_id: i64, progress: LaunchProgress) -> impl IntoView {
    // Its own stream while the launch writes: only Activity and the inbox open one, and
    // `on_live` hears nothing without it (the bar stood still on the other tabs).
    crate::live::provide_live();
    let ctx = super::use_campaigns();
    let api = use_api();
    let current = RwSignal::new(progress);
    on_live(
        move |event| event.touches_campaign(campaign_id),
        move || {
            spawn_local(async move {
                // A failed read waits for the next event (or a reload).
                if let Ok(campaign) = api.campaign(campaign_id).await {
                    match campaign.launch_progress {
                        Some(progress) => current.set(progress),
                        None => ctx.reload.update(|n| *n += 1),
                    }
                }
            });
        },
    );
    view! {
        <div class="launch-progress" role="status">
            <label for="launch-progress-bar">
                {move || {
                    let LaunchProgress { written, total } = current.get();
                    format!("Writing the launch messages: {written} of {total} contacts")
                }}
            </label>
            <progress
                id="launch-progress-bar"
                max=move || current.get().total.max(1).to_string()
                value=move || current.get().written.to_string()
            ></progress>
        </div>
    }
}
