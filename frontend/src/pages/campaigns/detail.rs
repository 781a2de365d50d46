//! `/campaigns/{id}`: a campaign's General settings, with End Campaign on an active one
//! and Edit on one that may still be edited.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tidings_domain::campaign::{CampaignAction, CampaignState};
use tidings_domain::campaign_wire::Campaign;

use super::actions::ConfirmDialog;
use super::local_time::local_time;
use super::tabs::Tab;
use super::{CampaignsContext, OutcomeBar};
use crate::api::use_api;
use crate::feedback::{ErrorPanel, Loading};

/// Loads the campaign named in the path and shows its settings.
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
                        Ok(Some(campaign)) => view! { <General campaign/> }.into_any(),
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

#[component]
fn General(campaign: Campaign) -> impl IntoView {
    let ctx = super::use_campaigns();
    let zone = campaign.time_zone.clone();
    let tab = match campaign.state {
        CampaignState::Active => Tab::Active,
        CampaignState::Scheduled => Tab::Scheduled,
        CampaignState::Draft => Tab::Draft,
        CampaignState::Archived => Tab::Archived,
    };
    let end = (campaign.state == CampaignState::Active)
        .then(|| campaign.actions.iter().find(|a| a.action == CampaignAction::Archive).cloned())
        .flatten();
    let state_text = match campaign.archive_kind {
        Some(kind) => format!("{} ({})", campaign.state.label(), kind.label()),
        None => campaign.state.label().to_owned(),
    };
    let missing = campaign.readiness.missing.iter().map(|m| m.label.clone()).collect::<Vec<_>>();
    let agents = campaign.agents.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", ");
    let for_dialog = campaign.clone();
    let edit = campaign.actions.iter().find(|a| a.action == CampaignAction::Edit && a.enabled).map(|_| campaign.id);

    view! {
        <div class="detail-head">
            <div>
                <h1>{campaign.title.clone()}</h1>
                <p class="muted">
                    <span class=format!("state-pill state-{}", campaign.state.as_str())>{state_text.clone()}</span>
                    " · " <A href=tab.href()>{format!("{} tab", tab.label())}</A>
                </p>
            </div>
            {edit.map(|id| view! {
                <A href=format!("/campaigns/{id}/edit") attr:class="button button-primary">"Edit"</A>
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
        <section class="panel general">
            <h2>"General"</h2>
            <dl class="settings">
                <dt>"Title"</dt>
                <dd>{campaign.title.clone()}</dd>
                <dt>"State"</dt>
                <dd>{state_text}</dd>
                <dt>"Office"</dt>
                <dd>{campaign.office.name.clone()}</dd>
                <dt>"Phone number"</dt>
                <dd>
                    {campaign.phone_number.as_ref().map_or("Not chosen".to_owned(), |n| {
                        format!("{} ({})", n.display, n.kind.label())
                    })}
                </dd>
                <dt>"Contact list"</dt>
                <dd>
                    {campaign.contact_list.as_ref().map_or("Not chosen".to_owned(), |l| {
                        format!("{} ({} contacts)", l.name, l.contact_count)
                    })}
                </dd>
                <dt>"Operated by"</dt>
                <dd>{campaign.operated_by.label()}</dd>
                <dt>"Tags"</dt>
                <dd>
                    <ul class="chips">
                        {campaign.tags.iter().map(|t| view! { <li class="chip">{t.clone()}</li> }).collect_view()}
                    </ul>
                </dd>
                <dt>"Time zone"</dt>
                <dd>{campaign.time_zone.clone()}</dd>
                <dt>"Message"</dt>
                <dd class="message-template">
                    {if campaign.message_template.is_empty() {
                        "No message yet".to_owned()
                    } else {
                        campaign.message_template.clone()
                    }}
                    {campaign.append_opt_out.then(|| view! { <span class="muted">" Reply STOP to opt out."</span> })}
                </dd>
                <dt>"Agents"</dt>
                <dd>{if agents.is_empty() { "None".to_owned() } else { agents }}</dd>
                <dt>"Created"</dt>
                <dd>{local_time(Some(campaign.created_at), &zone)}</dd>
                <dt>"Last updated"</dt>
                <dd>{local_time(Some(campaign.updated_at), &zone)}</dd>
                <dt>"Scheduled for"</dt>
                <dd>{local_time(campaign.scheduled_at, &zone)}</dd>
                <dt>"Launched"</dt>
                <dd>{local_time(campaign.launched_at, &zone)}</dd>
                <dt>"Archived"</dt>
                <dd>{local_time(campaign.archived_at, &zone)}</dd>
                {(campaign.state == CampaignState::Draft).then(|| view! {
                    <dt>"Ready to launch"</dt>
                    <dd>
                        {if missing.is_empty() {
                            view! { "Yes" }.into_any()
                        } else {
                            view! {
                                "Not yet. Still needed:"
                                <ul class="missing">
                                    {missing.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }}
                    </dd>
                })}
            </dl>
        </section>
    }
}
