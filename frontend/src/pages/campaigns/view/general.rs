//! The campaign view's General tab: the settings the campaign was created with, and
//! its history (the audit trail: who created, changed, launched, paused or ended it).

use leptos::prelude::*;
use tidings_domain::campaign::CampaignState;
use tidings_domain::campaign_wire::Campaign;

use crate::api::use_api;
use crate::components::audit::history_line;
use crate::components::local_time::local_time;
use crate::feedback::{ErrorPanel, Loading};

/// The state as shown: "Archived (stopped)" names how an archived campaign ended.
pub fn state_text(campaign: &Campaign) -> String {
    match campaign.archive_kind {
        Some(kind) => format!("{} ({})", campaign.state.label(), kind.label()),
        None => campaign.state.label().to_owned(),
    }
}

/// "08:00–21:00 on each contact's clock", saying when the campaign narrows the
/// organisation's hours.
fn texting_hours_text(campaign: &Campaign) -> String {
    let effective = &campaign.effective_texting_hours;
    let hours = format!("{}–{} on each contact's clock", effective.opens, effective.closes);
    if campaign.texting_hours.is_some() {
        format!("{hours} (narrowed for this campaign)")
    } else {
        format!("{hours} (the organisation's)")
    }
}

#[component]
pub fn GeneralTab(campaign: Campaign) -> impl IntoView {
    let zone = campaign.time_zone.clone();
    let state_text = state_text(&campaign);
    let missing = campaign.readiness.missing.iter().map(|m| m.label.clone()).collect::<Vec<_>>();
    let agents = campaign.agents.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", ");

    view! {
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
                <dt>"Texting hours"</dt>
                <dd class="texting-hours">
                    {texting_hours_text(&campaign)}
                    {campaign.texting_wait.as_ref().map(|wait| {
                        let last = local_time(Some(wait.last_opens_at), &zone);
                        view! {
                            <p class="texting-wait" role="status">
                                {format!("{} {} waiting for their contacts' texting hours; the last should go at ",
                                    wait.waiting, if wait.waiting == 1 { "message is" } else { "messages are" })}
                                {last}
                                "."
                            </p>
                        }
                    })}
                </dd>
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
        <CampaignHistory campaign_id=campaign.id zone=campaign.time_zone.clone()/>
    }
}

/// What was done to the campaign, oldest first, in the campaign's time zone.
#[component]
fn CampaignHistory(campaign_id: i64, zone: String) -> impl IntoView {
    let api = use_api();
    let trail = LocalResource::new(move || async move { api.campaign_audit(campaign_id).await });
    let zone = StoredValue::new(zone);
    view! {
        <section class="panel campaign-history" aria-labelledby="campaign-history-heading">
            <h2 id="campaign-history-heading">"History"</h2>
            {move || match trail.get() {
                None => view! { <Loading label="Loading the history…"/> }.into_any(),
                Some(Ok(entries)) if entries.is_empty() => view! { <p class="empty">"Nothing recorded yet."</p> }.into_any(),
                Some(Ok(entries)) => view! {
                    <ol class="audit-trail">
                        {entries.iter().map(|entry| history_line(entry, &zone.get_value())).collect_view()}
                    </ol>
                }
                .into_any(),
                Some(Err(error)) => view! {
                    <ErrorPanel
                        title="The history could not be loaded"
                        message=error.user_message()
                        retry=Callback::new(move |()| trail.refetch())
                    />
                }
                .into_any(),
            }}
        </section>
    }
}
