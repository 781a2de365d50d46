//! The campaign view's Analytics tab: Campaign Send Status, Engagement, Responses and
//! Contact Message Activity, each a chart with its figures as text beside it.

mod charts;

use leptos::prelude::*;
use tidings_domain::analytics::ActivityBucket;
use tidings_domain::analytics_wire::{Activity, CampaignAnalytics, Engagement, Responses, SendStatus};
use tidings_domain::campaign_wire::Campaign;

use crate::api::use_api;
use crate::feedback::{ErrorPanel, Loading};
use charts::{activity_chart, bar_chart, bucket_noun, capitalised, columns, figures, spoken, Bar};

#[component]
pub fn AnalyticsTab(campaign: Campaign) -> impl IntoView {
    let api = use_api();
    let id = campaign.id;
    let analytics = LocalResource::new(move || async move { api.campaign_analytics(id).await });

    view! {
        <Transition fallback=|| view! { <Loading label="Loading the analytics…"/> }>
            {move || Suspend::new(async move {
                match analytics.await {
                    Ok(analytics) => view! { <Dashboard analytics/> }.into_any(),
                    Err(error) => view! {
                        <ErrorPanel
                            title="The analytics could not be loaded"
                            message=error.user_message()
                            retry=Callback::new(move |()| analytics.refetch())
                        />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Dashboard(analytics: CampaignAnalytics) -> impl IntoView {
    view! {
        <div class="analytics">
            <SendStatusCard status=analytics.send_status/>
            <EngagementCard engagement=analytics.engagement/>
            <ResponsesCard responses=analytics.responses/>
            <ActivityCard activity=analytics.activity/>
        </div>
    }
}

/// A chart's card: its heading names the section.
fn card(id: &'static str, title: &'static str, body: impl IntoView) -> impl IntoView {
    view! {
        <section class=format!("panel chart-card {id}") aria-labelledby=format!("{id}-heading")>
            <h2 id=format!("{id}-heading")>{title}</h2>
            {body}
        </section>
    }
}

#[component]
fn SendStatusCard(status: SendStatus) -> impl IntoView {
    let bars = [
        Bar { label: "Total", value: status.total, class: "series-total" },
        Bar { label: "Successful", value: status.successful, class: "series-good" },
        Bar { label: "Failed", value: status.failed, class: "series-bad" },
        Bar { label: "In progress", value: status.in_progress, class: "series-waiting" },
        Bar { label: "Cancelled", value: status.cancelled, class: "series-neutral" },
    ];
    let summary = format!("Campaign Send Status: {}", spoken(&bars));
    let failures = if status.failures.is_empty() {
        view! { <p class="muted">"No message failed."</p> }.into_any()
    } else {
        view! {
            <ul class="failure-reasons">
                {status
                    .failures
                    .into_iter()
                    .map(|failure| view! {
                        <li>
                            <span class="failure-count">{failure.count}</span>
                            <span class="failure-reason">{failure.reason}</span>
                            {failure.code.map(|code| view! { <span class="muted">{format!(" (error {code})")}</span> })}
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    card(
        "send-status",
        "Campaign Send Status",
        view! {
            {figures(&bars)}
            {bar_chart(&summary, &bars)}
            <h3>"Failure reasons"</h3>
            {failures}
        },
    )
}

/// `rate` (a fraction) as a percentage to one decimal, in whole-number arithmetic so
/// the wasm carries no float formatting.
pub fn percentage(rate: f64) -> String {
    let tenths = (rate * 1000.0).round() as i64;
    format!("{}.{}%", tenths / 10, (tenths % 10).abs())
}

#[component]
fn EngagementCard(engagement: Engagement) -> impl IntoView {
    let bars = [
        Bar { label: "Sent", value: engagement.sent, class: "series-total" },
        Bar { label: "Responded", value: engagement.responded, class: "series-good" },
        Bar { label: "Opt-outs", value: engagement.opt_outs, class: "series-bad" },
    ];
    let rate = engagement.rate.map(percentage);
    let summary = format!(
        "Engagement: {}; rate of engagement {}",
        spoken(&bars),
        rate.clone().unwrap_or_else(|| "not yet known".to_owned())
    );
    card(
        "engagement",
        "Engagement",
        view! {
            <p class="headline-figure">
                <span class="headline-label">"Rate of Engagement"</span>
                <span class="headline-value" data-figure="rate">{rate.unwrap_or_else(|| "—".to_owned())}</span>
                <span class="muted headline-note">
                    {format!("{} responded of {} sent", engagement.responded, engagement.sent)}
                </span>
            </p>
            {figures(&bars)}
            {bar_chart(&summary, &bars)}
        },
    )
}

/// A duration as people say it: its two largest units, "4 min 10 s", "2 h 5 min", "1 d".
pub fn humanised(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let parts =
        [(seconds / 86_400, "d"), (seconds % 86_400 / 3600, "h"), (seconds % 3600 / 60, "min"), (seconds % 60, "s")];
    let Some(first) = parts.iter().position(|(amount, _)| *amount > 0) else {
        return "0 s".to_owned();
    };
    parts[first..]
        .iter()
        .take(2)
        .filter(|(amount, _)| *amount > 0)
        .map(|(amount, unit)| format!("{amount} {unit}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn humanised_or_dash(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "—".to_owned(), humanised)
}

#[component]
fn ResponsesCard(responses: Responses) -> impl IntoView {
    let bars = [
        Bar { label: "Contact responses", value: responses.contact_responses, class: "series-total" },
        Bar { label: "Agent responses", value: responses.agent_responses, class: "series-good" },
        Bar { label: "Chatbot responses", value: responses.chatbot_responses, class: "series-waiting" },
    ];
    let median = humanised_or_dash(responses.median_agent_response_seconds);
    let summary = format!("Responses: {}; median agent response time {median}", spoken(&bars));
    let agents = if responses.per_agent.is_empty() {
        view! { <p class="muted">"No agent has replied yet."</p> }.into_any()
    } else {
        view! {
            <table class="campaign-table agent-table">
                <caption class="visually-hidden">"Responses per agent"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Agent"</th>
                        <th scope="col">"Responses"</th>
                        <th scope="col">"Median response time"</th>
                        <th scope="col">"90th percentile"</th>
                    </tr>
                </thead>
                <tbody>
                    {responses
                        .per_agent
                        .into_iter()
                        .map(|agent| view! {
                            <tr>
                                <th scope="row">{agent.agent.name}</th>
                                <td>{agent.responses}</td>
                                <td>{humanised_or_dash(agent.median_response_seconds)}</td>
                                <td>{humanised_or_dash(agent.p90_response_seconds)}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    card(
        "responses",
        "Responses",
        view! {
            <div class="card-columns">
                <div>
                    <p class="headline-figure">
                        <span class="headline-label">"Median agent response time"</span>
                        <span class="headline-value" data-figure="median">{median}</span>
                        <span class="muted headline-note">
                            {format!("90th percentile {}", humanised_or_dash(responses.p90_agent_response_seconds))}
                        </span>
                    </p>
                    {figures(&bars)}
                    {bar_chart(&summary, &bars)}
                </div>
                <div>
                    <h3>"Per agent"</h3>
                    {agents}
                </div>
            </div>
        },
    )
}

#[component]
fn ActivityCard(activity: Option<Activity>) -> impl IntoView {
    let body = match activity.and_then(|a| ActivityBucket::parse(&a.bucket).map(|bucket| (a, bucket))) {
        None => view! { <p class="muted">"Nothing to show until the campaign launches."</p> }.into_any(),
        Some((activity, bucket)) => activity_body(&activity, bucket).into_any(),
    };
    card("activity", "Contact Message Activity", body)
}

fn activity_body(activity: &Activity, bucket: ActivityBucket) -> impl IntoView {
    let noun = bucket_noun(bucket);
    let columns = columns(activity, bucket);
    let sent: i64 = columns.iter().map(|c| c.outbound).sum();
    let received: i64 = columns.iter().map(|c| c.inbound).sum();
    let busiest = columns.iter().filter(|c| c.outbound + c.inbound > 0).max_by_key(|c| c.outbound + c.inbound);
    let summary = format!(
        "Contact Message Activity per {noun}, {} {noun}s: {sent} messages sent to contacts, {received} received from them{}",
        columns.len(),
        busiest.map_or(String::new(), |c| format!("; busiest {noun} {} with {}", c.long, c.outbound + c.inbound)),
    );
    let legend = [
        Bar { label: "Sent to contacts", value: sent, class: "series-sent" },
        Bar { label: "Received from contacts", value: received, class: "series-received" },
    ];
    let rows = columns
        .iter()
        .filter(|c| c.outbound + c.inbound > 0)
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.long.clone()}</th>
                    <td>{c.outbound}</td>
                    <td>{c.inbound}</td>
                    <td>{c.outbound + c.inbound}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted">{format!("{} in {}", bucket.label(), activity.time_zone)}</p>
        {figures(&legend)}
        {activity_chart(&summary, bucket, &activity.time_zone, &columns)}
        <details class="activity-figures">
            <summary>{format!("Figures per {noun}")}</summary>
            <table class="campaign-table">
                <thead>
                    <tr>
                        <th scope="col">{capitalised(noun)}</th>
                        <th scope="col">"Sent"</th>
                        <th scope="col">"Received"</th>
                        <th scope="col">"Total"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_their_two_largest_units() {
        assert_eq!(humanised(0), "0 s");
        assert_eq!(humanised(45), "45 s");
        assert_eq!(humanised(250), "4 min 10 s");
        assert_eq!(humanised(240), "4 min");
        assert_eq!(humanised(3600), "1 h");
        assert_eq!(humanised(3661), "1 h 1 min");
        assert_eq!(humanised(7205), "2 h");
        assert_eq!(humanised(93_600), "1 d 2 h");
    }

    #[test]
    fn rates_are_percentages_to_one_decimal() {
        assert_eq!(percentage(0.0), "0.0%");
        assert_eq!(percentage(0.25), "25.0%");
        assert_eq!(percentage(1.0 / 3.0), "33.3%");
        assert_eq!(percentage(1.0), "100.0%");
    }
}
